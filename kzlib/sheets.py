"""Reading the tables people send: CSV (UTF-8, BOM, GBK) or .xlsx workbooks, long or wide, as statisticians lay them out.

A long table has one row per figure (indicator, year, value, ...). A wide table has one row per indicator and
one column per year (指标名称 | 计量单位 | 2024年 | 2025年 | 资料来源), as bureaus publish them. Either may sit below
title rows, under a two-row header with merged cells, above notes rows (注：…, 资料来源：…), with totals rows
among the data, on any sheet of a workbook. Every record keeps the row number Excel shows.
"""

from __future__ import annotations

import codecs
import csv
import io
import re
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kzlib import paths
from kzlib.errors import Problem
from kzlib.terms import Terms, load_terms, norm_text

HEADER_SEARCH_ROWS = 12  # title rows above the header row
SUBHEADER_ROWS = 2  # header rows below the first one (a merged 数值 above 2024年 | 2025年)
KEYS = ("indicator_id", "indicator", "target")  # a header row names at least one of these
SAVE_AS_UTF8 = "in Excel use File > Save As > 'CSV UTF-8 (Comma delimited) (*.csv)' and try again"


class Unreadable(Exception):
    """A file that cannot be read at all; the message says how to fix it."""


class Duplicated(Exception):
    """Two header cells of one table that mean the same column."""

    def __init__(self, problem: Problem):
        super().__init__(problem.message)
        self.problem = problem


class Percent(float):
    """A number read from an Excel cell formatted as a percentage (0.478 shown as 47.8%)."""


@dataclass(frozen=True)
class Formula:
    """A workbook cell holding a formula whose value was never calculated (saved by a program, not Excel)."""

    text: str


@dataclass(frozen=True)
class Record:
    """One figure's cells (canonical column -> cell), where they are, and flags the table itself implies."""

    row: int
    cells: dict[str, object]
    columns: dict[str, str]  # canonical column -> the header text of the cell it came from
    flags: tuple[str, ...] = ()


@dataclass
class Table:
    """The header and data rows of one table: a CSV file or one sheet of a workbook."""

    file: str
    sheet: str | None  # named only in workbooks of several sheets
    header_row: int
    headers: dict[str, str]  # canonical column -> header text as the file writes it
    records: list[Record]
    layout: str = "long"  # or "wide": one column per year
    rows_read: int = 0
    blank_rows: int = 0  # data rows without any figure
    source_note: str | None = None  # the source a note below the table names (资料来源：…)
    ignored: list[str] = field(default_factory=list)  # header texts of columns kzlib does not read
    notes: list[Problem] = field(default_factory=list)

    def problem(self, message: str, row: int | None = None, column: str | None = None) -> Problem:
        """A problem located in this table."""
        return Problem(self.file, message, row=row, column=column, sheet=self.sheet)

    def has_key(self, key: str) -> bool:
        """Whether the table has a column for this key (indicator covers indicator_id)."""
        return key in self.headers or (key == "indicator" and "indicator_id" in self.headers)


Rows = list[tuple[int, list[object]]]


def display_path(path: str | Path) -> str:
    """A path as shown in messages: as the user typed it, or relative to the project for its own files."""
    p = Path(path)
    if not p.is_absolute():
        return str(path)
    try:
        return str(p.resolve().relative_to(paths.ROOT))
    except ValueError:
        return str(path)


def blank(value: object) -> bool:
    """Whether a cell is empty: None, blank text or NaN."""
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and pd.isna(value))


