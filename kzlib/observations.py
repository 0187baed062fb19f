"""Observed figures and milestone states: validate what the files hold and layer them on the shipped data.

Reading files (formats, layouts) is `kzlib.sheets`; one cell as a value is `kzlib.cells`; the data gaps and the
data request are `kzlib.datarequest`. Their public names are importable from here too.
"""

from __future__ import annotations

import csv
import difflib
import hashlib
import io
import os
import re
import tempfile
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

import pandas as pd
import yaml

from kzlib import paths, settings, units
from kzlib.cells import (
    COMPUTED_FLAGS,
    INPUT_FLAGS,
    as_text,
    parse_date,
    parse_flags,
    parse_number,
    parse_year,
    split_quantity,
)
from kzlib.datarequest import GAP_WORKSHEET_COLUMNS, gap_worksheet, gaps
from kzlib.errors import ObservationError, Problem
from kzlib.registry import Registry, load_registry
from kzlib.sheets import (
    Duplicated,
    Percent,
    Record,
    Table,
    Unreadable,
    blank,
    decode_csv_bytes,
    display_path,
    read_tables,
)
from kzlib.terms import Terms, load_terms, norm_text

__all__ = [
    "COMPUTED_FLAGS", "GAP_WORKSHEET_COLUMNS", "INPUT_FLAGS", "MILESTONE_COLUMNS", "OBSERVATION_COLUMNS",
    "RELATED_COLUMNS", "Change", "Report", "as_text", "data_digest", "decode_csv_bytes", "display_path",
    "extra_changes", "file_kind", "gap_worksheet", "gaps", "load_milestones", "load_observations", "load_related",
    "merge_file", "milestone_report", "observation_report", "parse_date", "parse_flags", "parse_number",
    "parse_year",
]

OBSERVATION_COLUMNS = [
    "indicator", "year", "value", "unit", "source_title", "source_link", "source_date", "flags", "note",
    "file", "row", "quote", "sheet",
]
MILESTONE_COLUMNS = [
    "target", "year", "state", "source_title", "source_link", "source_date", "note", "file", "row", "quote", "sheet",
]
RELATED_COLUMNS = [
    "target", "indicator", "year", "value", "unit", "scope_zh", "scope_en", "source_title", "source_link",
    "source_date", "flags", "note", "quote", "file", "row",
]
# Column order of the shipped files data/observations.csv, data/milestones.csv and data/related.csv.
SHIPPED_OBSERVATION_COLUMNS = [
    "indicator", "year", "value", "unit", "source_title", "source_link", "source_date", "flags", "quote", "note",
]
SHIPPED_MILESTONE_COLUMNS = ["target", "year", "state", "source_title", "source_link", "source_date", "quote", "note"]
SHIPPED_RELATED_COLUMNS = ["target", "scope_zh", "scope_en", *SHIPPED_OBSERVATION_COLUMNS]
JUMP_FACTOR = 5  # a new figure this many times off its neighbour year is pointed out (likely a unit slip)
_QUOTES = re.compile(r"[\s“”\"'‘’「」『』]")
_UNIT_IN_NAME = re.compile(r"(.+)\(([^()]+)\)")


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
    sheet: str | None = None
    old_sheet: str | None = None


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
    unchanged: list[Change] = field(default_factory=list)  # figures equal to those held: value (state) and flags


@dataclass
class _Layer:
    """The validated records of one file."""

    file: str
    records: list[dict]
    rows_read: int
    notes: list[Problem]
    problems: list[Problem]


# ---------------------------------------------------------------- names


def _key(text: object) -> str:
    """A name as a lookup key: NFKC, case and spaces folded, quotation marks dropped."""
    return _QUOTES.sub("", norm_text(text)).casefold()


