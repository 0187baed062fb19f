"""The scenario explorer: controls driven from code, outcomes checked against kzlib.assess and by hand."""

from __future__ import annotations

import asyncio
import gc
import io
import json
import math
import re
import shutil
import textwrap
from pathlib import Path

import nbformat
import numpy as np
import pandas as pd
import pytest
from factories import registry_dir
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PIL import Image

from kzlib import assess, brief, cli, context, explore, labels, paths, scenarios
from kzlib.errors import ScenarioError

# A tiny registry for action 1: two targets with data, one without, one milestone.
INDICATORS = """\
indicators:
  - {id: gdp, name_zh: 地区生产总值, name_en: Gross regional product (GDP), unit: 亿元, unit_en: 100 million yuan,
     direction: up, measure: amount, scope: 全区, source_zh: 统计公报, source_en: Statistical bulletin}
  - {id: urbanisation_rate, name_zh: 常住人口城镇化率, name_en: Urbanisation rate of the resident population,
     unit: "%", unit_en: "%", direction: up, measure: share, scope: 全区, source_zh: 统计公报, source_en: Statistical bulletin}
  - {id: urban_built_area, name_zh: 城市建成区面积, name_en: Urban built-up area, unit: 平方公里, unit_en: km²,
     direction: up, measure: amount, scope: 中心城区, source_zh: 城市建设统计年鉴, source_en: Urban construction yearbook}
"""
TARGETS = """\
action: 1
targets:
  - {id: t_gdp, item: 1, indicator: gdp, kind: level, comparator: ">", value: 1000, unit: 亿元,
     unit_en: 100 million yuan, name_zh: 地区生产总值, name_en: GDP, quote: 地区生产总值超过1000亿元}
  - {id: t_urb, item: 2, indicator: urbanisation_rate, kind: share, comparator: ">", value: 60, unit: "%",
     unit_en: "%", name_zh: 常住人口城镇化率, name_en: Urbanisation rate, quote: 常住人口城镇化率超过60%}
  - {id: t_area, item: 3, indicator: urban_built_area, kind: level, comparator: ">=", value: 60, unit: 平方公里,
     unit_en: km², name_zh: 城市建成区面积, name_en: Urban built-up area, quote: 拓展城市规模至60平方公里60万人以上}
  - {id: t_airport, item: 4, kind: milestone, name_zh: 建成开州通用机场, name_en: Build the Kaizhou general airport,
     quote: 建成开州通用机场}
"""
# Real figures, copied with their sources from data/observations.csv, so that the hand-worked numbers below
# do not move when new data arrive.
OBSERVATIONS = """\
indicator,year,value,unit,source_title,source_link,source_date,flags,note
gdp,2019,505.59,亿元,开州区简介（fhm8.cn 行政区划信息汇编，非官方）,http://www.fhm8.cn/shengshimingchen/1417949.html,,secondary,
gdp,2020,535.81,亿元,2020年开州区国民经济和社会发展统计公报（开州区统计局、国家统计局开州调查队，2021-04-20；qinglite.cn转载）,https://qinglite.cn/doc/8240670e11c8e76b8,2021-04-20,preliminary,
gdp,2023,686.91,亿元,2023年开州区国民经济和社会发展统计公报（重庆市开州区统计局、国家统计局开州调查队；开州日报2024-04-29第04版）,https://newspaper.kxzc.cn/kzrb/20240429/html/content_20240429004001.htm,2024-04-29,preliminary,
gdp,2024,721.44,亿元,关于重庆市开州区2024年国民经济和社会发展计划执行情况及2025年计划草案的报告（开州区发展和改革委员会，2025-02）,https://www.cqkz.gov.cn/zwgk_238/fdzdgknr/ghjh/gmjjhshfzgh/202502/t20250225_14343086_wap.html,2025-02,preliminary,
urbanisation_rate,2023,53.34,%,2023年开州区国民经济和社会发展统计公报（重庆市开州区统计局、国家统计局开州调查队；开州日报2024-04-29第04版）,https://newspaper.kxzc.cn/kzrb/20240429/html/content_20240429004001.htm,2024-04-29,,
urbanisation_rate,2024,53.94,%,开州概况·综合实力（重庆市开州区人民政府网，载2024年统计公报数据）,http://www.cqkz.gov.cn/zwxx_238/zjkz/kzgk/201912/t20191227_3596120.html,,,
"""
SCENARIOS = """\
# Test scenarios.
scenarios:
  trend: {label_zh: 延续现有趋势, label_en: Current trend continues, base: trend}
  plan: {label_zh: 按目标路径推进, label_en: Plan path, base: plan}
  gdp_6pct:
    label_zh: 地区生产总值年均增长6%（示例假设）
    label_en: GDP grows 6 % a year (illustrative assumption)
    growth: {gdp: 6}
    assumption: true
"""
GDP_2020, GDP_2023, GDP_2024 = 535.81, 686.91, 721.44


