"""Numbers and judgement sentences: hand-worked rows, every status and kind, both languages."""

from __future__ import annotations

import math
import re

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kzlib import settings
from kzlib.text import (
    format_number,
    format_percent,
    judgement,
    pace_phrase,
    status_label,
    target_text,
    year_rule,
    year_span,
)


def assess_row(**changes: object) -> dict:
    """An assess-shaped row (GDP, action 1) with the given fields changed."""
    row = {
        "id": "a1_gdp", "action": 1, "item": 0, "indicator": "gdp", "kind": "level",
        "name_zh": "地区生产总值", "name_en": "GDP", "unit": "亿元", "unit_en": "100 million yuan",
        "comparator": ">", "target_value": 1000.0, "value_high": None, "target_year": 2027, "direction": "up",
        "firmness": "firm", "status": "needs_acceleration", "ratio": 0.67, "method": "growth_ratio",
        "base_year": 2020, "base_value": 535.0, "latest_year": 2024, "latest_value": 721.44, "n_obs": 5,
        "gap": 278.56, "observed_growth": 0.077, "required_growth": 0.115, "speedup": 1.5,
        "projected_value": None, "year_met": None, "probability": None, "time_progress": 0.4,
        "task_progress": 0.2, "broken_years": None, "milestone_state": None, "reason": None,
        "scenario": None, "scenario_value": None, "scenario_status": None,
        "pace_unit": "percent", "required_pace": 11.5, "observed_pace": 7.7,
    }
    row.update(changes)
    return row


# --- numbers -------------------------------------------------------------------------------------------


@pytest.mark.parametrize(("x", "lang", "unit", "expected"), [
    (721.44, "zh", "亿元", "721.44亿元"),
    (1000 - 721.44, "zh", "亿元", "278.56亿元"),          # 278.55999999999995 rounds to two places
    (46.5, "zh", "%", "46.5%"),
    (1.2, "zh", "pp", "1.2个百分点"),
    (8285, "zh", "人", "8285人"),                         # no thousands separator in Chinese
    (2.05, "zh", None, "2.05"),
    (721.44, "en", "100 million yuan", "72.144 billion yuan"),  # 721.44 × 10^8 = 7.2144 × 10^10, every digit kept
    (173.4, "en", "10 thousand mu", "1.734 million mu"),        # 173.4 × 10^4 = 1,734,000: not rounded to 1.73
    (1000, "en", "100 million yuan", "100 billion yuan"),
    (0.5, "en", "100 million yuan", "50 million yuan"),         # 0.5 × 10^8
    (125, "en", "10 thousand people", "1.25 million people"),   # 125 × 10^4
    (60, "en", "10 thousand people", "600,000 people"),
    (30, "en", "100 million m³", "3 billion m³"),
    (8285, "en", "people", "8,285 people"),
    (1, "en", "firms", "1 firm"),
    (1, "en", "people", "1 person"),
    (11.5, "en", "%", "11.5%"),
    (1.2, "en", "pp", "1.2 percentage points"),
    (60, "en", "km²", "60 km²"),
    (-3.0, "zh", "%", "-3%"),
])
def test_format_number_hand_worked(x: float, lang: str, unit: str | None, expected: str) -> None:
    assert format_number(x, lang, unit) == expected


def test_format_number_digits_and_missing() -> None:
    assert format_number(1.46, "zh", "倍", digits=1) == "1.5倍"
    assert format_number(1.46, "en", "times", digits=1) == "1.5 times"
    assert format_number(None, "zh", "亿元") == "—"
    assert format_number(float("nan"), "en") == "—"
    assert format_number(pd.NA, "en") == "—"
    assert format_percent(0.115, "zh") == "11.5%"
    assert format_percent(-0.0077, "en") == "-0.8%"
    assert format_percent(0.12, "en", 0) == "12%"
    assert format_percent(0.0199, "zh") == "2.0%"  # rates keep their decimal: 增长2.0%
    assert format_number(2.0, "zh", "pp", 1, fixed=True) == "2.0个百分点"
    assert format_number(1000.0, "zh", "亿元") == "1000亿元"  # levels drop trailing zeros