@dataclass(frozen=True)
class _Names:
    """Ids and printed names (Chinese and English) of indicators or targets, and what each names."""

    what: str  # "indicator" or "target"
    ids: frozenset[str]
    names: dict[str, frozenset[str]]  # key -> ids it names
    choices: dict[str, str]  # name as printed -> id, for "did you mean"

    @classmethod
    def build(cls, what: str, named: list[tuple[str, object]], extra: Iterable[tuple[str, object]] = ()) -> _Names:
        """Names from (id, name) pairs; `extra` pairs (target names of an indicator) only where unambiguous."""
        names: dict[str, set[str]] = {}
        choices: dict[str, str] = {}
        for iid, name in named:
            if isinstance(name, str) and name.strip():
                names.setdefault(_key(name), set()).add(iid)
                choices[norm_text(name)] = iid
        ids = {iid for iid, _ in named}
        more: dict[str, set[str]] = {}
        for iid, name in extra:
            if isinstance(name, str) and name.strip() and _key(name) not in names:
                more.setdefault(_key(name), set()).add(iid)
                choices.setdefault(norm_text(name), iid)
        names.update({k: v for k, v in more.items() if len(v) == 1})
        return cls(what, frozenset(ids), {k: frozenset(v) for k, v in names.items()}, choices)

    def find(self, text: str) -> frozenset[str]:
        """The ids a text names exactly (as an id or a name)."""
        if text.strip() in self.ids:
            return frozenset([text.strip()])
        return self.names.get(_key(text), frozenset())

    def suggest(self, text: str) -> str:
        """'; did you mean …?' listing the ids whose id or name is closest to the text."""
        choices = {**self.choices, **{i: i for i in self.ids}}
        hits = difflib.get_close_matches(norm_text(text), list(choices), n=6, cutoff=0.5)
        ids = list(dict.fromkeys(choices[h] for h in hits))[:3]
        return f"; did you mean {', '.join(ids)}?" if ids else ""

    def resolve(self, text: str, terms: Terms) -> tuple[str, str | None]:
        """(id, unit written in the name) for an id or a printed name, 地区生产总值（亿元） and 其中：… included.

        Raises LookupError (unknown) or ValueError (ambiguous) with the message to show."""
        label = terms.label(text)
        for candidate, unit in ((text, None), (label, None), *self._unit_split(label)):
            hits = self.find(candidate)
            if len(hits) == 1:
                return next(iter(hits)), unit
            if hits:
                raise ValueError(f"'{text}' names several {self.what}s ({', '.join(sorted(hits))}); use the id")
        raise LookupError(f"unknown {self.what} '{text}'{self.suggest(label)}")

    @staticmethod
    def _unit_split(label: str) -> list[tuple[str, str]]:
        m = _UNIT_IN_NAME.fullmatch(norm_text(label))
        return [(m.group(1).strip(), m.group(2).strip())] if m else []


def indicator_names(reg: Registry) -> _Names:
    """Every id and printed name of the registry's indicators, target names mapped to their indicator."""
    ind = reg.indicators
    named = [(r["id"], r[c]) for r in ind.to_dict("records") for c in ("id", "name_zh", "name_en") if c in ind]
    tgt = reg.targets.dropna(subset=["indicator"])
    extra = [(r["indicator"], r[c]) for r in tgt.to_dict("records") for c in ("name_zh", "name_en")]
    return _Names.build("indicator", named, extra)


def target_names(reg: Registry) -> _Names:
    """Every milestone-capable target by id and printed name."""
    named = [(r["id"], r[c]) for r in reg.targets.to_dict("records") for c in ("id", "name_zh", "name_en")]
    return _Names.build("target", named)


# ---------------------------------------------------------------- validating records


def _unit_of(raw: object, value: float, info: dict) -> tuple[float, str | None]:
    """The value in the indicator's unit and a conversion note; raises ValueError for a wrong unit."""
    target = info["unit"]
    if blank(raw):
        return value, None
    unit = units.normalise(raw)
    if units.same(unit, target) or unit.casefold() == units.normalise(info.get("unit_en") or "").casefold():
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


@dataclass
class _Context:
    """What validating one table needs: the registry's names, the vocabulary, and where to put findings."""

    table: Table
    terms: Terms
    problems: list[Problem]
    notes: list[Problem]
    unmatched: dict[int, str] = field(default_factory=dict)  # wide rows naming no known indicator -> message
    unlinked: list[int] = field(default_factory=list)  # rows of figures without a source link

    def bad(self, record: Record, column: str, message: str) -> None:
        """Record a problem at the record's row and the header of `column`."""
        self.problems.append(self.table.problem(message, row=record.row, column=record.columns.get(column, column)))


