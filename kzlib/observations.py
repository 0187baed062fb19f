"""Observed figures and milestone states: validate what the files hold and layer them on the shipped data.

Reading files (formats, layouts) is `kzlib.sheets`, one cell as a value `kzlib.cells`, one record
`kzlib.records`, names `kzlib.names`; the data gaps and the data request are `kzlib.datarequest`. The public
names that callers used from here before the split are importable from here still.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd

from kzlib import files, paths, plans
from kzlib.cells import (
    COMPUTED_FLAGS,
    INPUT_FLAGS,
    as_text,
    parse_date,
    parse_flags,
    parse_number,
    parse_year,
)
from kzlib.datarequest import GAP_WORKSHEET_COLUMNS, gap_worksheet, gaps
from kzlib.errors import ObservationError, Problem
from kzlib.names import indicator_names, target_names
from kzlib.records import Context, milestone, observation, plausible
from kzlib.registry import Registry, load_registry
from kzlib.sheets import Record, Table, blank, decode_csv_bytes, display_path, tables_of
from kzlib.shipped import check as check_shipped
from kzlib.shipped import record as record_written
from kzlib.terms import load_terms

__all__ = [
    "COMPUTED_FLAGS", "GAP_WORKSHEET_COLUMNS", "INPUT_FLAGS", "MILESTONE_COLUMNS", "OBSERVATION_COLUMNS", "Change",
    "Report", "as_text", "decode_csv_bytes", "display_path", "file_kind", "gap_worksheet", "gaps",
    "load_milestones", "load_observations", "merge_file", "milestone_report", "observation_report", "parse_date",
    "parse_flags", "parse_number", "parse_year",
]

OBSERVATION_COLUMNS = [
    "indicator", "year", "value", "unit", "source_title", "source_link", "source_date", "flags", "note",
    "file", "row", "quote", "sheet",
]
MILESTONE_COLUMNS = [
    "target", "year", "state", "source_title", "source_link", "source_date", "flags", "note", "file", "row", "quote",
    "sheet",
]
# Column order of the shipped files the plan's observations.csv and the plan's milestones.csv (the plan's related.csv: the
# observation columns after target, scope_zh, scope_en).
SHIPPED_OBSERVATION_COLUMNS = [
    "indicator", "year", "value", "unit", "source_title", "source_link", "source_date", "flags", "quote", "note",
]
SHIPPED_MILESTONE_COLUMNS = [
    "target", "year", "state", "source_title", "source_link", "source_date", "flags", "quote", "note",
]
LEFTOVERS = (".observations-*.csv", ".milestones-*.csv", ".scenarios.user.yaml.tmp", ".scenarios.yaml.tmp")


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
    unchanged: list[Change] = field(default_factory=list)  # rows repeating a held one in full
    jumps: list[Problem] = field(default_factory=list)  # new figures far off their neighbour year (--accept-jumps)


@dataclass
class _Layer:
    """The validated records of one file."""

    file: str
    records: list[dict]
    rows_read: int
    notes: list[Problem]
    problems: list[Problem]


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


def _validate_file(path: Path, file: str, kind: _Kind, reg: Registry) -> _Layer | None:
    """The validated records of every table of this kind in a file (None if it holds none)."""
    tables = tables_of(path, file)
    if isinstance(tables, Problem):
        return _Layer(file, [], 0, [], [tables])
    mine = [t for t in tables if kind.holds(t)]
    if not mine:
        return None
    layer = _Layer(file, [], 0, [], [])
    lookups = (indicator_names(reg) if kind is OBSERVATIONS else target_names(reg),
               {r["id"]: r for r in reg.indicators.to_dict("records")},
               dict(zip(reg.targets["id"], reg.targets["kind"], strict=True)))
    seen: dict[tuple, tuple[str | None, int]] = {}
    blank_rows = sum(_validate_table(table, kind, lookups, seen, layer) for table in mine)
    if blank_rows:
        layer.notes.append(Problem(file, f"{blank_rows} row{'s' if blank_rows > 1 else ''} without a value skipped"))
    return layer


def _missing_columns(table: Table, kind: _Kind) -> list[Problem]:
    """A problem for each column the kind needs and the table lacks (a wide table has its years as columns)."""
    terms = load_terms()
    missing = [c for c in kind.required if not table.has_key(c)
               and not (table.layout == "wide" and c in ("year", "value", "state"))
               and not (c == "source_title" and table.source_note)]
    found = ", ".join(table.headers.values()) or "none that kzlib knows"
    return [table.problem(f"required column '{c}' is missing (accepted headers: {', '.join(terms.aliases.get(c, (c,)))}"
                          f"); columns found: {found}", row=table.header_row, column=c) for c in missing]


def _no_figure(record: Record, kind: _Kind, table: Table) -> bool:
    """Whether a row of a long table holds no figure: no value and no source, or a mark such as —."""
    cells = record.cells
    return kind is OBSERVATIONS and table.layout == "long" and (
        (blank(cells.get("value")) and blank(cells.get("source_title"))) or load_terms().is_no_figure(cells.get("value")))


def _validate_table(table: Table, kind: _Kind, lookups: tuple, seen: dict, layer: _Layer) -> int:
    """Add the table's validated records, notes and problems to the layer; return its rows without a figure."""
    layer.rows_read += table.rows_read
    layer.notes += table.notes
    missing = _missing_columns(table, kind)
    if missing:
        layer.problems += missing
        return 0
    names, info, kinds = lookups
    ctx = Context(table, load_terms(), layer.problems, layer.notes)
    if table.ignored:
        layer.notes.append(table.problem(f"columns not used by kzlib: {', '.join(table.ignored)}", row=table.header_row))
    blank_rows = table.blank_rows
    for record in table.records:
        if all(blank(c) for c in record.cells.values()):
            continue
        if _no_figure(record, kind, table):
            blank_rows += 1
            continue
        rec = observation(record, names, info, ctx) if kind is OBSERVATIONS else milestone(record, names, kinds, ctx)
        if rec is not None:
            _keep(rec, record, kind, ctx, seen, layer)
    layer.notes += _table_notes(ctx)
    return blank_rows


