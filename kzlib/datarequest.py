"""What is missing and from whom: the data gaps, a worksheet to fill in, and the data request to forward.

The data request (`kz data gaps --format xlsx`) is a workbook with a sheet explaining how to fill it in, then
one sheet per department: one row per indicator, the years asked for as columns, the unit and the plan's
clause beside them. It is the wide layout `kzlib.sheets` reads, so the filled workbook goes straight back into
`kz data check` and `kz data add`.
"""

from __future__ import annotations

import datetime as dt
import io
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from kzlib import files, labels, settings
from kzlib.cells import as_text
from kzlib.departments import load_departments
from kzlib.registry import Registry, indicator_departments

# Every word the workbook shows, one dict per language; {plan_title}, {document}, {plan_end} … name the plan in use.
LABELS = {
    "zh": {
        "title": "《{plan_title}》监测数据征集表",
        "sheet_title": "{title}：{department}",
        "sheet_hint": "请在黄色单元格填写数值；灰色单元格已有数据（批注注明数值和来源），如有更新可直接改填。",
        "instructions_sheet": "填表说明",
        "instructions": [
            "为监测{document}目标进展，请各部门提供下列指标{first}—{last}年的统计数据。",
            "一、每个部门一个工作表，列出{document}目标所需、由该部门发布或掌握的指标。",
            "二、在对应年份的黄色单元格内填写数值。单位以“计量单位”列为准；如按其他单位填报（如万元、万亩），"
            "请同时改写该行“计量单位”，将自动换算。比率可填“2.12:1”，百分比可填“53.9”或“53.9%”。",
            "三、灰色单元格为已掌握的数据，批注中注明数值和来源；数据有修订的，可直接填写修订后的数值。",
            "四、每行须填写“资料来源”（数据所出文件的名称，如“{plan_end}年国民经济和社会发展统计公报”），"
            "有网址的一并填写“来源链接”和“发布日期”。同一指标各年份出自不同文件的，可复制该行分别填写。",
            "五、初步核算数、预计数、快报数，请在“备注”中注明“初步核算”“预计”或“快报”。",
            "六、暂无数据的单元格留空或填“—”；请填写准确数值，不填约数（如“约5.5”“5.5以上”）；请勿改动“指标代码”列。",
            "七、填好后请将本表交回。数据管理人员用 kz data check 检查、kz data add 并入数据库。",
        ],
        "departments": "各部门工作表",
        "department_line": "{department}：{n}项指标，待填{cells}个单元格",
        "made": "生成日期：{date}",
        "held": "已有：{value}（{source}）",
        "columns": {
            "indicator_id": "指标代码", "indicator": "指标名称", "unit": "计量单位", "year": "{year}年",
            "source_title": "资料来源", "source_link": "来源链接", "source_date": "发布日期", "note": "备注",
            "plan_clause": "{document}条款", "have": "已有数据年份", "where": "常见出处",
        },
    },
    "en": {
        "title": "{plan_title}: data request",
        "sheet_title": "{title}: {department}",
        "sheet_hint": "Enter figures in the yellow cells. Grey cells hold a figure already (its value and source in "
                      "the cell's comment): enter a revised figure over it if there is one.",
        "instructions_sheet": "How to fill in",
        "instructions": [
            "To monitor the plan's targets, please provide the figures below for {first}-{last}.",
            "1. One sheet per department: the indicators the plan's targets need that the department publishes "
            "or holds.",
            "2. Enter each year's figure in its yellow cell, in the unit of the Unit column. If you report in "
            "another unit of the same kind, change that row's Unit too: it is converted. Ratios may be written "
            "2.12:1, percentages 53.9 or 53.9%.",
            "3. Grey cells hold a figure already, with its value and source in the cell's comment; enter a "
            "revised figure over it if there is one.",
            "4. Every row needs its Source title (the document the figures come from, e.g. the district's 2025 "
            "statistical bulletin), with its Source link and Source date where there is one. If the years of "
            "one indicator come from different documents, copy the row and fill one year per copy.",
            "5. Mark preliminary, estimated and flash figures in the Note column: preliminary, estimated, flash.",
            "6. Leave a cell empty (or enter -) when there is no figure. Enter exact figures, never approximate "
            "ones (about 5.5, over 5.5). Do not change the Indicator ID column.",
            "7. Send the workbook back. It is checked with kz data check and merged with kz data add.",
        ],
        "departments": "Sheets by department",
        "department_line": "{department}: {n} indicators, {cells} cells to fill",
        "made": "Made on {date}",
        "held": "Held: {value} ({source})",
        "columns": {
            "indicator_id": "Indicator ID", "indicator": "Indicator", "unit": "Unit", "year": "{year}",
            "source_title": "Source title", "source_link": "Source link", "source_date": "Source date",
            "note": "Note", "plan_clause": "Plan clause", "have": "Years held", "where": "Where to find",
        },
    },
}


