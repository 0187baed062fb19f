"""Tiny in-memory registries for tests of the assessment and scenario math."""

from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

from kzlib import paths
from kzlib.registry import TARGET_COLUMNS, Registry


def target(**fields) -> dict:
    """One registry row with plain defaults: a level target on indicator x, higher is better, by 2027."""
    row = dict(id="t", action=1, item=1, indicator="x", kind="level", comparator=">=", value=None,
               value_high=None, unit="u", unit_en="u", target_year=2027, base_year=None, direction="up",
               firmness="firm", name_zh="目标", name_en="target", quote="q", note=None, repeat_of=None,
               reference=None)
    row.update(fields)
    return row


def registry(*rows: dict, indicators: dict[str, dict] | None = None) -> Registry:
    """A registry holding just these targets and the indicators they name (with the given fields, e.g. measure)."""
    df = pd.DataFrame(list(rows), columns=TARGET_COLUMNS)
    df["base_year"] = df["base_year"].astype("Int64")
    df["value"] = pd.to_numeric(df["value"])
    df["value_high"] = pd.to_numeric(df["value_high"])
    ids = sorted({r[k] for r in rows for k in ("indicator", "reference") if r.get(k)} | set(indicators or {}))
    info = [{"id": i, "direction": "up", **(indicators or {}).get(i, {})} for i in ids]
    return Registry(actions=pd.DataFrame(), indicators=pd.DataFrame(info), targets=df)


def registry_dir(root: Path, indicators: dict[str, str], targets: str) -> Path:
    """A registry folder: the real actions, these indicator files (name -> YAML text), one action-01 file."""
    (root / "indicators").mkdir()
    (root / "targets").mkdir()
    shutil.copy(paths.PACKAGE_ROOT / "data" / "plans" / paths.DEFAULT_PLAN / "registry" / "actions.yaml", root)
    for name, text in indicators.items():
        (root / "indicators" / name).write_text(text, encoding="utf-8")
    (root / "targets" / "action-01.yaml").write_text(targets, encoding="utf-8")
    return root
