"""kzlib.brief: the HTML pieces of a brief, escaped, coloured by status, built from assess rows."""

from __future__ import annotations

import csv
import re
from pathlib import Path
from types import SimpleNamespace

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kzlib import assess, brief, context, labels, paths, settings

GDP_ROW = {
    "id": "t-gdp", "action": 1, "kind": "level", "indicator": "gdp", "name_zh": "地区生产总值", "name_en": "GDP",
    "unit": "亿元", "unit_en": "100 million yuan", "comparator": ">", "target_value": 1000.0, "value_high": None,
    "target_year": 2027, "firmness": "firm", "status": "needs_acceleration", "latest_year": 2024,
    "latest_value": 721.44, "gap": 278.56, "required_growth": 0.115, "probability": 0.42, "ratio": 0.7,
    "pace_unit": "percent", "required_pace": 11.5,
}


def test_esc_and_link_keep_markup_out():
    assert brief.esc("<script>alert('x')</script>") == "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;"
    assert brief.esc(None) == "" and brief.esc(float("nan")) == ""
    assert brief.link("a & b", "https://x.cn/p?a=1&b=2") == '<a href="https://x.cn/p?a=1&amp;b=2">a &amp; b</a>'
    assert brief.link("click", "javascript:alert(1)") == "click"
    assert brief.link("<i>", "") == "&lt;i&gt;"
    assert brief.link("q", 'https://x.cn/"><script>') == '<a href="https://x.cn/&quot;&gt;&lt;script&gt;">q</a>'


@given(st.sampled_from(settings.STATUSES), st.sampled_from(settings.LANGS))
def test_chip_shows_label_on_its_colour(status, lang):
    html = brief.chip(status, lang, 3)
    assert f"background:{settings.STATUS_COLOURS[status]}" in html
    assert f">{brief.esc(labels.label('status.' + status, lang))} 3</span>" in html


def test_table_escapes_headers_and_marks_numeric_columns():
    html = brief.table(["<b>", "n"], [["x", "1"]], numeric=(1,))
    assert "<th>&lt;b&gt;</th><th class=\"num\">n</th>" in html
    assert "<tr><td>x</td><td class=\"num\">1</td></tr>" in html


def test_status_counts_follow_settings_order():
    rows = pd.DataFrame({"status": ["lagging", "achieved", "lagging", "no_data"]})
    assert list(brief.status_counts(rows).items()) == [("achieved", 1), ("lagging", 2), ("no_data", 1)]


def test_status_row_cells_zh_and_en():
    zh = brief.status_rows(pd.DataFrame([GDP_ROW]), "zh")[0]
    assert zh[0] == "地区生产总值"
    assert "低于序时进度" in zh[1]
    assert [text_of(c).strip() for c in zh[2:]] == ["721.44亿元（2024年）", "超过1000亿元（2027年）", "278.56亿元", "增长11.5%",
                                           "42%"]
    en = brief.status_rows(pd.DataFrame([GDP_ROW]), "en")[0]
    assert [text_of(c).strip() for c in en[2:]] == ["72.144 billion yuan (2024)", "&gt;100 billion yuan (2027)",
                                           "27.856 billion yuan", "+11.5%", "42%"]
    floor = dict(GDP_ROW, kind="maintain", comparator=">=", target_value=7000, unit="人", status="on_track")
    assert "守住底线" in brief.status_rows(pd.DataFrame([floor]), "zh")[0][1]
    assert text_of(brief.status_rows(pd.DataFrame([floor]), "zh")[0][3]).strip() == "每年7000人以上"  # every year: no year


def test_status_row_escapes_names_and_marks_aspirations():
    row = dict(GDP_ROW, name_zh="<script>alert(1)</script>", firmness="aspiration")
    cell = brief.status_rows(pd.DataFrame([row]), "zh")[0][0]
    assert cell.startswith("&lt;script&gt;alert(1)&lt;/script&gt;") and "力争" in cell
    missing = dict(GDP_ROW, latest_value=float("nan"), latest_year=None, required_growth=None, probability=None)
    assert brief.status_rows(pd.DataFrame([missing]), "zh")[0][2] == "—"


def test_years_are_written_as_spans():
    assert brief._years(pd.Series([2022, 2020, 2021]), "en") == "2020–2022"
    assert brief._years(pd.Series([2022, 2020, 2021]), "zh") == "2020—2022年"
    assert brief._years(pd.Series([2019, 2021]), "en") == "2019, 2021"
    assert brief._years(pd.Series([2019, 2021]), "zh") == "2019年、2021年"
    assert brief._years(pd.Series([2020, 2021]), "zh") == "2020年、2021年"  # two years: named, not a span
    assert brief._years(pd.Series([2024, 2024]), "zh") == "2024年"


