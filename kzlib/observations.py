"""Observed figures and milestone states: read, validate and layer the shipped data and the user's files."""

from __future__ import annotations

import codecs
import csv
import datetime as dt
import difflib
import io
import os
import re
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd

from kzlib import paths, settings, units
from kzlib.errors import ObservationError, Problem
from kzlib.registry import Registry, load_registry

# Flags a file may carry (`derived`: read off a stated structure, e.g. shares from 三次产业结构比);
# `overridden` is set by kzlib only. Indicators with derived_from are still computed, never typed in.
INPUT_FLAGS = (
    "preliminary", "secondary", "inferred_year", "partial_year", "zone_scope", "average_period",
    "speech_rounded", "converted", "derived",
)
COMPUTED_FLAGS = ("overridden",)

OBSERVATION_COLUMNS = [
    "indicator", "year", "value", "unit", "source_title", "source_link", "source_date", "flags", "note",
    "file", "row", "quote",
]
MILESTONE_COLUMNS = [
    "target", "year", "state", "source_title", "source_link", "source_date", "note", "file", "row",
]
# Column order of the shipped files data/observations.csv and data/milestones.csv.
SHIPPED_OBSERVATION_COLUMNS = [
    "indicator", "year", "value", "unit", "source_title", "source_link", "source_date", "flags", "quote", "note",
]
SHIPPED_MILESTONE_COLUMNS = ["target", "year", "state", "source_title", "source_link", "source_date", "note"]

# Header names accepted in input files (compared after NFKC, lower case, spaces as "_", "(…)" dropped).
COLUMN_ALIASES = {
    "indicator": ("indicator", "indicator_id", "指标", "指标名称", "指标代码", "指标id"),
    "target": ("target", "target_id", "目标", "目标编号", "目标id"),
    "year": ("year", "年份", "年度", "年"),
    "value": ("value", "数值", "值", "数据"),
    "unit": ("unit", "单位", "计量单位"),
    "state": ("state", "status", "状态", "进展", "进展状态"),
    "source_title": ("source_title", "source", "来源", "数据来源", "资料来源", "来源名称", "出处"),
    "source_link": ("source_link", "link", "url", "source_url", "链接", "来源链接", "网址"),
    "source_date": ("source_date", "date", "日期", "发布日期", "来源日期"),
    "flags": ("flags", "flag", "标记"),
    "quote": ("quote", "原文", "引文", "摘录"),
    "note": ("note", "notes", "备注", "说明"),
}
STATE_ALIASES = {
    "done": "done", "已完成": "done", "完成": "done", "已建成": "done",
    "in_progress": "in_progress", "推进中": "in_progress", "进行中": "in_progress", "在建": "in_progress",
    "not_started": "not_started", "未启动": "not_started", "未开始": "not_started",
}
HEADER_SEARCH_ROWS = 10
JUMP_FACTOR = 5  # a new figure this many times off its neighbour year is pointed out (likely a unit slip)
SAVE_AS_UTF8 = "in Excel use File > Save As > 'CSV UTF-8 (Comma delimited) (*.csv)' and try again"

_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d+)?")
_THOUSANDS = re.compile(r"[+-]?\d{1,3}(,\d{3})+(\.\d+)?")
_NUMBER_WITH_TEXT = re.compile(r"[+-]?\d[\d,]*(\.\d+)?\s*(\S+)")
_APPROXIMATE = ("约", "左右", "以上", "以下", "上下", "近", "超过", "不到", "不足", "多", "余", "~", "≈", "<", ">")
_DATE = re.compile(r"(\d{4})(?:[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?)?")


class _Percent(float):
    """A number read from an Excel cell formatted as a percentage (0.478 shown as 47.8%)."""


class _Unreadable(Exception):
    """A file that cannot be read at all; the message says how to fix it."""


@dataclass(frozen=True)
class Change:
    """One figure a file adds or overrides: key, new value, where it comes from, what it replaces."""

    key: str
    year: int
    value: object
    unit: str
    file: str
    row: int
    old_value: object = None
    old_file: str | None = None
    old_row: int | None = None


@dataclass
class Report:
    """What loading a stack of files did: the frame, skipped files, additions, overrides, notes, problems."""

    frame: pd.DataFrame
    files: list[str] = field(default_factory=list)
    rows_read: dict[str, int] = field(default_factory=dict)
    skipped: list[str] = field(default_factory=list)
    added: list[Change] = field(default_factory=list)
    overridden: list[Change] = field(default_factory=list)
    notes: list[Problem] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)


@dataclass
class _Sheet:
    """A file's header and data rows, cells keyed by canonical column name."""

    file: str
    header_row: int
    headers: dict[str, str]  # canonical -> header text as the user wrote it
    records: list[tuple[int, dict[str, object]]]
    ignored: list[str]


