"""The data request (`kz data gaps --format xlsx`): one sheet per department, read back as it is filled in."""

from __future__ import annotations

import re

import openpyxl
import pytest

from kzlib import labels, load_registry, observations, paths
from kzlib.cli import main
from kzlib.datarequest import last_year, request_sheets, write_request
from kzlib.departments import load_departments

YEARS = range(2020, 2026)
CJK = re.compile(r"[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef]")


@pytest.fixture(scope="module")
def reg():
    return load_registry()


@pytest.fixture(scope="module")
def shipped(reg):
    return observations.load_observations(registry=reg)


@pytest.fixture
def project(tmp_path, monkeypatch):
    """Copies of the shipped observations and milestones, so that `kz data add` writes there."""
    for name in ("OBSERVATIONS", "MILESTONES"):
        copy = tmp_path / getattr(paths, name).name
        copy.write_bytes(getattr(paths, name).read_bytes())
        monkeypatch.setattr(paths, name, copy)
    return tmp_path


def request(path, reg, shipped, lang="zh"):
    write_request(path, reg, shipped, YEARS, lang=lang)
    return openpyxl.load_workbook(path)


def row_of(ws, indicator: str) -> int:
    return next(r for r in range(4, ws.max_row + 1) if ws.cell(r, 1).value == indicator)


def fill(ws, indicator: str, cells: dict[str, object]) -> int:
    """Fill cells of an indicator's row by header; return the row."""
    head = [c.value for c in ws[3]]
    row = row_of(ws, indicator)
    for name, value in cells.items():
        ws.cell(row, head.index(name) + 1).value = value
    return row


def test_one_sheet_per_department_after_the_instructions(tmp_path, reg, shipped):
    book = request(tmp_path / "r.xlsx", reg, shipped)
    names = load_departments().set_index("id")["name_zh"]
    assert book.sheetnames[0] == "填表说明"
    assert set(book.sheetnames[1:]) <= set(names)
    assert book.sheetnames[1] == "区统计局"
    head = [c.value for c in book["区统计局"][3]]
    assert head == ["指标代码", "指标名称", "计量单位", "2020年", "2021年", "2022年", "2023年", "2024年", "2025年",
                    "资料来源", "来源链接", "发布日期", "备注", "方案条款", "已有数据年份", "常见出处"]


def test_held_years_are_grey_with_their_figure_and_missing_ones_yellow(tmp_path, reg, shipped):
    ws = request(tmp_path / "r.xlsx", reg, shipped)["区统计局"]
    row = row_of(ws, "gdp")
    head = [c.value for c in ws[3]]
    cells = {y: ws.cell(row, head.index(f"{y}年") + 1) for y in YEARS}
    # Shipped GDP: 2019, 2020, 2023, 2024 (data/observations.csv); asked for 2020-2025.
    assert {y for y, c in cells.items() if c.fill.fgColor.rgb.endswith("E7E6E6")} == {2020, 2023, 2024}
    assert {y for y, c in cells.items() if c.fill.fgColor.rgb.endswith("FFF2CC")} == {2021, 2022, 2025}
    assert cells[2024].comment.text.startswith("已有：721.44亿元（")
    assert all(c.value is None for c in cells.values())  # nothing prefilled: an untouched request adds nothing
    assert ws.cell(row, head.index("方案条款") + 1).value == "地区生产总值超过1000亿元"
    assert ws.cell(row, head.index("计量单位") + 1).value == "亿元"


def test_each_indicator_is_asked_of_one_department_and_only_while_a_year_is_missing(reg, shipped):
    sheets = request_sheets(reg, shipped, YEARS)
    ids = [i for frame in sheets.values() for i in frame["指标代码"]]
    assert len(ids) == len(set(ids))
    asked = set(ids)
    assert "urban_rural_income_ratio" not in asked and {"urban_income", "rural_income"} <= asked  # its inputs
    assert "grain_area" in asked  # held 2023 and 2024 only
    assert set(sheets["国家统计局开州调查队"]["指标代码"]) >= {"urban_income", "rural_income"}