def _words(lang: str) -> dict:
    """The workbook's words in `lang`, naming the plan in use."""
    def fill(value: object) -> object:
        if isinstance(value, str):
            return labels.fill_plan(value, lang)
        if isinstance(value, list):
            return [fill(v) for v in value]
        return {k: fill(v) for k, v in value.items()} if isinstance(value, dict) else value
    return fill(LABELS[lang])

GAP_COLUMNS = ["indicator", "name_zh", "name_en", "unit", "targets", "have", "missing", "likely_source",
               "department"]
GAP_WORKSHEET_COLUMNS = [
    "indicator", "name_zh", "name_en", "year", "value", "unit", "source_title", "source_link", "source_date",
    "flags", "note", "targets", "have", "likely_source",
]
FILL = "FFF2CC"  # cells to fill in (light yellow)
HELD = "E7E6E6"  # cells with a figure already (light grey)
HEADER = "DDEBF7"


def last_year(today: dt.date | None = None) -> int:
    """The latest year whose figures can have been published: last year, at most the plan's end."""
    return min(settings.PLAN_END, (today or dt.date.today()).year - 1)


def _gap_indicators(reg: Registry) -> dict[str, list[str]]:
    """Indicators of the numeric targets (derived ones replaced by their inputs) -> target ids."""
    out: dict[str, list[str]] = {}
    info = {r["id"]: r for r in reg.indicators.to_dict("records")}
    for t in reg.numeric().to_dict("records"):
        iid = t["indicator"]
        for i in info[iid].get("derived_from") or [iid]:
            out.setdefault(i, []).append(t["id"])
    return out


def plan_years() -> range:
    """The years a data request asks for by default: from the plan's gap_first_year to its last year."""
    return range(settings.GAP_FIRST_YEAR, settings.PLAN_END + 1)


def gaps(reg: Registry, observations: pd.DataFrame, years: Iterable[int] | None = None) -> pd.DataFrame:
    """Per indicator of a numeric target: the years (default kzlib.datarequest.plan_years) with figures, the
    missing years, unit, likely source and the department that publishes or holds it."""
    years = list(plan_years() if years is None else years)
    have = observations.groupby("indicator")["year"].apply(set).to_dict()
    departments = indicator_departments(reg)
    rows = []
    for iid, tids in _gap_indicators(reg).items():
        info = reg.indicator(iid)
        got = sorted(y for y in have.get(iid, set()) if y in years)
        rows.append({
            "indicator": iid, "name_zh": info["name_zh"], "name_en": info["name_en"], "unit": info["unit"],
            "targets": ", ".join(dict.fromkeys(tids)), "have": " ".join(map(str, got)),
            "missing": " ".join(str(y) for y in years if y not in got),
            "likely_source": " / ".join(filter(None, [as_text(info["source_zh"]), as_text(info["source_en"])])),
            "department": departments.get(iid, ""),
        })
    return pd.DataFrame(rows, columns=GAP_COLUMNS)


def gap_worksheet(reg: Registry, observations: pd.DataFrame, years: Iterable[int] | None = None) -> pd.DataFrame:
    """One row per missing indicator-year, value and source left empty: fill in and load with --data."""
    rows = []
    for g in gaps(reg, observations, years).to_dict("records"):
        for year in g["missing"].split():
            rows.append({**dict.fromkeys(GAP_WORKSHEET_COLUMNS), "indicator": g["indicator"], "name_zh": g["name_zh"],
                         "name_en": g["name_en"], "year": int(year), "unit": g["unit"], "targets": g["targets"],
                         "have": g["have"], "likely_source": g["likely_source"]})
    return pd.DataFrame(rows, columns=GAP_WORKSHEET_COLUMNS)


def request_sheets(reg: Registry, observations: pd.DataFrame, years: Iterable[int], lang: str = "zh",
                   departments: pd.DataFrame | None = None) -> dict[str, pd.DataFrame]:
    """The data request: department sheet name -> one row per indicator still missing a year, in file order.

    Columns, headed in `lang`: indicator id, name, unit, one per year (empty; a figure already held shows in
    `held`), source title, link, date, note, the plan's clauses (names in English), years held, where to find."""
    years = list(years)
    words = _words(lang)["columns"]
    deps = departments if departments is not None else load_departments()
    table = gaps(reg, observations, years)
    table = table[table["missing"].str.strip() != ""]
    targets = reg.targets.set_index("id")
    info = reg.indicators.set_index("id")
    out: dict[str, pd.DataFrame] = {}
    for dep in deps.to_dict("records"):
        mine = table[table["department"] == dep["id"]]
        if mine.empty:
            continue
        rows = []
        for g in mine.to_dict("records"):
            ind = info.loc[g["indicator"]]
            clauses = [targets.at[t, "quote" if lang == "zh" else "name_en"] for t in g["targets"].split(", ")]
            rows.append({
                words["indicator_id"]: g["indicator"], words["indicator"]: ind[f"name_{lang}"],
                words["unit"]: ind["unit"] if lang == "zh" else ind["unit_en"],
                **{words["year"].format(year=y): None for y in years},
                words["source_title"]: None, words["source_link"]: None, words["source_date"]: None,
                words["note"]: None, words["plan_clause"]: ("；" if lang == "zh" else "; ").join(dict.fromkeys(clauses)),
                words["have"]: g["have"], words["where"]: as_text(ind[f"source_{lang}"]),
            })
        out[dep[f"name_{lang}"]] = pd.DataFrame(rows)
    return out


