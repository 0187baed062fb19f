"""The target registry: the plan's actions, its indicators and every target, read from the plan's registry."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from kzlib import paths, settings
from kzlib.departments import departments_file, load_departments
from kzlib.errors import Problem, RegistryError

TARGET_COLUMNS = [
    "id", "action", "item", "indicator", "kind", "comparator", "value", "value_high", "unit", "unit_en",
    "target_year", "base_year", "direction", "firmness", "name_zh", "name_en", "quote", "note", "repeat_of",
    "reference", "department",
]
INDICATOR_COLUMNS = [
    "id", "name_zh", "name_en", "unit", "unit_en", "direction", "measure", "scope", "source_zh", "source_en",
    "derived_from", "note", "prices", "real_growth", "department",
]
ACTION_COLUMNS = ["action", "title_zh", "title_en", "goals_zh", "goals_en"]

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present: ten times faster

NUMERIC_KINDS = tuple(k for k in settings.TARGET_KINDS if k not in ("milestone", "benchmark", "compare"))
COMPARE_COMPARATORS = (">", ">=", "~", "=")


@dataclass
class Registry:
    """The plan's actions, indicators and targets as DataFrames, with lookups."""

    actions: pd.DataFrame
    indicators: pd.DataFrame
    targets: pd.DataFrame
    plan_text: str = field(repr=False, default="")

    def target(self, target_id: str) -> pd.Series:
        """One target by id."""
        hit = self.targets[self.targets["id"] == target_id]
        if hit.empty:
            raise KeyError(f"no target {target_id!r}")
        return hit.iloc[0]

    def by_action(self, action: int) -> pd.DataFrame:
        """The targets of one action, in plan order."""
        return self.targets[self.targets["action"] == int(action)].reset_index(drop=True)

    def indicator(self, indicator_id: str) -> pd.Series:
        """One indicator by id."""
        hit = self.indicators[self.indicators["id"] == indicator_id]
        if hit.empty:
            raise KeyError(f"no indicator {indicator_id!r}")
        return hit.iloc[0]

    def action(self, action: int) -> pd.Series:
        """One action's number, titles and goals sentence."""
        hit = self.actions[self.actions["action"] == int(action)]
        if hit.empty:
            raise KeyError(f"no action {action!r}")
        return hit.iloc[0]

    def numeric(self) -> pd.DataFrame:
        """Targets that have a number to reach (not milestones or benchmarks)."""
        return self.targets[self.targets["kind"].isin(NUMERIC_KINDS)].reset_index(drop=True)


def _read_yaml(path: Path, problems: list[Problem]) -> object:
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        problems.append(Problem(str(path), f"cannot be read as UTF-8 YAML: {exc}"))
        return None


def _entries(path: Path, doc: object, key: str, problems: list[Problem]) -> list[dict]:
    items = doc.get(key) if isinstance(doc, dict) else doc
    if not isinstance(items, list) or not all(isinstance(e, dict) for e in items):
        problems.append(Problem(str(path), f"expected a list of entries under '{key}'"))
        return []
    return [dict(e, _file=str(path)) for e in items]


def _need(entry: dict, names: tuple[str, ...], problems: list[Problem]) -> None:
    for name in names:
        value = entry.get(name)
        if value is None or (isinstance(value, str) and not value.strip()):
            problems.append(Problem(paths.shown(entry["_file"]), f"'{name}' is missing", column=name,
                                    entry=str(entry.get("id", entry.get("action", "?")))))


def _choice(entry: dict, name: str, allowed: tuple, problems: list[Problem]) -> None:
    value = entry.get(name)
    if value is not None and value not in allowed:
        problems.append(Problem(paths.shown(entry["_file"]), f"unknown {name} {value!r}; expected one of {', '.join(map(str, allowed))}",
                                column=name, entry=str(entry.get("id", "?"))))


