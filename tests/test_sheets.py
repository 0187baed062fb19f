"""Reading what people actually have: wide tables with years as columns, title rows, merged two-row headers,
notes and totals rows, several sheets, CSV in GBK, and the names printed in the briefs.

Every workbook here is built in the test; its figures are test inputs (sources say 测试用例), not observations.
"""

from __future__ import annotations

from pathlib import Path

import openpyxl
import pytest

from kzlib import load_registry
from kzlib.errors import ObservationError
from kzlib.names import indicator_names
from kzlib.observations import merge_file, observation_report
from kzlib.sheets import read_tables
from kzlib.terms import load_terms

SRC = "测试用例：2025年统计年报（非真实数据）"


@pytest.fixture(scope="module")
def reg():
    return load_registry()


def workbook(path: Path, sheets: dict[str, list[list]], merges: dict[str, list[str]] | None = None) -> Path:
    """A workbook with these sheets (name -> rows) and merged ranges (name -> ["A1:F1", ...])."""
    book = openpyxl.Workbook()
    book.remove(book.active)
    for name, rows in sheets.items():
        ws = book.create_sheet(name)
        for row in rows:
            ws.append(row)
        for cells in (merges or {}).get(name, []):
            ws.merge_cells(cells)
    book.save(path)
    return path


def figures(report, path: Path) -> dict[tuple[str, int], tuple[float, str, str | None, int]]:
    """(indicator, year) -> (value, flags, sheet, row) of the figures read from one file."""
    mine = report.frame[report.frame["file"] == str(path)]
    return {(r.indicator, r.year): (r.value, ";".join(sorted(set(r.flags.split(";")) - {"", "overridden"})),
                                    r.sheet or None, r.row) for r in mine.itertuples()}


def problems_of(path: Path, reg) -> list:
    with pytest.raises(ObservationError) as exc:
        observation_report(path, registry=reg)
    return exc.value.problems


def only_problem(tmp_path: Path, reg, text: str):
    """The one problem of a CSV file with this text."""
    path = tmp_path / "one.csv"
    path.write_text(text, encoding="utf-8")
    (problem,) = problems_of(path, reg)
    return problem


# ---------------------------------------------------------------- two department sheets


@pytest.fixture
def departments_book(tmp_path):
    """统计局: title row, blank row, one-row header with a year flagged in its header, a 增长% column, a “—”,
    a totals row and a note row. 科技局: a title, a two-row header (数值 merged over 2024年 | 2025年, the other
    header cells merged down), numbered rows, a 资料来源 note naming the source."""
    return workbook(tmp_path / "两部门.xlsx", {
        "统计局": [
            ["开州区主要经济指标（测试用例）"],
            [],
            ["指标名称", "计量单位", "2023年", "2024年", "2025年（初步核算）", "增长%", "资料来源"],
            ["地区生产总值", "亿元", "—", 721.44, 760.5, 5.4, SRC],
            ["服务业增加值占GDP比重", "%", None, 51.7, "52.3%", None, SRC],
            ["合计", None, None, 773.14, 812.8, None, None],
            ["注：本表为测试用例，非真实数据。"],
        ],
        "科技局": [
            ["科技创新主要指标（测试用例）"],
            ["序号", "指标", "单位", "数值", None, "备注"],
            [None, None, None, "2024年", "2025年", None],
            [1, "高新技术企业数（全区）", "家", 150, 180, None],
            [2, "科技型企业数（全区）", "家", "1,020", "1,260", None],
            ["资料来源：测试用例科技统计（非真实数据）"],
        ],
    }, {"统计局": ["A1:G1"], "科技局": ["A1:F1", "D2:E2", "A2:A3", "B2:B3", "C2:C3", "F2:F3"]})


