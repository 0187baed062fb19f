"""Project paths, derived from the project root in one place."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "data"
PLAN = DATA / "plan.txt"
REGISTRY = DATA / "registry"
OBSERVATIONS = DATA / "observations.csv"
MILESTONES = DATA / "milestones.csv"
SCENARIOS = DATA / "scenarios.yaml"
NOTEBOOKS = ROOT / "notebooks"
OUTPUTS = ROOT / "outputs"