@pytest.fixture(scope="module")
def tiny(module_project):
    """The project with the tiny registry, the real figures above and the test scenarios."""
    registry = module_project.data / "registry"
    shutil.rmtree(registry / "indicators")
    shutil.rmtree(registry / "targets")
    registry_dir(registry, {"tiny.yaml": INDICATORS}, TARGETS)
    module_project.write("data/plans/kaizhou-2023-2027/observations.csv", OBSERVATIONS)
    module_project.write("data/plans/kaizhou-2023-2027/milestones.csv", "target,year,state,source_title,source_link,source_date,note\n")
    module_project.write("data/plans/kaizhou-2023-2027/scenarios.yaml", SCENARIOS)
    for name in ("related.csv", "registry/related.yaml"):  # they speak of the real targets
        (module_project.data / name).unlink()
    return module_project


@pytest.fixture(scope="module")
def reg(tiny):
    return context.load_registry()


@pytest.fixture(scope="module")
def known(tiny, reg):
    return scenarios.load_scenarios(registry=reg)


@pytest.fixture
def ex(tiny, tmp_path):
    return explore.Explorer(action=1, lang="zh", user_file=tmp_path / "user.yaml")


def plain(html: str) -> str:
    """The HTML without the no-wrap spans that keep a figure and its unit on one line."""
    return re.sub(r'<span class="kz-nw">(.*?)</span>', r"\1", html)


def start(scenario: str = "trend", as_of: int | None = None):
    """The context the explorer starts from: action 1 under a scenario."""
    return context.load(scenario=scenario, as_of=as_of, action=1)


def row(df: pd.DataFrame, target: str) -> pd.Series:
    return df[df["id"] == target].iloc[0]


# ---------------------------------------------------------------- the controls


URB_2023, URB_2024 = 53.34, 53.94


def knob_of(ex: explore.Explorer, indicator: str) -> explore.Knob:
    return next(k for k in ex.knobs if k.indicator == indicator)


def pixels(png: bytes) -> np.ndarray:
    return np.asarray(Image.open(io.BytesIO(png)).convert("RGB")).astype(int)


def chart_of(ex: explore.Explorer, target: str) -> tuple[bytes, object]:
    """The image the explorer shows for a target, and a new figure of the same view (as a brief draws it)."""
    rows = brief.chart_rows(ex.view).to_dict("records")
    i = next(i for i, r in enumerate(rows) if r["id"] == target)
    return ex.chart_box.children[i].value, brief.chart(ex.view, rows[i])


def test_sliders_start_at_the_trend_with_the_plan_path_beside(ex):
    trend = (GDP_2024 / GDP_2020) ** (1 / 4) - 1  # 2020 is the base point (latest at or before 2022): 7.72 %
    needed = (1000 / GDP_2024) ** (1 / 3) - 1  # 2024 -> 2027: 11.50 %
    assert ex.sliders["gdp"].value == pytest.approx(7.7)
    knob = knob_of(ex, "gdp")
    assert not knob.linear
    assert knob.trend == pytest.approx(trend) and knob.needed == pytest.approx(needed)
    assert explore.knob_note(knob, "zh") == "趋势 7.7% · 目标路径需 11.5%"
    assert explore.knob_note(knob, "en") == "trend 7.7% · plan path needs 11.5%"
    assert explore.slider_unit(knob, "zh") == "%/年"
    assert all(s.continuous_update is False for s in ex.sliders.values())
    assert ex.overrides == {} and ex.steps == {}


def test_a_rate_moves_in_points_a_year_with_its_trend_and_plan_path_beside(ex):
    # 53.34 % (2023) -> 53.94 % (2024): 0.6 points a year; > 60 % by 2027 needs (60 - 53.94) / 3 = 2.02 a year
    knob = knob_of(ex, "urbanisation_rate")
    assert knob.linear
    assert knob.trend == pytest.approx(URB_2024 - URB_2023) and knob.needed == pytest.approx((60 - URB_2024) / 3)
    slider = ex.sliders["urbanisation_rate"]
    assert slider.step == pytest.approx(0.1) and slider.value == pytest.approx(0.6)
    assert (slider.min, slider.max) == pytest.approx((-2.1, 4.1))  # 2.02 either side of nought and 2.02, on the grid
    assert explore.knob_note(knob, "zh") == "趋势 0.6个百分点 · 目标路径需 2.02个百分点"
    assert explore.knob_note(knob, "en") == "trend 0.6 percentage points · plan path needs 2.02 percentage points"
    names = [box.children[0].value for box in ex.slider_box.children]
    assert "常住人口城镇化率（百分点/年）" in names and "地区生产总值（%/年）" in names