def test_wide_sheets_give_one_figure_per_filled_year_cell(departments_book, reg):
    got = figures(observation_report(departments_book, registry=reg), departments_book)
    assert got == {
        ("gdp", 2024): (721.44, "", "统计局", 4),  # the 2023 cell holds “—”: no figure
        ("gdp", 2025): (760.5, "preliminary", "统计局", 4),  # 2025年（初步核算）
        ("services_share", 2024): (51.7, "", "统计局", 5),
        ("services_share", 2025): (52.3, "preliminary", "统计局", 5),  # "52.3%"
        ("high_tech_enterprises", 2024): (150.0, "", "科技局", 4),  # row 4: below the two header rows
        ("high_tech_enterprises", 2025): (180.0, "", "科技局", 4),
        ("tech_smes", 2024): (1020.0, "", "科技局", 5),
        ("tech_smes", 2025): (1260.0, "", "科技局", 5),
    }


def test_note_below_the_table_gives_the_source_and_totals_are_skipped(departments_book, reg):
    report = observation_report(departments_book, registry=reg)
    frame = report.frame[report.frame["file"] == str(departments_book)]
    assert set(frame[frame["sheet"] == "科技局"]["source_title"]) == {"测试用例科技统计(非真实数据)"}
    notes = [str(n) for n in report.notes]
    assert any("sheet 统计局" in n and "totals row 6 skipped" in n for n in notes)
    assert any("sheet 统计局, row 3" in n and "columns not used by kzlib: 增长%" in n for n in notes)
    assert not any("序号" in n for n in notes)  # row numbers are read past


def test_problem_names_file_sheet_excel_row_and_year_column(tmp_path, reg):
    path = workbook(tmp_path / "错.xlsx", {
        "说明": [["填表说明：本表为测试用例"]],
        "科技局": [
            ["指标", "单位", "2024年", "2025年", "资料来源"],
            ["高新技术企业数（全区）", "家", 150, "n/a", SRC],
        ],
    })
    (problem,) = problems_of(path, reg)
    assert (problem.sheet, problem.row, problem.column) == ("科技局", 2, "2025年")
    assert str(problem).startswith(f"{path}, sheet 科技局, row 2, column 2025年: 'n/a' is not a number")


def test_the_same_figure_on_two_sheets_is_a_problem_naming_both(tmp_path, reg):
    rows = [["指标名称", "计量单位", "2025年", "资料来源"], ["地区生产总值", "亿元", 760.5, SRC]]
    path = workbook(tmp_path / "重复.xlsx", {"统计局": rows, "发展改革委": rows})
    (problem,) = problems_of(path, reg)
    assert (problem.sheet, problem.row) == ("发展改革委", 2)
    assert "gdp 2025 is given twice in this file (also sheet 统计局, row 2)" in problem.message


def test_a_sheet_of_numbers_without_a_header_is_pointed_out(tmp_path, reg):
    path = workbook(tmp_path / "附表.xlsx", {
        "统计局": [["指标名称", "计量单位", "2025年", "资料来源"], ["地区生产总值", "亿元", 760.5, SRC]],
        "附表": [["", "甲", "乙"], ["某项", 1, 2]],
        "说明": [["本表为测试用例"]],
    })
    notes = [str(n) for n in observation_report(path, registry=reg).notes]
    assert any("sheet 附表" in n and "no header row" in n for n in notes)
    assert not any("sheet 说明" in n for n in notes)


# ---------------------------------------------------------------- bureau layouts


def test_bureau_layout_with_growth_column_totals_row_and_notes(tmp_path, reg):
    """指标名称 | 计量单位 | 2024年 | 2025年 | 增长% | 资料来源, a 合计 row, a 注： row flagging 2025 preliminary."""
    path = workbook(tmp_path / "统计局.xlsx", {"Sheet1": [
        ["2025年开州区国民经济主要指标（测试用例，非真实数据）"],
        ["指标名称", "计量单位", "2024年", "2025年", "增长%", "资料来源"],
        ["地区生产总值", "万元", 7214400, 7605000, 5.4, SRC],  # in 万元: converted to 亿元
        ["　　其中：第一产业增加值", "亿元", None, 99.1, 2.0, SRC],
        ["常住人口城镇化率", "%", "53.94", "54.5%", None, SRC],
        ["规模以上工业增加值", "亿元", 200, 210, 5.0, SRC],  # not an indicator kzlib tracks
        ["合计", None, None, None, None, None],
        ["注：1.2024年为最终核实数，2025年为初步核算数。"],
        ["2.本表为测试用例。"],
    ]}, {"Sheet1": ["A1:F1"]})
    report = observation_report(path, registry=reg)
    got = figures(report, path)
    assert got[("gdp", 2024)][:2] == (721.44, "converted")  # 7,214,400万元 / 10,000 = 721.44亿元
    assert got[("gdp", 2025)][:2] == (760.5, "converted;preliminary")
    assert got[("primary_value_added", 2025)][:2] == (99.1, "preliminary")  # 其中： dropped
    assert got[("urbanisation_rate", 2025)][:2] == (54.5, "preliminary")
    assert got[("urbanisation_rate", 2024)][0] == 53.94  # the value held, re-stated with this table's source
    assert report.problems == []
    notes = " | ".join(str(n) for n in report.notes)
    assert "规模以上工业增加值 (row 6; did you mean" in notes  # a note, not a problem: bureau tables hold more
    assert "totals row 7 skipped" in notes