def _common(rec: dict, record: Record, ctx: _Context) -> None:
    """Year, source and note fields shared by observations and milestones."""
    cells = record.cells
    try:
        rec["year"] = parse_year(cells.get("year"))
    except ValueError as exc:
        ctx.bad(record, "year", "the year is empty" if blank(cells.get("year")) else str(exc))
    rec["source_title"] = as_text(cells.get("source_title"))
    if not rec["source_title"]:
        ctx.bad(record, "source_title", "the source is missing; every figure needs the title of the document it "
                                        "comes from (e.g. 2024年开州区国民经济和社会发展统计公报)")
    rec["source_link"] = as_text(cells.get("source_link"))
    rec["source_date"] = ""
    if not blank(cells.get("source_date")):
        try:
            rec["source_date"] = parse_date(cells.get("source_date"))
        except ValueError as exc:
            ctx.bad(record, "source_date", str(exc))
    rec["note"] = as_text(cells.get("note"))
    rec["quote"] = as_text(cells.get("quote"))


def _indicator_of(record: Record, names: _Names, info: dict[str, dict], ctx: _Context) -> tuple[dict | None, str | None]:
    """The indicator a record names (by id, or by name checked against the id) and a unit written in its name."""
    cells = record.cells
    by_id, by_name = cells.get("indicator_id"), cells.get("indicator")
    key = "indicator_id" if not blank(by_id) else "indicator"
    if blank(by_id) and blank(by_name):
        ctx.bad(record, key, "the indicator is empty; expected an indicator id such as gdp or its exact name")
        return None, None
    try:
        iid, unit = names.resolve(str(cells[key]), ctx.terms)
    except LookupError as exc:
        if ctx.table.layout == "wide" and key == "indicator":
            ctx.unmatched.setdefault(record.row, f"{as_text(by_name)} (row {record.row}{names.suggest(str(by_name))})")
            return None, None
        ctx.bad(record, key, str(exc))
        return None, None
    except ValueError as exc:
        ctx.bad(record, key, str(exc))
        return None, None
    if key == "indicator_id" and not blank(by_name):
        try:
            other, _ = names.resolve(str(by_name), ctx.terms)
        except (LookupError, ValueError):
            other = iid
        if other != iid:
            ctx.bad(record, "indicator", f"the name '{as_text(by_name)}' is indicator {other}, but the code says {iid}; "
                                         "correct one of them")
            return None, None
    return info[iid], unit


def _quantity(record: Record, info: dict | None, unit_in_name: str | None, ctx: _Context) -> tuple[float | None, list[str]]:
    """The record's value in its indicator's unit, and the conversions made; problems recorded."""
    raw = record.cells.get("value")
    if blank(raw):
        ctx.bad(record, "value", "the value is empty; enter the figure, or delete the row")
        return None, []
    try:
        value, unit_in_cell = split_quantity(raw)
    except ValueError as exc:
        ctx.bad(record, "value", str(exc))
        return None, []
    conversions: list[str] = []
    if isinstance(raw, Percent):
        value = float(Decimal(repr(value)) * 100)
        conversions.append(f"Excel percentage cell {as_text(float(raw))} read as {as_text(value)} %")
    if info is None:
        return value, conversions
    column_unit = record.cells.get("unit")
    written = [(u, c) for u, c in ((unit_in_cell, "value"), (unit_in_name, "indicator"), (column_unit, "unit"))
               if not blank(u)]
    if len({units.normalise(u) for u, _ in written}) > 1:
        ctx.bad(record, written[0][1], "the units disagree: " + ", ".join(f"'{u}' in the {c} column" for u, c in written)
                + f"; indicator {info['id']} is in {info['unit']}")
        return None, []
    unit, column = written[0] if written else (None, "unit")
    try:
        value, conversion = _unit_of(unit, value, info)
    except ValueError as exc:
        ctx.bad(record, column, str(exc))
        return None, []
    if conversion:
        conversions.append(conversion)
    message = _check_range(value, info)
    if message:
        ctx.bad(record, "value", message)
        return None, []
    return value, conversions


