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
RELATED = DATA / "related.csv"  # figures shown beside a target, never judged on
INPUT_TERMS = REGISTRY / "input_terms.yaml"  # the words of the files people send
DEPARTMENTS = REGISTRY / "departments.yaml"  # who publishes or holds each figure
RELATED_LINKS = REGISTRY / "related.yaml"  # observed indicators shown beside a target they speak to
