"""Project paths, derived from the project root in one place."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
PLAN = DATA / "plan.txt"
REGISTRY = DATA / "registry"
OBSERVATIONS = DATA / "observations.csv"
MILESTONES = DATA / "milestones.csv"
SCENARIOS = DATA / "scenarios.yaml"
USER_SCENARIOS = DATA / "scenarios.user.yaml"  # saved from the scenario explorer
NOTEBOOKS = ROOT / "notebooks"
OUTPUTS = ROOT / "outputs"
PYPROJECT = ROOT / "pyproject.toml"
LOCK = ROOT / "requirements.lock"  # every distribution pinned, with hashes (kzlib.lock)