def test_format_number_rejects_unknown_language() -> None:
    with pytest.raises(ValueError, match="unknown language 'fr'"):
        format_number(1.0, "fr")


@given(st.floats(min_value=-1e7, max_value=1e7, allow_nan=False))
def test_plain_numbers_read_back(x: float) -> None:
    assert float(format_number(x, "zh")) == pytest.approx(round(x, 2), abs=1e-9)
    assert float(format_number(x, "en").replace(",", "")) == pytest.approx(round(x, 2), abs=1e-9)


@given(st.floats(min_value=0.01, max_value=1e5, allow_nan=False))
def test_english_scaled_units_keep_the_magnitude(x: float) -> None:
    number, *words = format_number(x, "en", "100 million yuan").split(" ")
    scale = {"billion": 1e9, "million": 1e6}.get(words[0], 1.0)
    value = float(number.replace(",", "")) * scale
    assert words[-1] == "yuan"
    # Off by at most half the last digit shown: 0.005 (100 million yuan) = 0.5 million, or 0.005 billion.
    assert abs(value - x * 1e8) <= 0.5e6 + 0.005 * scale + 1e-9 * x * 1e8


def test_status_labels_and_spans() -> None:
    assert status_label("needs_acceleration", "zh") == "低于序时进度"
    assert status_label("on_track", "zh", "floor") == "守住底线"
    assert status_label("lagging", "zh", "floor") == "未守住底线"
    assert status_label("achieved", "zh", "floor") == "已完成"
    assert status_label("moving_away", "en") == "Moving away"
    assert status_label("no_data", "zh") == "暂无数据"
    with pytest.raises(ValueError, match="unknown status 'late'"):
        status_label("late", "zh")
    assert year_span(2025, 2027, "zh") == "2025—2027年"
    assert year_span(2025, 2027, "en") == "2025–2027"
    assert year_span(2027, 2027, "zh") == "2027年"


def test_target_text() -> None:
    assert target_text(assess_row(), "zh") == "超过1000亿元"
    assert target_text(assess_row(comparator=">="), "en") == "≥100 billion yuan"
    assert target_text(assess_row(kind="range", comparator="between", target_value=3, value_high=5,
                                  unit="家", unit_en="firms"), "zh") == "3—5家"
    assert target_text(assess_row(kind="ratio", comparator="<=", target_value=2.05, unit="倍"), "zh") == "不高于2.05:1"


# --- judgements ------------------------------------------------------------------------------------------


def test_example_sentence_from_the_contract() -> None:
    # 1000 − 721.44 = 278.56; 11.5 % needed vs 7.7 % so far: 11.5 / 7.7 ≈ 1.5 times.
    row = assess_row()
    assert judgement(row, "zh") == ("2024年地区生产总值721.44亿元，距1000亿元目标尚差278.56亿元；2025—2027年需年均"
                                    "增长约11.5%，约为2020—2024年年均增速（7.7%）的1.5倍，低于序时进度，需加快推进。")
    assert judgement(row, "en") == ("GDP was 72.144 billion yuan in 2024, 27.856 billion yuan short of the target of "
                                    "100 billion yuan; it needs to grow by about 11.5% a year in 2025–2027, 1.5 times "
                                    "the pace of 2020–2024 (7.7% a year), so it needs to speed up.")


def test_judgement_accepts_a_series_and_adds_the_outlook() -> None:
    # a projection is a computed figure: 3 significant digits (900.3 -> 900, 90.03 -> 90 billion)
    row = pd.Series(assess_row(projected_value=900.3, probability=0.12))
    assert judgement(row, "zh").endswith("需加快推进。按现有增速推算，2027年约为900亿元；按历年波动估算，如期实现目标的概率约为12%。")
    assert judgement(row, "en").endswith(
        "so it needs to speed up. At the current pace it would be about 90 billion yuan in 2027; the chance of "
        "meeting the target on time, given past fluctuations, is about 12%.")