@dataclass
class _Layer:
    """The validated records of one file."""

    file: str
    records: list[dict]
    rows_read: int
    notes: list[Problem]
    problems: list[Problem]


# ---------------------------------------------------------------- reading files


def display_path(path: str | Path) -> str:
    """A path as shown in messages: as the user typed it, or relative to the project for its own files."""
    p = Path(path)
    if not p.is_absolute():
        return str(path)
    try:
        return str(p.resolve().relative_to(paths.ROOT))
    except ValueError:
        return str(path)


def _norm_text(value: object) -> str:
    return unicodedata.normalize("NFKC", str(value)).strip()


def _norm_header(value: object) -> str:
    text = re.sub(r"\(.*\)$", "", _norm_text(value).lower()).strip()
    return re.sub(r"[\s\-]+", "_", text)


_ALIAS_LOOKUP = {_norm_header(a): canon for canon, names in COLUMN_ALIASES.items() for a in names}


def decode_csv_bytes(data: bytes) -> str:
    """Text of a CSV saved as UTF-8, UTF-8 with BOM or GBK/GB18030; raises _Unreadable otherwise."""
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        raise _Unreadable(f"this is a UTF-16 'Unicode Text' file, not a CSV; {SAVE_AS_UTF8}")
    if data.startswith(codecs.BOM_UTF8):
        data = data[len(codecs.BOM_UTF8):]
    for encoding in ("utf-8", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise _Unreadable(f"cannot be decoded as UTF-8 or GBK/GB18030 text; {SAVE_AS_UTF8}")


def _csv_rows(path: Path) -> list[tuple[int, list[object]]]:
    text = decode_csv_bytes(path.read_bytes())
    first = next((line for line in text.splitlines() if line.strip()), "")
    delimiter = max((",", ";", "\t"), key=lambda d: (first.count(d), d == ","))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    return [(n, list(cells)) for n, cells in enumerate(reader, start=1)]


def _xlsx_cell(cell: object) -> object:
    value = getattr(cell, "value", None)
    fmt = getattr(cell, "number_format", "") or ""
    if isinstance(value, int | float) and not isinstance(value, bool) and "%" in fmt:
        return _Percent(value)
    return value


def _xlsx_rows(path: Path) -> list[tuple[int, list[object]]]:
    import zipfile

    import openpyxl
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise _Unreadable(f"cannot be opened as an Excel .xlsx workbook ({exc}); save it again from Excel as .xlsx "
                          "or as CSV UTF-8") from exc
    sheet = book.worksheets[0]
    return [(cells[0].row, [_xlsx_cell(c) for c in cells]) for cells in sheet.iter_rows() if cells]


def _blank(value: object) -> bool:
    return value is None or (isinstance(value, str) and not value.strip()) or (
        isinstance(value, float) and pd.isna(value))


def _read_sheet(path: Path, file: str) -> _Sheet:
    """Read a CSV or .xlsx file and find its header row; raises _Unreadable with a fix."""
    suffix = path.suffix.lower()
    if suffix == ".xls":
        raise _Unreadable("old Excel .xls files are not read; save the sheet as .xlsx or as CSV UTF-8")
    if suffix not in (".csv", ".txt", ".xlsx", ".xlsm"):
        raise _Unreadable(f"unknown file type '{suffix}'; expected a .csv or .xlsx file")
    if not path.exists():
        raise _Unreadable("file not found")
    rows = _xlsx_rows(path) if suffix in (".xlsx", ".xlsm") else _csv_rows(path)
    rows = [(n, cells) for n, cells in rows if not all(_blank(c) for c in cells)]
    if not rows:
        raise _Unreadable("the file is empty; expected a header row (indicator, year, value, unit, source_title, "
                          "...) and one row per figure")
    for n, cells in rows[:HEADER_SEARCH_ROWS]:
        canon = [_ALIAS_LOOKUP.get(_norm_header(c)) if not _blank(c) else None for c in cells]
        if "indicator" in canon or "target" in canon:
            return _sheet_from(file, n, cells, canon, [(m, c) for m, c in rows if m > n])
    n, cells = rows[0]
    canon = [_ALIAS_LOOKUP.get(_norm_header(c)) if not _blank(c) else None for c in cells]
    return _sheet_from(file, n, cells, canon, [(m, c) for m, c in rows if m > n])


def _sheet_from(file: str, header_row: int, cells: list[object], canon: list[str | None],
                data: list[tuple[int, list[object]]]) -> _Sheet:
    headers: dict[str, str] = {}
    index: dict[str, int] = {}
    ignored: list[str] = []
    duplicates: list[tuple[str, str, str]] = []
    for i, (text, name) in enumerate(zip(cells, canon, strict=True)):
        if name is None:
            if not _blank(text):
                ignored.append(str(text).strip())
        elif name in headers:
            duplicates.append((name, headers[name], str(text).strip()))
        else:
            headers[name] = str(text).strip()
            index[name] = i
    records = [(n, {name: (row[i] if i < len(row) else None) for name, i in index.items()}) for n, row in data]
    sheet = _Sheet(file, header_row, headers, records, ignored)
    if duplicates:
        name, first, second = duplicates[0]
        raise _Duplicated(sheet, name, first, second)
    return sheet


class _Duplicated(Exception):
    """Two header cells that mean the same column."""

    def __init__(self, sheet: _Sheet, name: str, first: str, second: str):
        super().__init__(name)
        self.problem = Problem(sheet.file, f"columns '{first}' and '{second}' both mean {name}; keep one of them",
                               row=sheet.header_row, column=second)


# ---------------------------------------------------------------- parsing cells


def parse_number(value: object) -> float:
    """A cell as a number: accepts 1,234.5 and full-width digits; raises ValueError saying what is wrong."""
    if isinstance(value, bool):
        raise ValueError(f"'{value}' is not a number")
    if isinstance(value, int | float):
        if pd.isna(value):
            raise ValueError("the value is empty")
        return float(value)
    raw = str(value).strip()
    text = _norm_text(raw).replace("\u2212", "-").replace(" ", "")
    if _THOUSANDS.fullmatch(text):
        text = text.replace(",", "")
    if _NUMBER.fullmatch(text):
        return float(text)
    if any(word in text for word in _APPROXIMATE):
        raise ValueError(f"'{raw}' is an approximate or bounded figure; enter the exact figure the source gives "
                         "(a plain number such as 5.5) and keep the wording in the note column")
    unit = _NUMBER_WITH_TEXT.fullmatch(text)
    if unit and unit.group(2) != "%":
        raise ValueError(f"'{raw}' mixes a number and a unit; put the number in the value column and "
                         f"'{unit.group(2)}' in the unit column")
    raise ValueError(f"'{raw}' is not a number; expected a plain number such as 721.44 "
                     "(thousands separators and full-width digits are fine)")


def parse_year(value: object) -> int:
    """A cell as a calendar year within settings.YEAR_RANGE; raises ValueError saying what is wrong."""
    lo, hi = settings.YEAR_RANGE
    if isinstance(value, dt.date | dt.datetime):
        raise ValueError(f"'{value}' is a date (Excel formatted the cell as a date); format the column as "
                         "Number and enter the year, e.g. 2024")
    if isinstance(value, bool):
        raise ValueError(f"'{value}' is not a year")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = _norm_text(value).removesuffix("年").strip()
        if not re.fullmatch(r"[+-]?\d+(\.0*)?", text):
            raise ValueError(f"'{value}' is not a year; expected a whole year such as 2024")
        number = float(text)
    if not number.is_integer():
        raise ValueError(f"'{value}' is not a whole year; expected a year such as 2024")
    year = int(number)
    if not lo <= year <= hi:
        raise ValueError(f"year {year} is outside {lo}-{hi}")
    return year


def parse_date(value: object) -> str:
    """A source date as ISO text (2024-04-29, 2024-04 or 2024); raises ValueError if it is not a date."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        value = str(int(value))
    text = _norm_text(value)
    m = _DATE.fullmatch(text)
    if m is None:
        raise ValueError(f"'{value}' is not a date; expected e.g. 2024-04-29, 2024-04 or 2024")
    year, month, day = (int(g) if g else None for g in m.groups())
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError as exc:
        raise ValueError(f"'{value}' is not a valid date ({exc})") from exc
    return "-".join([f"{year:04d}"] + [f"{p:02d}" for p in (month, day) if p])


def parse_flags(value: object) -> list[str]:
    """Flags from a cell separated by ; or , or spaces; raises ValueError naming unknown flags."""
    if _blank(value):
        return []
    flags = [f for f in re.split(r"[;,\s]+", _norm_text(value).lower()) if f]
    unknown = [f for f in flags if f not in INPUT_FLAGS]
    if unknown:
        raise ValueError(f"unknown flag{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
                         f"expected any of {', '.join(INPUT_FLAGS)} separated by ';'")
    return list(dict.fromkeys(flags))


def as_text(value: object) -> str:
    """A cell or value as one line of text: '' for blanks, 8285 for 8285.0."""
    if _blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())


def _suggest(text: str, choices: dict[str, str]) -> str:
    """'; did you mean …?' listing the ids whose id or name is closest to the text."""
    hits = difflib.get_close_matches(text, list(choices), n=6, cutoff=0.5)
    ids = list(dict.fromkeys(choices[h] for h in hits))[:3]
    return f"; did you mean {', '.join(ids)}?" if ids else ""


# ---------------------------------------------------------------- validating rows


@dataclass(frozen=True)
class _Indicators:
    """Lookups over the registry's indicators."""

    info: dict[str, dict]
    names: dict[str, set[str]]
    choices: dict[str, str]

    @classmethod
    def of(cls, reg: Registry) -> _Indicators:
        info = {r["id"]: r for r in reg.indicators.to_dict("records")}
        names: dict[str, set[str]] = {}
        choices: dict[str, str] = {}
        for iid, r in info.items():
            for key in (iid, r.get("name_zh"), r.get("name_en")):
                if isinstance(key, str) and key:
                    names.setdefault(_norm_text(key).casefold(), set()).add(iid)
                    choices[_norm_text(key)] = iid
        return cls(info, names, choices)

    def resolve(self, text: str) -> str:
        """The indicator id named by an id or an exact Chinese/English name; raises ValueError."""
        hits = self.names.get(_norm_text(text).casefold(), set())
        if len(hits) == 1:
            return next(iter(hits))
        if hits:
            raise ValueError(f"'{text}' names several indicators ({', '.join(sorted(hits))}); use the id")
        raise ValueError(f"unknown indicator '{text}'{_suggest(_norm_text(text), self.choices)}")


def _unit_of(raw: object, value: float, info: dict) -> tuple[float, str | None]:
    """The value in the indicator's unit and a conversion note; raises ValueError for a wrong unit."""
    target = info["unit"]
    if _blank(raw):
        return value, None
    unit = units.normalise(raw)
    if units.same(unit, target) or unit.casefold() == _norm_text(info.get("unit_en") or "").casefold():
        return value, None
    if units.convertible(unit, target):
        converted = units.convert(value, unit, target)
        return converted, f"converted from {as_text(value)} {unit} to {as_text(converted)} {target}"
    others = [u for u in units.family(target) if u != units.normalise(target)]
    also = f" (or {', '.join(others)}, converted)" if others else ""
    raise ValueError(f"unit '{raw}' does not fit indicator {info['id']}; expected {target}{also}")


def _check_range(value: float, info: dict) -> str | None:
    measure = info.get("measure")
    if measure == "share" and not 0 <= value <= 100:
        return f"{as_text(value)} is not a share; a share must be between 0 and 100 (%)"
    if measure in ("amount", "count") and value < 0:
        return f"{as_text(value)} is negative; {'an amount' if measure == 'amount' else 'a count'} cannot be below zero"
    if measure == "count" and not value.is_integer():
        return f"{as_text(value)} is not a whole number; a count must be whole"
    return None


def _common(rec: dict, cells: dict, sheet: _Sheet, n: int, problems: list[Problem]) -> None:
    """Year, source and note fields shared by observations and milestones."""
    def bad(column: str, message: str) -> None:
        problems.append(Problem(sheet.file, message, row=n, column=sheet.headers.get(column, column)))

    try:
        rec["year"] = parse_year(cells.get("year"))
    except ValueError as exc:
        bad("year", "the year is empty" if _blank(cells.get("year")) else str(exc))
    rec["source_title"] = as_text(cells.get("source_title"))
    if not rec["source_title"]:
        bad("source_title", "the source is missing; every figure needs the title of the document it comes from "
                            "(e.g. 2024年开州区国民经济和社会发展统计公报)")
    rec["source_link"] = as_text(cells.get("source_link"))
    rec["source_date"] = ""
    if not _blank(cells.get("source_date")):
        try:
            rec["source_date"] = parse_date(cells.get("source_date"))
        except ValueError as exc:
            bad("source_date", str(exc))
    rec["note"] = as_text(cells.get("note"))


def _observation(cells: dict, n: int, sheet: _Sheet, ind: _Indicators, problems: list[Problem],
                 notes: list[Problem]) -> dict | None:
    """One validated observation from a data row, or None (problems appended)."""
    before = len(problems)

    def bad(column: str, message: str) -> None:
        problems.append(Problem(sheet.file, message, row=n, column=sheet.headers.get(column, column)))

    rec: dict = {"file": sheet.file, "row": n}
    info = None
    raw_ind = cells.get("indicator")
    if _blank(raw_ind):
        bad("indicator", "the indicator is empty; expected an indicator id such as gdp or its exact name")
    else:
        try:
            rec["indicator"] = ind.resolve(str(raw_ind))
            info = ind.info[rec["indicator"]]
        except ValueError as exc:
            bad("indicator", str(exc))
    if info is not None and info.get("derived_from"):
        bad("indicator", f"{info['id']} is computed by kzlib from {' and '.join(info['derived_from'])}; "
                         "enter those figures instead")
        info = None
    _common(rec, cells, sheet, n, problems)
    try:
        flags = parse_flags(cells.get("flags"))
    except ValueError as exc:
        bad("flags", str(exc))
        flags = []
    raw_value = cells.get("value")
    value = None
    try:
        if _blank(raw_value):
            raise ValueError("the value is empty; enter the figure, or delete the row")
        if isinstance(raw_value, str) and info is not None and info["unit"] == "%":
            raw_value = raw_value.strip().removesuffix("%").removesuffix("％")
        value = parse_number(raw_value)
    except ValueError as exc:
        bad("value", str(exc))
    conversions: list[str] = []
    if value is not None and isinstance(cells.get("value"), _Percent):
        value = float(Decimal(repr(value)) * 100)
        conversions.append(f"Excel percentage cell {as_text(float(cells['value']))} read as {as_text(value)} %")
    if value is not None and info is not None:
        try:
            value, conversion = _unit_of(cells.get("unit"), value, info)
            if conversion:
                conversions.append(conversion)
        except ValueError as exc:
            bad("unit", str(exc))
            value = None
    if value is not None and info is not None:
        message = _check_range(value, info)
        if message:
            bad("value", message)
    if len(problems) > before:
        return None
    if conversions:
        flags = list(dict.fromkeys([*flags, "converted"]))
        rec["note"] = "; ".join(filter(None, [rec["note"], *conversions]))
        notes.append(Problem(sheet.file, "; ".join(conversions), row=n,
                             column=sheet.headers.get("unit", sheet.headers.get("value", "value"))))
    rec.update(value=value, unit=info["unit"], flags=";".join(flags), quote=as_text(cells.get("quote")))
    return rec


def _milestone(cells: dict, n: int, sheet: _Sheet, targets: dict[str, str], problems: list[Problem]) -> dict | None:
    """One validated milestone state from a data row, or None (problems appended)."""
    before = len(problems)

    def bad(column: str, message: str) -> None:
        problems.append(Problem(sheet.file, message, row=n, column=sheet.headers.get(column, column)))

    rec: dict = {"file": sheet.file, "row": n}
    tid = as_text(cells.get("target"))
    if not tid:
        bad("target", "the target id is empty")
    elif tid not in targets:
        bad("target", f"unknown target '{tid}'{_suggest(tid, {t: t for t in targets})}")
    elif targets[tid] != "milestone":
        bad("target", f"target {tid} is a {targets[tid]} target, not a milestone; its figures go in an "
                      "observations file (indicator, year, value)")
    rec["target"] = tid
    _common(rec, cells, sheet, n, problems)
    state = STATE_ALIASES.get(_norm_text(cells.get("state") or "").lower().replace(" ", "_"))
    if state is None:
        bad("state", f"unknown state '{as_text(cells.get('state'))}'; expected {', '.join(settings.MILESTONE_STATES)} "
                     "(已完成, 推进中, 未启动)")
    rec["state"] = state
    return None if len(problems) > before else rec


# ---------------------------------------------------------------- layering files


@dataclass(frozen=True)
class _Kind:
    """What a file holds: observations keyed on indicator, or milestones keyed on target."""

    name: str
    key: str
    required: tuple[str, ...]
    columns: list[str]
    shipped_columns: list[str]

    def holds(self, sheet: _Sheet) -> bool:
        """Whether the file belongs to this kind (the other kind's files are skipped)."""
        if self.key == "indicator":
            return not ("target" in sheet.headers and "indicator" not in sheet.headers)
        return "target" in sheet.headers and "indicator" not in sheet.headers


OBSERVATIONS = _Kind("observations", "indicator", ("indicator", "year", "value", "source_title"),
                     OBSERVATION_COLUMNS, SHIPPED_OBSERVATION_COLUMNS)
MILESTONES = _Kind("milestones", "target", ("target", "year", "state", "source_title"),
                   MILESTONE_COLUMNS, SHIPPED_MILESTONE_COLUMNS)

_CACHE: dict[tuple, _Layer | None] = {}
_CACHE_SIZE = 64


def _fingerprint(reg: Registry) -> int:
    ind = reg.indicators[["id", "name_zh", "name_en", "unit", "unit_en", "measure"]].astype(str)
    tgt = reg.targets[["id", "kind"]].astype(str)
    return hash((tuple(ind.itertuples(index=False)), tuple(tgt.itertuples(index=False))))


def _read_layer(path: Path, kind: _Kind, reg: Registry, fingerprint: int) -> _Layer | None:
    """The validated records of one file (None if it holds the other kind), cached on its mtime."""
    file = display_path(path)
    try:
        st = path.stat()
        key = (str(path.resolve()), file, st.st_mtime_ns, st.st_size, kind.name, fingerprint)
    except OSError:
        key = None
    if key is not None and key in _CACHE:
        return _CACHE[key]
    layer = _validate_file(path, file, kind, reg)
    if key is not None:
        if len(_CACHE) >= _CACHE_SIZE:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = layer
    return layer


def _validate_file(path: Path, file: str, kind: _Kind, reg: Registry) -> _Layer | None:
    try:
        sheet = _read_sheet(path, file)
    except _Unreadable as exc:
        return _Layer(file, [], 0, [], [Problem(file, str(exc))])
    except _Duplicated as exc:
        return _Layer(file, [], 0, [], [exc.problem])
    if not kind.holds(sheet):
        return None
    missing = [c for c in kind.required if c not in sheet.headers]
    if missing:
        found = ", ".join(sheet.headers.values()) or "none that kzlib knows"
        return _Layer(file, [], len(sheet.records), [], [
            Problem(file, f"required column '{c}' is missing (accepted headers: "
                          f"{', '.join(COLUMN_ALIASES[c])}); columns found: {found}", row=sheet.header_row, column=c)
            for c in missing])
    problems: list[Problem] = []
    notes: list[Problem] = []
    if sheet.ignored:
        notes.append(Problem(file, f"columns not used by kzlib: {', '.join(sheet.ignored)}", row=sheet.header_row))
    ind = _Indicators.of(reg)
    targets = dict(zip(reg.targets["id"], reg.targets["kind"], strict=True))
    records: list[dict] = []
    seen: dict[tuple, int] = {}
    blank = 0
    for n, cells in sheet.records:
        if all(_blank(c) for c in cells.values()):
            continue
        if kind.key == "indicator" and _blank(cells.get("value")) and _blank(cells.get("source_title")):
            blank += 1
            continue
        rec = (_observation(cells, n, sheet, ind, problems, notes) if kind.key == "indicator"
               else _milestone(cells, n, sheet, targets, problems))
        if rec is None:
            continue
        k = (rec[kind.key], rec["year"])
        if k in seen:
            problems.append(Problem(file, f"{k[0]} {k[1]} is given twice in this file (also row {seen[k]}); "
                                          "keep one row per " + f"{kind.key} and year", row=n,
                                    column=sheet.headers[kind.key]))
            continue
        seen[k] = n
        records.append(rec)
        if not rec["source_link"]:
            notes.append(Problem(file, "no source link; a link lets readers check the figure (recommended)",
                                 row=n, column=sheet.headers.get("source_link", "source_link")))
    if blank:
        notes.append(Problem(file, f"{blank} row{'s' if blank > 1 else ''} without a value skipped"))
    return _Layer(file, records, len(sheet.records), notes, problems)


def _annotate_override(new: dict, old: dict, key: str) -> dict:
    rec = dict(new)
    rec["flags"] = ";".join(dict.fromkeys([*filter(None, rec.get("flags", "").split(";")), "overridden"]))
    was = old["value"] if key == "indicator" else old["state"]
    rec["note"] = "; ".join(filter(None, [rec["note"], f"overrides {as_text(was)} from {old['file']} row {old['row']}"]))
    return rec


def _stack(files: Iterable[Path], kind: _Kind, reg: Registry, strict: bool) -> tuple[dict, Report]:
    """Layer the files in order; later rows replace earlier ones for the same key and year."""
    report = Report(frame=pd.DataFrame(columns=kind.columns))
    merged: dict[tuple, dict] = {}
    fingerprint = _fingerprint(reg)
    for i, path in enumerate(files):
        layer = _read_layer(Path(path), kind, reg, fingerprint)
        if layer is None:
            report.skipped.append(display_path(path))
            continue
        report.files.append(layer.file)
        report.rows_read[layer.file] = layer.rows_read
        report.notes += layer.notes
        report.problems += layer.problems
        for rec in layer.records:
            k = (rec[kind.key], rec["year"])
            value = rec["value"] if kind.key == "indicator" else rec["state"]
            unit = rec.get("unit", "")
            old = merged.get(k)
            if old is not None:
                report.overridden.append(Change(k[0], k[1], value, unit, rec["file"], rec["row"],
                                                old["value"] if kind.key == "indicator" else old["state"],
                                                old["file"], old["row"]))
                merged[k] = _annotate_override(rec, old, kind.key)
            else:
                if i > 0:
                    report.added.append(Change(k[0], k[1], value, unit, rec["file"], rec["row"]))
                merged[k] = rec
    if kind.key == "indicator":
        report.notes += _jumps(merged, [(c.key, c.year) for c in report.added + report.overridden])
    if strict and report.problems:
        raise ObservationError(_unique(report.problems))
    return merged, report


def _jumps(merged: dict[tuple, dict], keys: list[tuple[str, int]]) -> list[Problem]:
    """Notes on new figures at least JUMP_FACTOR times off the nearest other year: often a unit slip."""
    notes = []
    for iid, year in dict.fromkeys(keys):
        new = merged[(iid, year)]
        others = [(abs(y - year), y) for (i, y) in merged if i == iid and y != year]
        if not others:
            continue
        near = merged[(iid, min(others)[1])]
        a, b = new["value"], near["value"]
        if a > 0 and b > 0 and max(a, b) / min(a, b) >= JUMP_FACTOR:
            notes.append(Problem(new["file"], f"{iid} {year} = {as_text(a)} is {max(a, b) / min(a, b):.0f} times "
                                              f"{'above' if a > b else 'below'} the {near['year']} figure "
                                              f"({as_text(b)}); check the unit", row=new["row"], column="value"))
    return notes


def _unique(problems: list[Problem]) -> list[Problem]:
    return list(dict.fromkeys(problems))


def _derive(merged: dict[tuple, dict], reg: Registry) -> tuple[list[dict], list[Problem]]:
    """Rows of derived indicators (a ratio of two inputs) for the years where both inputs exist."""
    rows: list[dict] = []
    problems: list[Problem] = []
    for info in reg.indicators.to_dict("records"):
        inputs = info.get("derived_from")
        if not inputs:
            continue
        if info.get("measure") not in ("ratio", "density") or len(inputs) != 2:
            problems.append(Problem("data/registry/indicators", "kzlib derives only ratios (and densities) of two "
                                                                "indicators",
                                    column="derived_from", entry=info["id"]))
            continue
        num_id, den_id = inputs
        for (iid, year), num in sorted(merged.items()):
            den = merged.get((den_id, year))
            if iid != num_id or den is None or den["value"] == 0:
                continue
            flags = [f for r in (num, den) for f in r["flags"].split(";")
                     if f and f not in ("overridden", "converted", "derived")]
            rows.append({
                "indicator": info["id"], "year": year, "value": num["value"] / den["value"], "unit": info["unit"],
                "source_title": " + ".join(dict.fromkeys([num["source_title"], den["source_title"]])),
                "source_link": " ".join(dict.fromkeys(filter(None, [num["source_link"], den["source_link"]]))),
                "source_date": " ".join(dict.fromkeys(filter(None, [num["source_date"], den["source_date"]]))),
                "flags": ";".join(dict.fromkeys(["derived", *flags])),
                "note": f"computed by kzlib: {num_id} / {den_id} = {as_text(num['value'])} / {as_text(den['value'])}",
                "file": "derived", "row": None, "quote": "",
            })
    return rows, problems


def _frame(records: list[dict], kind: _Kind) -> pd.DataFrame:
    df = pd.DataFrame(records, columns=kind.columns)
    df["year"] = df["year"].astype("int64")
    df["row"] = df["row"].astype("Int64")
    if kind.key == "indicator":
        df["value"] = df["value"].astype("float64")
    text = [c for c in kind.columns if c not in ("year", "value", "row")]
    df[text] = df[text].fillna("").astype(str)
    return df.sort_values([kind.key, "year"], kind="stable").reset_index(drop=True)


def observation_report(*extra: str | Path, registry: Registry | None = None, strict: bool = True,
                       shipped: str | Path | None = None) -> Report:
    """Load the shipped observations then each extra file; the report lists additions and overrides."""
    reg = registry if registry is not None else load_registry()
    files = [Path(shipped) if shipped is not None else paths.OBSERVATIONS, *map(Path, extra)]
    merged, report = _stack(files, OBSERVATIONS, reg, strict)
    derived, problems = _derive(merged, reg)
    if problems:
        raise ObservationError(problems)
    report.frame = _frame([*merged.values(), *derived], OBSERVATIONS)
    return report


def load_observations(*extra: str | Path, registry: Registry | None = None) -> pd.DataFrame:
    """One row per indicator and year: the shipped data, then each extra file overriding earlier ones."""
    return observation_report(*extra, registry=registry).frame


def milestone_report(*extra: str | Path, registry: Registry | None = None, strict: bool = True,
                     shipped: str | Path | None = None) -> Report:
    """Load the shipped milestone states then each extra file; the report lists additions and overrides."""
    reg = registry if registry is not None else load_registry()
    files = [Path(shipped) if shipped is not None else paths.MILESTONES, *map(Path, extra)]
    merged, report = _stack(files, MILESTONES, reg, strict)
    report.frame = _frame(list(merged.values()), MILESTONES)
    return report


def load_milestones(*extra: str | Path, registry: Registry | None = None) -> pd.DataFrame:
    """One row per milestone target and year: the shipped states, then each extra file."""
    return milestone_report(*extra, registry=registry).frame


# ---------------------------------------------------------------- merging into the shipped files


def file_kind(path: str | Path) -> _Kind:
    """Whether a file holds observations or milestones, judged from its header; raises ObservationError."""
    file = display_path(path)
    try:
        sheet = _read_sheet(Path(path), file)
    except _Unreadable as exc:
        raise ObservationError([Problem(file, str(exc))]) from exc
    except _Duplicated as exc:
        raise ObservationError([exc.problem]) from exc
    return MILESTONES if MILESTONES.holds(sheet) else OBSERVATIONS


def _shipped_text(rec: dict, kind: _Kind) -> dict[str, str]:
    out = {c: as_text(rec.get(c)) for c in kind.shipped_columns}
    if kind.key == "indicator":
        out["value"] = as_text(float(rec["value"])) if float(rec["value"]).is_integer() else repr(float(rec["value"]))
    return out


def merge_file(path: str | Path, registry: Registry | None = None, shipped: str | Path | None = None) -> Report:
    """Merge a checked file into the shipped CSV atomically (temp file + os.replace); return what changed."""
    reg = registry if registry is not None else load_registry()
    kind = file_kind(path)
    target = Path(shipped) if shipped is not None else (paths.OBSERVATIONS if kind is OBSERVATIONS else paths.MILESTONES)
    loader = observation_report if kind is OBSERVATIONS else milestone_report
    report = loader(path, registry=reg, shipped=target)
    layer = _read_layer(Path(path), kind, reg, _fingerprint(reg))
    text = decode_csv_bytes(target.read_bytes())
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    at = {(as_text(r.get(kind.key)), as_text(r.get("year"))): i for i, r in enumerate(rows)}
    for rec in layer.records if layer is not None else []:
        i = at.get((rec[kind.key], str(rec["year"])))
        if i is None:
            rows.append(_shipped_text(rec, kind))
        else:
            rows[i] = _shipped_text(rec, kind)
    _write_atomically(target, rows, kind, reg)
    return report


def _write_atomically(target: Path, rows: list[dict[str, str]], kind: _Kind, reg: Registry) -> None:
    """Write rows to a temp file beside the target, validate it, then os.replace it over the target."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.stem}-", suffix=".csv", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=kind.shipped_columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows({c: r.get(c, "") for c in kind.shipped_columns} for r in rows)
            fh.flush()
            os.fsync(fh.fileno())
        layer = _validate_file(Path(tmp), display_path(target), kind, reg)
        if layer is None or layer.problems or len(layer.records) != len(rows):
            problems = layer.problems if layer is not None and layer.problems else [
                Problem(display_path(target), "the merged file would not keep every row; nothing was changed")]
            raise ObservationError(problems)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


# ---------------------------------------------------------------- data gaps


def _gap_indicators(reg: Registry) -> dict[str, list[str]]:
    """Indicators of the numeric targets (derived ones replaced by their inputs) -> target ids."""
    out: dict[str, list[str]] = {}
    info = {r["id"]: r for r in reg.indicators.to_dict("records")}
    for t in reg.numeric().to_dict("records"):
        iid = t["indicator"]
        for i in info[iid].get("derived_from") or [iid]:
            out.setdefault(i, []).append(t["id"])
    return out


def gaps(reg: Registry, observations: pd.DataFrame, years: Iterable[int] = range(settings.GAP_FIRST_YEAR, settings.PLAN_END + 1),
         ) -> pd.DataFrame:
    """Per indicator of a numeric target: the years with figures, the missing years, unit and likely source."""
    years = list(years)
    have = observations.groupby("indicator")["year"].apply(set).to_dict()
    rows = []
    for iid, tids in _gap_indicators(reg).items():
        info = reg.indicator(iid)
        got = sorted(y for y in have.get(iid, set()) if y in years)
        rows.append({
            "indicator": iid, "name_zh": info["name_zh"], "name_en": info["name_en"], "unit": info["unit"],
            "targets": ", ".join(dict.fromkeys(tids)), "have": " ".join(map(str, got)),
            "missing": " ".join(str(y) for y in years if y not in got),
            "likely_source": " / ".join(filter(None, [as_text(info["source_zh"]), as_text(info["source_en"])])),
        })
    return pd.DataFrame(rows, columns=["indicator", "name_zh", "name_en", "unit", "targets", "have", "missing",
                                       "likely_source"])


GAP_WORKSHEET_COLUMNS = [
    "indicator", "name_zh", "name_en", "year", "value", "unit", "source_title", "source_link", "source_date",
    "flags", "note", "targets", "have", "likely_source",
]


def gap_worksheet(reg: Registry, observations: pd.DataFrame,
                  years: Iterable[int] = range(settings.GAP_FIRST_YEAR, settings.PLAN_END + 1)) -> pd.DataFrame:
    """One row per missing indicator-year, value and source left empty: fill in and load with --data."""
    rows = []
    for g in gaps(reg, observations, years).to_dict("records"):
        for year in g["missing"].split():
            rows.append({**dict.fromkeys(GAP_WORKSHEET_COLUMNS), "indicator": g["indicator"], "name_zh": g["name_zh"],
                         "name_en": g["name_en"], "year": int(year), "unit": g["unit"], "targets": g["targets"],
                         "have": g["have"], "likely_source": g["likely_source"]})
    return pd.DataFrame(rows, columns=GAP_WORKSHEET_COLUMNS)