def _observation(record: Record, names: _Names, info: dict[str, dict], ctx: _Context) -> dict | None:
    """One validated observation from a record, or None (problems recorded)."""
    before = len(ctx.problems)
    rec: dict = {"file": ctx.table.file, "row": record.row, "sheet": ctx.table.sheet}
    ind, unit_in_name = _indicator_of(record, names, info, ctx)
    if ind is None and record.row in ctx.unmatched:
        return None
    if ind is not None and ind.get("derived_from"):
        ctx.bad(record, "indicator", f"{ind['id']} is computed by kzlib from {' and '.join(ind['derived_from'])}; "
                                     "enter those figures instead")
        ind = None
    _common(rec, record, ctx)
    try:
        flags = parse_flags(record.cells.get("flags"))
    except ValueError as exc:
        ctx.bad(record, "flags", str(exc))
        flags = []
    value, conversions = _quantity(record, ind, unit_in_name, ctx)
    if len(ctx.problems) > before or ind is None:
        return None
    flags += [*record.flags, *ctx.terms.flags_in(rec["source_title"], rec["note"])]
    if conversions:
        flags.append("converted")
        rec["note"] = "; ".join(filter(None, [rec["note"], *conversions]))
        ctx.notes.append(ctx.table.problem("; ".join(conversions), row=record.row,
                                           column=record.columns.get("unit", record.columns.get("value", "value"))))
    rec.update(indicator=ind["id"], value=value, unit=ind["unit"], flags=";".join(dict.fromkeys(flags)))
    return rec


def _milestone(record: Record, names: _Names, kinds: dict[str, str], ctx: _Context) -> dict | None:
    """One validated milestone state from a record, or None (problems recorded)."""
    before = len(ctx.problems)
    rec: dict = {"file": ctx.table.file, "row": record.row, "sheet": ctx.table.sheet}
    raw = as_text(record.cells.get("target"))
    tid = None
    if not raw:
        ctx.bad(record, "target", "the target id is empty")
    else:
        try:
            tid, _ = names.resolve(raw, ctx.terms)
        except (LookupError, ValueError) as exc:
            ctx.bad(record, "target", str(exc))
    if tid is not None and kinds[tid] != "milestone":
        ctx.bad(record, "target", f"target {tid} is a {kinds[tid]} target, not a milestone; its figures go in an "
                                  "observations file (indicator, year, value)")
    rec["target"] = tid or raw
    _common(rec, record, ctx)
    column = "state" if "state" in record.cells else "value"
    state = ctx.terms.state(record.cells.get(column))
    if state is None:
        ctx.bad(record, column, f"unknown state '{as_text(record.cells.get(column))}'; expected "
                                f"{', '.join(settings.MILESTONE_STATES)} (已完成, 推进中, 未启动)")
    rec["state"] = state
    return None if len(ctx.problems) > before else rec


# ---------------------------------------------------------------- layering files


@dataclass(frozen=True)
class _Kind:
    """What a table holds: observations keyed on indicator, or milestones keyed on target."""

    name: str
    key: str
    required: tuple[str, ...]
    columns: list[str]
    shipped_columns: list[str]

    def holds(self, table: Table) -> bool:
        """Whether the table belongs to this kind (the other kind's tables are skipped)."""
        milestones = "target" in table.headers and not table.has_key("indicator")
        return milestones if self.key == "target" else not milestones


OBSERVATIONS = _Kind("observations", "indicator", ("indicator", "year", "value", "source_title"),
                     OBSERVATION_COLUMNS, SHIPPED_OBSERVATION_COLUMNS)
MILESTONES = _Kind("milestones", "target", ("target", "year", "state", "source_title"),
                   MILESTONE_COLUMNS, SHIPPED_MILESTONE_COLUMNS)

_CACHE: dict[tuple, _Layer | None] = {}
_CACHE_SIZE = 64


def _fingerprint(reg: Registry) -> int:
    ind = reg.indicators.reindex(columns=["id", "name_zh", "name_en", "unit", "unit_en", "measure", "derived_from"])
    tgt = reg.targets.reindex(columns=["id", "kind", "indicator", "name_zh", "name_en"])
    return hash((tuple(ind.astype(str).itertuples(index=False)), tuple(tgt.astype(str).itertuples(index=False)),
                 id(load_terms())))


def _read_layer(path: Path, kind: _Kind, reg: Registry, fingerprint: int) -> _Layer | None:
    """The validated records of one file (None if it holds only the other kind), cached on its mtime."""
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


def _tables(path: Path, file: str) -> list[Table] | Problem:
    try:
        return read_tables(path, file)
    except Unreadable as exc:
        return Problem(file, str(exc))
    except Duplicated as exc:
        return exc.problem


