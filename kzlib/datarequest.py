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

# Every word the workbook shows is in kzlib.labels (request.*), naming the plan in use.
REQUEST_WORDS = ("title", "sheet_title", "sheet_hint", "instructions_sheet", "departments", "department_line", "made",
                 "held")
REQUEST_COLUMNS = ("indicator_id", "indicator", "unit", "year", "source_title", "source_link", "source_date", "note",
                   "plan_clause", "have", "where")


def _words(lang: str) -> dict:
    """The workbook's words in `lang` (kzlib.labels request.*), naming the plan in use."""
    words: dict = {key: labels.label(f"request.{key}", lang) for key in REQUEST_WORDS}
    words["instructions"] = labels.label("request.instructions", lang).split("\n")
    words["columns"] = {key: labels.label(f"request.col_{key}", lang) for key in REQUEST_COLUMNS}
    return words


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