def test_a_rate_of_2_1_points_a_year_meets_over_60_percent_and_2_0_does_not(ex):
    ex.sliders["urbanisation_rate"].value = 2.1
    assert ex.steps == {"urbanisation_rate": 2.1} and ex.overrides == {}
    urb = row(ex.assessment, "t_urb")
    # 53.94 + 2.1 = 56.04 (2025), 58.14 (2026), 60.24 (2027) > 60
    assert urb["scenario_value"] == pytest.approx(URB_2024 + 3 * 2.1)
    assert urb["scenario_status"] == "achieved" and urb["scenario_year_met"] == 2027
    path = ex.paths[(ex.paths["indicator"] == "urbanisation_rate") & (ex.paths["kind"] == "projected")]
    assert path["value"].tolist() == pytest.approx([56.04, 58.14, 60.24])
    ex.sliders["urbanisation_rate"].value = 2.0
    urb = row(ex.assessment, "t_urb")
    assert urb["scenario_value"] == pytest.approx(59.94) and urb["scenario_status"] != "achieved"
    assert urb["scenario_year_met"] == 2028  # 61.94 in 2028
    assert row(ex.assessment, "t_gdp")["scenario_value"] == pytest.approx(GDP_2024 * (1 + knob_of(ex, "gdp").trend) ** 3)


def test_sliders_only_for_indicators_with_figures_and_the_others_named(ex):
    assert set(ex.sliders) == {"gdp", "urbanisation_rate"}
    assert "以下指标暂无数据，未设滑块：城市建成区面积。" in ex.missing.value
    ex.lang.value = "en"
    assert "No figures yet, so no slider: Urban built-up area." in ex.missing.value


def test_growth_zero_keeps_the_latest_value(ex):
    ex.sliders["gdp"].value = 0.0
    gdp = row(ex.assessment, "t_gdp")
    assert gdp["scenario_value"] == pytest.approx(GDP_2024)
    assert gdp["scenario_status"] != "achieved"
    # a scenario value is computed: 3 significant digits (721.44 -> 721)
    assert "721亿元" in ex.table.value.split("地区生产总值")[1].split("</tr>")[0].split("0.0%")[1]


def test_growth_of_12_percent_meets_the_target_in_2027(ex):
    ex.sliders["gdp"].value = 12.0
    gdp = row(ex.assessment, "t_gdp")
    # 721.44 * 1.12 = 808.01; * 1.12 = 904.97 (2026, short of 1000); * 1.12 = 1013.57 (2027)
    assert gdp["scenario_value"] == pytest.approx(721.44 * 1.12 * 1.12 * 1.12)
    assert gdp["scenario_value"] == pytest.approx(1013.5713, abs=1e-4)
    assert gdp["scenario_status"] == "achieved"
    assert gdp["scenario_year_met"] == 2027
    assert "可实现目标，2027年达到" in plain(ex.judgement_box.value)


def test_the_explorer_shows_what_assess_says_under_the_same_assumptions(ex, reg, known):
    before = ex.table.value
    ex.sliders["gdp"].value = 9.3
    ex.sliders["urbanisation_rate"].value = 1.3
    assert ex.overrides == {"gdp": 9.3 / 100} and ex.steps == {"urbanisation_rate": 1.3}
    base = start()
    scenario = scenarios.overridden(known["trend"], steps={"urbanisation_rate": 1.3})
    expected = assess.assess(reg, base.observations, scenario=scenario, overrides={"gdp": 9.3 / 100}, action=1,
                             milestones=base.milestones)
    pd.testing.assert_frame_equal(ex.assessment, expected)
    path = scenarios.project(reg, base.observations, scenario, overrides={"gdp": 9.3 / 100})
    pd.testing.assert_frame_equal(ex.paths, path[path["indicator"].isin(["gdp", "urbanisation_rate"])]
                                  .reset_index(drop=True))
    view = brief.Brief(base.with_overrides({"gdp": 0.093}, {"urbanisation_rate": 1.3}), "zh", 1,
                       label=labels.label("explore.assumed", "zh"))
    assert ex.table.value == brief.status_grid(view, scenario=True) != before
    assert ex.judgement_box.value == brief.judgement_list(view, outlook=True)


