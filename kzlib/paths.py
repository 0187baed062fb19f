"""Project paths, derived from the project root in one place."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGE_DATA = Path(__file__).resolve().parent / "data"  # vocabulary shipped with kzlib itself
PLAN_PHRASES = PACKAGE_DATA / "plan_phrases.yaml"  # the words kz plan draft reads a plan text with
DATA = ROOT / "data"
PLAN = DATA / "plan.txt"
REGISTRY = DATA / "registry"
OBSERVATIONS = DATA / "observations.csv"
MILESTONES = DATA / "milestones.csv"
SCENARIOS = DATA / "scenarios.yaml"
USER_SCENARIOS = DATA / "scenarios.user.yaml"  # saved from the scenario explorer
NOTEBOOKS = ROOT / "notebooks"
OUTPUTS = ROOT / "outputs"