def decode_csv_bytes(data: bytes) -> str:
    """Text of a CSV saved as UTF-8, UTF-8 with BOM or GBK/GB18030; raises Unreadable otherwise."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise Unreadable(f"this is a UTF-16 'Unicode Text' file, not a CSV; {SAVE_AS_UTF8}")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise Unreadable(f"cannot be decoded as UTF-8 or GBK/GB18030 text; {SAVE_AS_UTF8}")


CSV_FIELD_LIMIT = 1 << 26  # Python's csv stops at 131,072 characters a cell; long cells are judged later


def _csv_rows(path: Path) -> Rows:
    text = decode_csv_bytes(path.read_bytes())
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((",", ";", "\t"), key=lambda d: (first.count(d), d == ","))
    csv.field_size_limit(max(csv.field_size_limit(), CSV_FIELD_LIMIT))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    rows: Rows = []
    start = 1
    try:
        for cells in reader:
            rows.append((start, list(cells)))
            start = reader.line_num + 1
    except csv.Error as exc:
        raise Unreadable(csv_problem(str(exc), start, reader.line_num)) from None
    return rows


def csv_problem(error: str, start: int, line: int) -> str:
    """What a csv.Error means, for the row where the broken record starts."""
    if "end of data" in error or "expected after" in error:
        return (f"row {start}: unbalanced quote: a cell opened with \" is not closed (the text runs on to line "
                f"{line}); remove the stray \" or close the quote")
    if "field larger" in error:
        return f"row {start}: a cell is longer than {CSV_FIELD_LIMIT:,} characters"
    return f"row {start}: not a well-formed CSV line ({error})"


def _xlsx_cell(cell: object, formulas: dict | None = None) -> object:
    value = getattr(cell, "value", None)
    if value is None and formulas and (cell.row, cell.column) in formulas:
        return Formula(formulas[(cell.row, cell.column)])
    fmt = getattr(cell, "number_format", "") or ""
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in fmt:
        return Percent(value)
    return value


def _worksheet_rows(ws, formulas: dict | None = None) -> Rows:
    """A worksheet's rows, each cell of a merged range holding the range's value (a formula without a cached
    value as Formula)."""
    rows = {cells[0].row: [_xlsx_cell(c, formulas) for c in cells] for cells in ws.iter_rows() if cells}
    for merged in ws.merged_cells.ranges:
        top = rows.get(merged.min_row, [])[merged.min_col - 1:merged.min_col]
        for r in range(merged.min_row, merged.max_row + 1):
            for c in range(merged.min_col, merged.max_col + 1):
                if r in rows and c <= len(rows[r]) and top:
                    rows[r][c - 1] = top[0]
    return sorted(rows.items())


OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # a compound file: old .xls, or an encrypted .xlsx
ENCRYPTED = "EncryptedPackage".encode("utf-16-le")


def _not_a_workbook(path: Path, exc: Exception) -> Unreadable:
    """Why a file named .xlsx cannot be opened, in words that say what to do."""
    with path.open("rb") as f:
        head = f.read(1 << 20)
    if head.startswith(OLE_MAGIC) and ENCRYPTED in head:
        return Unreadable("the workbook is encrypted (protected with a password); open it in Excel, remove the "
                          "password (File > Info > Protect Workbook > Encrypt with Password, clear it) and save it")
    if head.startswith(OLE_MAGIC):
        return Unreadable("this is an old Excel .xls workbook renamed .xlsx; open it in Excel and save it as .xlsx")
    return Unreadable(f"cannot be opened as an Excel .xlsx workbook ({exc}); save it again from Excel as .xlsx "
                      "or as CSV UTF-8")


def _uncalculated(path: Path, book) -> dict[str, dict]:
    """Per sheet, the cells holding a formula whose value the file does not store: (row, column) -> formula."""
    import openpyxl

    out: dict[str, dict] = {}
    raw = openpyxl.load_workbook(path, read_only=True)
    for ws in raw.worksheets:
        values = book[ws.title]
        found = {(c.row, c.column): c.value for row in ws.iter_rows() for c in row
                 if isinstance(c.value, str) and c.value.startswith("=")
                 and values.cell(c.row, c.column).value is None}
        if found:
            out[ws.title] = found
    raw.close()
    return out


def _xlsx_sheets(path: Path) -> list[tuple[str, Rows]]:
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise _not_a_workbook(path, exc) from exc
    formulas = _uncalculated(path, book) if _has_formulas(path) else {}
    return [(ws.title, _worksheet_rows(ws, formulas.get(ws.title))) for ws in book.worksheets]


def _has_formulas(path: Path) -> bool:
    """Whether any worksheet of an .xlsx file holds a formula (an <f> element), without parsing it."""
    import zipfile

    with zipfile.ZipFile(path) as z:
        sheets = (z.read(n) for n in z.namelist() if n.startswith("xl/worksheets/") and n.endswith(".xml"))
        return any(b"<f>" in xml or b"<f " in xml for xml in sheets)


def _file_sheets(path: Path) -> list[tuple[str | None, Rows]]:
    """(sheet name, rows) of every sheet: one unnamed sheet for a CSV file."""
    suffix = path.suffix.lower()
    if path.is_dir():
        raise Unreadable("is a folder, not a file; name a .csv or .xlsx file in it")
    if suffix == ".xls":
        raise Unreadable("old Excel .xls files are not read; save the sheet as .xlsx or as CSV UTF-8")
    if suffix not in (".csv", ".txt", ".xlsx", ".xlsm"):
        raise Unreadable(f"unknown file type '{suffix}'; expected a .csv or .xlsx file")
    if not path.exists():
        raise Unreadable("file not found")
    if suffix in (".xlsx", ".xlsm"):
        return list(_xlsx_sheets(path))
    return [(None, _csv_rows(path))]


def read_tables(path: str | Path, file: str | None = None, terms: Terms | None = None) -> list[Table]:
    """Every table of a CSV file or workbook; raises Unreadable (with a fix) or Duplicated."""
    path = Path(path)
    file = file or display_path(path)
    terms = terms or load_terms()
    sheets = [(name, [(n, c) for n, c in rows if not all(blank(x) for x in c)]) for name, rows in _file_sheets(path)]
    sheets = [(name, rows) for name, rows in sheets if rows]
    if not sheets:
        raise Unreadable("the file is empty; expected a header row (indicator, year, value, unit, source_title, "
                         "...) and one row per figure")
    several = len(sheets) > 1
    tables: list[Table] = []
    skipped: list[tuple[str | None, Rows]] = []
    for name, rows in sheets:
        at = _header_index(rows, terms)
        if at is None:
            skipped.append((name, rows))
            continue
        starts = [at, *_later_headers(rows, at, terms)]
        for k, start in enumerate(starts):
            end = starts[k + 1] if k + 1 < len(starts) else len(rows)
            first = 0 if k == 0 else start  # title rows above the first header only
            tables.append(_table(file, name if several else None, rows[first:end], start - first, terms))
    if not tables:  # no header anywhere: read the first row of the first sheet as one, to say what is missing
        name, rows = sheets[0]
        return [_table(file, name if several else None, rows, 0, terms)]
    for name, rows in skipped:
        if any(isinstance(c, int | float) and not isinstance(c, bool) for _, cells in rows for c in cells):
            tables[0].notes.append(Problem(file, "holds numbers but no header row naming an indicator or target "
                                                 "column (指标名称, 指标代码, 目标编号); not read", sheet=name))
    return tables


def tables_of(path: str | Path, file: str | None = None) -> list[Table] | Problem:
    """The tables of a file, or the one problem that keeps it from being read."""
    try:
        return read_tables(path, file)
    except Unreadable as exc:
        return Problem(file or display_path(path), str(exc))
    except Duplicated as exc:
        return exc.problem


def _names_key(cells: list[object], terms: Terms) -> bool:
    """Whether a row has an indicator or target header cell (指标名称, 指标代码, 目标编号)."""
    return any(terms.column(c) in KEYS for c in cells if not blank(c))


def _stub(cells: list[object], terms: Terms) -> int | None:
    """The unlabelled first column of a header row whose other cells are years (  | 2024年 | 2025年), or None."""
    years = [i for i, c in enumerate(cells) if not blank(c) and terms.year_header(c)]
    if len(years) < 2 or not all(blank(c) for c in cells[:years[0]]) or years[0] == 0:
        return None
    return 0


def _header_index(rows: Rows, terms: Terms) -> int | None:
    """Index of the first row (among the first few) that heads a table: it names an indicator or target column,
    or it is a row of years above an unlabelled column of names."""
    for i, (_, cells) in enumerate(rows[:HEADER_SEARCH_ROWS]):
        if _names_key(cells, terms) or _stub(cells, terms) is not None:
            return i
    return None


def _later_headers(rows: Rows, at: int, terms: Terms) -> list[int]:
    """Indexes of further header rows below the first table's: one sheet holding several tables."""
    return [i for i in range(at + 1 + SUBHEADER_ROWS, len(rows)) if _names_key(rows[i][1], terms)
            and sum(1 for c in rows[i][1] if not blank(c) and (terms.column(c) or terms.year_header(c))) >= 2]