def test_starting_from_a_scenario_puts_its_paces_on_the_sliders(ex, reg, known):
    ex.scenario.value = "gdp_6pct"
    assert ex.sliders["gdp"].value == pytest.approx(6.0)
    assert ex.overrides == {}
    ex.scenario.value = "plan"
    assert ex.sliders["gdp"].value == pytest.approx(11.5)
    assert ex.sliders["urbanisation_rate"].value == pytest.approx(2.0)  # 2.02 on the grid of 0.1
    assert ex.overrides == {} and ex.steps == {}  # untouched: exactly the plan scenario, not a rounded copy of it
    base = start("plan")
    expected = assess.assess(reg, base.observations, scenario=known["plan"], action=1, milestones=base.milestones)
    pd.testing.assert_frame_equal(ex.assessment, expected)
    assert row(ex.assessment, "t_gdp")["scenario_value"] == pytest.approx(1000)  # the plan path just reaches it
    assert row(ex.assessment, "t_urb")["scenario_value"] == pytest.approx(60)


def test_reset_to_trend_goes_back_to_the_trend_scenario_and_its_sliders(ex):
    ex.scenario.value = "gdp_6pct"
    ex.sliders["gdp"].value = 10.0
    ex.sliders["urbanisation_rate"].value = 3.0
    ex.reset.click()
    assert ex.scenario.value == "trend"
    assert (ex.sliders["gdp"].value, ex.sliders["urbanisation_rate"].value) == pytest.approx((7.7, 0.6))
    assert ex.overrides == {} and ex.steps == {}
    ex.sliders["gdp"].value = 10.0
    ex.reset.click()  # already on the trend: the sliders go back
    assert ex.sliders["gdp"].value == pytest.approx(7.7) and ex.overrides == {}
    assert ex.reset.description == "恢复为现有趋势"


def test_as_of_year_moves_the_latest_point_and_the_trend(ex):
    ex.as_of.value = 2023
    assert ex.sliders["gdp"].value == pytest.approx(8.6)  # (686.91 / 535.81) ** (1/3) - 1 = 8.63 %
    assert row(ex.assessment, "t_gdp")["latest_value"] == GDP_2023
    assert set(ex.sliders) == {"gdp", "urbanisation_rate"}  # the rate has one figure by 2023: no trend, a slider
    # one figure (53.34 % in 2023): no trend, and the plan path needs (60 - 53.34) / 4 = 1.665 points a year
    needed = f"{(60 - URB_2023) / 4:.2f}"
    assert explore.knob_note(knob_of(ex, "urbanisation_rate"), "zh") == f"仅一个观测值，暂无趋势 · 目标路径需 {needed}个百分点"
    ex.sliders["gdp"].value = 0.0
    assert row(ex.assessment, "t_gdp")["scenario_value"] == pytest.approx(GDP_2023)


def test_as_of_control_starts_on_all_data_with_a_visible_label(ex):
    # ipywidgets shows a None value as an empty box: "all data" must be a real, labelled option.
    assert ex.as_of.label in ("全部数据", "all data")
    assert ex.data_year() is None
    ex.as_of.value = 2023
    ex.as_of.index = 0
    assert ex.data_year() is None and row(ex.assessment, "t_gdp")["latest_value"] != GDP_2023


def test_a_rate_moved_in_points_is_shown_as_points_in_the_table_and_the_judgement(ex):
    ex.sliders["urbanisation_rate"].value = 1.5
    row = next(tr for tr in plain(ex.table.value).split("</tr>") if "城镇化率" in tr)
    assert "提高1.5个百分点" in row  # the assumption, as the pace needed is shown beside it: in points
    assert "按当前假设（年均提高1.5个百分点）" in plain(ex.judgement_box.value)
    ex.sliders["urbanisation_rate"].value = -0.5
    assert "按当前假设（年均降低0.5个百分点）" in plain(ex.judgement_box.value)


def test_language_switch_keeps_the_assumptions(ex):
    ex.scenario.value = "gdp_6pct"
    ex.as_of.value = 2023
    ex.sliders["gdp"].value = 10.0
    ex.lang.value = "en"
    assert (ex.action.value, ex.scenario.value, ex.as_of.value) == (1, "gdp_6pct", 2023)
    assert ex.sliders["gdp"].value == 10.0 and ex.overrides == {"gdp": 0.1}
    assert "Assumed pace a year" in ex.table.value
    assert "Under the current assumptions (+10.0% a year)" in plain(ex.judgement_box.value)
    assert "地区生产总值" not in ex.judgement_box.value
    assert ex.action.options[0][0].startswith("1. Strengthening")
    assert [box.children[0].value for box in ex.slider_box.children][0] == "Gross regional product (GDP) (% a year)"


