"""Write the observation test corpus beside this script: one small file per case, in several encodings."""

# The figures are test inputs, not observations: every source title says 测试用例（非真实数据）.
# Run `.venv/bin/python tests/data/obs/make_corpus.py` after changing a case; the generated files are kept.

from __future__ import annotations

import csv
import io
from pathlib import Path

import openpyxl

HERE = Path(__file__).resolve().parent
SRC = "测试用例：{}（非真实数据）"
HEAD_ZH = ["指标", "年份", "数值", "单位", "来源", "链接", "备注"]
HEAD_EN = ["indicator", "year", "value", "unit", "source_title", "source_link", "note"]

# The same four figures in every good file (CSV as text, xlsx as numbers).
GOOD = [
    ["地区生产总值", "2025", "７６０．５", "亿元", SRC.format("2025年统计公报"), "https://example.org/b2025", "全角数字"],
    ["urban_income", "2023", "40,000", "元", SRC.format("城镇住户调查"), "https://example.org/urban", "千位分隔符"],
    ["rural_income", "2023", "20000", "元", SRC.format("农村住户调查"), "https://example.org/rural", ""],
    ["Resident population", "2025", "1,180,000", "人", SRC.format("人口抽样调查"), "https://example.org/pop", "换算"],
]
GOOD_XLSX = [
    ["地区生产总值", 2025, 760.5, "亿元", GOOD[0][4], GOOD[0][5], GOOD[0][6]],
    ["urban_income", 2023, 40000, "元", GOOD[1][4], GOOD[1][5], GOOD[1][6]],
    ["rural_income", 2023, 20000, "元", GOOD[2][4], GOOD[2][5], None],
    ["Resident population", 2025, 1180000, "人", GOOD[3][4], GOOD[3][5], GOOD[3][6]],
]


def _row(ind: str, year: str, value: str, unit: str, src: str = "统计公报", link: str = "https://example.org") -> list:
    return [ind, year, value, unit, SRC.format(src) if src else "", link, ""]


# name -> (header, rows): one broken case per file; the tests name the row and column of each fault.
BROKEN = {
    "unknown_indicator.csv": (HEAD_ZH, [_row("gdp", "2025", "760", "亿元"), _row("gpd", "2024", "700", "亿元")]),
    "nonnumeric_value.csv": (HEAD_ZH, [_row("gdp", "2025", "abc", "亿元")]),
    "approximate_value.csv": (HEAD_ZH, [_row("gdp", "2025", "约5.5", "亿元"), _row("gdp", "2026", "5.5左右", "亿元")]),
    "wrong_unit.csv": (HEAD_ZH, [_row("gdp", "2025", "100", "美元"), _row("grain_area", "2025", "1730000", "亩")]),
    "duplicate.csv": (HEAD_ZH, [_row("gdp", "2025", "760", "亿元"), _row("gdp", "2026", "800", "亿元"),
                                _row("地区生产总值", "2025", "761", "亿元")]),
    "bad_year.csv": (HEAD_ZH, [_row("gdp", "2040", "760", "亿元"), _row("gdp", "2023.5", "760", "亿元"),
                               _row("gdp", "二〇二三", "760", "亿元")]),
    "share_range.csv": (HEAD_ZH, [_row("services_share", "2025", "147.8", "%")]),
    "negative.csv": (HEAD_ZH, [_row("grain_output", "2025", "-5", "万吨"), _row("new_urban_jobs", "2025", "-100", "人")]),
    "missing_source.csv": (HEAD_ZH, [_row("gdp", "2025", "760", "亿元", src="")]),
    "missing_column.csv": (["指标", "数值", "单位", "来源"], [["gdp", "760", "亿元", SRC.format("统计公报")]]),
    "derived_typed.csv": (HEAD_ZH, [_row("urban_rural_income_ratio", "2025", "2.1", "倍")]),
    "bad_flags.csv": (HEAD_EN + ["flags"], [_row("gdp", "2025", "760", "亿元") + ["prelim"]]),
    "magnitude.csv": (HEAD_ZH, [_row("gdp", "2025", "7600", "亿元")]),
    "override_a.csv": (HEAD_EN, [_row("gdp", "2025", "750", "亿元", "第一稿")]),
    "override_b.csv": (HEAD_EN, [_row("gdp", "2025", "760", "亿元", "第二稿")]),
    "milestones_good.csv": (["目标", "年份", "状态", "来源", "链接"],
                            [["t_airport", "2024", "推进中", SRC.format("政府工作报告"), "https://example.org/m"]]),
    "milestones_bad.csv": (["目标", "年份", "状态", "来源"],
                           [["no_such_target", "2024", "done", SRC.format("政府工作报告")],
                            ["t_airport", "2024", "half done", SRC.format("政府工作报告")],
                            ["t_gdp", "2024", "done", SRC.format("政府工作报告")]]),
}


def csv_text(header: list[str], rows: list[list[str]]) -> str:
    """Rows as CSV text with CRLF line ends, as Excel writes them."""
    buf = io.StringIO()
    csv.writer(buf, lineterminator="\r\n").writerows([header, *rows])
    return buf.getvalue()


def write_xlsx(path: Path, rows: list[list], percent_cells: tuple[tuple[int, int], ...] = ()) -> None:
    """A one-sheet workbook; percent_cells are (row, column) cells formatted as 0.0%."""
    book = openpyxl.Workbook()
    sheet = book.active
    for r in rows:
        sheet.append(r)
    for r, c in percent_cells:
        sheet.cell(row=r, column=c).number_format = "0.0%"
    book.save(path)


def main() -> None:
    """Write every corpus file."""
    good = csv_text(HEAD_ZH, GOOD)
    (HERE / "good_utf8.csv").write_bytes(good.encode("utf-8"))
    (HERE / "good_bom.csv").write_bytes(good.encode("utf-8-sig"))
    (HERE / "good_gbk.csv").write_bytes(good.encode("gbk"))
    write_xlsx(HERE / "good.xlsx", [HEAD_ZH, *GOOD_XLSX])
    for name, (header, rows) in BROKEN.items():
        (HERE / name).write_bytes(csv_text(header, rows).encode("utf-8"))
    (HERE / "empty.csv").write_bytes(b"")
    # 0x80 and 0xFF are invalid in both UTF-8 and GB18030.
    (HERE / "undecodable.csv").write_bytes(b"indicator,year,value\r\ngdp,2025,\x80\xff\r\n")
    (HERE / "utf16.csv").write_bytes(csv_text(HEAD_EN, [_row("gdp", "2025", "760", "亿元")]).encode("utf-16"))
    # A title row above the header, as statisticians often have: rows keep Excel's numbers.
    write_xlsx(HERE / "broken.xlsx", [
        ["2025年主要指标（测试用例，非真实数据）"],
        HEAD_ZH,
        ["gdp", 2025, 760.5, "亿元", SRC.format("统计公报"), "https://example.org", None],
        ["地区生产总植", 2025, 60.1, "%", SRC.format("统计公报"), "https://example.org", None],
        ["grain_output", 2025, "n/a", "万吨", SRC.format("统计公报"), "https://example.org", None],
    ])
    write_xlsx(HERE / "percent.xlsx", [
        HEAD_EN,
        ["services_share", 2025, 0.517, "%", SRC.format("统计公报"), "https://example.org", None],
    ], percent_cells=((2, 3),))


if __name__ == "__main__":
    main()