def _validate_file(path: Path, file: str, kind: _Kind, reg: Registry) -> _Layer | None:
    tables = _tables(path, file)
    if isinstance(tables, Problem):
        return _Layer(file, [], 0, [], [tables])
    mine = [t for t in tables if kind.holds(t)]
    if not mine:
        return None
    terms = load_terms()
    layer = _Layer(file, [], 0, [], [])
    names = indicator_names(reg) if kind is OBSERVATIONS else target_names(reg)
    info = {r["id"]: r for r in reg.indicators.to_dict("records")}
    kinds = dict(zip(reg.targets["id"], reg.targets["kind"], strict=True))
    seen: dict[tuple, tuple[str | None, int]] = {}
    blank_rows = 0
    for table in mine:
        layer.rows_read += table.rows_read
        layer.notes += table.notes
        missing = [c for c in kind.required if not table.has_key(c)
                   and not (table.layout == "wide" and c in ("year", "value", "state"))
                   and not (c == "source_title" and table.source_note)]
        if missing:
            found = ", ".join(table.headers.values()) or "none that kzlib knows"
            layer.problems += [table.problem(f"required column '{c}' is missing (accepted headers: "
                                             f"{', '.join(terms.aliases.get(c, (c,)))}); columns found: {found}",
                                             row=table.header_row, column=c) for c in missing]
            continue
        ctx = _Context(table, terms, layer.problems, layer.notes)
        if table.ignored:
            layer.notes.append(table.problem(f"columns not used by kzlib: {', '.join(table.ignored)}",
                                             row=table.header_row))
        blank_rows += table.blank_rows
        for record in table.records:
            cells = record.cells
            if all(blank(c) for c in cells.values()):
                continue
            if kind is OBSERVATIONS and table.layout == "long" and (
                    (blank(cells.get("value")) and blank(cells.get("source_title")))
                    or terms.is_no_figure(cells.get("value"))):
                blank_rows += 1
                continue
            rec = (_observation(record, names, info, ctx) if kind is OBSERVATIONS
                   else _milestone(record, names, kinds, ctx))
            if rec is None:
                continue
            _keep(rec, record, kind, ctx, seen, layer)
        if ctx.unlinked:
            rows = ctx.unlinked
            layer.notes.append(table.problem(
                f"no source link{'' if len(rows) == 1 else ' in rows ' + _ranges(rows)}; a link lets readers check "
                "the figure (recommended)", row=rows[0] if len(rows) == 1 else None,
                column=table.headers.get("source_link", "source_link")))
        if ctx.unmatched:
            layer.notes.append(table.problem(
                f"{len(ctx.unmatched)} row{'s' if len(ctx.unmatched) > 1 else ''} naming no indicator that kzlib "
                f"tracks, not read: {'; '.join(ctx.unmatched.values())}. To read one, use an indicator's id or "
                "its name as printed in the briefs", column=table.headers.get("indicator")))
    if blank_rows:
        layer.notes.append(Problem(file, f"{blank_rows} row{'s' if blank_rows > 1 else ''} without a value skipped"))
    return layer


def _ranges(rows: list[int]) -> str:
    """Row numbers as Excel users read them: 4-7, 9, 12."""
    spans: list[list[int]] = []
    for n in sorted(rows):
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in spans)


def _keep(rec: dict, record: Record, kind: _Kind, ctx: _Context, seen: dict, layer: _Layer) -> None:
    """Add a validated record to the layer unless its key and year came earlier in the same file."""
    k = (rec[kind.key], rec["year"])
    if k in seen:
        sheet, row = seen[k]
        where = f"row {row}" if sheet == ctx.table.sheet else f"sheet {sheet}, row {row}"
        ctx.bad(record, kind.key if kind.key in record.columns else f"{kind.key}_id",
                f"{k[0]} {k[1]} is given twice in this file (also {where}); keep one row per {kind.key} and year")
        return
    seen[k] = (ctx.table.sheet, record.row)
    layer.records.append(rec)
    if not rec["source_link"] and record.row not in ctx.unlinked:
        ctx.unlinked.append(record.row)


