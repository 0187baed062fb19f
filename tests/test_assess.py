"""kzlib.assess: hand-worked cases per kind and edge case, Open SDG parity, properties of the method."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from factories import registry, target
from hypothesis import given, settings
from hypothesis import strategies as st

from kzlib import assess, trajectory
from kzlib.assess import progress


def obs(series: dict[int, float], indicator: str = "x") -> pd.DataFrame:
    """Observations of one indicator."""
    return pd.DataFrame({"indicator": indicator, "year": list(series), "value": [float(v) for v in series.values()]})


def one(tg: dict, series: dict[int, float] | None, **kw) -> pd.Series:
    """The assessment row of a single target."""
    data = obs(series) if series else pd.DataFrame(columns=["indicator", "year", "value"])
    return assess.assess(registry(tg), data, **kw).iloc[0]


# ------------------------------------------------------------------------------------------ progress()

def test_exactly_on_the_required_path_is_on_track():
    # base 100 in 2020, latest 121 in 2022: CAGR = (121/100)^(1/2) - 1 = 10 %.
    # target 161.051 = 100 * 1.1^5 in 2025: required CAGR = 10 % -> ratio 0.10 / 0.10 = 1.0 -> on_track.
    p = progress(2020, 100, 2022, 121, 2025, 161.051, "up")
    assert p.ratio == pytest.approx(1.0)
    assert p.status == "on_track"
    assert p.observed_growth == pytest.approx(0.10)
    assert p.path_growth == pytest.approx(0.10)
    # still needed from 2022: (161.051/121)^(1/3) - 1 = 1.331^(1/3) - 1 = 10 %
    assert p.required_growth == pytest.approx(0.10)
    assert p.time_progress == pytest.approx(2 / 5)  # 时间进度
    assert p.task_progress == pytest.approx(21 / 61.051)  # 任务进度: (121-100)/(161.051-100)
    assert p.method == "growth_ratio"


@pytest.mark.parametrize(("latest", "ratio", "status"), [
    (116.64, 0.8, "needs_acceleration"),  # 1.08^2 = 1.1664 -> 8 % / 10 % = 0.8
    (110.25, 0.5, "lagging"),  # 1.05^2 = 1.1025 -> 5 % / 10 % = 0.5
    (100.0, 0.0, "lagging"),  # no growth: 0 / 10 % = 0, the bottom of the lagging class
    (90.0, (math.sqrt(0.9) - 1) / 0.1, "moving_away"),  # -5.13 % / 10 % = -0.513
])
def test_classes_follow_the_thresholds(latest, ratio, status):
    p = progress(2020, 100, 2022, latest, 2025, 161.051, "up")
    assert p.ratio == pytest.approx(ratio)
    assert p.status == status


def test_lower_is_better():
    # base 100 (2020) -> 81 (2022): CAGR = 0.9 - 1 = -10 %; target 59.049 = 100 * 0.9^5 in 2025: -10 %.
    # R = d * CAGR_obs / |CAGR_req| = (-1)(-0.10)/0.10 = 1.0 -> on_track
    p = progress(2020, 100, 2022, 81, 2025, 59.049, "down")
    assert p.ratio == pytest.approx(1.0)
    assert p.status == "on_track"
    rising = progress(2020, 100, 2022, 110, 2025, 59.049, "down")
    assert rising.ratio < 0 and rising.status == "moving_away"


def test_attainment_first_even_when_the_ratio_says_moving_away():
    # up, target 90 below the base 100; latest 95 >= 90 -> achieved, although CAGR_obs < 0:
    # R = (0.95^(1/2) - 1) / |0.9^(1/5) - 1| = -0.02532 / 0.02085 = -1.214
    p = progress(2020, 100, 2022, 95, 2025, 90, "up")
    assert p.status == "achieved"
    assert p.ratio == pytest.approx((math.sqrt(0.95) - 1) / abs(0.9 ** 0.2 - 1))
    assert p.ratio < 0


def test_target_equal_to_base():
    fell = progress(2020, 100, 2022, 98, 2025, 100, "up")
    assert fell.status == "moving_away" and fell.ratio is None
    assert "target equals the base value" in fell.note
    held = progress(2020, 100, 2022, 100, 2025, 100, "up")
    assert held.status == "achieved"


def test_zero_base_falls_back_to_the_linear_form():
    # base 0 (2020), latest 3 (2022), target 10 (2025): task 3/10 = 0.3, time 2/5 = 0.4 -> 0.75 -> needs_acceleration
    p = progress(2020, 0, 2022, 3, 2025, 10, "up")
    assert p.method == "linear"
    assert p.ratio == pytest.approx(0.75)
    assert p.status == "needs_acceleration"
    assert "linear form" in p.note and "zero or negative" in p.note
    assert p.observed_growth is None


def test_linear_method_on_request():
    # same series as the on-track case: task (121-100)/(161.051-100) = 0.34397, time 0.4 -> 0.85993
    p = progress(2020, 100, 2022, 121, 2025, 161.051, "up", method="linear")
    assert p.method == "linear"
    assert p.ratio == pytest.approx((21 / 61.051) / 0.4)
    assert p.status == "needs_acceleration"
    assert p.note == ""


def test_one_point_is_too_few_data_unless_already_met():
    assert progress(2022, 100, 2022, 100, 2027, 150, "up").status == "insufficient_data"
    assert progress(2022, 200, 2022, 200, 2027, 150, "up").status == "achieved"


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError, match="direction"):
        progress(2020, 1, 2022, 2, 2025, 3, "sideways")
    with pytest.raises(ValueError, match="method"):
        progress(2020, 1, 2022, 2, 2025, 3, "up", method="eurostat")


# ----------------------------------------------------------------------------- Open SDG parity
# Expected values computed by reading sdg-build's sdg/ProgressMeasure.py (commit 139fede7):
#   l.328-332 methodology_2: cagr_o = growth_calculation(current, base, current_year, base_year),
#             cagr_r = growth_calculation(target, base, target_year, base_year),
#             progress = sign * direction * cagr_o / abs(cagr_r)  (sign = +1 for a positive base, l.167)
#   l.477     growth_calculation = (val1 / val2) ** (1 / (t1 - t2)) - 1
#   l.417     quantitative thresholds {'high': 0.95, 'med': 0.6, 'low': 0}
#   l.334-340 is_target_achieved: direction -1 and current <= target, or +1 and current >= target
#   l.495-506 get_progress_status: target_achieved first, then >= high substantial_progress,
#             [med, high) moderate_progress, [low, med) limited_progress, < low deterioration
OPEN_SDG_STATUS = {"target_achieved": "achieved", "substantial_progress": "on_track",
                   "moderate_progress": "needs_acceleration", "limited_progress": "lagging",
                   "deterioration": "moving_away"}


@pytest.mark.parametrize(("base", "current", "target_value", "direction", "expected", "osdg_status"), [
    # 1 * ((12/10)^(1/5) - 1) / |(20/10)^(1/15) - 1| = 0.037137 / 0.047294 = 0.78524
    (10, 12, 20, "up", ((12 / 10) ** (1 / 5) - 1) / ((20 / 10) ** (1 / 15) - 1), "moderate_progress"),
    # -1 * ((40/50)^(1/5) - 1) / |(20/50)^(1/15) - 1| = 0.043648 / 0.059259 = 0.73657
    (50, 40, 20, "down", -((40 / 50) ** (1 / 5) - 1) / abs((20 / 50) ** (1 / 15) - 1), "moderate_progress"),
    # 1 * ((9/10)^(1/5) - 1) / 0.047294 = -0.44089
    (10, 9, 20, "up", ((9 / 10) ** (1 / 5) - 1) / ((20 / 10) ** (1 / 15) - 1), "deterioration"),
    # 1 * ((13/10)^(1/5) - 1) / 0.047294 = 1.13913
    (10, 13, 20, "up", ((13 / 10) ** (1 / 5) - 1) / ((20 / 10) ** (1 / 15) - 1), "substantial_progress"),
    # direction -1, current 15 <= target 20: target_achieved (l.338) whatever the ratio (3.611)
    (50, 15, 20, "down", -((15 / 50) ** (1 / 5) - 1) / abs((20 / 50) ** (1 / 15) - 1), "target_achieved"),
])
def test_matches_open_sdg(base, current, target_value, direction, expected, osdg_status):
    p = progress(2015, base, 2020, current, 2030, target_value, direction)
    assert p.ratio == pytest.approx(expected, rel=1e-12)
    assert p.status == OPEN_SDG_STATUS[osdg_status]


# ----------------------------------------------------------------------------- assess(): kinds

def test_level_target_row():
    # 100 (2022) -> 121 (2024): 10 %/yr; target 161.051 = 100 * 1.1^5 in 2027 -> ratio 1, on_track
    row = one(target(value=161.051), {2022: 100, 2024: 121})
    assert row["status"] == "on_track"
    assert (row["base_year"], row["base_value"], row["latest_year"], row["latest_value"]) == (2022, 100, 2024, 121)
    assert row["gap"] == pytest.approx(40.051)  # 161.051 - 121, still to go
    assert row["required_growth"] == pytest.approx(0.10)  # (161.051/121)^(1/3) - 1
    assert row["speedup"] == pytest.approx(1.0)  # 10 % needed / 10 % so far
    assert row["projected_value"] == pytest.approx(161.051)  # 121 * 1.1^3
    assert row["year_met"] == 2027
    assert row["n_obs"] == 2
    assert np.isnan(row["probability"])  # one change only: no probability


def test_growth_target():
    # 10 %/yr from 2022: X = 100 * 1.1^5 = 161.051; 100 -> 115.5 over 2 years: sqrt(1.155) - 1 = 7.4709 %
    # R = 0.074709 / 0.10 = 0.74709 -> needs_acceleration
    row = one(target(kind="growth", value=10), {2022: 100, 2024: 115.5})
    assert row["target_value"] == pytest.approx(161.051)
    assert row["stated_value"] == 10
    assert row["ratio"] == pytest.approx((math.sqrt(1.155) - 1) / 0.10)
    assert row["status"] == "needs_acceleration"


def test_change_against_a_stated_base_year():
    # water use down 20 % from 2020: X = 0.8 * 50 = 40, t0 = 2020; 50 -> 42 by 2024
    # R = -((42/50)^(1/4) - 1) / |0.8^(1/7) - 1| = 0.042653 / 0.031381 = 1.3592 -> on_track
    row = one(target(kind="change", value=-20, base_year=2020, direction="down", comparator=None),
              {2019: 52, 2020: 50, 2022: 45, 2024: 42})
    assert row["base_year"] == 2020 and row["base_value"] == 50
    assert row["target_value"] == pytest.approx(40)
    assert row["ratio"] == pytest.approx(-((42 / 50) ** 0.25 - 1) / abs(0.8 ** (1 / 7) - 1))
    assert row["status"] == "on_track"
    assert row["gap"] == pytest.approx(2)  # 42 - 40 still to cut


def test_multiple():
    # 翻一番: X = 2 * 50 = 100; 50 -> 60 in 2 years: sqrt(1.2) - 1 = 9.5445 %; required 2^(1/5) - 1 = 14.870 %
    # R = 0.64188 -> needs_acceleration
    row = one(target(kind="multiple", value=2), {2022: 50, 2024: 60})
    assert row["target_value"] == pytest.approx(100)
    assert row["ratio"] == pytest.approx((math.sqrt(1.2) - 1) / (2 ** 0.2 - 1))
    assert row["status"] == "needs_acceleration"


def test_ratio_lower_is_better():
    # 城乡收入比 2.30 -> 2.20 (2022 -> 2024), target 2.05 by 2027:
    # R = -((2.2/2.3)^(1/2) - 1) / |(2.05/2.3)^(1/5) - 1| = 0.021979 / 0.022760 = 0.96568 -> on_track
    row = one(target(kind="ratio", value=2.05, comparator="<=", direction="down"), {2022: 2.30, 2024: 2.20})
    assert row["ratio"] == pytest.approx(-((2.2 / 2.3) ** 0.5 - 1) / abs((2.05 / 2.3) ** 0.2 - 1))
    assert row["status"] == "on_track"
    assert row["gap"] == pytest.approx(0.15)  # 2.20 - 2.05 still to come down


@pytest.mark.parametrize(("series", "status", "ratio", "bound"), [
    ({2022: 3, 2024: 4}, "achieved", None, None),  # inside 3-5
    # below: judged against 3, up: (sqrt(2) - 1) / (3^(1/5) - 1) = 0.41421 / 0.24573 = 1.6856
    ({2022: 1, 2024: 2}, "on_track", (math.sqrt(2) - 1) / (3 ** 0.2 - 1), "lower"),
    # above: judged against 5, down: -(sqrt(7/8) - 1) / |(5/8)^(1/5) - 1| = 0.064586 / 0.089668 = 0.72028
    ({2022: 8, 2024: 7}, "needs_acceleration", -(math.sqrt(7 / 8) - 1) / abs((5 / 8) ** 0.2 - 1), "upper"),
])
def test_range(series, status, ratio, bound):
    row = one(target(kind="range", value=3, value_high=5, direction="band", comparator="between"), series)
    assert row["status"] == status
    if ratio is None:
        assert np.isnan(row["gap"]) and np.isnan(row["required_growth"])  # met: nothing left to close
    else:
        assert row["ratio"] == pytest.approx(ratio)
        assert f"{bound} bound" in row["reason"]


@pytest.mark.parametrize(("series", "status", "broken", "break_year"), [
    ({2022: 30, 2023: 31, 2024: 32}, "on_track", [], None),  # holds, and the trend keeps it above the floor
    # holds in 2024, but 31 -> 30.2 is -1.30 %/yr: 30.2 * 0.98701 = 29.81 < 30 in 2025
    ({2022: 31, 2023: 30.5, 2024: 30.2}, "at_risk", [], 2025),
    # two plan years: the trend is theirs (29.5 -> 30.2, rising), not the pre-plan 31's; the broken 2023 is named
    ({2022: 31, 2023: 29.5, 2024: 30.2}, "on_track", [2023], None),
    ({2022: 31, 2023: 30.5, 2024: 29.0}, "moving_away", [2024], None),  # below the floor in 2024 and falling
    ({2022: 28, 2023: 29.5}, "lagging", [2023], None),  # below the floor in 2023 but rising towards it
    ({2023: 29.0}, "insufficient_data", [2023], None),  # one figure, short of the floor: too few to judge a trend
    ({2023: 31.0}, "on_track", [], None),  # one figure that holds the floor
    ({2021: 31, 2022: 29}, "insufficient_data", [], None),  # nothing in the plan period yet
    ({2025: 31, 2026: 32, 2027: 31.5}, "achieved", [], None),  # the target year's figure holds
])
def test_maintain_every_year(series, status, broken, break_year):
    # 常规天然气年产量维持在30亿立方米以上: every plan year from 2023 must be >= 30; the latest plan year decides
    row = one(target(kind="maintain", value=30), series)
    assert row["status"] == status
    assert row["broken_years"] == broken
    assert (None if pd.isna(row["break_year"]) else row["break_year"]) == break_year


def test_flow_is_judged_like_maintain():
    row = one(target(kind="flow", value=6000), {2023: 7000, 2024: 5800})
    assert row["status"] == "moving_away" and row["broken_years"] == [2024]
    assert row["gap"] == pytest.approx(200)  # 6000 - 5800


def test_benchmark_is_not_assessable():
    row = one(target(kind="benchmark", indicator=None, value=None), None)
    assert row["status"] == "not_assessable"
    assert "reference" in row["reason"]


def test_milestones():
    reg = registry(target(id="a", kind="milestone", indicator=None), target(id="b", kind="milestone", indicator=None),
                   target(id="c", kind="milestone", indicator=None))
    ms = pd.DataFrame({"target": ["a", "a", "b"], "year": [2023, 2024, 2023], "state": ["in_progress", "done", "not_started"]})
    empty = pd.DataFrame(columns=["indicator", "year", "value"])
    df = assess.assess(reg, empty, milestones=ms).set_index("id")
    assert df.loc["a", "status"] == "achieved" and df.loc["a", "milestone_state"] == "done"
    assert df.loc["b", "status"] == "not_started"
    assert df.loc["c", "status"] == "no_data"
    early = assess.assess(reg, empty, milestones=ms, as_of=2023).set_index("id")
    assert early.loc["a", "status"] == "in_progress"


# ----------------------------------------------------------------------------- assess(): edge cases

def test_as_of_cuts_the_data():
    tg = target(value=150)
    assert one(tg, {2022: 100, 2023: 110, 2024: 90})["latest_year"] == 2024
    cut = one(tg, {2022: 100, 2023: 110, 2024: 90}, as_of=2023)
    assert (cut["latest_year"], cut["latest_value"]) == (2023, 110)


def test_one_observation():
    row = one(target(value=150), {2022: 100})
    assert row["status"] == "insufficient_data" and "one figure only" in row["reason"]
    assert row["gap"] == 50  # the gap is shown: 150 - 100
    assert one(target(value=150), {2022: 200})["status"] == "achieved"


def test_no_observations():
    row = one(target(value=150), None)
    assert row["status"] == "no_data" and row["reason"] == "no figures of x"
    assert one(target(value=150), {2020: 1.0}, as_of=2019)["reason"] == "no figures of x up to 2019"


def test_zero_base_in_assess_says_linear():
    # 0 (2022) -> 2 (2024), target 5 by 2027: task 2/5 = 0.4, time 2/5 = 0.4 -> 1.0 on_track, linear form
    row = one(target(kind="count", value=5), {2022: 0, 2024: 2})
    assert row["method"] == "linear" and row["ratio"] == pytest.approx(1.0)
    assert "linear form" in row["reason"]
    assert row["projected_value"] == pytest.approx(5)  # 2 + 1/yr * 3 years


def test_base_after_the_base_year():
    row = one(target(value=150), {2023: 100, 2024: 110})
    assert row["base_year"] == 2023
    assert "earliest later one (2023)" in row["reason"]


def test_gaps_between_years():
    # base point for 2019: the latest at or before it, 2018 (100); latest 2020 (121): 10 %/yr over 2 years.
    # target 100 * 1.1^7 = 194.87171 in 2025 -> required 10 %/yr from 2018 -> ratio 1 -> on_track
    row = one(target(value=100 * 1.1 ** 7, target_year=2025, base_year=2019), {2016: 90, 2018: 100, 2020: 121})
    assert row["base_year"] == 2018
    assert row["observed_growth"] == pytest.approx(0.10)
    assert row["status"] == "on_track"


def test_random_walk_annualises_changes_over_gaps():
    # log changes 0.1, 0.3 (over 2 years), 0.0, 0.2 -> drift = 0.6 / 5 years = 0.12
    # standardised residuals: -0.02, (0.3 - 0.24)/sqrt(2) = 0.042426, -0.12, 0.08
    # s^2 = (0.0004 + 0.0018 + 0.0144 + 0.0064) / 3 = 0.0076667 -> s = 0.087560
    years = np.array([2015, 2016, 2018, 2019, 2020])
    values = 100 * np.exp(np.cumsum([0, 0.1, 0.3, 0.0, 0.2]))
    walk = trajectory.random_walk(years, values)
    assert walk.drift == pytest.approx(0.12)
    assert walk.scale == pytest.approx(math.sqrt(0.023 / 3))
    assert (walk.changes, walk.span) == (4, 5)
    assert trajectory.random_walk(years[:4], values[:4]) is None  # 3 changes < MIN_CHANGES_FOR_PROBABILITY


def test_probability_matches_the_t_distribution():
    # Walk on log values with changes 0.1, 0.3, 0.0, 0.2, 0.15 (2018-2023): drift 0.15, s^2 = 0.05/4, df = 4.
    # With the drift uncertain, log x_2025 - log x_2023 ~ 2*0.15 + s*sqrt(2^2/5 + 2) * t_4.
    # Target one scale unit above the median: P = 1 - F_t4(1) = 1 - 0.81305 = 0.18695.
    years = list(range(2018, 2024))
    logs = np.log(100) + np.cumsum([0, 0.1, 0.3, 0.0, 0.2, 0.15])
    scale = math.sqrt(0.05 / 4) * math.sqrt(4 / 5 + 2)
    goal = math.exp(logs[-1] + 0.3 + scale)
    row = one(target(value=goal, target_year=2025), dict(zip(years, np.exp(logs), strict=True)))
    assert row["probability"] == pytest.approx(0.18695, abs=0.015)


def test_probability_is_reproducible_and_independent_of_other_targets():
    series = {2018: 80, 2019: 88, 2020: 90, 2021: 99, 2022: 100, 2023: 111, 2024: 118}
    first = one(target(value=160), series)["probability"]
    trajectory.clear_cache()
    again = one(target(value=160), series)["probability"]
    assert first == again
    both = assess.assess(registry(target(id="a", value=160), target(id="b", indicator="y", value=5)),
                         pd.concat([obs(series), obs({2020: 1, 2021: 2, 2022: 3, 2023: 4, 2024: 5}, "y")]))
    assert both.set_index("id").loc["a", "probability"] == first


def test_fan_percentiles():
    years = list(range(2018, 2024))
    values = np.exp(np.log(100) + np.cumsum([0, 0.1, 0.3, 0.0, 0.2, 0.15]))
    f = trajectory.fan(years, values, 2027)
    assert list(f["year"]) == [2023, 2024, 2025, 2026, 2027]
    assert f.iloc[0, 1:].tolist() == pytest.approx([values[-1]] * 5)
    cols = ["p5", "p25", "p50", "p75", "p95"]
    assert (np.diff(f[cols].to_numpy(), axis=1) >= 0).all()
    # the t distribution is symmetric: the median path is the drift path, latest * exp(0.15 k)
    assert f["p50"].iloc[-1] == pytest.approx(values[-1] * math.exp(0.15 * 4), rel=0.02)
    assert trajectory.fan(years[:3], values[:3], 2027).empty


def test_every_target_gets_a_status_and_never_an_exception():
    kinds = ["level", "share", "count", "growth", "change", "multiple", "ratio", "range", "maintain", "flow",
             "benchmark", "milestone"]
    rows = [target(id=k, kind=k, value=2 if k != "range" else 3, value_high=5, base_year=2020 if k == "change" else None)
            for k in kinds]
    df = assess.assess(registry(*rows), obs({2020: -1, 2022: 0, 2024: 2}))
    assert set(df["status"]) <= set(assess.settings.STATUSES)
    assert len(df) == len(kinds)


# ----------------------------------------------------------------------------- 序时进度: the auto method

def test_a_density_is_judged_on_the_linear_path_and_found_behind():
    # A national plan's per-1000 density: 1.8 (2020) -> 2.57 (2022) against 4.5 in 2025, as its mid-term review
    # judged it: task (2.57 - 1.8) / (4.5 - 1.8) = 0.28519 in time 2/5 = 0.4 -> 0.71296, behind (需加快).
    tg = target(value=4.5, base_year=2020, target_year=2025)
    series = {2020: 1.8, 2022: 2.57}
    density = assess.assess(registry(tg, indicators={"x": {"measure": "density"}}), obs(series)).iloc[0]
    assert density["method"] == "linear"
    assert density["ratio"] == pytest.approx((0.77 / 2.7) / 0.4)
    assert density["status"] == "needs_acceleration"
    assert density["pace_unit"] == "u"  # the indicator's own unit a year (not a percent growth)
    assert density["required_pace"] == pytest.approx((4.5 - 2.57) / 3)  # 0.6433 a year still needed
    assert density["observed_pace"] == pytest.approx(0.77 / 2)  # 0.385 a year so far
    # compounded, the same series looks on track: ((2.57/1.8)^(1/2) - 1) / ((4.5/1.8)^(1/5) - 1) = 0.9714
    compounded = assess.assess(registry(tg, indicators={"x": {"measure": "density"}}), obs(series),
                               method="growth_ratio").iloc[0]
    assert compounded["status"] == "on_track" and compounded["pace_unit"] == "percent"


def test_a_count_is_judged_on_the_compound_path_and_found_on_track():
    # patents 6.3 (2020) -> 9.4 (2022) against 12 in 2025: ((9.4/6.3)^(1/2) - 1) / ((12/6.3)^(1/5) - 1)
    # = 0.22149 / 0.13763 = 1.6093 -> on track
    tg = target(value=12, base_year=2020, target_year=2025)
    row = assess.assess(registry(tg, indicators={"x": {"measure": "count"}}), obs({2020: 6.3, 2022: 9.4})).iloc[0]
    assert row["method"] == "growth_ratio"
    assert row["ratio"] == pytest.approx((math.sqrt(9.4 / 6.3) - 1) / ((12 / 6.3) ** 0.2 - 1))
    assert row["status"] == "on_track"
    assert row["pace_unit"] == "percent"
    assert row["required_pace"] == pytest.approx(100 * ((12 / 9.4) ** (1 / 3) - 1))  # 8.48 % a year


def test_a_share_paces_in_points_in_table_and_projection():
    # 常住人口城镇化率 53.34 (2023) -> 53.94 (2024), over 60 by 2027; the base is the earliest figure after 2022
    row = assess.assess(registry(target(kind="share", value=60, comparator=">", unit="%"),
                                 indicators={"x": {"measure": "share"}}), obs({2023: 53.34, 2024: 53.94})).iloc[0]
    assert (row["method"], row["pace_unit"]) == ("linear", "points")
    assert row["required_pace"] == pytest.approx((60 - 53.94) / 3)  # 2.02 points a year
    assert row["observed_pace"] == pytest.approx(0.6)
    assert row["speedup"] == pytest.approx(2.02 / 0.6)
    assert row["projected_value"] == pytest.approx(53.94 + 3 * 0.6)  # a line, not a compounded 1.12 % a year
    # task 0.6 / 6.66 = 0.0901 in time 1/4 -> 0.3604: lagging
    assert row["ratio"] == pytest.approx((0.6 / 6.66) / 0.25)
    assert row["status"] == "lagging"


def test_an_achieved_target_has_no_gap_and_no_pace_needed():
    # services share 51.7 (2024) against 46.5: met
    row = assess.assess(registry(target(kind="share", value=46.5, unit="%"), indicators={"x": {"measure": "share"}}),
                        obs({2020: 45.2, 2023: 47.8, 2024: 51.7})).iloc[0]
    assert row["status"] == "achieved"
    assert all(np.isnan(row[c]) for c in ("gap", "required_growth", "required_pace", "speedup"))


def test_new_jobs_follow_the_plan_years_trend_not_a_pre_plan_outlier():
    # 每年城镇新增就业7000人以上: 15266 (2020), 8285 (2023), 7998 (2024). Two plan years: the trend is theirs,
    # 7998/8285 - 1 = -3.464 %/yr: 7721 in 2025, 7998 × 0.96536^3 = 7195 in 2027, above the floor all along
    # (from the 2020 figure it would be -14.9 %/yr and "break" in 2025: an artefact of the pre-plan year).
    row = one(target(kind="flow", value=7000), {2020: 15266, 2023: 8285, 2024: 7998})
    assert (row["status"], row["base_year"]) == ("on_track", 2023)
    assert row["projected_value"] == pytest.approx(7998 * (7998 / 8285) ** 3, rel=1e-9)
    assert row["observed_pace"] == pytest.approx(100 * (7998 / 8285 - 1))
    # the plan years' own fall breaks it: 8285 -> 7500 is -9.475 %/yr, 6789 in 2025
    falling = one(target(kind="flow", value=7000), {2020: 15266, 2023: 8285, 2024: 7500})
    assert (falling["status"], falling["break_year"]) == ("at_risk", 2025)
    assert falling["broken_years"] == []


def test_grain_area_back_above_the_floor_is_on_track():
    # 粮食播种面积稳定在173万亩以上: 172.59 (2023) below, 173.4 (2024) above, rising: the latest year decides
    row = one(target(kind="maintain", value=173), {2023: 172.59, 2024: 173.4})
    assert row["status"] == "on_track"
    assert row["broken_years"] == [2023]
    assert np.isnan(row["gap"])


def test_one_figure_short_of_the_target_is_too_few_data_with_the_gap():
    # 森林覆盖率 56.5 % (2024) against 57 %: one figure, not met
    row = assess.assess(registry(target(kind="share", value=57, unit="%"), indicators={"x": {"measure": "share"}}),
                        obs({2024: 56.5})).iloc[0]
    assert row["status"] == "insufficient_data"
    assert row["gap"] == pytest.approx(0.5)
    assert np.isnan(row["ratio"]) and np.isnan(row["probability"])


def test_a_comparison_of_two_series():
    tg = target(kind="compare", indicator="inc", reference="gdp", comparator=">", value=None)
    reg = registry(tg)
    both = pd.concat([obs({2023: 7.0, 2024: 5.5}, "inc"), obs({2023: 6.7, 2024: 6.0}, "gdp")])
    row = assess.assess(reg, both).iloc[0]
    # 2024: 5.5 < 6.0, and the shortfall grew from -0.3 (2023, ahead) to 0.5: moving away
    assert row["status"] == "moving_away" and row["broken_years"] == [2024]
    assert row["gap"] == pytest.approx(0.5) and row["reference_value"] == 6.0
    held = assess.assess(reg, pd.concat([obs({2024: 6.2}, "inc"), obs({2024: 6.0}, "gdp")])).iloc[0]
    assert held["status"] == "on_track"
    only_gdp = assess.assess(reg, obs({2024: 6.0}, "gdp")).iloc[0]
    assert only_gdp["status"] == "no_data" and "inc" in only_gdp["reason"] and "gdp" not in only_gdp["reason"]


def test_a_probability_below_ten_percent_makes_a_risk_whatever_the_class():
    rows = pd.DataFrame([
        {"id": "a", "status": "needs_acceleration", "ratio": 0.9, "probability": 0.01, "repeat_of": None},
        {"id": "b", "status": "lagging", "ratio": 0.3, "probability": 0.3, "repeat_of": None},
        {"id": "c", "status": "on_track", "ratio": 1.2, "probability": 0.05, "repeat_of": None},
        {"id": "d", "status": "on_track", "ratio": 1.2, "probability": 0.8, "repeat_of": None},
        {"id": "e", "status": "lagging", "ratio": 0.1, "probability": None, "repeat_of": "b"},
    ])
    assert list(assess.behind(rows)["id"]) == ["a", "c", "b"]  # unlikely first; d is fine; e repeats b


def test_repeats_are_counted_once():
    reg = registry(target(id="a1", value=10), target(id="a9", action=9, value=10, repeat_of="a1"))
    table = assess.assess(reg, obs({2022: 5, 2024: 6}))
    assert list(assess.counted(table)["id"]) == ["a1"]
    assert table.set_index("id").loc["a9", "repeat_of"] == "a1"
    # Action 9's own rows keep the target it repeats from action 1: it is one of action 9's targets.
    assert list(assess.counted(table[table["action"] == 9])["id"]) == ["a9"]


# ----------------------------------------------------------------------------- properties

positive = st.floats(min_value=0.01, max_value=1e6, allow_nan=False)


@given(x0=positive, xt=positive, x=positive, c=st.floats(min_value=1e-3, max_value=1e3),
       direction=st.sampled_from(["up", "down"]))
def test_scaling_leaves_the_ratio_unchanged(x0, xt, x, c, direction):
    a = progress(2020, x0, 2023, xt, 2027, x, direction)
    b = progress(2020, c * x0, 2023, c * xt, 2027, c * x, direction)
    assert (a.ratio is None) == (b.ratio is None)
    if a.ratio is not None:
        assert b.ratio == pytest.approx(a.ratio, rel=1e-6, abs=1e-9)


@given(x0=positive, g=st.floats(min_value=-0.3, max_value=0.5).filter(lambda g: abs(g) > 1e-3),
       t=st.integers(min_value=2021, max_value=2026))
def test_a_series_on_the_required_path_is_on_track(x0, g, t):
    x = x0 * (1 + g) ** (2027 - 2020)
    p = progress(2020, x0, t, x0 * (1 + g) ** (t - 2020), 2027, x, "up" if g > 0 else "down")
    assert p.ratio == pytest.approx(1.0, rel=1e-6)
    assert p.status == "on_track"


@given(xt=positive, x=positive, comparator=st.sampled_from([">", ">=", "<", "<="]))
def test_attainment_agrees_with_the_comparator(xt, x, comparator):
    holds = {">": xt > x, ">=": xt >= x, "<": xt < x, "<=": xt <= x}[comparator]
    direction = "down" if comparator.startswith("<") else "up"
    p = progress(2020, 50.0, 2023, xt, 2027, x, direction, comparator=comparator)
    assert (p.status == "achieved") == holds


@settings(max_examples=15, deadline=None)
@given(steps=st.lists(st.floats(min_value=-0.2, max_value=0.3), min_size=4, max_size=8), goal=positive)
def test_probability_is_a_reproducible_probability(steps, goal):
    values = 100 * np.exp(np.cumsum([0.0, *steps]))
    series = dict(zip(range(2024 - len(steps), 2025), values, strict=True))
    first = one(target(value=goal), series)["probability"]
    trajectory.clear_cache()
    assert 0 <= first <= 1
    assert one(target(value=goal), series)["probability"] == first


# ----------------------------------------------------------------------------- command line

def test_kz_assess_csv(tmp_path):
    from kzlib import cli

    out = tmp_path / "a.csv"
    assert cli.main(["assess", "--format", "csv", "-o", str(out)]) == 0
    header = out.read_text(encoding="utf-8").splitlines()[0].split(",")
    assert header[:12] == ["id", "action", "status", "ratio", "base_year", "base_value", "latest_year",
                           "latest_value", "target_value", "gap", "required_growth", "probability"]


def test_kz_assess_unknown_scenario_is_a_clean_error(capsys):
    from kzlib import cli

    assert cli.main(["assess", "--scenario", "no_such"]) == 2
    assert "no scenario 'no_such'" in capsys.readouterr().err


def test_a_milestone_not_started_close_to_its_year_is_a_risk():
    # not started as of 2025, due 2027: two years left (settings.MILESTONE_RISK_YEARS) -> a risk; three -> not yet
    late = {"status": "not_started", "latest_year": 2025, "target_year": 2027, "probability": None}
    assert assess.is_risk(late)
    assert not assess.is_risk(dict(late, latest_year=2024))
    assert not assess.is_risk(dict(late, status="in_progress"))
    assert not assess.is_risk(dict(late, latest_year=None))
    rows = pd.DataFrame([dict(late, id="m", ratio=None, repeat_of=None),
                         {"id": "x", "status": "lagging", "ratio": 0.2, "probability": None, "repeat_of": None}])
    assert list(assess.behind(rows)["id"]) == ["x", "m"]  # after the targets behind their time


def test_the_latest_years_own_change_is_kept_beside_the_average_pace():
    # GDP 535.81 (2020), 686.91 (2023), 721.44 (2024): 721.44 / 686.91 − 1 = 5.027 % in 2024, against
    # (721.44 / 535.81)^(1/4) − 1 = 7.72 % a year since 2020; at 5.027 %: 721.44 × 1.05027^3 = 835.80 in 2027
    row = one(target(value=1000, comparator=">"), {2020: 535.81, 2023: 686.91, 2024: 721.44})
    assert row["recent_pace"] == pytest.approx(100 * (721.44 / 686.91 - 1))
    assert row["recent_projected"] == pytest.approx(721.44 * (721.44 / 686.91) ** 3)
    # no figure the year before the latest: nothing to tell
    assert np.isnan(one(target(value=1000), {2020: 535.81, 2024: 721.44})["recent_pace"])


def test_a_milestone_late_to_start_is_counted_from_the_year_it_is_read_in():
    # not started as of 2022, due 2027: five years from the record, but read in 2026 only one is left
    row = {"status": "not_started", "latest_year": 2022, "target_year": 2027, "probability": None}
    assert not assess.is_risk(row)
    assert assess.is_risk(row, now=2026) and not assess.is_risk(row, now=2024)


def test_the_flags_of_the_figure_a_judgement_rests_on_are_kept():
    data = obs({2023: 10.0, 2024: 12.0}).assign(flags=["", "secondary;inferred_year"])
    row = assess.assess(registry(target(value=20)), data).iloc[0]
    assert row["latest_flags"] == "secondary;inferred_year" and assess.weak(row)
    rows = pd.DataFrame([dict(row, id="weak", status="lagging"),
                         dict(row, id="firm", status="lagging", latest_flags="preliminary")])
    assert list(assess.behind(rows)["id"]) == ["firm", "weak"]  # a figure to verify goes after firm ones