def test_behind_orders_worst_status_then_lowest_ratio():
    rows = pd.DataFrame({
        "id": ["a", "b", "c", "d", "e", "f"], "status": ["lagging", "on_track", "moving_away", "lagging",
                                                        "needs_acceleration", "lagging"],
        "ratio": [0.3, 1.2, -0.5, 0.1, 0.7, None], "probability": None,
    })
    assert list(assess.behind(rows)["id"]) == ["c", "d", "a", "f", "e"]
    assert list(assess.behind(rows, n=2)["id"]) == ["c", "d"]


def test_html_displays_as_html_with_metadata():
    piece = brief.Html("<p>x</p>")
    assert piece._repr_html_() == "<p>x</p>"
    piece.metadata = {"kzlib": {"title": "t"}}
    assert piece._repr_html_() == ("<p>x</p>", {"kzlib": {"title": "t"}})


# ---------------------------------------------------------------- a whole brief from the real data


def note_file(folder: Path) -> Path:
    """The first shipped figure again, with a note that carries <script>."""
    with paths.OBSERVATIONS.open(encoding="utf-8") as f:
        reader = csv.DictReader(f)
        row, header = next(reader), reader.fieldnames
    row["note"] = "<script>alert('note')</script>"
    extra = Path(folder) / "note.csv"
    with extra.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header)
        writer.writeheader()
        writer.writerow(row)
    return extra


@pytest.fixture(scope="module")
def action_one(tmp_path_factory) -> brief.Brief:
    return brief.load("zh", data=[str(note_file(tmp_path_factory.mktemp("brief")))], action=1)


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def test_header_carries_title_and_goals(action_one):
    head = brief.header(action_one)
    goals = action_one.registry.action(1)["goals_zh"]
    assert brief.esc(goals) in head
    assert head.metadata["kzlib"]["title"].startswith("行动一：")
    assert "@page" in head and "counter(page)" in head  # the printed page says what it is, not the browser's path


def unwrapped(html: str) -> str:
    """HTML without the spans that keep a number on one line with its unit."""
    return re.sub(r'<span class="kz-nw">(.*?)</span>', r"\1", html)


def test_lead_names_the_risks_and_counts_each_target_once(action_one):
    lead = unwrapped(brief.lead(action_one))
    risks = assess.behind(action_one.rows, 5)
    assert len(risks) > 0
    for row in risks.to_dict("records"):
        assert brief.esc(row["name_zh"]) in lead
    counted = assess.counted(action_one.rows)
    assert f"本行动明确目标任务{len(counted)}项" in lead
    judged = counted["status"].isin([s for s in brief.JUDGED if s != "insufficient_data"]).sum()
    assert f"其中可评估{judged}项" in lead
    assert "较上年变化" in lead and "待补充数据" in lead


def test_trial_figures_say_so_on_the_first_screen(action_one):
    lead = brief.lead(action_one)
    assert "试算数据" in lead and "note.csv" not in lead  # said in the brief's words, not as a file path
    shipped = brief.load("zh", action=1)
    assert "试算数据" not in brief.lead(shipped)


def test_targets_without_figures_get_no_chart_but_one_appendix_row(action_one):
    charts_html = brief.trajectories(action_one)
    assert charts_html.count("<img ") == len(brief.chart_rows(action_one)) > 0
    assert "暂无数据" not in text_of(charts_html)
    appendix = brief.appendix(action_one)
    for row in brief.without_figures(action_one).to_dict("records"):
        assert text_of(appendix).count(row["name_zh"]) >= 1
        assert row["name_zh"] not in text_of(brief.judgements(action_one))


def test_sources_in_the_appendix_are_escaped_and_english_notes_stay_in_english_briefs(tmp_path):
    en = brief.load("en", data=[str(note_file(tmp_path))], action=1)
    html = brief.appendix(en)
    assert "&lt;script&gt;alert(&#x27;note&#x27;)&lt;/script&gt;" in html and "<script" not in html
    for title in brief.shown_figures(en)["source_title"].unique():
        assert brief.esc(title) in html
    zh = brief.load("zh", data=[str(note_file(tmp_path))], action=1)
    assert "alert" not in brief.appendix(zh)  # the English note is not shown in a Chinese brief