def test_charts_follow_the_slider_and_match_a_fresh_trajectory(ex):
    ex.sliders["gdp"].value = 7.9
    image, fig = chart_of(ex, "t_gdp")
    fresh = pixels(explore.png_bytes(fig))
    assert pixels(image).shape == fresh.shape
    assert (pixels(image) == fresh).all()  # the same image as a new figure, pixel for pixel
    ex.sliders["gdp"].value = 8.3
    assert chart_of(ex, "t_gdp")[0] != image
    assert len(ex.chart_box.children) == 2  # targets with figures; neither the one without data nor the milestone


def test_a_chart_takes_the_y_range_a_new_figure_would_take_when_the_path_shrinks(ex):
    ex.sliders["gdp"].value = 20.0  # 721.44 * 1.2^3 = 1246.6: the range grows past the target
    wide = chart_of(ex, "t_gdp")[1].axes[0].get_ylim()
    ex.sliders["gdp"].value = -5.0
    image, fig = chart_of(ex, "t_gdp")
    assert fig.axes[0].get_ylim()[1] < wide[1]
    # the image of a new figure, whose y range is narrower (antialiasing aside where the axes moved)
    assert np.abs(pixels(image) - pixels(explore.png_bytes(fig))).max() <= 2


@settings(max_examples=10, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(moves=st.lists(st.tuples(st.sampled_from(["gdp", "urbanisation_rate"]), st.floats(0, 1)), min_size=1,
                      max_size=4))
def test_any_slider_moves_leave_every_chart_as_a_new_figure_draws_it(ex, moves):
    for ind, at in moves:
        slider = ex.sliders[ind]
        slider.value = round(slider.min + round(at * (slider.max - slider.min) / slider.step) * slider.step, 6)
    for target in ("t_gdp", "t_urb"):
        image, fig = chart_of(ex, target)
        assert np.abs(pixels(image) - pixels(explore.png_bytes(fig))).max() <= 2


@given(trend=st.floats(-0.3, 0.6), needed=st.floats(-0.3, 0.6) | st.none(), start=st.floats(-0.3, 0.6) | st.none())
def test_a_growth_slider_holds_its_start_on_the_grid(trend, needed, start):
    knob = explore.Knob("x", "x", "x", False, trend, needed, start)
    low, high = explore.slider_bounds(knob)
    value = explore.start_value(knob)
    assert low < high and low <= value <= high
    assert low <= -10 and high >= 20
    assert abs(value * 10 - round(value * 10)) < 1e-6


@given(trend=st.floats(-0.6, 3.0), needed=st.floats(-0.6, 3.0) | st.none(), start=st.floats(-0.6, 3.0) | st.none())
def test_a_growth_slider_reaches_its_trend_start_and_plan_path_however_steep(trend, needed, start):
    # high-standard farmland: the plan path needs +123.1 % a year; the slider must get there (it stopped at 100)
    knob = explore.Knob("x", "x", "x", False, trend, needed, start)
    low, high = explore.slider_bounds(knob)
    for pace in (trend, needed, start):
        if pace is not None:
            assert low <= 100 * pace <= high
    assert explore.start_value(knob) == pytest.approx(round(100 * start, 1) if start is not None else 0.0)


@given(trend=st.floats(-50, 50) | st.none(), needed=st.floats(-50, 50) | st.none(),
       start=st.floats(-50, 50) | st.none(), latest=st.floats(-1e6, 1e6))
def test_a_linear_slider_spans_nought_and_its_paces_on_a_power_of_ten_grid(trend, needed, start, latest):
    knob = explore.Knob("x", "x", "x", True, trend, needed, start, "%", "%", latest)
    low, high = explore.slider_bounds(knob)
    step = explore.slider_step(knob)
    assert math.log10(step) == pytest.approx(round(math.log10(step)))
    value = explore.start_value(knob)
    assert low < 0 < high and low <= value <= high
    for pace in (trend, needed, start):
        if pace is not None:
            assert low - step / 2 <= pace <= high + step / 2
    for x in (low, high, value):
        assert abs(x / step - round(x / step)) < 1e-6
    assert (high - low) / step <= 20 * 4 * 10 + 2  # a few hundred stops at most


def test_targets_already_met_are_said_so_beside_the_slider():
    knob = explore.Knob("x", "服务业比重", "Services share", True, 1.63, None, 1.63, "%", "%", 51.7, met=True)
    assert explore.knob_note(knob, "zh") == "趋势 1.63个百分点 · 目标已达到"
    assert explore.knob_note(knob, "en") == "trend 1.63 percentage points · target already met"


def test_a_ratio_slider_moves_by_thousandths(ex):
    # the urban-rural income ratio: trend -0.04 a year, the plan path -0.023: grid 0.001 (1/20 of 0.04 is 0.002)
    knob = explore.Knob("ratio", "城乡居民收入比", "Urban-rural income ratio", True, -0.04, -0.023, None, "倍",
                        "times", 2.12)
    assert explore.slider_step(knob) == pytest.approx(0.001)
    assert explore.slider_bounds(knob) == pytest.approx((-0.08, 0.04))
    assert explore.knob_note(knob, "zh") == "趋势 \u22120.04 · 目标路径需 \u22120.023"
    assert explore.slider_unit(knob, "zh") == "每年变动" and explore.slider_unit(knob, "en") == "change a year"
    assert explore.pace_of(knob, -0.0300000001) == pytest.approx(-0.03)


def test_house_css_keeps_only_kzlib_classes_scoped_to_the_explorer():
    css = "/* c { x } */ :root { --rule: #ddd; } body { margin: 0; } img { width: 1px; } " \
          ".kz-chip { padding: 1px; } table.kz-table td { border: 0; } @media print { h2 { a: b; } }"
    assert explore.house_css(css) == ".kz-explorer { --rule: #ddd; }.kz-chip { padding: 1px; }table.kz-table td { border: 0; }"


# ---------------------------------------------------------------- in a running kernel


def test_in_a_running_event_loop_the_table_comes_first_and_the_charts_after(tiny, tmp_path):
    async def explore_live() -> tuple[explore.Explorer, list[int], list[int]]:
        ex = explore.Explorer(action=1, lang="zh", user_file=tmp_path / "user.yaml", defer=True)
        while not ex.idle:  # the start view's charts, drawn unseen under the current assumptions' name
            await asyncio.sleep(0.01)
        changed: list[int] = []
        for i, image in enumerate(ex.chart_box.children):  # t_gdp, then t_urb
            image.observe(lambda _change, i=i: changed.append(i), names="value")
        ex.sliders["gdp"].value = 12.0
        assert ex.drawing  # the gdp chart waits for the loop; table and judgements are there
        assert "可实现目标，2027年达到" in plain(ex.judgement_box.value)
        during = list(changed)
        while ex.drawing:
            await asyncio.sleep(0)
        after = changed[len(during):]
        ex.action.value = 2
        ex.action.value = 1  # a new view drops what is left of the old one's queue
        while not ex.idle:
            await asyncio.sleep(0.01)
        return ex, during, after

    try:
        ex, during, after = asyncio.run(explore_live())
    finally:
        gc.unfreeze()
    assert during == [1]  # the rate's chart, now naming the current assumptions, was drawn unseen before
    assert after == [0]  # the gdp chart, moved at the next turns of the loop
    for target in ("t_gdp", "t_urb"):
        image, fig = chart_of(ex, target)
        assert np.abs(pixels(image) - pixels(explore.png_bytes(fig))).max() <= 2


def test_a_change_made_without_a_running_loop_draws_before_it_returns(ex):
    ex.sliders["gdp"].value = 12.0
    assert not ex.drawing and ex.idle


# ---------------------------------------------------------------- saving scenarios


def test_saved_scenario_loads_back_with_the_same_paces(ex, reg, tmp_path):
    ex.sliders["gdp"].value = 9.3
    ex.sliders["urbanisation_rate"].value = 1.3
    shown = ex.assessment
    written = ex.save("zz_test_fast_gdp")
    assert written == tmp_path / "user.yaml"
    saved = scenarios.load_scenarios(written, registry=reg)["zz_test_fast_gdp"]
    assert saved.growth == {"gdp": 9.3 / 100} and saved.step == {"urbanisation_rate": 1.3}
    assert saved.base == "trend" and saved.assumption
    assert "step: {urbanisation_rate: 1.3}" in written.read_text(encoding="utf-8")
    assert "zz_test_fast_gdp" in [v for _, v in ex.scenario.options]
    base = start()
    again = assess.assess(reg, base.observations, scenario=saved, action=1, milestones=base.milestones)
    cols = ["scenario_value", "scenario_status", "scenario_year_met"]
    pd.testing.assert_frame_equal(again[cols], shown[cols])


def test_a_saved_scenario_opens_again_with_its_sliders_where_they_were(ex):
    ex.sliders["gdp"].value = 9.3
    ex.sliders["urbanisation_rate"].value = 2.1
    shown = ex.assessment
    ex.save("zz_open")
    assert ex.scenario.value == "zz_open"  # saved, then opened
    assert (ex.sliders["gdp"].value, ex.sliders["urbanisation_rate"].value) == pytest.approx((9.3, 2.1))
    assert ex.overrides == {} and ex.steps == {}  # now the scenario's own paces
    ex.scenario.value = "trend"
    assert (ex.sliders["gdp"].value, ex.sliders["urbanisation_rate"].value) == pytest.approx((7.7, 0.6))
    ex.scenario.value = "zz_open"
    assert (ex.sliders["gdp"].value, ex.sliders["urbanisation_rate"].value) == pytest.approx((9.3, 2.1))
    assert ex.overrides == {} and ex.steps == {}
    cols = ["id", "scenario_value", "scenario_status", "scenario_year_met"]
    pd.testing.assert_frame_equal(ex.assessment[cols], shown[cols])
    assert "zz_open（情景探索器假设）" in plain(ex.judgement_box.value)


def test_saving_keeps_the_start_scenario_and_the_file_comments(reg, tmp_path):
    path = tmp_path / "mine.yaml"
    path.write_text(textwrap.dedent("""\
        # my scenarios
        scenarios:
            first: {label_zh: 甲, label_en: A, growth: {gdp: 5}}
        """), encoding="utf-8")
    start = scenarios.Scenario("slow", "慢", "Slow", shift={"gdp": -0.02, "urbanisation_rate": -0.01})
    new = scenarios.with_overrides(start, {"gdp": 0.05}, name="second", label_zh="乙", label_en="B")
    scenarios.save_scenario(new, path, registry=reg)
    text = path.read_text(encoding="utf-8")
    assert text.startswith("# my scenarios\nscenarios:\n    first:")
    found = scenarios.load_scenarios(path, registry=reg)
    assert list(found) == ["first", "second"]
    assert found["second"].growth == {"gdp": 0.05}
    assert found["second"].shift == {"urbanisation_rate": -0.01}  # the start's shift, but not for gdp


def test_saving_refuses_bad_and_taken_names(ex, tmp_path):
    ex.save("zz_test_twice")
    with pytest.raises(ScenarioError, match="already exists"):
        ex.save("zz_test_twice")
    with pytest.raises(ScenarioError, match="user.yaml.*expected a letter"):
        ex.save("2fast")
    with pytest.raises(ScenarioError, match="already exists"):
        ex.save("trend")  # defined in data/scenarios.yaml


def test_save_button_reports_errors_in_the_panel(ex):
    ex.save_name.value = "bad name"
    ex.save_button.click()
    assert "expected a letter" in ex.message.value
    ex.save_name.value = "zz_test_ok"
    ex.save_button.click()
    assert "kz render --scenario zz_test_ok" in ex.message.value and "已保存情景" in ex.message.value
    ex.lang.value = "en"
    assert ex.message.value.startswith("Saved scenario zz_test_ok")


def test_default_scenarios_merge_the_user_file(tmp_path):
    user = tmp_path / "user.yaml"
    user.write_text("scenarios:\n  mine: {label_zh: 我的, label_en: Mine, growth: {gdp: 7}}\n", encoding="utf-8")
    merged = scenarios.load_scenarios(user=user)
    assert set(scenarios.load_scenarios(paths.SCENARIOS)) | {"mine"} == set(merged)
    assert merged["mine"].growth == {"gdp": 0.07}
    assert "mine" not in scenarios.load_scenarios(user=tmp_path / "absent.yaml")
    user.write_text("scenarios:\n  trend: {label_zh: 我的, label_en: Mine}\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="'trend' is already defined in data/plans/kaizhou-2023-2027/scenarios.yaml"):
        scenarios.load_scenarios(user=user)


# ---------------------------------------------------------------- the notebook


NOTEBOOK = paths.NOTEBOOKS / "explore.ipynb"


def test_notebook_is_committed_without_outputs():
    nb = nbformat.read(NOTEBOOK, as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    assert "parameters" in code[0].metadata.get("tags", [])
    assert all(not c.outputs and c.execution_count is None for c in code)


def test_the_start_view_as_static_html_has_the_table_charts_and_judgements(ex):
    start_view = ex.start_html
    assert 'class="kz-explorer kz-start-view"' in start_view
    assert ex.table.value in start_view and ex.judgement_box.value in start_view
    assert start_view.count("data:image/png;base64,") == len(ex.chart_box.children) == 2
    assert explore.LIVE_CSS in ex.title.value and explore.LIVE_CSS not in start_view  # the live widget hides it
    ex.sliders["gdp"].value = 12.0
    assert ex.start_html == start_view  # the start view stays the start view


@pytest.mark.slow
def test_the_executed_notebook_shows_the_start_view_without_a_kernel(tmp_path):
    papermill = pytest.importorskip("papermill")
    from nbconvert import HTMLExporter

    out = tmp_path / "explore.ipynb"
    papermill.execute_notebook(str(NOTEBOOK), str(out), parameters={"action": 1, "lang": "en"},
                               kernel_name="python3", cwd=str(tmp_path), progress_bar=False)
    nb = json.loads(Path(out).read_text(encoding="utf-8"))
    outputs = [o for c in nb["cells"] if c["cell_type"] == "code" for o in c.get("outputs", [])]
    assert not [o for o in outputs if o.get("output_type") == "error"]
    assert any("application/vnd.jupyter.widget-view+json" in o.get("data", {}) for o in outputs)
    page, _ = HTMLExporter().from_notebook_node(nbformat.read(out, as_version=4))
    start_view = page[page.index('class="kz-explorer kz-start-view"'):]
    b = brief.load("en", scenario="trend", action=1)
    for cells in brief.status_rows(brief.chart_rows(b), "en", scenario=True, b=b):
        assert cells[0] in start_view  # every target with figures has its row
    assert start_view.count("data:image/png;base64,") == len(brief.chart_rows(b))


def test_untouched_explorer_agrees_with_the_brief_on_the_project_data():
    ex = explore.load(action=1, lang="zh", scenario="trend", user_file=Path("/nonexistent/user.yaml"))
    b = brief.load("zh", scenario="trend", action=1)
    pd.testing.assert_frame_equal(ex.assessment.reset_index(drop=True), b.rows.reset_index(drop=True))
    assert brief.status_rows(b.rows[b.rows["kind"] != "milestone"], "zh")[0][0] in ex.table.value
    ex.action.value = 9  # another action, assessed from the figures already read
    pd.testing.assert_frame_equal(ex.assessment, brief.load("zh", scenario="trend", action=9).rows)


def test_a_saved_scenario_is_what_the_brief_uses_and_its_lead_names_it(project):
    ex = explore.load(action=1, lang="en", scenario="trend")
    ex.sliders["gdp"].value = round(ex.sliders["gdp"].value + 2.0, 1)
    ex.sliders["urbanisation_rate"].value = 1.5
    shown = ex.assessment
    ex.save("zz_test_brief")
    for lang in ("en", "zh"):
        b = brief.load(lang, scenario="zz_test_brief", action=1)  # what the action notebook calls
        cols = ["id", "scenario_value", "scenario_status", "scenario_year_met"]
        pd.testing.assert_frame_equal(b.rows[cols].reset_index(drop=True), shown[cols].reset_index(drop=True))
        lead = brief.lead(b)
        assert labels.label("brief.scenario_heading", lang) in lead
        assert brief.esc(labels.label("explore.saved_label", lang, name="zz_test_brief")) in lead


@pytest.mark.slow
def test_kz_render_with_a_saved_scenario_names_it_in_the_lead(project, tmp_path):
    ex = explore.load(action=1, lang="zh", scenario="trend")
    ex.sliders["urbanisation_rate"].value = 1.5
    ex.save("zz_render")
    out = tmp_path / "out"
    assert cli.main(["render", "--action", "1", "--lang", "zh", "--scenario", "zz_render", "--out", str(out)]) == 0
    page = (out / "html" / "zh" / "action-01.html").read_text(encoding="utf-8")
    lead = page[page.index('class="kz-lead"'):]
    lead = lead[:lead.index("</section>")]
    assert "情景说明" in lead and "情景预测按“zz_render（情景探索器假设）”计算" in lead


def test_the_menus_widen_for_long_english_titles_and_the_action_menu_stays_put_for_chinese_ones(ex):
    ex.lang.value = "en"
    english = float(ex.action.layout.width.removesuffix("em"))
    scenario = float(ex.scenario.layout.width.removesuffix("em"))
    ex.lang.value = "zh"
    chinese = float(ex.action.layout.width.removesuffix("em"))
    assert chinese == 30 and english > chinese
    assert scenario > 24  # "GDP grows 6 % a year (illustrative assumption)" whole
    assert explore.dropdown_width(["9. " + "x" * 200]) == "52em"  # never wider than a notebook's column
