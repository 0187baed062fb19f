"""The data a brief rests on: a digest of exactly the rows it shows (its cache key) and the figures that
`--data` files add or override (what a brief rendered with them must say it includes)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

import pandas as pd

from kzlib import paths
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


def commentary_file(lang: str, name: str) -> Path:
    """Where a brief's commentary is written: the plan's commentary/<lang>/<name>.md (name: action-03, overview)."""
    return paths.COMMENTARY / lang / f"{name}.md"


def _file_bytes(path: Path) -> bytes:
    """A file's content, or a mark saying it is absent (its appearance is a change too)."""
    try:
        return b"present\0" + path.read_bytes()
    except FileNotFoundError:
        return b"absent\0"


def file_digest(path: Path) -> str:
    """A digest of a file's content, or of its absence."""
    return hashlib.sha256(_file_bytes(path)).hexdigest()


def action_digest(ctx, action: int, lang: str, related: pd.DataFrame | None = None) -> str:
    """A stable digest of everything one action's brief is made of, and nothing else: its actions.yaml entry,
    its targets and every target on the same indicators (the scenario's paths), the indicators they name (as
    measure or reference) with their inputs, the rows of data_digest, the departments, its commentary file and the scenario."""
    reg: Registry = ctx.registry
    own = reg.targets[reg.targets["action"] == int(action)]
    named = [i for c in ("indicator", "reference") if c in own for i in own[c].dropna()]
    sharing = reg.targets[(reg.targets["action"] == int(action)) | reg.targets["indicator"].isin(named)]
    indicators = reg.indicators[reg.indicators["id"].isin(inputs_of(reg, named))]
    h = hashlib.sha256()
    for part in (reg.actions[reg.actions["action"] == int(action)], sharing, indicators):
        h.update(part.to_csv(index=False).encode() + b"\0")
    h.update(data_digest(ctx.observations, ctx.milestones, named, own["id"], related, reg).encode())
    h.update(_file_bytes(paths.DEPARTMENTS))
    h.update(_file_bytes(commentary_file(lang, f"action-{int(action):02d}")))
    h.update(repr(ctx.scenario).encode())
    return h.hexdigest()