def test_achieved_share() -> None:
    row = assess_row(name_zh="常住人口城镇化率", name_en="Urbanisation rate", unit="%", unit_en="%", kind="share",
                     target_value=60.0, latest_value=61.2, gap=-1.2, status="achieved")
    assert judgement(row, "zh") == "2024年常住人口城镇化率为61.2%，已提前达到2027年目标（超过60%），需继续保持。"
    assert judgement(row, "en") == ("Urbanisation rate was 61.2% in 2024, already meeting the 2027 target (>60%) "
                                    "ahead of time; it is to be held there.")
    # met in the target year itself: met, not ahead of time
    assert judgement(dict(row, latest_year=2027), "zh") == "2027年常住人口城镇化率为61.2%，已达到2027年目标（超过60%）。"


def test_moving_away_says_it_moves_the_wrong_way() -> None:
    # 52.0 (2022) → 51.2 (2024): (51.2/52)^(1/2) − 1 = −0.77 %; (60/51.2)^(1/3) − 1 = +5.43 %; gap 60 − 51.2 = 8.8.
    row = assess_row(name_zh="城市建成区面积", name_en="Urban built-up area", unit="平方公里", unit_en="km²",
                     target_value=60.0, base_year=2022, base_value=52.0, latest_value=51.2, gap=8.8,
                     observed_growth=math.sqrt(51.2 / 52) - 1, required_growth=(60 / 51.2) ** (1 / 3) - 1,
                     observed_pace=100 * (math.sqrt(51.2 / 52) - 1), required_pace=100 * ((60 / 51.2) ** (1 / 3) - 1),
                     speedup=None, ratio=-0.14, status="moving_away")
    assert judgement(row, "zh") == ("2024年城市建成区面积51.2平方公里，距60平方公里目标尚差8.8平方公里；2022—2024年年均"
                                    "下降0.8%，与目标方向相反，需尽快扭转，2025—2027年需年均增长约5.4%。")
    assert judgement(row, "en") == ("Urban built-up area was 51.2 km² in 2024, 8.8 km² short of the target of 60 km²; "
                                    "it fell by 0.8% a year in 2022–2024, moving away from the target, and it needs "
                                    "to grow by about 5.4% a year in 2025–2027.")


def test_share_pace_in_percentage_points() -> None:
    # 47.3 % (2022) → 47.7 % (2024): +0.2 point a year; 2.3 points to go in 3 years: 0.77 a year, 3.8 times faster.
    row = assess_row(name_zh="服务业增加值占地区生产总值比重", name_en="Services share of GDP", unit="%",
                     unit_en="%", kind="share", comparator=">=", target_value=50.0, base_year=2022,
                     base_value=47.3, latest_value=47.7, gap=50.0 - 47.7, status="lagging", pace_unit="points",
                     required_pace=2.3 / 3, observed_pace=0.2, speedup=(2.3 / 3) / 0.2)
    assert judgement(row, "zh") == ("2024年服务业增加值占地区生产总值比重为47.7%，距50%目标尚差2.3个百分点；2025—2027年"
                                    "需年均提高约0.8个百分点，约为2022—2024年年均提高幅度（0.2个百分点）的3.8倍，"
                                    "明显滞后于序时进度，需大力加快推进。")
    assert "rise by about 0.8 percentage points a year in 2025–2027, 3.8 times the pace of 2022–2024 " \
           "(0.2 percentage points a year), so it is lagging well behind." in judgement(row, "en")


def test_ratio_lower_is_better() -> None:
    # 2.21:1 in 2024 against ≤ 2.05:1: 0.16 to shed; −2.5 % a year needed, −1.6 % so far: 1.6 times.
    row = assess_row(name_zh="城乡居民人均可支配收入比", name_en="Urban-rural income ratio", unit="倍",
                     unit_en="times", kind="ratio", comparator="<=", target_value=2.05, direction="down",
                     base_year=2022, base_value=2.28, latest_value=2.21, gap=2.05 - 2.21,
                     observed_growth=-0.0155, required_growth=-0.0248, speedup=1.6, observed_pace=-1.55,
                     required_pace=-2.48)
    assert judgement(row, "zh") == ("2024年城乡居民人均可支配收入比为2.21:1，距2.05:1目标尚需降低0.16；2025—2027年需"
                                    "年均下降约2.5%，约为2022—2024年年均降幅（1.6%）的1.6倍，低于序时进度，需加快推进。")
    assert judgement(row, "en") == ("Urban-rural income ratio was 2.21:1 in 2024, 0.16 above the target of 2.05:1; it "
                                    "needs to fall by about 2.5% a year in 2025–2027, 1.6 times the pace of "
                                    "2022–2024 (1.6% a year), so it needs to speed up.")