def _held(reg: Registry, observations: pd.DataFrame, lang: str) -> dict[tuple[str, int], str]:
    """(indicator, year) -> the comment of a grey cell: the figure held, in its unit, and its source."""
    words = _words(lang)
    unit_en = dict(zip(reg.indicators["id"], reg.indicators["unit_en"], strict=True))
    out = {}
    for r in observations.to_dict("records"):
        value = (f"{as_text(r['value'])}{r['unit']}" if lang == "zh"
                 else f"{as_text(r['value'])} {unit_en.get(r['indicator'], r['unit'])}")
        out[(r["indicator"], int(r["year"]))] = words["held"].format(value=value, source=r["source_title"])
    return out


def _department_sheet(ws, frame: pd.DataFrame, words: dict, held: dict[tuple[str, int], str],
                      year_heads: dict[str, int]) -> int:
    """Fill one department's sheet: title, hint, header, one row per indicator; return the cells to fill."""
    from openpyxl.comments import Comment
    from openpyxl.styles import Alignment, Font, PatternFill

    ws.append([words["sheet_title"].format(title=words["title"], department=ws.title)])
    ws.append([words["sheet_hint"]])
    ws.append(list(frame.columns))
    for row in (1, 2):
        ws.merge_cells(start_row=row, start_column=1, end_row=row, end_column=len(frame.columns))
    ws["A1"].font = Font(bold=True, size=13)
    for cell in ws[3]:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor=HEADER)
        cell.alignment = Alignment(wrap_text=True, vertical="center")
    count = 0
    for values in frame.itertuples(index=False):
        ws.append(list(values))
        for col, head in enumerate(frame.columns, start=1):
            if head in year_heads:
                cell = ws.cell(ws.max_row, col)
                comment = held.get((values[0], year_heads[head]))
                cell.fill = PatternFill("solid", fgColor=HELD if comment else FILL)
                cell.comment = Comment(comment, "kzlib") if comment else None
                count += 0 if comment else 1
    widths = {words["columns"]["indicator"]: 28, words["columns"]["source_title"]: 30,
              words["columns"]["plan_clause"]: 40, words["columns"]["where"]: 20}
    for col, head in enumerate(frame.columns, start=1):
        ws.column_dimensions[ws.cell(3, col).column_letter].width = widths.get(head, 12)
    ws.freeze_panes = ws.cell(4, 4)
    return count


def _instructions(ws, words: dict, years: list[int], todo: dict[str, tuple[int, int]], today: dt.date) -> None:
    """Fill the first sheet: title, date, how to fill in, and each department's sheet with its count."""
    from openpyxl.styles import Alignment, Font

    first, last = (years[0], years[-1]) if years else ("", "")
    ws.append([words["title"]])
    ws["A1"].font = Font(bold=True, size=13)
    ws.append([words["made"].format(date=today.isoformat())])
    for line in words["instructions"]:
        ws.append([line.format(first=first, last=last)])
    ws.append([])
    ws.append([words["departments"]])
    ws.cell(ws.max_row, 1).font = Font(bold=True)
    for name, (n, cells) in todo.items():
        ws.append([words["department_line"].format(department=name, n=n, cells=cells)])
    ws.column_dimensions["A"].width = 120
    for row in ws.iter_rows():
        row[0].alignment = Alignment(wrap_text=True, vertical="top")


def write_request(path: str | Path, reg: Registry, observations: pd.DataFrame, years: Iterable[int],
                  lang: str = "zh", today: dt.date | None = None) -> dict[str, int]:
    """Write the data request workbook; return department sheet name -> cells to fill."""
    from openpyxl import Workbook

    years = list(years)
    words = _words(lang)
    held = _held(reg, observations, lang)
    year_heads = {words["columns"]["year"].format(year=y): y for y in years}
    book = Workbook()
    book.active.title = words["instructions_sheet"]
    todo = {name: (len(frame), _department_sheet(book.create_sheet(name), frame, words, held, year_heads))
            for name, frame in request_sheets(reg, observations, years, lang).items()}
    _instructions(book.active, words, years, todo, today or dt.date.today())
    buffer = io.BytesIO()
    book.save(buffer)
    files.write_atomic(path, buffer.getvalue())
    return {name: cells for name, (_, cells) in todo.items()}