def test_yearbook_layout_units_in_names_and_numeric_year_headers(tmp_path, reg):
    """项 目 | 2023 | 2024 with units in the names, and the source in a footer: a 统计年鉴 table, as CSV in GBK."""
    text = "\r\n".join([
        "表3-1 主要经济指标（测试用例，非真实数据）,,",
        "项 目,2023,2024",
        "地区生产总值（亿元）,686.91,721.44",
        "粮食总产量（万吨）,58.24,58.9",
        "粮食播种面积（亩）,\"1,725,900\",\"1,735,000\"",
        "资料来源：测试用例统计年鉴（非真实数据）,,",
    ]) + "\r\n"
    path = tmp_path / "年鉴.csv"
    path.write_bytes(text.encode("gbk"))
    report = observation_report(path, registry=reg)
    got = figures(report, path)
    assert got[("grain_output", 2024)][0] == 58.9
    assert got[("grain_area", 2024)][:2] == (173.5, "converted")  # 1,735,000亩 = 173.5万亩
    assert got[("grain_area", 2023)][0] == 172.59  # 1,725,900亩 = 172.59万亩
    assert got[("gdp", 2024)][0] == 721.44  # held with flag preliminary; this one has none: an override
    assert set(report.frame[report.frame["file"] == str(path)]["source_title"]) == {"测试用例统计年鉴(非真实数据)"}


def test_unit_in_the_name_that_does_not_fit_is_a_problem(tmp_path, reg):
    problem = only_problem(tmp_path, reg, f"指标名称,2025年,资料来源\n粮食播种面积（万头）,7.2,{SRC}\n")
    assert (problem.row, problem.column) == (2, "指标名称")
    assert "unit '万头' does not fit indicator grain_area" in problem.message


@pytest.mark.parametrize(("value", "unit", "expected"), [
    ("721.44亿元", "", 721.44), ("7,214,400万元", "", 721.44), ("721.44亿元", "亿元", 721.44)])
def test_value_with_its_unit_is_converted(tmp_path, reg, value, unit, expected):
    path = tmp_path / "v.csv"
    path.write_text(f"指标,年份,数值,单位,来源\ngdp,2025,\"{value}\",{unit},{SRC}\n", encoding="utf-8")
    assert figures(observation_report(path, registry=reg), path)[("gdp", 2025)][0] == pytest.approx(expected)


@pytest.mark.parametrize(("value", "unit", "fragment"), [
    ("7.2万头", "", "unit '万头' does not fit indicator gdp"),
    ("721.44亿元", "万元", "the units disagree: '亿元' in the value column, '万元' in the unit column")])
def test_value_with_a_wrong_unit_is_rejected_with_its_row(tmp_path, reg, value, unit, fragment):
    problem = only_problem(tmp_path, reg, f"指标,年份,数值,单位,来源\ngdp,2025,{value},{unit},{SRC}\n")
    assert (problem.row, problem.column) == (2, "数值") and fragment in problem.message


def test_ratio_written_x_to_one(tmp_path, reg):
    path = tmp_path / "r.csv"
    path.write_text(f"指标,年份,数值,单位,来源\nresident_income_multiple_of_2020,2024,1.3:1,倍,{SRC}\n", encoding="utf-8")
    assert figures(observation_report(path, registry=reg), path)[("resident_income_multiple_of_2020", 2024)][0] == 1.3


