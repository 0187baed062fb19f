"""The data a brief rests on: a digest of exactly the rows it shows (its cache key) and the figures that
`--data` files add or override (what a brief rendered with them must say it includes)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from kzlib.observations import milestone_report, observation_report
from kzlib.registry import Registry, load_registry


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