def _check_indicators(entries: list[dict], departments: tuple[str, ...], problems: list[Problem]) -> None:
    seen: dict[str, str] = {}
    for e in entries:
        _need(e, ("id", "name_zh", "name_en", "unit", "unit_en", "direction", "measure"), problems)
        _choice(e, "direction", settings.DIRECTIONS, problems)
        _choice(e, "measure", settings.MEASURES, problems)
        _choice(e, "prices", settings.PRICES, problems)
        _choice(e, "department", departments, problems)
        iid = e.get("id")
        for name in sorted(set(e) - set(INDICATOR_COLUMNS) - {"_file"}):
            problems.append(Problem(paths.shown(e["_file"]), f"unknown field {name!r}; expected one of {', '.join(INDICATOR_COLUMNS)}",
                                    column=name, entry=iid))
        if iid in seen:
            problems.append(Problem(paths.shown(e["_file"]), f"duplicate indicator id {iid!r} (also in {paths.shown(seen[iid])})", entry=iid))
        elif iid:
            seen[iid] = e["_file"]
    ids = set(seen)
    for e in entries:
        for src in e.get("derived_from") or []:
            if src not in ids:
                problems.append(Problem(paths.shown(e["_file"]), f"derived_from names undefined indicator {src!r}",
                                        column="derived_from", entry=e.get("id")))
        real = e.get("real_growth")
        if real is not None and real not in ids:
            problems.append(Problem(paths.shown(e["_file"]), f"real_growth names undefined indicator {real!r}",
                                    column="real_growth", entry=e.get("id")))


def _check_targets(entries: list[dict], indicator_ids: set[str], action_ids: set[int], plan: str,
                   departments: tuple[str, ...], problems: list[Problem]) -> None:
    seen: dict[str, str] = {}
    for e in entries:
        tid = str(e.get("id", "?"))
        f = paths.shown(e["_file"])
        _need(e, ("id", "action", "item", "kind", "name_zh", "name_en", "quote", "target_year"), problems)
        for name, allowed in (("kind", settings.TARGET_KINDS), ("comparator", settings.COMPARATORS),
                              ("direction", settings.DIRECTIONS), ("firmness", settings.FIRMNESS),
                              ("department", departments)):
            _choice(e, name, allowed, problems)
        if tid in seen:
            problems.append(Problem(f, f"duplicate target id {tid!r} (also in {paths.shown(seen[tid])})", entry=tid))
        seen[tid] = e["_file"]
        if e.get("action") is not None and e.get("action") not in action_ids:
            known = ", ".join(str(a) for a in sorted(a for a in action_ids if isinstance(a, int)))
            problems.append(Problem(f, f"action {e.get('action')!r} is not one of the plan's actions ({known})",
                                    column="action", entry=tid))
        quote = e.get("quote")
        if isinstance(quote, str) and quote and quote not in plan:
            problems.append(Problem(f, "quote is not an exact substring of the plan text (plan.txt)",
                                    column="quote", entry=tid))
        for name in sorted(set(e) - set(TARGET_COLUMNS) - {"_file"}):
            problems.append(Problem(f, f"unknown field {name!r}; expected one of {', '.join(TARGET_COLUMNS)}",
                                    column=name, entry=tid))
        for name in ("item", "target_year", "base_year"):
            if e.get(name) is not None and (not isinstance(e.get(name), int) or isinstance(e.get(name), bool)):
                problems.append(Problem(f, f"{name} must be a whole number, not {e.get(name)!r}", column=name, entry=tid))
        if e.get("kind") in NUMERIC_KINDS:
            _need(e, ("indicator", "comparator", "value", "unit", "unit_en"), problems)
            for name in ("value", "value_high"):
                if e.get(name) is not None and not isinstance(e.get(name), int | float):
                    problems.append(Problem(f, f"{name} must be a number, not {e.get(name)!r}", column=name, entry=tid))
        if e.get("kind") == "range" and e.get("value_high") is None:
            problems.append(Problem(f, "a range target needs value_high", column="value_high", entry=tid))
        if e.get("kind") == "compare":
            _need(e, ("indicator", "reference", "comparator"), problems)
            if e.get("comparator") is not None and e.get("comparator") not in COMPARE_COMPARATORS:
                problems.append(Problem(f, f"a compare target takes one of {', '.join(COMPARE_COMPARATORS)}, not "
                                           f"{e.get('comparator')!r}", column="comparator", entry=tid))
        if e.get("reference") is not None and e.get("reference") not in indicator_ids:
            problems.append(Problem(f, f"reference {e.get('reference')!r} is not defined in the registry's indicators/",
                                    column="reference", entry=tid))
        if e.get("kind") == "change" and e.get("base_year") is None:
            problems.append(Problem(f, "a change target needs the base_year the plan states", column="base_year", entry=tid))
        ind = e.get("indicator")
        if ind is not None and ind not in indicator_ids:
            problems.append(Problem(f, f"indicator {ind!r} is not defined in the registry's indicators/",
                                    column="indicator", entry=tid))
    for e in entries:
        rep = e.get("repeat_of")
        if rep is not None and rep not in seen:
            problems.append(Problem(paths.shown(e["_file"]), f"repeat_of names unknown target {rep!r}",
                                    column="repeat_of", entry=str(e.get("id"))))