def test_growth_target_names_the_level_it_implies() -> None:
    # 4.0 (2022) growing 15 % a year for 5 years: 4.0 × 1.15^5 = 8.0454; gap 8.0454 − 4.6 = 3.4454;
    # observed (4.6/4.0)^(1/2) − 1 = 7.24 %; required (8.0454/4.6)^(1/3) − 1 = 20.48 %; 20.48 / 7.24 = 2.83.
    level = 4.0 * 1.15 ** 5
    row = assess_row(name_zh="全社会研发经费投入", name_en="Gross R&D expenditure", kind="growth", comparator=">=",
                     stated_value=15.0, target_value=level, base_year=2022, base_value=4.0, latest_value=4.6,
                     gap=level - 4.6, observed_growth=math.sqrt(4.6 / 4.0) - 1,
                     required_growth=(level / 4.6) ** (1 / 3) - 1, observed_pace=100 * (math.sqrt(4.6 / 4.0) - 1),
                     required_pace=100 * ((level / 4.6) ** (1 / 3) - 1),
                     speedup=((level / 4.6) ** (1 / 3) - 1) / (math.sqrt(4.6 / 4.0) - 1), status="lagging")
    assert judgement(row, "zh") == ("2024年全社会研发经费投入4.6亿元，距目标水平8.05亿元（年均增长15%以上）尚差3.45亿元；"
                                    "2025—2027年需年均增长约20.5%，约为2022—2024年年均增速（7.2%）的2.8倍，明显滞后于序时进度，"
                                    "需大力加快推进。")
    assert judgement(row, "en").startswith("Gross R&D expenditure was 460 million yuan in 2024, 345 million yuan "
                                           "short of the target level of 805 million yuan (growth of ≥15% a year);")
    assert target_text(row, "zh") == "年均增长15%以上"
    assert target_text(dict(row, kind="change", stated_value=-20.0, base_year=2020), "zh") == "较2020年下降20%"
    assert target_text(dict(row, kind="change", stated_value=-20.0, base_year=2020), "en") == "20% below the 2020 level"
    # the plan's base year, not the year the figures start from
    assert target_text(dict(row, kind="change", stated_value=-20.0, base_year=2021, plan_base_year=2020),
                       "zh") == "较2020年下降20%"
    assert target_text(dict(row, kind="multiple", stated_value=2.0), "zh") == "翻一番"
    assert target_text(dict(row, kind="multiple", stated_value=2.0), "en") == "double the base-year level"


def test_no_data_names_the_figure_and_the_source() -> None:
    row = assess_row(name_zh="全社会研发经费投入", name_en="Gross R&D expenditure", kind="growth", status="no_data",
                     base_year=None, latest_year=None, latest_value=None, n_obs=0)
    assert judgement(row, "zh", source="区科技局") == (
        "暂无全社会研发经费投入的数据，无法评估进度；需请区科技局提供2022年以来各年度数据。")
    assert judgement(row, "en", source="Science & Technology Bureau") == (
        "There are no figures of gross R&D expenditure yet, so progress cannot be assessed; ask the Science & "
        "Technology Bureau for annual figures since 2022.")


def test_single_figure_is_too_few_data_with_the_gap() -> None:
    # 常住人口 118.56万人 (2023), the one figure, against 125万人: 6.44万人 to go
    row = assess_row(name_zh="常住人口", name_en="Resident population", unit="万人", unit_en="10 thousand people",
                     status="insufficient_data", base_year=2023, latest_year=2023, latest_value=118.56, n_obs=1,
                     target_value=125.0, comparator=">=", gap=125 - 118.56)
    assert judgement(row, "zh", source="区统计局") == (
        "常住人口目前仅有2023年数据（118.56万人），距125万人目标尚差6.44万人；尚无法判断进度；"
        "需请区统计局补充2022年以来其余年份数据。")
    assert judgement(row, "en") == ("Resident population has a single figure (1.1856 million people in 2023), "
                                    "64,400 people short of the target of 1.25 million people; too few data to judge "
                                    "its pace; collect the other years since 2022.")