def test_untouched_request_adds_nothing_and_reports_no_problem(tmp_path, reg, shipped):
    path = tmp_path / "r.xlsx"
    request(path, reg, shipped)
    report = observations.observation_report(path, registry=reg)
    assert report.added == [] and report.overridden == [] and report.problems == []
    assert not any("not used by kzlib" in n.message for n in report.notes)


def test_round_trip_generate_fill_check_add(project, tmp_path, capsys):
    path = tmp_path / "数据征集表.xlsx"
    assert main(["data", "gaps", "--format", "xlsx", "-o", str(path), "--to", "2025"]) == 0
    book = openpyxl.load_workbook(path)
    src = "测试用例：2025年开州区统计公报（非真实数据）"
    gdp_row = fill(book["区统计局"], "gdp", {"2025年": 760.5, "资料来源": src, "备注": "初步核算"})
    fill(book["区统计局"], "urbanisation_rate", {"2025年": "54.5%", "资料来源": src})
    jobs_row = fill(book["区人力社保局"], "new_urban_jobs", {"2025年": "8,100", "资料来源": "测试用例：就业统计（非真实数据）"})
    book.save(path)
    capsys.readouterr()

    assert main(["data", "check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "Would add 3 figures" in out and "No problems" in out

    before = (project / "observations.csv").read_text(encoding="utf-8").splitlines()
    assert main(["data", "add", str(path)]) == 0
    after = (project / "observations.csv").read_text(encoding="utf-8").splitlines()
    assert after[:len(before)] == before  # the shipped rows untouched
    assert after[len(before):] == [
        f"gdp,2025,760.5,亿元,{src},,,preliminary,,初步核算",
        f"urbanisation_rate,2025,54.5,%,{src},,,,,",
        "new_urban_jobs,2025,8100,人,测试用例：就业统计（非真实数据）,,,,,",
    ]
    merged = observations.load_observations(registry=load_registry()).set_index(["indicator", "year"])
    assert merged.loc[("gdp", 2025), "value"] == 760.5 and merged.loc[("new_urban_jobs", 2025), "value"] == 8100

    capsys.readouterr()
    assert main(["data", "check", str(path)]) == 0  # checked again after the merge: nothing new
    out = capsys.readouterr().out
    assert "Would add" not in out and "Would override" not in out and "3 figures the same as held" in out
    assert (gdp_row, jobs_row) == (4, row_of(book["区人力社保局"], "new_urban_jobs"))


def test_english_request_has_english_headers_and_reads_back(tmp_path, reg, shipped):
    path = tmp_path / "request.xlsx"
    book = request(path, reg, shipped, lang="en")
    assert book.sheetnames[:2] == ["How to fill in", "Statistics Bureau"]
    ws = book["Statistics Bureau"]
    head = [c.value for c in ws[3]]
    assert head[:4] == ["Indicator ID", "Indicator", "Unit", "2020"]
    words = [str(c.value) for name in book.sheetnames for c in book[name][3] if c.value is not None]
    words += [str(c.value) for c in book["How to fill in"]["A"] if c.value is not None]
    assert not [w for w in words if CJK.search(w)]
    row = fill(ws, "gdp", {"2025": 760.5, "Source title": "Test case: 2025 bulletin (not real data)",
                           "Note": "preliminary"})
    book.save(path)
    report = observations.observation_report(path, registry=reg)
    assert [(c.key, c.year, c.value, c.row, c.sheet) for c in report.added] == [
        ("gdp", 2025, 760.5, row, "Statistics Bureau")]
    assert report.frame.set_index(["indicator", "year"]).loc[("gdp", 2025), "flags"] == "preliminary"


def test_chinese_labels_carry_no_english_but_the_command_names():
    texts = [labels.label(key, "zh") for key in labels.TEXT if key.startswith("request.")]
    assert len(texts) == 9 + 11  # the sheet words and the column heads
    assert not [t for t in texts if re.search(r"[A-Za-z]", re.sub(r"kz data (check|add)|\{\w+\}", "", t))]


def test_requested_years_end_with_the_last_year_that_can_be_published():
    import datetime as dt

    assert last_year(dt.date(2026, 3, 1)) == 2025
    assert last_year(dt.date(2031, 3, 1)) == 2027  # never past the plan's end
