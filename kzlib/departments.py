"""Who publishes or holds each figure: the district departments (data/registry/departments.yaml)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import pandas as pd
import yaml

from kzlib import paths
from kzlib.errors import Problem, RegistryError
from kzlib.terms import SAFE_LOADER

if TYPE_CHECKING:
    from kzlib.registry import Registry

DEPARTMENT_COLUMNS = ["id", "name_zh", "name_en"]
SHEET_NAME_LIMIT = 31  # Excel's longest sheet name
_SHEET_FORBIDDEN = set("[]:*?/\\")


def departments_file(registry_root: str | Path | None = None) -> Path:
    """The departments file of a registry folder, or the shipped one when the folder has none."""
    own = Path(registry_root) / "departments.yaml" if registry_root is not None else None
    return own if own is not None and own.exists() else paths.DEPARTMENTS


def load_departments(path: str | Path | None = None) -> pd.DataFrame:
    """The departments (id, name_zh, name_en) in file order; raises RegistryError naming each problem."""
    path = Path(path) if path is not None else paths.DEPARTMENTS
    file = str(path.relative_to(paths.ROOT)) if path.is_relative_to(paths.ROOT) else str(path)
    doc = yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
    entries = doc.get("departments") if isinstance(doc, dict) else None
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise RegistryError([Problem(file, "expected a list of departments (id, name_zh, name_en) under 'departments'")])
    problems: list[Problem] = []
    seen: set[str] = set()
    for e in entries:
        did = str(e.get("id", "?"))
        for name in DEPARTMENT_COLUMNS:
            if not str(e.get(name) or "").strip():
                problems.append(Problem(file, f"'{name}' is missing", column=name, entry=did))
        for name in ("name_zh", "name_en"):
            text = str(e.get(name) or "")
            if len(text) > SHEET_NAME_LIMIT or _SHEET_FORBIDDEN & set(text):
                problems.append(Problem(file, f"'{text}' cannot name an Excel sheet: at most {SHEET_NAME_LIMIT} "
                                              "characters, none of [ ] : * ? / \\", column=name, entry=did))
        if did in seen:
            problems.append(Problem(file, f"duplicate department id {did!r}", entry=did))
        seen.add(did)
    if problems:
        raise RegistryError(problems)
    return pd.DataFrame([{c: e.get(c) for c in DEPARTMENT_COLUMNS} for e in entries], columns=DEPARTMENT_COLUMNS)


def indicator_departments(registry: Registry) -> dict[str, str]:
    """Indicator id -> department id, for the indicators that name one."""
    ind = registry.indicators
    if "department" not in ind:
        return {}
    return {i: d for i, d in zip(ind["id"], ind["department"], strict=True) if isinstance(d, str) and d}


def departments_of(registry: Registry, departments: pd.DataFrame | None = None) -> pd.DataFrame:
    """From whom each target's figures are to be collected: one row per target.

    Columns: target, action, kind, indicator, department (id: the target's own, else its indicator's),
    department_zh, department_en (blank where the registry names none)."""
    deps = departments if departments is not None else load_departments()
    names = deps.set_index("id")
    by_indicator = indicator_departments(registry)
    rows = []
    for t in registry.targets.to_dict("records"):
        own = t.get("department")
        did = own if isinstance(own, str) and own else by_indicator.get(t.get("indicator"), "")
        known = did in names.index
        rows.append({"target": t["id"], "action": t["action"], "kind": t["kind"],
                     "indicator": t["indicator"] if isinstance(t.get("indicator"), str) else "", "department": did,
                     "department_zh": names.at[did, "name_zh"] if known else "",
                     "department_en": names.at[did, "name_en"] if known else ""})
    return pd.DataFrame(rows, columns=["target", "action", "kind", "indicator", "department", "department_zh",
                                       "department_en"])