def test_maintain_names_the_years_that_broke_the_floor() -> None:
    # 30 − 29.1 = 0.9 short in 2024; 2023 broke it too
    row = assess_row(name_zh="常规天然气年产量", name_en="Conventional natural gas output", unit="亿立方米",
                     unit_en="100 million m³", kind="maintain", comparator=">=", target_value=30.0, gap=0.9,
                     status="lagging", latest_value=29.1, broken_years=[2024, 2023])
    assert judgement(row, "zh") == ("方案要求常规天然气年产量每年不低于30亿立方米；2024年为29.1亿立方米，低于底线0.9亿立方米；"
                                    "2023年也曾低于底线；需尽快扭转。")
    assert judgement(row, "en") == ("The plan requires conventional natural gas output to stay at or above 3 billion m³ "
                                    "every year; it was 2.91 billion m³ in 2024, 90 million m³ below the floor; it was "
                                    "below the floor in 2023 too; this needs turning round soon.")
    held = assess_row(name_zh="城镇新增就业人数", name_en="New urban jobs", unit="人", unit_en="people", kind="flow",
                      comparator=">=", target_value=7000, status="on_track", latest_value=8285, latest_year=2023,
                      broken_years="", gap=None)
    assert judgement(held, "zh") == "方案要求城镇新增就业人数每年不低于7000人；2023年为8285人，守住底线。"
    assert judgement(held, "en").endswith("at or above 7,000 people every year; it was 8,285 people in 2023, above the "
                                          "floor.")


def test_maintain_says_when_the_latest_year_is_back_above_the_floor() -> None:
    # 粮食播种面积稳定在173万亩以上: 172.59 in 2023 broke it, 173.4 in 2024 held it again.
    row = assess_row(name_zh="粮食播种面积", name_en="Grain sown area", unit="万亩", unit_en="10 thousand mu",
                     kind="maintain", comparator=">=", target_value=173.0, status="on_track", latest_value=173.4,
                     latest_year=2024, broken_years=[2023], gap=None)
    assert judgement(row, "zh") == ("方案要求粮食播种面积每年不低于173万亩；2024年为173.4万亩，守住底线；"
                                    "但2023年曾低于底线，需持续巩固。")
    assert judgement(row, "en").endswith("it was 1.734 million mu in 2024, above the floor; but it was below the floor "
                                         "in 2023.")


def test_range_inside_and_below() -> None:
    row = assess_row(name_zh="规模以上物流企业", name_en="Logistics firms above designated size", unit="家",
                     unit_en="firms", kind="range", comparator="between", target_value=3, value_high=5,
                     direction="band", latest_value=2, status="lagging")
    assert judgement(row, "zh") == "规模以上物流企业2027年目标为3—5家；2024年为2家，距区间下限尚差1家。"
    assert judgement(row, "en") == ("The 2027 target for logistics firms above designated size is 3–5 firms; in 2024 "
                                    "it was 2 firms, 1 firm short of the lower bound.")
    assert judgement(dict(row, latest_value=4, status="achieved"), "zh").endswith("2024年为4家，已在目标区间内。")
    assert judgement(dict(row, latest_value=7), "en").endswith("2 firms above the upper bound.")