def test_commentary_appears_escaped_and_only_when_written(project):
    b = brief.load("zh", action=1)
    assert brief.commentary(b) == ""
    project.write(f"{project.data.relative_to(project.root)}/commentary/zh/action-01.md",
                  "**城镇化**进度滞后，建议加快。\n\n<script>alert(1)</script>\n\n[链接](javascript:alert(2))\n")
    html = brief.commentary(brief.load("zh", action=1))
    assert "分析意见和建议" in html and "<strong>城镇化</strong>" in html
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "javascript:" not in html.replace("&lt;", "")


def test_status_summary_counts_add_up(action_one):
    html = brief.status_summary(action_one)
    assert f"本行动共{len(assess.counted(action_one.rows))}个目标" in html
    assert sum(brief.status_counts(action_one.rows).values()) == len(action_one.rows)


# ---------------------------------------------------------------- the first screen, case by case


def lead_of(statuses: list[str], action: int | None = 1, lang: str = "zh") -> SimpleNamespace:
    """What headline() and no_risks() read of a brief: its rows, action and language."""
    rows = pd.DataFrame({"id": [f"t{i}" for i in range(len(statuses))], "status": statuses, "repeat_of": None})
    return SimpleNamespace(rows=rows, action=action, lang=lang)


def test_headline_when_nothing_can_be_judged_says_so_once():
    assert brief.headline(lead_of(["no_data"] * 3)) == "本行动明确目标任务3项，目前均暂无数据，尚无法评估进展。"
    assert brief.headline(lead_of(["no_data", "insufficient_data"])) == (
        "本行动明确目标任务2项，均尚不能评估进展，其中数据不足1项、暂无数据1项。")
    assert brief.headline(lead_of(["lagging", "no_data"], action=None)) == (
        "方案明确目标任务2项，其中可评估1项：明显滞后1项；另有暂无数据1项。")


def test_an_empty_risk_list_says_how_much_is_still_unknown():
    assert brief.no_risks(lead_of(["on_track", "no_data", "insufficient_data", "not_assessable"])) == (
        "已评估的1项暂无进度滞后；另有2项尚缺数据，尚无法判断整体进度。")
    assert brief.no_risks(lead_of(["no_data", "not_assessable"])) == "目前尚无可评估进展的目标，暂不能判断风险。"
    assert brief.no_risks(lead_of(["achieved", "on_track"])) == "暂无进度落后或难以如期实现的目标。"


def test_dates_are_written_as_each_language_writes_them():
    assert brief.date_text("2026-11-30", "zh") == "2026年11月30日"
    assert brief.date_text("2026-03-05", "en") == "2026-03-05"


def test_an_action_counts_a_target_it_repeats_from_another_action_and_the_plan_counts_it_once():
    ctx = context.load()
    reg = ctx.registry.targets
    repeat = reg[reg["repeat_of"].notna()].iloc[0]
    first = reg.set_index("id").loc[repeat["repeat_of"]]
    if int(first["action"]) == int(repeat["action"]):
        pytest.skip("the first repeat in the registry stands in its own action")
    own = brief.Brief(ctx, "zh", int(repeat["action"]))
    assert repeat["id"] in set(assess.counted(own.rows)["id"])  # one of this action's targets
    assert repeat["id"] not in set(assess.counted(ctx.assessment)["id"])  # the plan counts it where it first stands
    row = own.rows.set_index("id").loc[repeat["id"]].to_dict() | {"id": repeat["id"]}
    assert brief.repeat_note(row, own) == f"另见{labels.action(int(first['action']), 'zh')}"
    there = brief.Brief(ctx, "zh", int(first["action"]))
    back = there.rows.set_index("id").loc[repeat["repeat_of"]].to_dict() | {"id": repeat["repeat_of"]}
    assert labels.action(int(repeat["action"]), "zh") in brief.repeat_note(back, there)


def test_a_target_repeated_within_its_own_action_shows_once():
    ctx = context.load()
    reg = ctx.registry.targets.set_index("id")
    inner = [t for t, r in reg.iterrows() if isinstance(r["repeat_of"], str)
             and int(reg.loc[r["repeat_of"], "action"]) == int(r["action"])]
    assert inner, "the registry has a target repeated in its own action (action 4)"
    b = brief.Brief(ctx, "zh", int(reg.loc[inner[0], "action"]))
    shown = set(brief.with_figures(b)["id"]) | set(brief.without_figures(b)["id"])
    assert not shown & set(inner)
    assert reg.loc[inner[0], "repeat_of"] in shown