def _frame(entries: list[dict], columns: list[str]) -> pd.DataFrame:
    rows = [{c: e.get(c) for c in columns} for e in entries]
    return pd.DataFrame(rows, columns=columns)


def load_registry(root: str | Path | None = None, plan: str | Path | None = None) -> Registry:
    """Read and validate the registry of the plan in use, or of `plan`: a pack (its id in data/plans/ or a folder
    holding plan.yaml) or a plan's text file, with the registry folder `root`; every problem is reported at once
    as a RegistryError."""
    pack = paths.find_plan(plan) if plan is not None else None
    if pack is not None:
        root = root if root is not None else pack / paths.PLAN_LAYOUT["REGISTRY"]
        plan = pack / paths.PLAN_LAYOUT["PLAN"]
    root = Path(root) if root is not None else paths.REGISTRY
    plan_path = Path(plan) if plan is not None else paths.PLAN
    problems: list[Problem] = []
    plan_text = plan_path.read_text(encoding="utf-8")

    actions_doc = _read_yaml(root / "actions.yaml", problems) if (root / "actions.yaml").exists() else None
    if actions_doc is None and not problems:
        problems.append(Problem(paths.shown(str(root / "actions.yaml")), "file is missing"))
    actions = _entries(root / "actions.yaml", actions_doc, "actions", problems) if actions_doc is not None else []
    for a in actions:
        _need(a, tuple(ACTION_COLUMNS), problems)
        goals = a.get("goals_zh")
        if isinstance(goals, str) and goals and goals not in plan_text:
            problems.append(Problem(paths.shown(a["_file"]), "goals_zh is not an exact substring of the plan text",
                                    column="goals_zh", entry=str(a.get("action"))))

    try:
        departments = tuple(load_departments(departments_file(root))["id"])
    except RegistryError as exc:
        problems += exc.problems
        departments = ()
    indicators: list[dict] = []
    for path in sorted((root / "indicators").glob("*.yaml")):
        doc = _read_yaml(path, problems)
        if doc is not None:
            indicators += _entries(path, doc, "indicators", problems)
    _check_indicators(indicators, departments, problems)

    targets: list[dict] = []
    for path in sorted((root / "targets").glob("*.yaml")):
        doc = _read_yaml(path, problems)
        if doc is None:
            continue
        file_action = doc.get("action") if isinstance(doc, dict) else None
        for e in _entries(path, doc, "targets", problems):
            e.setdefault("action", file_action)
            e.setdefault("target_year", settings.PLAN_END)
            e.setdefault("firmness", "firm")
            targets.append(e)
    ind_direction = {e.get("id"): e.get("direction") for e in indicators}
    for e in targets:
        if e.get("direction") is None:
            e["direction"] = "band" if e.get("kind") == "range" else ind_direction.get(e.get("indicator"))
    _check_targets(targets, set(ind_direction), {a.get("action") for a in actions}, plan_text, departments,
                   problems)

    if problems:
        raise RegistryError(problems)
    tdf = _frame(targets, TARGET_COLUMNS)
    for col in ("action", "item", "target_year"):
        tdf[col] = tdf[col].astype(int)
    tdf["base_year"] = tdf["base_year"].astype("Int64")
    for col in ("value", "value_high"):
        tdf[col] = pd.to_numeric(tdf[col])
    tdf = tdf.sort_values(["action", "item"], kind="stable").reset_index(drop=True)
    adf = _frame(actions, ACTION_COLUMNS).sort_values("action").reset_index(drop=True)
    return Registry(actions=adf, indicators=_frame(indicators, INDICATOR_COLUMNS), targets=tdf, plan_text=plan_text)


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
