"""Related evidence: figures shown beside a target and never judged on, with how their scope differs.

Two sources: the plan's related.csv, figures whose scope or definition differs from their target's (a zone figure for
a district target, a proxy, a partial count, a period statement), and observed indicators that
the plan's registry/related.yaml links to a target they speak to.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from kzlib import paths
from kzlib.cells import as_text
from kzlib.errors import ObservationError, Problem
from kzlib.names import indicator_names
from kzlib.records import Context, observation
from kzlib.registry import Registry, load_registry
from kzlib.sheets import Table, display_path, tables_of
from kzlib.shipped import check as check_shipped
from kzlib.terms import SAFE_LOADER, load_terms

RELATED_COLUMNS = [
    "target", "indicator", "year", "value", "unit", "scope_zh", "scope_en", "source_title", "source_link",
    "source_date", "flags", "note", "quote", "file", "row",
]


def _links(path: Path, reg: Registry) -> tuple[list[dict], list[Problem]]:
    """Observed indicators linked to targets they speak to (the plan's registry/related.yaml)."""
    if not path.exists():
        return [], []
    file = display_path(path)
    doc = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
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


def _figure_rows(tables: list[Table], reg: Registry, problems: list[Problem]) -> list[dict]:
    """The validated figures of the plan's related.csv, each with its target and scope; problems recorded."""
    terms = load_terms()
    names, info = indicator_names(reg), {r["id"]: r for r in reg.indicators.to_dict("records")}
    targets = set(reg.targets["id"])
    rows: list[dict] = []
    seen: set[tuple] = set()
    for table in tables:
        ctx = Context(table, terms, problems, [])
        for record in table.records:
            rec = observation(record, names, info, ctx)
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
    return rows


def _linked_rows(links: list[dict], observations: pd.DataFrame, taken: set[tuple]) -> list[dict]:
    """The observations of each linked indicator, under the target it is linked to, with the link's scope."""
    rows = []
    for link in links:
        for rec in observations[observations["indicator"] == link["indicator"]].to_dict("records"):
            if (link["target"], rec["indicator"], rec["year"]) not in taken:
                rows.append({**rec, "target": link["target"], "scope_zh": link["scope_zh"],
                             "scope_en": link["scope_en"]})
    return rows


def load_related(registry: Registry | None = None, observations: pd.DataFrame | None = None,
                 related: str | Path | None = None, links: str | Path | None = None) -> pd.DataFrame:
    """Figures to show beside a target as related evidence, never judged on, with their scope in zh and en.

    Two sources: the plan's related.csv (figures whose scope or definition differs from their target's: a zone figure
    for a district target, a proxy, a partial count, a period statement) and the observations of indicators
    that the plan's registry/related.yaml links to a target (`observations`, or the shipped ones); a project without
    these files has no related evidence. Columns:
    RELATED_COLUMNS, one row per target, indicator and year. Raises ObservationError naming every problem."""
    reg = registry if registry is not None else load_registry()
    path = Path(related) if related is not None else paths.RELATED
    if related is not None or path.exists():  # without the file: no related evidence
        check_shipped(path)
        tables = tables_of(path, display_path(path))
    else:
        tables = []
    if isinstance(tables, Problem):
        raise ObservationError([tables])
    problems: list[Problem] = []
    rows = _figure_rows(tables, reg, problems)
    link_list, link_problems = _links(Path(links) if links is not None else paths.RELATED_LINKS, reg)
    if problems or link_problems:
        raise ObservationError(list(dict.fromkeys(problems + link_problems)))
    if observations is None:
        from kzlib.observations import load_observations

        observations = load_observations(registry=reg)
    rows += _linked_rows(link_list, observations, {(r["target"], r["indicator"], r["year"]) for r in rows})
    df = pd.DataFrame(rows, columns=RELATED_COLUMNS)
    df["year"] = df["year"].astype("int64")
    df["value"] = df["value"].astype("float64")
    df["row"] = df["row"].astype("Int64")
    text = [c for c in RELATED_COLUMNS if c not in ("year", "value", "row")]
    df[text] = df[text].fillna("").astype(str)
    return df.sort_values(["target", "indicator", "year"], kind="stable").reset_index(drop=True)