def _label_column(head: list[object], terms: Terms) -> int:
    """The column of the header row that names indicators or targets (the unlabelled one of a stub header)."""
    key = next((i for i, c in enumerate(head) if not blank(c) and terms.column(c) in KEYS), None)
    return key if key is not None else (_stub(head, terms) or 0)


def _subheader_rows(rows: Rows, at: int, terms: Terms) -> int:
    """How many rows below the header row continue it (cells under a merged header: years, units)."""
    _, head = rows[at]
    key = _label_column(head, terms)
    count = 0
    for _, cells in rows[at + 1:at + 1 + SUBHEADER_ROWS]:
        label = cells[key] if key < len(cells) else None
        continues = blank(label) or (key < len(head) and norm_text(label) == norm_text(head[key]))
        heads = any(not blank(c) and (terms.year_header(c) or terms.column(c) or terms.is_informational(c))
                    for c in cells)
        if not (continues and heads):
            break
        count += 1
    return count


def _column_parts(rows: Rows, at: int, depth: int) -> list[list[object]]:
    """Per column, its header cells from the header row down, consecutive repeats (merged cells) once."""
    width = max(len(cells) for _, cells in rows[at:at + depth + 1])
    parts = []
    for i in range(width):
        cells = [c[i] if i < len(c) else None for _, c in rows[at:at + depth + 1]]
        kept: list[object] = []
        for c in cells:
            if not blank(c) and (not kept or norm_text(kept[-1]) != norm_text(c)):
                kept.append(c)
        parts.append(kept)
    return parts