def test_the_income_ratio_is_still_computed_from_the_incomes(tmp_path, reg):
    problem = only_problem(tmp_path, reg, f"指标,年份,数值,来源\n城乡居民人均可支配收入比,2025,2.12:1,{SRC}\n")
    assert "urban_rural_income_ratio is computed by kzlib from urban_income and rural_income" in problem.message


# ---------------------------------------------------------------- flags from the words of the source


@pytest.mark.parametrize(("source", "note", "flags"), [
    ("2025年开州区国民经济和社会发展统计公报（初步核算）", "", "preliminary"),
    ("2025年统计公报", "初步核算", "preliminary"),
    ("2026年政府工作报告", "预计数", "estimated"),
    ("1—12月主要经济指标快报", "", "flash"),
    ("2025年统计公报", "", ""),
])
def test_flags_from_source_and_note(tmp_path, reg, source, note, flags):
    path = tmp_path / "f.csv"
    path.write_text(f"指标,年份,数值,来源,备注\ngdp,2025,760.5,测试用例：{source},{note}\n", encoding="utf-8")
    assert figures(observation_report(path, registry=reg), path)[("gdp", 2025)][1] == flags


def test_flag_word_in_a_title_row_covers_the_whole_table(tmp_path, reg):
    path = workbook(tmp_path / "快报.xlsx", {"Sheet": [
        ["1—12月主要经济指标快报（测试用例）"], ["指标名称", "2025年", "资料来源"], ["地区生产总值", 760.5, SRC]]})
    assert figures(observation_report(path, registry=reg), path)[("gdp", 2025)][1] == "flash"


# ---------------------------------------------------------------- names printed in the briefs


@pytest.mark.parametrize(("name", "indicator"), [
    ("城镇新增就业", "new_urban_jobs"), ("粮食产量", "grain_output"), ("服务业增加值占GDP比重", "services_share"),
    ("服务业增加值占地区生产总值比重", "services_share"), ("New urban jobs each year", "new_urban_jobs"),
    ("“专精特新”企业", "srdi_firms"), ("专精特新企业", "srdi_firms"), ("高新技术企业双倍增", "high_tech_enterprises"),
    ("地区生产总值（亿元）", "gdp"), ("其中：第一产业增加值", "primary_value_added"), ("1.常住人口", "resident_population"),
    # GDP written for 地区生产总值 (input_terms.yaml name_words), in any case and with the unit in the name.
    ("单位GDP用水量", "water_use_per_gdp"), ("制造业增加值占gdp比重(%)", "manufacturing_share"),
    ("人均GDP", "gdp_per_capita"),
])
def test_brief_labels_name_their_indicator(reg, name, indicator):
    assert indicator_names(reg).resolve(name, load_terms())[0] == indicator


def test_every_printed_name_is_accepted_unless_it_names_two_indicators(reg):
    names, terms = indicator_names(reg), load_terms()
    by_name: dict[str, set[str]] = {}
    for t in reg.targets.dropna(subset=["indicator"]).to_dict("records"):
        for lang in ("zh", "en"):
            by_name.setdefault(t[f"name_{lang}"], set()).add(t["indicator"])
    own = {n: i for r in reg.indicators.to_dict("records") for n, i in ((r["name_zh"], r["id"]), (r["name_en"], r["id"]))}
    for r in reg.indicators.to_dict("records"):
        assert names.resolve(r["name_zh"], terms)[0] == r["id"]
        assert names.resolve(r["name_en"], terms)[0] == r["id"]
    for name, inds in by_name.items():
        if name in own:  # an indicator's own name wins
            continue
        if len(inds) == 1:
            assert names.resolve(name, terms)[0] == next(iter(inds)), name
        else:
            with pytest.raises(LookupError):
                names.resolve(name, terms)


def test_near_miss_keeps_did_you_mean(tmp_path, reg):
    problem = only_problem(tmp_path, reg, f"指标,年份,数值,来源\n城镇新增就业人员,2025,8100,{SRC}\n")
    assert "unknown indicator '城镇新增就业人员'; did you mean new_urban_jobs" in problem.message