def _table_notes(ctx: Context) -> list[Problem]:
    """One note per table for figures without a link and for rows naming no indicator kzlib tracks."""
    table, notes = ctx.table, []
    if ctx.unlinked:
        rows = ctx.unlinked
        notes.append(table.problem(
            f"no source link{'' if len(rows) == 1 else ' in rows ' + _ranges(rows)}; a link lets readers check the "
            "figure (recommended)", row=rows[0] if len(rows) == 1 else None,
            column=table.headers.get("source_link", "source_link")))
    if ctx.unmatched:
        n = len(ctx.unmatched)
        notes.append(table.problem(
            f"{n} row{'s' if n > 1 else ''} naming no indicator that kzlib tracks, not read: "
            f"{'; '.join(ctx.unmatched.values())}. To read one, use an indicator's id or its name as printed in the "
            "briefs", column=table.headers.get("indicator")))
    return notes


def _ranges(rows: list[int]) -> str:
    """Row numbers as Excel users read them: 4-7, 9, 12."""
    spans: list[list[int]] = []
    for n in sorted(rows):
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return ", ".join(f"{a}" if a == b else f"{a}-{b}" for a, b in spans)


def _keep(rec: dict, record: Record, kind: _Kind, ctx: Context, seen: dict, layer: _Layer) -> None:
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
            report.notes.append(Problem(layer.file, f"{n} {what} the same as held already (value, flags, source "
                                                    "and note): kept as they were"))
    report.notes = _unique(report.notes)
    if kind.key == "indicator":
        report.jumps = _jumps(merged, [(c.key, c.year) for c in report.added + report.overridden])
    if strict and report.problems:
        raise ObservationError(_unique(report.problems))
    return merged, report