def test_figures_of_the_zone_are_not_flagged_as_zone_only_where_the_target_is_the_zone():
    b = brief.Brief(context.load(), "zh", 4)
    zone = brief.zone_indicators(b)
    rows = [r for r in brief.with_figures(b).to_dict("records") if r.get("indicator") in zone]
    assert rows, "action 4 has a high-tech-zone target with figures"
    obs = b.observations
    for row in rows:
        raw = obs[(obs["indicator"] == row["indicator"]) & (obs["year"] == row["latest_year"])]["flags"].iloc[-1]
        assert "zone_scope" in str(raw)  # the figure is flagged in the data ...
        assert "zone_scope" not in brief.latest_flags(b, row)  # ... but that is no caveat for the zone's own target


def test_quality_flags_are_numbered_notes_under_the_table():
    b = brief.Brief(context.load(), "zh", 1)
    marks = brief.flag_marks(b, brief.with_figures(b))
    assert marks.get("preliminary") == 1
    html = brief.status_table(b)
    assert '<sup class="kz-mark">1</sup>' in html and "注：1初步核算数" in html
    assert "kz-flag" not in html


def test_the_chance_column_is_left_out_when_no_target_has_one():
    b = brief.Brief(context.load(), "zh", 1)
    rows = brief.with_figures(b)
    html = brief.status_grid(b, rows=rows.assign(probability=float("nan")))
    assert b.words["col_probability"] not in html
    assert b.words["col_probability"] in brief.status_grid(b, rows=rows.assign(probability=0.5))


LATIN_NAMES = re.compile(r"PM2\.5|\d+G|\d+A级?|[GS]\d+|kzlib")


@pytest.mark.parametrize("action", [None, *range(1, 11)])
def test_chinese_first_screen_tables_and_judgements_carry_no_english(action):
    b = brief.Brief(context.load(), "zh", action)
    shown = [brief.lead(b), brief.judgements(b), brief.status_table(b), brief.milestones(b)]
    if action is None:
        shown += [brief.action_counts(b), brief.furthest_behind(b)]
    words = re.sub(r"<[^>]+>|&\w+;|&#x?\w+;", " ", "".join(shown))
    assert not re.findall(r"[A-Za-z]{2,}", LATIN_NAMES.sub("", words))


def test_the_headline_counts_the_words_the_chips_show():
    b = lead_of(["on_track", "on_track", "lagging", "no_data"])
    b.rows["kind"] = ["maintain", "level", "maintain", "level"]
    assert brief.headline(b) == ("本行动明确目标任务4项，其中可评估3项：达到序时进度1项、守住底线1项、未守住底线1项；"
                                 "另有暂无数据1项。")
    change = {"before": "insufficient_data", "after": "lagging"}
    assert brief.change_item({"name_zh": "粮食产量", "kind": "maintain"}, change, "zh") == \
        "粮食产量（由“数据不足”转为“未守住底线”）"


def test_a_new_figure_is_told_with_its_move_on_the_one_before():
    info = {"name_zh": "城区空气质量优良天数", "name_en": "Good-air days", "unit": "天", "unit_en": "days"}
    figures = pd.DataFrame({"year": [2025, 2023], "value": [346.0, 335.0], "unit": "天"})
    assert brief.figure_change(info, figures, "zh") == "城区空气质量优良天数346天（2025年），较2023年增加11天"
    share = {"name_zh": "城镇化率", "unit": "%", "unit_en": "%"}
    rate = pd.DataFrame({"year": [2023, 2024], "value": [53.34, 53.94], "unit": "%"})
    assert brief.figure_change(share, rate, "zh") == "城镇化率53.94%（2024年），较2023年提高0.6个百分点"
    assert brief.figure_change(share, rate.tail(1), "zh") == "城镇化率53.94%（2024年）"


def test_a_number_keeps_its_unit_on_one_line_in_chinese_prose():
    html = brief.prose("2024年为721.44亿元，需年均提高2.0个百分点；<b>", "zh")
    assert '<span class="kz-nw">721.44亿元</span>' in html and '<span class="kz-nw">2.0个百分点</span>' in html
    assert "&lt;b&gt;" in html and unwrapped(html) == brief.esc("2024年为721.44亿元，需年均提高2.0个百分点；<b>")
    assert brief.prose("72.1 billion yuan", "en") == "72.1 billion yuan"
