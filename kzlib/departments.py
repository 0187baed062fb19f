"""The district departments that publish or hold the figures (the plan's registry/departments.yaml).

Which department each target's figures come from is a view of the registry: `registry.departments_of`.
"""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import yaml

from kzlib import paths
from kzlib.errors import Problem, RegistryError
from kzlib.terms import SAFE_LOADER

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
