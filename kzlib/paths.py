"""Project paths, derived from the project root in one place; the environment variable KZ_ROOT overrides the root.

Every path is computed when it is read (`paths.DATA`, `paths.OBSERVATIONS` …), so a test or another install
points kzlib at another project folder by setting KZ_ROOT, without patching this module.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_ROOT = "KZ_ROOT"
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DATA = Path(__file__).resolve().parent / "data"  # vocabulary shipped with kzlib itself
PLAN_PHRASES = PACKAGE_DATA / "plan_phrases.yaml"  # the words kz plan draft reads a plan text with
# Name -> path relative to the project root.
LAYOUT = {
    "DATA": "data",
    "PLAN": "data/plan.txt",
    "REGISTRY": "data/registry",
    "BULLETIN_TERMS": "data/registry/bulletin_terms.yaml",  # how statistical bulletins word each figure
    "INPUT_TERMS": "data/registry/input_terms.yaml",  # the words of the files people send
    "DEPARTMENTS": "data/registry/departments.yaml",  # who publishes or holds each figure
    "RELATED_LINKS": "data/registry/related.yaml",  # observed indicators shown beside a target they speak to
    "OBSERVATIONS": "data/observations.csv",
    "MILESTONES": "data/milestones.csv",
    "RELATED": "data/related.csv",  # figures shown beside a target, never judged on
    "COMMENTARY": "data/commentary",  # <lang>/action-NN.md and <lang>/overview.md: the briefs' written commentary
    "SCENARIOS": "data/scenarios.yaml",
    "USER_SCENARIOS": "data/scenarios.user.yaml",  # saved from the scenario explorer
    "NOTEBOOKS": "notebooks",
    "PYPROJECT": "pyproject.toml",
    "LOCK": "requirements.lock",  # every distribution the Quick start installs, pinned with hashes
    "OUTPUTS": "outputs",
}


def root() -> Path:
    """The project root: KZ_ROOT when set, else the folder that holds the kzlib package."""
    value = os.environ.get(ENV_ROOT, "").strip()
    return Path(value).expanduser().resolve() if value else PACKAGE_ROOT


def __getattr__(name: str) -> Path:
    if name == "ROOT":
        return root()
    if name in LAYOUT:
        return root() / LAYOUT[name]
    raise AttributeError(f"module 'kzlib.paths' has no attribute {name!r}")


def shown(path: str | Path) -> str:
    """A path as a user reads it in a message: as typed when relative, relative to the project when inside it."""
    p = Path(path)
    if not p.is_absolute():
        return str(path)
    try:
        return str(p.resolve().relative_to(root()))
    except ValueError:
        return str(path)
