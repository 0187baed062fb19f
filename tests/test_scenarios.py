"""kzlib.scenarios: the scenarios file, projections with bands, and scenario outcomes in assess()."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from factories import registry, target

from kzlib import assess, paths, scenarios
from kzlib.errors import ScenarioError
from kzlib.scenarios import Scenario


def obs(series: dict[int, float], indicator: str = "x") -> pd.DataFrame:
    """Observations of one indicator."""
    return pd.DataFrame({"indicator": indicator, "year": list(series), "value": [float(v) for v in series.values()]})


TREND = Scenario("trend", "延续现有趋势", "Current trend continues")
PLAN = Scenario("plan", "按目标路径推进", "Plan path", base="plan")
TEN = {2022: 100, 2024: 121}  # 10 % a year since the base year 2022
GOAL = target(value=161.051)  # 100 * 1.1^5 in 2027


# ------------------------------------------------------------------------------------------ the file

def test_shipped_file_is_valid_and_labels_assumptions(project_registry):
    found = scenarios.load_scenarios(paths.SCENARIOS, registry=project_registry)  # shipped: no user file
    assert {"trend", "plan"} <= set(found)
    assert found["plan"].base == "plan" and found["trend"].base == "trend"
    custom = [s for s in found.values() if s.assumption]
    assert custom, "at least one illustrative custom scenario"
    for s in custom:
        assert "示例假设" in s.label_zh and "illustrative assumption" in s.label_en
    assert found["slow"].shift == {"gdp": pytest.approx(-0.02), "retail_sales": pytest.approx(-0.02)}
    assert found["trend"].label_zh == "按现有趋势测算"  # a projection, as a planning office names it


def test_bad_file_names_file_entry_line_and_column(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("scenarios:\n  ok:\n    label_zh: 好\n    label_en: ok\n"
                    "  bad:\n    label_zh: 坏\n    base: sideways\n    growth: {x: fast}\n    colour: red\n",
                    encoding="utf-8")
    with pytest.raises(ScenarioError) as err:
        scenarios.load_scenarios(path)
    problems = {(p.entry, p.column): p for p in err.value.problems}
    assert set(problems) == {("bad", "label_en"), ("bad", "base"), ("bad", "growth"), ("bad", "colour")}
    assert all(p.row == 5 and p.file.endswith("s.yaml") for p in problems.values())
    assert "sideways" in problems[("bad", "base")].message


def test_unknown_indicator_with_a_registry(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("scenarios:\n  a:\n    label_zh: 甲\n    label_en: a\n    values: {nope: {2025: 1}}\n",
                    encoding="utf-8")
    assert scenarios.load_scenarios(path)["a"].values == {"nope": {2025: 1.0}}
    with pytest.raises(ScenarioError, match="unknown indicator 'nope'"):
        scenarios.load_scenarios(path, registry=registry(GOAL))


def test_unreadable_and_empty_files(tmp_path):
    broken = tmp_path / "broken.yaml"
    broken.write_text("scenarios: [unclosed\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="broken.yaml: cannot be read"):
        scenarios.load_scenarios(broken)
    empty = tmp_path / "empty.yaml"
    empty.write_text("# nothing\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="expected 'scenarios:'"):
        scenarios.load_scenarios(empty)


def test_unknown_name_lists_the_choices(tmp_path):
    path = tmp_path / "s.yaml"
    path.write_text("scenarios:\n  a:\n    label_zh: 甲\n    label_en: a\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="no scenario 'b'; expected one of a"):
        scenarios.get_scenario("b", path)


def test_bad_overrides():
    with pytest.raises(ScenarioError) as err:
        assess.assess(registry(GOAL), obs(TEN), overrides={"nope": 0.05, "x": -1.5})
    assert {p.entry for p in err.value.problems} == {"nope", "x"}


# ------------------------------------------------------------------------------------------ project()

def test_trend_projection():
    # 10 %/yr since 2022: 121 -> 133.1 (2025) -> 146.41 (2026) -> 161.051 (2027); 1 change: no band
    df = scenarios.project(registry(GOAL), obs(TEN), TREND)
    future = df[df["kind"] == "projected"]
    assert list(future["year"]) == [2025, 2026, 2027]
    assert future["value"].tolist() == pytest.approx([133.1, 146.41, 161.051])
    assert future["lo90"].isna().all()
    assert list(df[df["kind"] == "observed"]["year"]) == [2022, 2024]


def test_projection_band_surrounds_the_central_path():
    series = {2018: 80, 2019: 86, 2020: 90, 2021: 99, 2022: 100, 2023: 111, 2024: 121}
    df = scenarios.project(registry(GOAL), obs(series), TREND)
    future = df[df["kind"] == "projected"]
    assert (future["lo90"] < future["lo50"]).all() and (future["lo50"] < future["value"]).all()
    assert (future["value"] < future["hi50"]).all() and (future["hi50"] < future["hi90"]).all()
    assert np.diff((future["hi90"] - future["lo90"]).to_numpy()).min() > 0  # widens with the horizon
    latest = df[(df["kind"] == "observed") & (df["year"] == 2024)].iloc[0]
    assert latest["lo90"] == latest["hi90"] == 121  # the fan starts at the latest observation


def test_plan_projection_follows_the_most_demanding_target():
    # two targets on x: 150 by 2027 (needs (150/121)^(1/3) - 1 = 7.42 %) and 200 by 2027 (18.2 %)
    reg = registry(target(id="a", value=150), target(id="b", value=200))
    df = scenarios.project(reg, obs(TEN), PLAN)
    assert df[df["year"] == 2027]["value"].iloc[0] == pytest.approx(200)


def test_stated_values_then_the_base_pace():
    # 150 stated for 2025, then the 10 % trend: 165 (2026), 181.5 (2027)
    s = Scenario("v", "值", "values", values={"x": {2025: 150.0}})
    future = scenarios.project(registry(GOAL), obs(TEN), s).query("kind == 'projected'")
    assert future["value"].tolist() == pytest.approx([150, 165, 181.5])


# ------------------------------------------------------------------------------------------ assess(scenario=...)

def test_plan_scenario_just_meets_the_target():
    row = assess.assess(registry(GOAL), obs({2022: 100, 2024: 110}), scenario=PLAN).iloc[0]
    assert row["scenario"] == "plan"
    assert row["scenario_value"] == pytest.approx(161.051)
    assert row["scenario_status"] == "achieved"
    assert row["scenario_year_met"] == 2027


def test_shifted_trend():
    # trend 10 % - 2 points = 8 %: 121 * 1.08^3 = 152.42757 in 2027
    # status: CAGR 100 -> 152.42757 over 5 years = 8.7915 %; / 10 % = 0.879 -> needs_acceleration
    # met when 121 * 1.08^k >= 161.051: k >= ln 1.331 / ln 1.08 = 3.715 -> k = 4 -> 2028
    s = Scenario("slow", "慢", "slow", shift={"x": -0.02})
    row = assess.assess(registry(GOAL), obs(TEN), scenario=s).iloc[0]
    assert row["scenario_value"] == pytest.approx(121 * 1.08 ** 3)
    assert row["scenario_status"] == "needs_acceleration"
    assert row["scenario_year_met"] == 2028
    assert row["scenario_growth"] == pytest.approx(0.08)
    assert row["status"] == "on_track"  # the observed judgement is untouched by the scenario


def test_overrides_beat_the_scenario_and_make_a_custom_one():
    s = Scenario("g", "增", "growth", growth={"x": 0.05})
    row = assess.assess(registry(GOAL), obs(TEN), scenario=s, overrides={"x": 0.15}).iloc[0]
    assert row["scenario_value"] == pytest.approx(121 * 1.15 ** 3)  # 184.02, meets 161.051 -> achieved
    assert row["scenario_status"] == "achieved"
    custom = assess.assess(registry(GOAL), obs(TEN), overrides={"x": 0.05}).iloc[0]
    assert custom["scenario"] == "custom"
    assert custom["scenario_value"] == pytest.approx(121 * 1.05 ** 3)


def test_maintain_under_a_falling_scenario():
    # floor 30 held in 2023 and 2024; shrinking 5 %/yr from 31 breaks it in 2025 (29.45)
    reg = registry(target(kind="maintain", value=30))
    s = Scenario("fall", "降", "fall", growth={"x": -0.05})
    row = assess.assess(reg, obs({2022: 32, 2023: 31.5, 2024: 31}), scenario=s).iloc[0]
    # the trend, 32 -> 31 in two years (-1.56 %/yr), reaches 30.51, 30.03, 29.56: it breaks the floor in 2027
    assert (row["status"], row["break_year"]) == ("at_risk", 2027)
    assert row["scenario_status"] == "at_risk"
    assert row["scenario_value"] == pytest.approx(31 * 0.95 ** 3)  # 26.58 in 2027 under the scenario
    held = assess.assess(reg, obs({2022: 32, 2023: 31.5, 2024: 31}), scenario=Scenario("up", "升", "up",
                                                                                         growth={"x": 0.01})).iloc[0]
    assert held["scenario_status"] == "on_track"


def test_scenario_by_name_from_the_shipped_file(project_registry):
    df = assess.assess(project_registry, pd.DataFrame(columns=["indicator", "year", "value"]), scenario="trend")
    assert (df["scenario"] == "trend").all()


def test_scenario_probability_moves_with_the_assumed_growth():
    series = {2018: 80, 2019: 86, 2020: 90, 2021: 99, 2022: 100, 2023: 111, 2024: 121}
    low = assess.assess(registry(GOAL), obs(series), overrides={"x": 0.0}).iloc[0]["scenario_probability"]
    high = assess.assess(registry(GOAL), obs(series), overrides={"x": 0.2}).iloc[0]["scenario_probability"]
    assert 0 <= low < high <= 1
    assert math.isfinite(low)


def test_the_trend_of_a_floor_follows_the_plan_years_in_the_chart_and_the_judgement_alike():
    # new jobs 15266 (2020), 8285 (2023), 7998 (2024): the trend of a floor is 2023 -> 2024, -3.464 %/yr
    floor = target(kind="flow", value=7000)
    series = {2020: 15266, 2023: 8285, 2024: 7998}
    path = scenarios.project(registry(floor), obs(series), TREND).query("kind == 'projected'")
    assert path.set_index("year").loc[2027, "value"] == pytest.approx(7998 * (7998 / 8285) ** 3)
    row = assess.assess(registry(floor), obs(series), scenario=TREND).iloc[0]
    assert row["scenario_value"] == pytest.approx(path.set_index("year").loc[2027, "value"])
    # a level target keeps the trend since the base point (2020): (7998/15266)^(1/4) - 1 a year
    level = scenarios.project(registry(target(value=9000)), obs(series), TREND).query("kind == 'projected'")
    assert level.set_index("year").loc[2027, "value"] == pytest.approx(7998 * (7998 / 15266) ** 0.75)


# ------------------------------------------------------------------------------------------ steps beside growth (the explorer)

SHARE = target(kind="share", value=60, comparator=">", unit="%")


def test_a_step_moves_a_share_along_a_line_in_points():
    # 53.34 (2023), 53.94 (2024); a step of 2.1 points a year: 56.04, 58.14, 60.24 -> > 60 met in 2027
    reg = registry(SHARE, indicators={"x": {"measure": "share", "unit": "%"}})
    figures = obs({2023: 53.34, 2024: 53.94})
    s = scenarios.overridden(TREND, steps={"x": 2.1})
    row = assess.assess(reg, figures, scenario=s).iloc[0]
    assert row["scenario_value"] == pytest.approx(60.24)
    assert row["scenario_status"] == "achieved" and row["scenario_year_met"] == 2027
    future = scenarios.project(reg, figures, s).query("kind == 'projected'")
    assert future["value"].tolist() == pytest.approx([56.04, 58.14, 60.24])


def test_overridden_puts_each_assumption_in_place_of_the_scenarios_own():
    s = Scenario("s", "甲", "a", growth={"x": 0.05, "y": 0.02}, step={"z": 1.0}, shift={"w": -0.01, "x2": 0.01})
    new = scenarios.overridden(s, {"z": 0.03}, {"x": 0.5, "w": -0.2})
    assert new.growth == {"y": 0.02, "z": 0.03}
    assert new.step == {"x": 0.5, "w": -0.2}
    assert new.shift == {"x2": 0.01}
    assert (new.name, new.label_zh, new.assumption) == ("s", "甲", False)
    saved = scenarios.with_overrides(s, {"z": 0.03}, "mine", "我的", "Mine", steps={"x": 0.5})
    assert saved.assumption and saved.name == "mine" and saved.step == {"x": 0.5} and saved.growth["z"] == 0.03


def test_a_saved_step_is_written_and_read_in_the_indicators_unit(tmp_path, project_registry):
    start = scenarios.load_scenarios(registry=project_registry)["gdp_6pct"]
    new = scenarios.with_overrides(start, {"gdp": 0.093}, "mine", "我的", "Mine", steps={"urbanisation_rate": 1.2})
    entry = scenarios.entry_of(new)
    assert entry["growth"] == {"gdp": 9.3} and entry["step"] == {"urbanisation_rate": 1.2}
    path = scenarios.save_scenario(new, tmp_path / "user.yaml", registry=project_registry)
    assert "step: {urbanisation_rate: 1.2}" in path.read_text(encoding="utf-8")
    back = scenarios.load_scenarios(path, registry=project_registry)["mine"]
    assert back.step == {"urbanisation_rate": pytest.approx(1.2)} and back.growth == {"gdp": pytest.approx(0.093)}


def test_steps_are_checked_with_the_overrides():
    reg = registry(SHARE, target(id="u", indicator="y"))
    with pytest.raises(ScenarioError) as err:
        scenarios.check_overrides({"x": 0.05}, reg, {"x": 1.0, "y": math.inf, "nope": 1.0})
    assert {(p.file, p.entry) for p in err.value.problems} == {("steps", "x"), ("steps", "y"), ("steps", "nope")}
    scenarios.check_overrides({"x": 0.05}, reg, {"y": -0.5})  # a fall of half a unit a year is a step too


def test_custom_takes_steps_beside_growth():
    s = scenarios.custom({"x": 0.05}, {"y": 0.3})
    assert (s.growth, s.step, s.assumption) == ({"x": 0.05}, {"y": 0.3}, True)
