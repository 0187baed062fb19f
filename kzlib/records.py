"""Validating one record of a table: an observation (indicator, year, value in its unit, source, flags) or a
milestone state (target, year, state, source). Problems go to the table's list, located by sheet, row, column."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field
from decimal import Decimal

import yaml

from kzlib import paths, settings, units
from kzlib.cells import as_text, parse_date, parse_flags, parse_year, split_quantity, text_problem
from kzlib.errors import Problem
from kzlib.names import Names
from kzlib.sheets import Formula, Percent, Record, Table, blank
from kzlib.terms import Terms

PLAUSIBLE = paths.PACKAGE_DATA / "plausible.yaml"


@functools.cache
def plausible() -> dict:
    """Bounds per measure, the jump factor and the longest cell read (kzlib/data/plausible.yaml)."""
    return yaml.safe_load(PLAUSIBLE.read_text(encoding="utf-8"))


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
    if not math.isfinite(value):
        return f"{value} is not a finite number"
    bounds = plausible()["measures"].get(measure)
    if measure == "share" and not 0 <= value <= 100:
        return f"{as_text(value)} is not a share; a share must be between 0 and 100 (%)"
    if measure in ("amount", "count") and value < 0:
        return f"{as_text(value)} is negative; {'an amount' if measure == 'amount' else 'a count'} cannot be below zero"
    if measure == "count" and not value.is_integer():
        return f"{as_text(value)} is not a whole number; a count must be whole"
    if bounds and not bounds["min"] <= value <= bounds["max"]:
        return (f"{value:g} {info['unit']} is not a plausible {measure} of indicator {info['id']} (expected "
                f"{bounds['min']:g} to {bounds['max']:g} {info['unit']}); check the figure and its unit")
    return None


def _cells_readable(record: Record, ctx: Context) -> bool:
    """Whether every cell of a record can be read as it is: no formula without a value, no formula-like text,
    no hidden characters, no cell longer than the limit (problems recorded)."""
    ok = True
    for column, cell in record.cells.items():
        if isinstance(cell, Formula):
            message = (f"the cell holds the formula {cell.text} but no value: the workbook was saved by a program "
                       "that does not calculate; open it in Excel and save it, or type the figure")
        else:
            message = text_problem(cell, plausible()["max_cell_chars"])
        if message:
            ctx.bad(record, column, message)
            ok = False
    return ok


@dataclass
class Context:
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


def _common(rec: dict, record: Record, ctx: Context) -> None:
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


def _indicator_of(record: Record, names: Names, info: dict[str, dict], ctx: Context) -> tuple[dict | None, str | None]:
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


def _quantity(record: Record, info: dict | None, unit_in_name: str | None, ctx: Context) -> tuple[float | None, list[str]]:
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


def _flags(record: Record, ctx: Context) -> list[str]:
    """The flags written in the record's flags cell (ids or words), or none (the problem recorded)."""
    try:
        return parse_flags(record.cells.get("flags"))
    except ValueError as exc:
        ctx.bad(record, "flags", str(exc))
        return []


def observation(record: Record, names: Names, info: dict[str, dict], ctx: Context) -> dict | None:
    """One validated observation from a record, or None (problems recorded)."""
    before = len(ctx.problems)
    rec: dict = {"file": ctx.table.file, "row": record.row, "sheet": ctx.table.sheet}
    if not _cells_readable(record, ctx):
        return None
    ind, unit_in_name = _indicator_of(record, names, info, ctx)
    if ind is None and record.row in ctx.unmatched:
        return None
    if ind is not None and ind.get("derived_from"):
        ctx.bad(record, "indicator", f"{ind['id']} is computed by kzlib from {' and '.join(ind['derived_from'])}; "
                                     "enter those figures instead")
        ind = None
    _common(rec, record, ctx)
    flags = _flags(record, ctx)
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


def milestone(record: Record, names: Names, kinds: dict[str, str], ctx: Context) -> dict | None:
    """One validated milestone state from a record, or None (problems recorded)."""
    before = len(ctx.problems)
    rec: dict = {"file": ctx.table.file, "row": record.row, "sheet": ctx.table.sheet}
    if not _cells_readable(record, ctx):
        return None
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
    flags = _flags(record, ctx)
    column = "state" if "state" in record.cells else "value"
    state = ctx.terms.state(record.cells.get(column))
    if state is None:
        ctx.bad(record, column, f"unknown state '{as_text(record.cells.get(column))}'; expected "
                                f"{', '.join(settings.MILESTONE_STATES)} (已完成, 推进中, 未启动)")
    rec["state"] = state
    rec["flags"] = ";".join(dict.fromkeys(flags))  # as written: 预计 in a title qualifies figures, not states
    return None if len(ctx.problems) > before else rec