def test_milestones_state_year_and_source() -> None:
    row = assess_row(kind="milestone", name_zh="建成开州通用机场", name_en="Kaizhou general airport built",
                     indicator=None, target_value=None, milestone_state="in_progress", status="in_progress",
                     latest_year=2024, source_title="开州区政府工作报告（2025）")
    assert judgement(row, "zh") == "建成开州通用机场（目标年份2027年）：截至2024年正在推进。来源：开州区政府工作报告（2025）。"
    assert judgement(row, "en") == ("Kaizhou general airport built (due 2027): in progress as of 2024. "
                                    "Source: 开州区政府工作报告（2025）.")
    done = dict(row, milestone_state="done", status="achieved", latest_year=2022, source_title=None)
    assert judgement(done, "zh") == "建成开州通用机场（目标年份2027年）：截至2022年已完成。"
    assert judgement(done, "zh", source="开州日报") == "建成开州通用机场（目标年份2027年）：截至2022年已完成。来源：开州日报。"
    # read in 2026, a 2024 record of work in progress is two years old: to be updated; a done record never is
    assert judgement(row, "zh", now=2026).startswith("建成开州通用机场（目标年份2027年）：截至2024年正在推进，相关信息需更新。")
    assert "需更新" not in judgement(row, "zh", now=2025)
    assert "需更新" not in judgement(done, "zh", now=2030)
    assert judgement(done, "en") == "Kaizhou general airport built (due 2027): done as of 2022."
    unknown = dict(row, milestone_state=None, status="no_data", latest_year=None)
    assert "暂无进展信息" in judgement(unknown, "zh")


def test_not_assessable_says_why() -> None:
    row = assess_row(kind="benchmark", name_zh="单位地区生产总值能耗下降", name_en="Energy intensity reduction",
                     status="not_assessable", reason="compared with the municipal quota, which the plan does not state")
    assert judgement(row, "zh") == ("单位地区生产总值能耗下降以国家下达目标、全市平均水平等为参照，方案未明确具体数值，"
                                    "暂不能量化评估。")
    other = dict(row, kind="level", reason="the indicator has no published series")
    assert judgement(other, "en") == ("Energy intensity reduction cannot be assessed numerically: the indicator has "
                                      "no published series.")


@pytest.mark.parametrize("lang", settings.LANGS)
@pytest.mark.parametrize("kind", settings.TARGET_KINDS)
@pytest.mark.parametrize("status", settings.STATUSES)
def test_every_status_and_kind_gives_a_clean_sentence(status: str, kind: str, lang: str) -> None:
    row = assess_row(kind=kind, status=status, value_high=1200.0 if kind == "range" else None,
                     broken_years=[2023] if status in ("lagging", "moving_away") else [],
                     milestone_state={"achieved": "done", "in_progress": "in_progress",
                                      "not_started": "not_started"}.get(status))
    if status == "no_data":
        row.update(latest_value=None, latest_year=None, n_obs=0)
    sentence = judgement(row, lang)
    assert sentence.endswith("。" if lang == "zh" else ".")
    for junk in ("nan", "None", "<NA>"):
        assert junk not in sentence
    assert not re.search(r"(?<!\d)—|—(?!\d)", sentence), "a missing number shown as a dash"


# --- the rules of the judgements issue ------------------------------------------------------------------


def test_a_nominal_need_says_so_and_gives_the_real_growth_beside_it() -> None:
    row = assess_row(prices="current", real_growth=3.0, real_growth_year=2024)
    assert judgement(row, "zh") == ("2024年地区生产总值721.44亿元，距1000亿元目标尚差278.56亿元；按现价计算，2025—2027年"
                                    "需年均增长约11.5%，约为2020—2024年年均增速（7.7%）的1.5倍，低于序时进度，需加快推进。"
                                    "2024年地区生产总值按可比价格计算增长3.0%。")
    assert "at current prices, it needs to grow by about 11.5% a year" in judgement(row, "en")
    assert judgement(row, "en").endswith("In 2024 GDP grew 3.0% at constant prices.")


def test_a_probability_below_ten_percent_is_said_plainly() -> None:
    row = assess_row(probability=0.012, projected_value=902.37)
    assert judgement(row, "zh").endswith("按现有增速推算，2027年约为902亿元；按历年波动估算，如期实现目标的概率约为1%，"
                                         "如期实现难度很大。")
    assert judgement(row, "en").endswith("is about 1%: very unlikely on current trends.")
    # even a target on track says it when its chance is this low
    assert "如期实现难度很大" in judgement(assess_row(status="on_track", probability=0.04), "zh")
    assert "不足1%" in judgement(assess_row(probability=0.001), "zh")