def _letter(index: int) -> str:
    """A column's letters as Excel shows them: 0 -> A, 26 -> AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _header_text(parts: list[object]) -> str:
    return " / ".join(" ".join(str(p).split()) for p in parts)


@dataclass
class _Columns:
    """Where each column a table's header names sits: canonical columns, year columns, columns not read."""

    index: dict[str, int] = field(default_factory=dict)  # canonical column -> position
    headers: dict[str, str] = field(default_factory=dict)  # canonical column -> header text
    years: dict[int, tuple[int, list[str], str]] = field(default_factory=dict)  # position -> (year, flags, text)
    ignored: list[str] = field(default_factory=list)


def _columns(parts_of: list[list[object]], terms: Terms, where: Problem) -> _Columns:
    """Classify each column by its header cells: a year (2024年, 2025年预计), a column kzlib reads, or neither.
    A table with a year column of its own (long layout) keeps year-headed columns unread."""
    cols = _Columns()
    for i, parts in enumerate(parts_of):
        if not parts:
            continue
        text = _header_text(parts)
        year = next((y for y in map(terms.year_header, parts) if y is not None), None)
        canon = next((c for c in map(terms.column, reversed(parts)) if c is not None), None)
        if year is not None:
            cols.years[i] = (year[0], year[1], text)
        elif canon in cols.headers:
            raise Duplicated(Problem(where.file, f"columns '{cols.headers[canon]}' and '{text}' both mean {canon}; "
                                                 "keep one of them", row=where.row, column=text, sheet=where.sheet))
        elif canon is not None:
            cols.headers[canon], cols.index[canon] = text, i
        elif not all(terms.is_informational(p) for p in parts):
            cols.ignored.append(text)
    if cols.years and "year" in cols.headers:
        cols.ignored += [text for _, _, text in cols.years.values()]
        cols.years = {}
    elif cols.years and "value" in cols.headers:  # a group label (数值) over the year columns
        cols.ignored.append(cols.headers.pop("value"))
        cols.index.pop("value")
    return cols


