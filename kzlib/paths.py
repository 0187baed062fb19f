"""Project paths, derived from the project root and the plan in use in one place.

The environment variable KZ_ROOT overrides the root, KZ_PLAN the plan (an id in data/plans/ or a folder). Every
path is computed when it is read (`paths.REGISTRY`, `paths.OBSERVATIONS` …: the plan's; `paths.NOTEBOOKS`,
`paths.LOCK`: the project's), so a test, another install or another plan is pointed at by setting a variable,
without patching this module.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV_ROOT = "KZ_ROOT"
ENV_PLAN = "KZ_PLAN"  # the plan pack in use: an id in data/plans/ or a folder (kzlib.plans.use sets it)
DEFAULT_PLAN = "kaizhou-2023-2027"  # used when KZ_PLAN is not set and data/plans/ holds it
PLAN_FILE = "plan.yaml"
PACKAGE_ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DATA = Path(__file__).resolve().parent / "data"  # vocabulary shipped with kzlib itself
PLAN_PHRASES = PACKAGE_DATA / "plan_phrases.yaml"  # the words kz plan draft reads a plan text with
# Name -> path relative to the project root.
LAYOUT = {
    "DATA": "data",
    "PLANS": "data/plans",  # one folder per plan: a plan pack (kzlib.plans)
    "INPUT_TERMS": "data/terms/input_terms.yaml",  # the words of the files people send, whatever the plan
    "NOTEBOOKS": "notebooks",
    "PYPROJECT": "pyproject.toml",
    "LOCK": "requirements.lock",  # every distribution the Quick start installs, pinned with hashes
    "OUTPUTS_ROOT": "outputs",  # outputs/<plan id>/ for each plan
}
# Name -> path relative to the folder of the plan in use (data/plans/<id>/).
PLAN_LAYOUT = {
    "PLAN_DIR": ".",
    "PLAN": "plan.txt",
    "REGISTRY": "registry",
    "BULLETIN_TERMS": "registry/bulletin_terms.yaml",  # how this plan's district words each figure in its bulletins
    "DEPARTMENTS": "registry/departments.yaml",  # who publishes or holds each figure
    "RELATED_LINKS": "registry/related.yaml",  # observed indicators shown beside a target they speak to
    "OBSERVATIONS": "observations.csv",
    "MILESTONES": "milestones.csv",
    "RELATED": "related.csv",  # figures shown beside a target, never judged on
    "COMMENTARY": "commentary",  # <lang>/action-NN.md and <lang>/overview.md: the briefs' written commentary
    "SCENARIOS": "scenarios.yaml",
    "USER_SCENARIOS": "scenarios.user.yaml",  # saved from the scenario explorer
}


def root() -> Path:
    """The project root: KZ_ROOT when set, else the folder that holds the kzlib package."""
    value = os.environ.get(ENV_ROOT, "").strip()
    return Path(value).expanduser().resolve() if value else PACKAGE_ROOT


def plan_ids() -> list[str]:
    """The ids of the plan packs in data/plans/, sorted."""
    folder = root() / LAYOUT["PLANS"]
    return sorted(p.name for p in folder.iterdir() if (p / PLAN_FILE).is_file()) if folder.is_dir() else []


def find_plan(name: str | Path) -> Path | None:
    """The folder of a plan named by its id (data/plans/<id>) or by a folder holding plan.yaml; None if neither."""
    text = str(name).strip()
    given = Path(text).expanduser()
    if text and (given / PLAN_FILE).is_file():
        return given.resolve()
    inside = root() / LAYOUT["PLANS"] / text
    return inside.resolve() if text and (inside / PLAN_FILE).is_file() else None


def plan_name() -> str:
    """The plan in use: KZ_PLAN, else DEFAULT_PLAN, else the only pack in data/plans/."""
    named = os.environ.get(ENV_PLAN, "").strip()
    if named:
        return named
    packs = plan_ids()
    return packs[0] if len(packs) == 1 and DEFAULT_PLAN not in packs else DEFAULT_PLAN


def plan_dir() -> Path:
    """The folder of the plan in use (data/plans/<id>/ unless KZ_PLAN names another folder)."""
    found = find_plan(plan_name())
    return found if found is not None else root() / LAYOUT["PLANS"] / plan_name()


def __getattr__(name: str) -> Path:
    if name == "ROOT":
        return root()
    if name == "OUTPUTS":
        return root() / LAYOUT["OUTPUTS_ROOT"] / plan_dir().name
    if name in LAYOUT:
        return root() / LAYOUT[name]
    if name in PLAN_LAYOUT:
        folder = plan_dir()
        return folder if PLAN_LAYOUT[name] == "." else folder / PLAN_LAYOUT[name]
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