def test_a_share_needs_points_a_year_in_the_sentence_and_the_table() -> None:
    # 常住人口城镇化率 53.94 (2024), over 60 by 2027: (60 − 53.94) / 3 = 2.02 points a year; 0.6 so far
    row = assess_row(name_zh="常住人口城镇化率", name_en="Urbanisation rate", unit="%", unit_en="%", kind="share",
                     target_value=60.0, base_year=2023, base_value=53.34, latest_value=53.94, gap=6.06,
                     pace_unit="points", required_pace=2.02, observed_pace=0.6, speedup=2.02 / 0.6, status="lagging")
    # one year of change (2023 -> 2024) is that year's change, not an average over a span
    assert "2025—2027年需年均提高约2.0个百分点，约为2024年提高幅度（0.6个百分点）的3.4倍" in judgement(row, "zh")
    assert "约为2022—2024年年均提高幅度（0.6个百分点）" in judgement(dict(row, base_year=2022), "zh")
    assert pace_phrase(row, "required", "zh") == "提高2.0个百分点"
    assert pace_phrase(row, "required", "en") == "+2.0 percentage points"
    assert pace_phrase(assess_row(), "required", "zh") == "增长11.5%"


def test_new_jobs_at_risk_name_the_year_the_floor_breaks() -> None:
    row = assess_row(name_zh="城镇新增就业人数", name_en="New urban jobs", unit="人", unit_en="people", kind="flow",
                     comparator=">=", target_value=7000, status="at_risk", latest_value=7998, latest_year=2024,
                     broken_years=[], gap=None, break_year=2025, projected_value=4925.2, base_year=2022,
                     pace_unit="percent", observed_pace=-14.9)
    # 7998 × (1 − 0.149)^3 = 4929: the trend the outlook follows is named with the year it breaks the floor
    assert judgement(row, "zh") == ("方案要求城镇新增就业人数每年不低于7000人；2024年为7998人，守住底线；"
                                    "按现有趋势（2022—2024年年均下降14.9%）推算，2025年可能低于底线，存在不达标风险；"
                                    "按现有降幅推算，2027年约为4930人。")
    assert judgement(row, "en") == ("The plan requires new urban jobs to stay at or above 7,000 people every year; it "
                                    "was 7,998 people in 2024, above the floor; on the current trend (−14.9% a year "
                                    "in 2022–2024) it may fall below the floor in 2025, so it is at risk; at the "
                                    "current pace it would be about 4,930 people in 2027.")
    # read in 2026, the 2025 figure is due: it is to be checked
    assert judgement(row, "zh", now=2026).endswith("2027年约为4930人；需尽快核实2025年实际数据。")
    assert "核实" not in judgement(row, "zh", now=2025)


def test_one_figure_short_of_a_floor_is_too_few_data() -> None:
    # 粮食产量 58.24万吨 (2023), the only figure, against 59万吨 a year: 0.76 short
    row = assess_row(name_zh="粮食产量", name_en="Grain output", unit="万吨", unit_en="10 thousand tonnes",
                     kind="maintain", comparator=">=", target_value=59.0, status="insufficient_data",
                     latest_value=58.24, latest_year=2023, base_year=2023, gap=0.76, broken_years=[2023])
    assert judgement(row, "zh") == ("方案要求粮食产量每年不低于59万吨；目前仅有2023年数据（58.24万吨），低于底线0.76万吨；"
                                    "尚无法判断进度；需补充2022年以来其余年份数据。")


def test_a_comparison_names_the_missing_series_or_compares_the_two() -> None:
    row = assess_row(kind="compare", name_zh="居民收入增速高于全区GDP增速", name_en="Income growth above GDP growth",
                     indicator="inc", reference="gdp", indicator_zh="全体居民人均可支配收入实际增长率",
                     indicator_en="real growth of disposable income", reference_zh="地区生产总值增长率",
                     reference_en="GDP growth", status="no_data", missing_series="inc", latest_value=None,
                     latest_year=None, unit="%", unit_en="%")
    assert judgement(row, "zh", source="国家统计局开州调查队") == (
        "居民收入增速高于全区GDP增速：暂无全体居民人均可支配收入实际增长率数据，无法比较；"
        "需请国家统计局开州调查队提供2023年以来各年度数据。")
    short = dict(row, status="lagging", missing_series=None, latest_year=2024, latest_value=5.5, reference_value=6.0,
                 gap=0.5)
    assert judgement(short, "zh") == ("2024年全体居民人均可支配收入实际增长率为5.5%，低于地区生产总值增长率（6.0%）"
                                      "0.5个百分点；未达到方案要求。")
    held = dict(short, status="on_track", latest_value=6.2, gap=None)
    assert judgement(held, "en") == ("In 2024 real growth of disposable income was 6.2%, above GDP growth (6.0%); so the "
                                     "requirement is met.")
    assert status_label("lagging", "zh", year_rule(short)) == "未达到要求"