def test_code_and_name_that_disagree_are_a_problem(tmp_path, reg):
    problem = only_problem(tmp_path, reg, f"指标代码,指标名称,2025年,资料来源\ngdp,常住人口,760.5,{SRC}\n")
    assert (problem.row, problem.column) == (2, "指标名称")
    assert "the name '常住人口' is indicator resident_population, but the code says gdp" in problem.message


# ---------------------------------------------------------------- reading alone


def test_tables_keep_layout_header_row_and_sheet(departments_book):
    tables = read_tables(departments_book)
    assert [(t.sheet, t.layout, t.header_row) for t in tables] == [("统计局", "wide", 3), ("科技局", "wide", 2)]
    assert tables[1].headers["indicator"] == "指标"


def test_merging_a_workbook_with_figures_and_milestone_states(tmp_path, reg, monkeypatch):
    from kzlib import paths

    obs, mil = tmp_path / "observations.csv", tmp_path / "milestones.csv"
    obs.write_bytes(paths.OBSERVATIONS.read_bytes())
    mil.write_bytes(paths.MILESTONES.read_bytes())
    monkeypatch.setattr(paths, "OBSERVATIONS", obs)
    monkeypatch.setattr(paths, "MILESTONES", mil)
    path = workbook(tmp_path / "混合.xlsx", {
        "统计局": [["指标名称", "计量单位", "2025年", "资料来源"], ["地区生产总值", "亿元", 760.5, SRC]],
        "里程碑": [["目标编号", "年份", "进展状态", "资料来源"], ["a2_airport_general", 2025, "推进中", SRC]],
    })
    report = merge_file(path, registry=reg)
    assert [(c.key, c.year) for c in report.added] == [("gdp", 2025)]
    assert any("also merged 1 added and 0 replaced milestones" in n.message for n in report.notes)
    assert obs.read_text(encoding="utf-8").splitlines()[-1].startswith("gdp,2025,760.5,亿元,")
    assert mil.read_text(encoding="utf-8").splitlines()[-1].startswith("a2_airport_general,2025,in_progress,")


def test_milestone_states_in_a_wide_sheet_by_target_name(tmp_path, reg):
    from kzlib.observations import milestone_report

    path = workbook(tmp_path / "里程碑.xlsx", {"交通局": [
        ["目标", "2024年", "2025年", "资料来源"],
        ["建成巫云开高速", "在建", "已完成", SRC],
        ["a2_airport_general", None, "未启动", SRC],
    ]})
    report = milestone_report(path, registry=reg)
    mine = report.frame[report.frame["file"] == str(path)]
    assert mine[["target", "year", "state", "row"]].values.tolist() == [
        ["a2_airport_general", 2025, "not_started", 3],
        ["a2_expwy_wuyunkai", 2024, "in_progress", 2],
        ["a2_expwy_wuyunkai", 2025, "done", 2],  # held already, from another source: this row replaces it
    ]


def test_unlabelled_name_column_and_two_tables_on_one_sheet(tmp_path, reg):
    """A bureau sheet: years over an unlabelled column of names (2025年1—12月 is the whole year), then a second
    table with a header of its own, further down the same sheet."""
    path = workbook(tmp_path / "两表.xlsx", {"主要指标": [
        ["表1 主要指标（测试用例，非真实数据）"],
        [None, "2024年", "2025年1—12月", "资料来源"],
        ["地区生产总值", 721.44, 760.5, SRC],
        ["资料来源：测试用例（非真实数据）"],
        ["表2 农业（测试用例，非真实数据）"],
        ["指标名称", "计量单位", "2025年", "资料来源"],
        ["粮食总产量", "万吨", 59.1, SRC],
    ]})
    got = figures(observation_report(path, registry=reg), path)
    assert {k: v[0] for k, v in got.items()} == {("gdp", 2024): 721.44, ("gdp", 2025): 760.5,
                                                 ("grain_output", 2025): 59.1}
    assert got[("grain_output", 2025)][3] == 7  # the second table's row, as Excel numbers it
    (table1, table2) = read_tables(path)
    assert (table1.headers["indicator"], table1.header_row, table2.header_row) == ("column A", 2, 6)
