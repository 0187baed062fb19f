"""kzlib.brief: the HTML pieces of a brief, escaped, coloured by status, built from assess rows."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest
from hypothesis import given
from hypothesis import strategies as st

from kzlib import assess, brief, labels, paths, settings

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
    assert "需加快" in zh[1]
    assert zh[2:] == ["721.44亿元（2024）", "&gt;1000亿元（2027年）", "278.56亿元", "增长11.5%", "42%"]
    en = brief.status_rows(pd.DataFrame([GDP_ROW]), "en")[0]
    assert en[2:] == ["72.144 billion yuan (2024)", "&gt;100 billion yuan (2027)", "27.856 billion yuan", "+11.5%",
                      "42%"]


def test_status_row_escapes_names_and_marks_aspirations():
    row = dict(GDP_ROW, name_zh="<script>alert(1)</script>", firmness="aspiration")
    cell = brief.status_rows(pd.DataFrame([row]), "zh")[0][0]
    assert cell.startswith("&lt;script&gt;alert(1)&lt;/script&gt;") and "预期性" in cell
    missing = dict(GDP_ROW, latest_value=float("nan"), latest_year=None, required_growth=None, probability=None)
    assert brief.status_rows(pd.DataFrame([missing]), "zh")[0][2] == "—"


def test_years_are_written_as_spans():
    assert brief._years(pd.Series([2022, 2020, 2021])) == "2020–2022"
    assert brief._years(pd.Series([2019, 2021])) == "2019, 2021"
    assert brief._years(pd.Series([2024, 2024])) == "2024"


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
    assert head.metadata["kzlib"]["title"].startswith("行动1：")
    assert "@page" in head and "counter(page)" in head  # the printed page says what it is, not the browser's path


def test_lead_names_the_risks_and_counts_each_target_once(action_one):
    lead = brief.lead(action_one)
    risks = assess.behind(action_one.rows, 5)
    assert len(risks) > 0
    for row in risks.to_dict("records"):
        assert brief.esc(row["name_zh"]) in lead
    counted = assess.counted(action_one.rows)
    assert f"本行动共{len(counted)}项目标" in lead
    judged = counted["status"].isin([s for s in brief.JUDGED if s != "insufficient_data"]).sum()
    assert f"已有判断{judged}项" in lead
    assert "与上年相比" in lead and "缺数情况" in lead


def test_trial_figures_say_so_on_the_first_screen(action_one):
    lead = brief.lead(action_one)
    assert "试算数据" in lead and "note.csv" in lead  # the extra file, not yet merged into data/
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
    used = en.observations[en.observations["indicator"].isin(brief.indicators_of(en))]
    for title in used[used["file"] != "derived"]["source_title"].unique():
        assert brief.esc(title) in html
    zh = brief.load("zh", data=[str(note_file(tmp_path))], action=1)
    assert "alert" not in brief.appendix(zh)  # the English note is not shown in a Chinese brief


def test_commentary_appears_escaped_and_only_when_written(project):
    b = brief.load("zh", action=1)
    assert brief.commentary(b) == ""
    project.write("data/commentary/zh/action-01.md",
                  "**城镇化**进度滞后，建议加快。\n\n<script>alert(1)</script>\n\n[链接](javascript:alert(2))\n")
    html = brief.commentary(brief.load("zh", action=1))
    assert "分析意见和建议" in html and "<strong>城镇化</strong>" in html
    assert "<script" not in html and "&lt;script&gt;" in html
    assert "javascript:" not in html.replace("&lt;", "")


def test_status_summary_counts_add_up(action_one):
    html = brief.status_summary(action_one)
    assert f"本行动共{len(assess.counted(action_one.rows))}个目标" in html
    assert sum(brief.status_counts(action_one.rows).values()) == len(action_one.rows)