def _annotate_override(new: dict, old: dict, key: str) -> dict:
    rec = dict(new)
    rec["flags"] = ";".join(dict.fromkeys([*filter(None, rec.get("flags", "").split(";")), "overridden"]))
    was = old["value"] if key == "indicator" else old["state"]
    where = f"{old['file']}{', sheet ' + old['sheet'] if old.get('sheet') else ''} row {old['row']}"
    rec["note"] = "; ".join(filter(None, [rec["note"], f"overrides {as_text(was)} from {where}"]))
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
        unchanged = len(report.unchanged)
        for rec in layer.records:
            k = (rec[kind.key], rec["year"])
            value = rec["value"] if kind.key == "indicator" else rec["state"]
            unit = rec.get("unit", "")
            old = merged.get(k)
            if old is not None and _same(rec, old, kind.key):
                report.unchanged.append(Change(k[0], k[1], value, unit, rec["file"], rec["row"], sheet=rec.get("sheet")))
            elif old is not None:
                report.overridden.append(Change(k[0], k[1], value, unit, rec["file"], rec["row"],
                                                old["value"] if kind.key == "indicator" else old["state"],
                                                old["file"], old["row"], rec.get("sheet"), old.get("sheet")))
                merged[k] = _annotate_override(rec, old, kind.key)
            else:
                if i > 0:
                    report.added.append(Change(k[0], k[1], value, unit, rec["file"], rec["row"],
                                               sheet=rec.get("sheet")))
                merged[k] = rec
        if len(report.unchanged) > unchanged:
            n = len(report.unchanged) - unchanged
            what = ("figure" if kind.key == "indicator" else "state") + ("s" if n > 1 else "")
            report.notes.append(Problem(layer.file, f"{n} {what} the same as held already (value and flags): kept "
                                                    "as they were"))
    report.notes = _unique(report.notes)
    if kind.key == "indicator":
        report.notes += _jumps(merged, [(c.key, c.year) for c in report.added + report.overridden])
    if strict and report.problems:
        raise ObservationError(_unique(report.problems))
    return merged, report


def _plain_flags(rec: dict) -> set[str]:
    return {f for f in rec["flags"].split(";") if f and f not in ("overridden", "converted")}


