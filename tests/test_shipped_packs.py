"""Every plan pack shipped under data/plans/ is complete and consistent: its plan.yaml, registry, figures,
milestone records and scenarios load, and kzlib assesses every target of it."""

from __future__ import annotations

import datetime
from pathlib import Path

import pandas as pd
import pytest
import yaml

from kzlib import assess, paths, units
from kzlib.observations import load_milestones, load_observations
from kzlib.registry import NUMERIC_KINDS, load_registry
from kzlib.scenarios import load_scenarios

PLANS = paths.PACKAGE_ROOT / "data" / "plans"
PACKS = sorted(p for p in PLANS.glob("*") if (p / "plan.yaml").exists()) if PLANS.exists() else []
PLAN_FIELDS = ("id", "title_zh", "title_en", "start_year", "end_year", "base_year", "section_zh", "section_en")
PACK_FILES = ("plan.txt", "observations.csv", "milestones.csv", "scenarios.yaml")
RELATIVE_KINDS = ("growth", "change", "multiple")  # stated in % or times, not in the indicator's unit


def _plan(pack: Path) -> dict:
    return yaml.safe_load((pack / "plan.yaml").read_text(encoding="utf-8"))


def test_data_plans_holds_a_pack():
    assert PACKS, "no plan pack under data/plans/"


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.name)
def test_plan_yaml_describes_the_pack(pack):
    plan = _plan(pack)
    assert not [f for f in PLAN_FIELDS if plan.get(f) in (None, "")], "plan.yaml lacks a field"
    assert plan["id"] == pack.name
    assert plan["start_year"] - 1 <= plan["base_year"] < plan["start_year"] <= plan["end_year"]
    assert isinstance(plan.get("date", datetime.date.min), datetime.date)
    assert plan.get("source_link", "https://").startswith(("http://", "https://"))
    assert not [n for n in PACK_FILES if not (pack / n).exists()]


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.name)
def test_figure_files_have_the_shipped_columns(pack):
    for name in ("observations.csv", "milestones.csv"):
        shipped = pd.read_csv(PLANS / paths.DEFAULT_PLAN / name, nrows=0).columns.tolist()
        assert pd.read_csv(pack / name, nrows=0).columns.tolist() == shipped, name


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.name)
def test_targets_fall_in_the_plan_period_and_match_their_indicator_units(pack):
    plan = _plan(pack)
    reg = load_registry(root=pack / "registry", plan=pack / "plan.txt")
    assert reg.targets["target_year"].between(plan["start_year"], plan["end_year"]).all()
    indicator_unit = dict(zip(reg.indicators["id"], reg.indicators["unit"], strict=True))
    numeric = reg.targets[reg.targets["kind"].isin(NUMERIC_KINDS) & ~reg.targets["kind"].isin(RELATIVE_KINDS)]
    unmatched = [t.id for t in numeric.itertuples()
                 if units.normalise(t.unit) != units.normalise(indicator_unit[t.indicator])
                 and not units.convertible(t.unit, indicator_unit[t.indicator])]
    assert not unmatched


@pytest.mark.parametrize("pack", PACKS, ids=lambda p: p.name)
def test_every_target_of_the_pack_is_assessed(pack, monkeypatch):
    plan = _plan(pack)
    monkeypatch.setenv(paths.ENV_PLAN, str(pack))  # the pack is the plan in use
    reg = load_registry()
    observations = load_observations(registry=reg)
    milestones = load_milestones(registry=reg)
    assert set(load_scenarios(paths.SCENARIOS, registry=reg)) >= {"trend", "plan"}
    milestone_ids = set(reg.targets.loc[reg.targets["kind"] == "milestone", "id"])
    assert set(milestones["target"]) <= milestone_ids
    assert milestones["year"].between(plan["base_year"] - 3, datetime.date.today().year).all()
    table = assess.assess(reg, observations, milestones=milestones)
    assert sorted(table["id"]) == sorted(reg.targets["id"])
    recorded = table[table["id"].isin(milestones["target"])]
    assert not recorded["status"].eq("no_data").any()