def _table(file: str, sheet: str | None, rows: Rows, at: int, terms: Terms) -> Table:
    """The table whose header starts at rows[at]: columns classified, data rows read, notes rows set aside."""
    depth = _subheader_rows(rows, at, terms)
    header_row = rows[at][0]
    cols = _columns(_column_parts(rows, at, depth), terms, Problem(file, "", row=header_row, sheet=sheet))
    if cols.years and not any(k in cols.index for k in KEYS):  # names in an unlabelled column
        label = _label_column(rows[at][1], terms)
        cols.index["indicator"], cols.headers["indicator"] = label, f"column {_letter(label)}"
    table = Table(file, sheet, header_row, cols.headers, [], "wide" if cols.years else "long", ignored=cols.ignored)
    titles = [c for _, cells in rows[:at] for c in cells if isinstance(c, str) and not blank(c)]
    _read_rows(table, rows[at + depth + 1:], cols, tuple(terms.flags_in(*titles)), terms)
    return table


def _row_records(table: Table, n: int, cells: list[object], cols: _Columns, flags: tuple[str, ...],
                 terms: Terms) -> list[Record]:
    """The records of one data row: itself in a long table, one per filled year cell in a wide one."""
    base = {c: (cells[i] if i < len(cells) else None) for c, i in cols.index.items()}
    if not cols.years:
        return [Record(n, base, dict(table.headers), flags)]
    out = []
    for i, (year, year_flags, text) in cols.years.items():
        value = cells[i] if i < len(cells) else None
        if not (blank(value) or terms.is_no_figure(value)):
            out.append(Record(n, {**base, "year": year, "value": value}, {**table.headers, "year": text, "value": text},
                              tuple(dict.fromkeys([*flags, *year_flags]))))
    return out


def _read_rows(table: Table, rows: Rows, cols: _Columns, flags: tuple[str, ...], terms: Terms) -> None:
    """Fill the table's records from its data rows; notes rows and totals rows are set aside with a note."""
    data_columns = set(cols.years) | {cols.index[c] for c in ("value", "year") if c in cols.index}
    labels = [cols.index[k] for k in KEYS if k in cols.index]
    notes: list[str] = []
    totals: list[int] = []
    records: list[Record] = []
    for n, cells in rows:
        note = terms.note(next((c for c in cells if not blank(c)), None))
        if note is not None or (notes and not any(i < len(cells) and not blank(cells[i]) for i in data_columns)):
            notes += [note] if note else [str(c) for c in cells if isinstance(c, str) and not blank(c)]
            continue
        table.rows_read += 1
        if any(i < len(cells) and terms.is_total(cells[i]) for i in labels):
            totals.append(n)
            continue
        found = _row_records(table, n, cells, cols, flags, terms)
        table.blank_rows += 0 if found else 1
        records += found
    table.source_note = next(filter(None, map(terms.source_of_note, notes)), None)
    table.records = _source_from_note(table, _flag_from_notes(records, notes, terms))
    if totals:
        table.notes.append(table.problem(f"totals row{'s' if len(totals) > 1 else ''} {', '.join(map(str, totals))} "
                                         "skipped (a sum of the rows above, not an indicator)"))


def _source_from_note(table: Table, records: list[Record]) -> list[Record]:
    """Records without a source of their own given the one a note below the table names (资料来源：…)."""
    source = table.source_note
    if source is None:
        return records
    table.notes.append(table.problem(f"the note below the table gives the source '{source}'; used for every figure "
                                     "without a source of its own"))
    return [r if not blank(r.cells.get("source_title")) else
            Record(r.row, {**r.cells, "source_title": source}, r.columns, r.flags) for r in records]


def _flag_from_notes(records: list[Record], notes: list[str], terms: Terms) -> list[Record]:
    """Records with the flags that notes below the table give them: 注：2025年为初步核算数 flags the 2025
    figures preliminary; a clause naming no year flags every figure of the table."""
    for clause in (c for note in notes for c in re.split(r"[,;。，；]", norm_text(note))):
        flags = terms.flags_in(clause)
        if not flags:
            continue
        years = {int(y) for y in re.findall(r"(?:19|20)\d{2}", clause)}
        records = [Record(r.row, r.cells, r.columns, tuple(dict.fromkeys([*r.flags, *flags])))
                   if not years or _year_of(r) in years else r for r in records]
    return records


def _year_of(record: Record) -> int | None:
    try:
        return int(float(norm_text(record.cells.get("year")).removesuffix("年")))
    except ValueError:
        return None