def test_a_patent_density_is_a_level_in_its_unit_not_a_ratio() -> None:
    row = assess_row(kind="level", comparator=">=", target_value=2.0, unit="件", unit_en="patents per 10 thousand people")
    assert target_text(row, "zh") == "2件以上"
    assert target_text(row, "en") == "≥2 patents per 10 thousand people"
    assert target_text(assess_row(kind="ratio", comparator="<=", target_value=2.05, unit="倍"), "zh") == "不高于2.05:1"


def test_a_risk_line_says_a_floor_is_below_the_floor_not_short_of_a_target() -> None:
    from kzlib.text import risk_reason

    row = assess_row(name_zh="粮食产量", unit="万吨", kind="maintain", comparator=">=", target_value=59.0,
                     status="lagging", latest_value=58.47, gap=0.53, required_pace=None, observed_pace=None,
                     probability=None)
    assert risk_reason(row, "zh") == "2024年为58.47万吨，低于底线0.53万吨"
    assert risk_reason(assess_row(required_pace=None, probability=None), "zh") == "2024年为721.44亿元，距目标尚差278.56亿元"


def test_a_recent_turn_is_told_beside_the_average_pace_with_real_growth_for_a_nominal_amount() -> None:
    # GDP 686.91 (2023) -> 721.44 (2024): 721.44 / 686.91 - 1 = +5.03 % against 7.7 % a year since 2020; real
    # growth 3.0 % in 2024. At 5.03 % a year: 721.44 × 1.0503^3 = 835.8 in 2027.
    row = assess_row(prices="current", real_growth=3.0, real_growth_year=2024, recent_pace=5.0268,
                     recent_projected=835.80, projected_value=901.76)
    zh = judgement(row, "zh")
    assert "约为2020—2024年年均增速（7.7%）的1.5倍（其中2024年现价增长5.0%、按可比价格计算增长3.0%）" in zh
    assert "按现有增速推算，2027年约为902亿元，若按2024年增速，约为836亿元" in zh
    assert zh.count("可比价格") == 1  # told once, beside the nominal growth of its year
    # a latest year in line with the average is not told
    assert "其中2024年" not in judgement(dict(row, recent_pace=7.5), "zh")


def test_targets_read_in_the_plans_own_words() -> None:
    water = assess_row(kind="maintain", comparator=">=", target_value=100.0, unit="%", unit_en="%")
    assert target_text(water, "zh") == "每年100%"  # nothing lies above 100 %
    patents = assess_row(comparator=">", target_value=20000.0, unit="件", unit_en="patents")
    assert target_text(patents, "zh") == "超过2万件"  # 突破2万件
    assert target_text(dict(patents, target_value=15266.0), "zh") == "超过15266件"  # not a round number of 万
    assert target_text(patents, "en") == ">20,000 patents"


def test_a_risk_line_names_one_years_change_as_that_year() -> None:
    from kzlib.text import risk_reason

    row = assess_row(name_zh="常住人口城镇化率", unit="%", kind="share", target_value=60.0, latest_value=53.94,
                     gap=6.06, base_year=2023, pace_unit="points", required_pace=2.02, observed_pace=0.6,
                     probability=None)
    assert risk_reason(row, "zh").endswith("今后需年均提高2.0个百分点（2024年提高0.6个百分点）")
    assert risk_reason(dict(row, base_year=2022), "zh").endswith("（此前年均提高0.6个百分点）")