def _same(new: dict, old: dict, key: str) -> bool:
    """Whether a record repeats the one held: same state, or same value and flags (a unit conversion aside)."""
    if key == "target":
        return new["state"] == old["state"]
    close = abs(new["value"] - old["value"]) <= 1e-9 * max(1.0, abs(old["value"]))
    return close and _plain_flags(new) == _plain_flags(old)


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
                                              f"({as_text(b)}); check the unit", row=new["row"], column="value",
                                 sheet=new.get("sheet")))
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
        if info.get("measure") != "ratio" or len(inputs) != 2:
            problems.append(Problem("data/registry/indicators", "kzlib derives only ratios of two indicators",
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
                "file": "derived", "row": None, "quote": "", "sheet": None,
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


# ---------------------------------------------------------------- what a brief rests on


def extra_changes(*extra: str | Path, registry: Registry | None = None) -> pd.DataFrame:
    """The figures and milestone states that `--data` files add to or override in the shipped data.

    One row per change: kind (observation|milestone), key (indicator or target id), year, value, old_value
    (None when added), change (added|overridden), file, sheet, row. Empty without extra files."""
    reg = registry if registry is not None else load_registry()
    rows = []
    for kind, report in (("observation", observation_report(*extra, registry=reg)),
                         ("milestone", milestone_report(*extra, registry=reg))):
        for change, items in (("added", report.added), ("overridden", report.overridden)):
            rows += [{"kind": kind, "key": c.key, "year": c.year, "value": c.value, "old_value": c.old_value,
                      "change": change, "file": c.file, "sheet": c.sheet, "row": c.row} for c in items]
    columns = ["kind", "key", "year", "value", "old_value", "change", "file", "sheet", "row"]
    return pd.DataFrame(rows, columns=columns).sort_values(["kind", "key", "year"], kind="stable").reset_index(drop=True)


def inputs_of(registry: Registry, indicators: Iterable[str]) -> list[str]:
    """The indicators and, for derived ones, the indicators they are computed from, sorted."""
    derived = {r["id"]: r.get("derived_from") or [] for r in registry.indicators.to_dict("records")}
    wanted = set(indicators)
    return sorted(wanted | {i for iid in wanted for i in derived.get(iid, [])})


def data_digest(observations: pd.DataFrame, milestones: pd.DataFrame, indicators: Iterable[str],
                targets: Iterable[str] = (), related: pd.DataFrame | None = None,
                registry: Registry | None = None) -> str:
    """A stable digest of exactly the rows a brief shows: observations of its indicators (with the inputs of
    derived ones when a registry is given), milestone states and related figures of its targets.

    Row numbers and sheets are left out (moving a row changes nothing shown); the file is kept, since a figure
    from a `--data` file is shown as such."""
    wanted = inputs_of(registry, indicators) if registry is not None else sorted(set(indicators))
    targets = sorted(set(targets))
    h = hashlib.sha256()
    parts = [("observations", observations, "indicator", wanted), ("milestones", milestones, "target", targets)]
    if related is not None:
        parts.append(("related", related, "target", targets))
    for name, frame, key, keep in parts:
        rows = frame[frame[key].isin(keep)].drop(columns=["row", "sheet"], errors="ignore")
        rows = rows.sort_values([key, "year", *(["indicator"] if name == "related" else [])], kind="stable")
        h.update(f"{name}\n".encode())
        h.update(rows.to_csv(index=False, float_format="%.17g").encode())
    return h.hexdigest()


# ---------------------------------------------------------------- related evidence


def _links(path: Path, reg: Registry) -> tuple[list[dict], list[Problem]]:
    """Observed indicators linked to targets they speak to (data/registry/related.yaml)."""
    if not path.exists():
        return [], []
    file = display_path(path)
    doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    links, problems = [], []
    targets, indicators = set(reg.targets["id"]), set(reg.indicators["id"])
    for entry in doc.get("links", []):
        where = f"{entry.get('target')} / {entry.get('indicator')}"
        for name, known in (("target", targets), ("indicator", indicators)):
            if entry.get(name) not in known:
                problems.append(Problem(file, f"unknown {name} {entry.get(name)!r}", column=name, entry=where))
        for name in ("scope_zh", "scope_en"):
            if not str(entry.get(name) or "").strip():
                problems.append(Problem(file, f"'{name}' is missing: say how the figure differs from the target's",
                                        column=name, entry=where))
        links.append(entry)
    return links, problems


def load_related(registry: Registry | None = None, observations: pd.DataFrame | None = None,
                 related: str | Path | None = None, links: str | Path | None = None) -> pd.DataFrame:
    """Figures to show beside a target as related evidence, never judged on, with their scope in zh and en.

    Two sources: data/related.csv (figures whose scope or definition differs from their target's: a zone figure
    for a district target, a proxy, a partial count, a period statement) and the observations of indicators
    that data/registry/related.yaml links to a target (`observations`, or the shipped ones). Columns:
    RELATED_COLUMNS, one row per target, indicator and year."""
    reg = registry if registry is not None else load_registry()
    path = Path(related) if related is not None else paths.RELATED
    file = display_path(path)
    tables = _tables(path, file)
    if isinstance(tables, Problem):
        raise ObservationError([tables])
    terms = load_terms()
    problems: list[Problem] = []
    rows: list[dict] = []
    names, info = indicator_names(reg), {r["id"]: r for r in reg.indicators.to_dict("records")}
    targets = set(reg.targets["id"])
    seen: set[tuple] = set()
    for table in tables:
        ctx = _Context(table, terms, problems, [])
        for record in table.records:
            rec = _observation(record, names, info, ctx)
            tid = as_text(record.cells.get("target"))
            scope = {c: as_text(record.cells.get(c)) for c in ("scope_zh", "scope_en")}
            if tid not in targets:
                ctx.bad(record, "target", f"unknown target '{tid}'")
            for c, text in scope.items():
                if not text:
                    ctx.bad(record, c, f"'{c}' is missing: say how the figure differs from the target's")
            if rec is None or tid not in targets or not all(scope.values()):
                continue
            if (tid, rec["indicator"], rec["year"]) in seen:
                ctx.bad(record, "indicator", f"{tid} / {rec['indicator']} {rec['year']} is given twice")
                continue
            seen.add((tid, rec["indicator"], rec["year"]))
            rows.append({**rec, "target": tid, **scope})
    link_list, link_problems = _links(Path(links) if links is not None else paths.RELATED_LINKS, reg)
    problems += link_problems
    if problems:
        raise ObservationError(_unique(problems))
    obs = observations if observations is not None else load_observations(registry=reg)
    for link in link_list:
        for rec in obs[obs["indicator"] == link["indicator"]].to_dict("records"):
            if (link["target"], rec["indicator"], rec["year"]) not in seen:
                rows.append({**rec, "target": link["target"], "scope_zh": link["scope_zh"],
                             "scope_en": link["scope_en"]})
    df = pd.DataFrame(rows, columns=RELATED_COLUMNS)
    df["year"] = df["year"].astype("int64")
    df["value"] = df["value"].astype("float64")
    df["row"] = df["row"].astype("Int64")
    text = [c for c in RELATED_COLUMNS if c not in ("year", "value", "row")]
    df[text] = df[text].fillna("").astype(str)
    return df.sort_values(["target", "indicator", "year"], kind="stable").reset_index(drop=True)



# ---------------------------------------------------------------- merging into the shipped files


def _kinds_in(path: str | Path) -> list[_Kind]:
    """The kinds of table a file holds, observations first; raises ObservationError if it cannot be read."""
    file = display_path(path)
    tables = _tables(Path(path), file)
    if isinstance(tables, Problem):
        raise ObservationError([tables])
    return [k for k in (OBSERVATIONS, MILESTONES) if any(k.holds(t) for t in tables)]


def file_kind(path: str | Path) -> _Kind:
    """Whether a file holds observations or milestones, judged from its header; raises ObservationError."""
    kinds = _kinds_in(path)
    return MILESTONES if kinds == [MILESTONES] else OBSERVATIONS


def _shipped_text(rec: dict, kind: _Kind) -> dict[str, str]:
    out = {c: as_text(rec.get(c)) for c in kind.shipped_columns}
    if kind.key == "indicator":
        out["value"] = as_text(float(rec["value"])) if float(rec["value"]).is_integer() else repr(float(rec["value"]))
    return out


def _merged_rows(path: Path, kind: _Kind, reg: Registry, target: Path, report: Report) -> list[dict[str, str]]:
    """The shipped file's rows with the file's records put in: in place of the same key and year, else after;
    records that only repeat a held row leave it as it is."""
    layer = _read_layer(path, kind, reg, _fingerprint(reg))
    same = {(c.key, c.year) for c in report.unchanged}
    text = decode_csv_bytes(target.read_bytes())
    rows = list(csv.DictReader(io.StringIO(text, newline="")))
    at = {(as_text(r.get(kind.key)), as_text(r.get("year"))): i for i, r in enumerate(rows)}
    for rec in layer.records if layer is not None else []:
        if (rec[kind.key], rec["year"]) in same:
            continue
        i = at.get((rec[kind.key], str(rec["year"])))
        if i is None:
            rows.append(_shipped_text(rec, kind))
        else:
            rows[i] = _shipped_text(rec, kind)
    return rows


def merge_file(path: str | Path, registry: Registry | None = None, shipped: str | Path | None = None) -> Report:
    """Merge a checked file into the shipped CSV atomically (temp file + os.replace); return what changed.

    A workbook holding both figures and milestone states is merged into both files (`shipped` then names the
    observations file); the report is the figures', with a note saying what went into data/milestones.csv."""
    reg = registry if registry is not None else load_registry()
    kinds = _kinds_in(path) or [OBSERVATIONS]
    plans = []
    for kind in kinds:
        default = paths.OBSERVATIONS if kind is OBSERVATIONS else paths.MILESTONES
        target = Path(shipped) if shipped is not None and kind is kinds[0] else default
        loader = observation_report if kind is OBSERVATIONS else milestone_report
        plans.append((kind, target, loader(path, registry=reg, shipped=target)))
    written = [(kind, target, _merged_rows(Path(path), kind, reg, target, report), report)
               for kind, target, report in plans]
    for kind, target, rows, _ in written:
        _write_atomically(target, rows, kind, reg)
    main = written[0][3]
    for kind, target, _, report in written[1:]:
        main.notes.append(Problem(display_path(path), f"also merged {len(report.added)} added and "
                                                      f"{len(report.overridden)} replaced {kind.name} into "
                                                      f"{display_path(target)}"))
    return main


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