def _plain_flags(rec: dict) -> set[str]:
    return {f for f in rec["flags"].split(";") if f and f not in ("overridden", "converted")}


def _same(new: dict, old: dict, key: str) -> bool:
    """Whether a record repeats the one held in full: same state or value and flags (a unit conversion aside),
    same source and note. A re-stated figure with a source or note of its own still replaces the held one."""
    if any(new.get(c, "") != old.get(c, "") for c in ("source_title", "source_link", "source_date", "note", "quote")):
        return False
    if key == "target":
        return new["state"] == old["state"] and _plain_flags(new) == _plain_flags(old)
    close = abs(new["value"] - old["value"]) <= 1e-9 * max(1.0, abs(old["value"]))
    return close and _plain_flags(new) == _plain_flags(old)


def _jumps(merged: dict[tuple, dict], keys: list[tuple[str, int]]) -> list[Problem]:
    """Problems for new figures at least the jump factor (kzlib/data/plausible.yaml) times off the nearest other
    year of their indicator: often a unit slip. Commands refuse them unless given --accept-jumps."""
    factor = plausible()["jump_factor"]
    notes = []
    for iid, year in dict.fromkeys(keys):
        new = merged[(iid, year)]
        others = [(abs(y - year), y) for (i, y) in merged if i == iid and y != year]
        if not others:
            continue
        near = merged[(iid, min(others)[1])]
        a, b = new["value"], near["value"]
        if a > 0 and b > 0 and max(a, b) / min(a, b) >= factor:
            notes.append(Problem(new["file"], f"{iid} {year} = {as_text(a)} is {max(a, b) / min(a, b):.0f} times "
                                              f"{'above' if a > b else 'below'} the {near['year']} figure "
                                              f"({as_text(b)}); check the unit (if the figure is right, run again "
                                              "with --accept-jumps)", row=new["row"], column="value",
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
        if info.get("measure") not in ("ratio", "density") or len(inputs) != 2:
            problems.append(Problem(paths.shown(paths.REGISTRY / "indicators"), "kzlib derives only ratios (and densities) of two "
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
    stack = [Path(shipped) if shipped is not None else paths.OBSERVATIONS, *map(Path, extra)]
    check_shipped(stack[0])
    merged, report = _stack(stack, OBSERVATIONS, reg, strict)
    derived, problems = _derive(merged, reg)
    if problems:
        raise ObservationError(problems)
    report.frame = _frame([*merged.values(), *derived], OBSERVATIONS)
    return report


def load_observations(*extra: str | Path, registry: Registry | None = None) -> pd.DataFrame:
    """One row per indicator and year: the figures the plan shares with other packs (plan.yaml observations_from),
    then its own shipped data, then each extra file overriding earlier ones."""
    own = observation_report(*extra, registry=registry).frame
    shared = shared_figures(registry if registry is not None else load_registry())
    if shared.empty:
        return own
    held = set(zip(own["indicator"], own["year"], strict=True))
    keep = [k not in held for k in zip(shared["indicator"], shared["year"], strict=True)]
    return pd.concat([shared[keep], own], ignore_index=True).sort_values(["indicator", "year"], kind="stable") \
        .reset_index(drop=True)


def shared_figures(reg: Registry) -> pd.DataFrame:
    """The figures of the packs this plan reads from (plan.yaml observations_from) for the indicators it shares
    with them (the same id): a new GDP figure added to one pack reaches every plan of the district."""
    frames = []
    for name in plans.current().observations_from:
        folder = plans.folder_of(name)
        theirs = load_registry(root=folder / "registry", plan=folder / "plan.txt")
        frame = observation_report(registry=theirs, shipped=folder / "observations.csv").frame
        frames.append(frame[frame["indicator"].isin(set(reg.indicators["id"])) & (frame["file"] != "derived")])
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame(columns=OBSERVATIONS.columns)


def milestone_report(*extra: str | Path, registry: Registry | None = None, strict: bool = True,
                     shipped: str | Path | None = None) -> Report:
    """Load the shipped milestone states then each extra file; the report lists additions and overrides."""
    reg = registry if registry is not None else load_registry()
    stack = [Path(shipped) if shipped is not None else paths.MILESTONES, *map(Path, extra)]
    check_shipped(stack[0])
    merged, report = _stack(stack, MILESTONES, reg, strict)
    report.frame = _frame(list(merged.values()), MILESTONES)
    return report


def load_milestones(*extra: str | Path, registry: Registry | None = None) -> pd.DataFrame:
    """One row per milestone target and year: the shipped states, then each extra file."""
    return milestone_report(*extra, registry=registry).frame


# ---------------------------------------------------------------- merging into the shipped files


def _kinds_in(path: str | Path) -> list[_Kind]:
    """The kinds of table a file holds, observations first; raises ObservationError if it cannot be read."""
    file = display_path(path)
    tables = tables_of(Path(path), file)
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


def merge_file(path: str | Path, registry: Registry | None = None, shipped: str | Path | None = None,
               accept_jumps: bool = False) -> Report:
    """Merge a checked file into the shipped CSV atomically, holding the data folder's lock; return what changed.

    A workbook holding both figures and milestone states is merged into both files (`shipped` then names the
    observations file); the report is the figures', with a note saying what went into the plan's milestones.csv.
    A figure far off its neighbour year is refused unless `accept_jumps`. The rows written are recorded
    (kzlib.shipped) so that a file later cut short is caught."""
    reg = registry if registry is not None else load_registry()
    kinds = _kinds_in(path) or [OBSERVATIONS]
    targets = [Path(shipped) if shipped is not None and kind is kinds[0] else
               (paths.OBSERVATIONS if kind is OBSERVATIONS else paths.MILESTONES) for kind in kinds]
    with files.locked(targets[0].parent, f"kz data add {display_path(path)}"):
        for folder in dict.fromkeys(t.parent for t in targets):
            files.clean_leftovers(folder, LEFTOVERS)
        return _merge(Path(path), list(zip(kinds, targets, strict=True)), reg, accept_jumps)


def _merge(path: Path, plans: list[tuple[_Kind, Path]], reg: Registry, accept_jumps: bool) -> Report:
    """merge_file's work, under the lock: read the shipped files afresh, check, write each, record it."""
    reports = [(observation_report if kind is OBSERVATIONS else milestone_report)(path, registry=reg, shipped=target)
               for kind, target in plans]
    jumps = [p for r in reports for p in r.jumps]
    if jumps and not accept_jumps:
        raise ObservationError(jumps)
    written = [(kind, target, _merged_rows(path, kind, reg, target, report), report)
               for (kind, target), report in zip(plans, reports, strict=True)]
    for kind, target, rows, _ in written:
        _write_atomically(target, rows, kind, reg)
        record_written(target)
    main = written[0][3]
    for kind, target, _, report in written[1:]:
        main.notes.append(Problem(display_path(path), f"also merged {len(report.added)} added and "
                                                      f"{len(report.overridden)} replaced {kind.name} into "
                                                      f"{display_path(target)}"))
    return main


def _write_atomically(target: Path, rows: list[dict[str, str]], kind: _Kind, reg: Registry) -> None:
    """Write rows beside the target, validate the written file, then rename it over the target."""
    with files.replacing(target) as tmp:
        with tmp.open("w", encoding="utf-8", newline="") as fh:
            writer = csv.DictWriter(fh, fieldnames=kind.shipped_columns, lineterminator="\n")
            writer.writeheader()
            writer.writerows({c: r.get(c, "") for c in kind.shipped_columns} for r in rows)
        layer = _validate_file(tmp, display_path(target), kind, reg)
        if layer is None or layer.problems or len(layer.records) != len(rows):
            problems = layer.problems if layer is not None and layer.problems else [
                Problem(display_path(target), "the merged file would not keep every row; nothing was changed")]
            raise ObservationError(problems)
