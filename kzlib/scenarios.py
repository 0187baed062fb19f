"""What-if paths to the target years: named scenarios from the plan's scenarios.yaml, or growth overrides from sliders.

A scenario gives each indicator a pace from its latest observation on: `growth` (percent a year in the file,
a fraction in Python), `step` (a change a year in the indicator's unit: percentage points for shares and rates),
stated `values` for some years, or its `base` ("trend": the average annual growth since
the base year 2022, or the earliest later year; "plan": the growth that just meets the indicator's targets),
optionally shifted by `shift` percentage points. Assumptions are not observations: custom scenarios say so in
their labels.
"""

from __future__ import annotations

import math
import re
import textwrap
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path

import numpy as np
import pandas as pd
import yaml

from kzlib import paths, settings
from kzlib import trajectory as tj
from kzlib.errors import Problem, ScenarioError
from kzlib.registry import SAFE_LOADER

BASES = ("trend", "plan")
ENTRY_KEYS = ("label_zh", "label_en", "base", "growth", "step", "shift", "values", "assumption", "note_zh", "note_en")
BAND = {"lo90": 5, "lo50": 25, "hi50": 75, "hi90": 95}
PROJECT_COLUMNS = ["indicator", "year", "value", "lo90", "lo50", "hi50", "hi90", "kind"]


@dataclass(frozen=True)
class Scenario:
    """A named set of assumptions per indicator; rates are fractions (0.06 = 6 % a year)."""

    name: str
    label_zh: str
    label_en: str
    growth: Mapping[str, float] = field(default_factory=dict)
    step: Mapping[str, float] = field(default_factory=dict)  # change a year in the indicator's unit (百分点 for shares)
    values: Mapping[str, Mapping[int, float]] = field(default_factory=dict)
    base: str = "trend"
    shift: Mapping[str, float] = field(default_factory=dict)
    assumption: bool = False
    note_zh: str = ""
    note_en: str = ""


def _entry_lines(text: str) -> dict[str, int]:
    """Line (1-based) of each scenario's name in the file, for error messages."""
    try:
        root = yaml.compose(text)
    except yaml.YAMLError:
        return {}
    if not isinstance(root, yaml.MappingNode):
        return {}
    for key, node in root.value:
        if key.value == "scenarios" and isinstance(node, yaml.MappingNode):
            return {k.value: k.start_mark.line + 1 for k, _ in node.value}
    return {}


def _number(value: object) -> bool:
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _rates(raw: object, where: dict, column: str, indicators: set[str] | None, low: float | None,
           problems: list[Problem]) -> dict[str, float]:
    """An {indicator: percent} mapping as fractions; problems for anything else."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        problems.append(Problem(**where, column=column, message=f"'{column}' must map indicator ids to percent a year"))
        return {}
    out = {}
    for ind, rate in raw.items():
        if indicators is not None and ind not in indicators:
            problems.append(Problem(**where, column=column, message=f"unknown indicator {ind!r}"))
        elif not _number(rate) or (low is not None and rate <= low):
            need = f"a number above {low:g}" if low is not None else "a number"
            problems.append(Problem(**where, column=column, message=f"{ind}: expected {need} (percent a year), not {rate!r}"))
        else:
            out[str(ind)] = float(rate) / 100.0
    return out


def _stated(raw: object, where: dict, indicators: set[str] | None, problems: list[Problem]) -> dict[str, dict[int, float]]:
    """A {indicator: {year: value}} mapping; problems for anything else."""
    if raw is None:
        return {}
    lo, hi = settings.YEAR_RANGE
    if not isinstance(raw, dict) or not all(isinstance(v, dict) for v in raw.values()):
        problems.append(Problem(**where, column="values", message="'values' must map indicator ids to {year: value}"))
        return {}
    out: dict[str, dict[int, float]] = {}
    for ind, by_year in raw.items():
        if indicators is not None and ind not in indicators:
            problems.append(Problem(**where, column="values", message=f"unknown indicator {ind!r}"))
            continue
        for year, value in by_year.items():
            if not isinstance(year, int) or not lo <= year <= hi:
                problems.append(Problem(**where, column="values", message=f"{ind}: year {year!r} is not a year {lo}-{hi}"))
            elif not _number(value):
                problems.append(Problem(**where, column="values", message=f"{ind} {year}: expected a number, not {value!r}"))
            else:
                out.setdefault(str(ind), {})[year] = float(value)
    return out


def _scenario(name: str, entry: object, where: dict, indicators: set[str] | None,
              problems: list[Problem]) -> Scenario | None:
    if not isinstance(entry, dict):
        problems.append(Problem(**where, message="expected a mapping with label_zh, label_en and assumptions"))
        return None
    for key in entry:
        if key not in ENTRY_KEYS:
            problems.append(Problem(**where, column=str(key), message=f"unknown field; expected one of {', '.join(ENTRY_KEYS)}"))
    for key in ("label_zh", "label_en"):
        if not isinstance(entry.get(key), str) or not entry[key].strip():
            problems.append(Problem(**where, column=key, message=f"'{key}' is missing"))
    base = entry.get("base", "trend")
    if base not in BASES:
        problems.append(Problem(**where, column="base", message=f"unknown base {base!r}; expected one of {', '.join(BASES)}"))
    growth = _rates(entry.get("growth"), where, "growth", indicators, -100.0, problems)
    step = {k: 100.0 * v for k, v in _rates(entry.get("step"), where, "step", indicators, None, problems).items()}
    shift = _rates(entry.get("shift"), where, "shift", indicators, None, problems)
    for ind in sorted(set(growth) & set(shift)):
        problems.append(Problem(**where, column="shift", message=f"{ind} has both growth and shift; give one"))
    for ind in sorted(set(step) & (set(growth) | set(shift))):
        problems.append(Problem(**where, column="step", message=f"{ind} has a step and a growth or shift; give one"))
    if not isinstance(entry.get("assumption", False), bool):
        problems.append(Problem(**where, column="assumption", message="expected true or false"))
    return Scenario(name=name, label_zh=str(entry.get("label_zh", "")), label_en=str(entry.get("label_en", "")),
                    growth=growth, step=step, values=_stated(entry.get("values"), where, indicators, problems), base=base,
                    shift=shift, assumption=bool(entry.get("assumption", False)),
                    note_zh=str(entry.get("note_zh", "")), note_en=str(entry.get("note_en", "")))


def load_scenarios(path: str | Path | None = None, registry=None, user: str | Path | None = None) -> dict[str, Scenario]:
    """Read and validate a scenarios file (indicator ids checked when a registry is given).

    Without a path: the plan's scenarios.yaml merged with the user's file (`user`, default the plan's scenarios.user.yaml)
    when it exists.
    """
    if path is None:
        return _merged(registry, Path(user) if user is not None else paths.USER_SCENARIOS)
    path = Path(path)
    file = paths.shown(path)
    try:
        text = path.read_text(encoding="utf-8")
        doc = yaml.load(text, Loader=SAFE_LOADER)
    except FileNotFoundError:
        raise ScenarioError([Problem(file, "file is missing")]) from None
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ScenarioError([Problem(file, f"cannot be read as UTF-8 YAML: {exc}")]) from None
    if not isinstance(doc, dict) or not isinstance(doc.get("scenarios"), dict) or not doc["scenarios"]:
        raise ScenarioError([Problem(file, "expected 'scenarios:' mapping each scenario name to its assumptions")])
    lines = _entry_lines(text)
    indicators = set(registry.indicators["id"]) if registry is not None else None
    problems: list[Problem] = []
    out = {}
    for name, entry in doc["scenarios"].items():
        where = {"file": file, "row": lines.get(str(name)), "entry": str(name)}
        scenario = _scenario(str(name), entry, where, indicators, problems)
        if scenario is not None:
            out[str(name)] = scenario
    if problems:
        raise ScenarioError(problems)
    return out


def unknown(name: str, found: Mapping[str, Scenario], path: str | Path | None = None) -> ScenarioError:
    """The error for a scenario name that is not defined, naming the choices."""
    file = paths.shown(Path(path) if path is not None else paths.SCENARIOS)
    return ScenarioError([Problem(file, f"no scenario {name!r}; expected one of {', '.join(found)}", entry=name)])


def get_scenario(name: str, path: str | Path | None = None, registry=None) -> Scenario:
    """One scenario by name; ScenarioError naming the choices if there is none."""
    found = load_scenarios(path, registry)
    if name not in found:
        raise unknown(name, found, path)
    return found[name]


def check_overrides(overrides: Mapping[str, float], registry, steps: Mapping[str, float] | None = None) -> None:
    """Raise ScenarioError unless every override is a known indicator with a finite growth above -1 (or, in
    `steps`, a finite change a year), and no indicator has both."""
    known = set(registry.indicators["id"])
    problems = []
    for ind, rate in overrides.items():
        if ind not in known:
            problems.append(Problem("overrides", f"unknown indicator {ind!r}", entry=str(ind)))
        elif not _number(rate) or rate <= -1:
            problems.append(Problem("overrides", f"growth must be a fraction above -1 (0.06 = 6 %), not {rate!r}",
                                    entry=str(ind)))
    for ind, step in (steps or {}).items():
        if ind not in known:
            problems.append(Problem("steps", f"unknown indicator {ind!r}", entry=str(ind)))
        elif not _number(step):
            problems.append(Problem("steps", f"a step must be a number (change a year in the indicator's unit), "
                                    f"not {step!r}", entry=str(ind)))
        elif ind in overrides:
            problems.append(Problem("steps", "has both a growth and a step; give one", entry=str(ind)))
    if problems:
        raise ScenarioError(problems)


def custom(overrides: Mapping[str, float], steps: Mapping[str, float] | None = None) -> Scenario:
    """The scenario of slider overrides: the given growth or step per indicator, the trend for the others."""
    return Scenario("custom", "自定义假设", "Custom assumptions", growth=dict(overrides), step=dict(steps or {}),
                    assumption=True)


def overridden(scenario: Scenario, growth: Mapping[str, float] | None = None,
               steps: Mapping[str, float] | None = None) -> Scenario:
    """The scenario with these growth rates (fractions) and steps (change a year in the indicator's unit) in place
    of its own pace for those indicators."""
    growth, steps = dict(growth or {}), dict(steps or {})
    mine = set(growth) | set(steps)

    def kept(paces: Mapping[str, float]) -> dict[str, float]:
        return {k: v for k, v in paces.items() if k not in mine}

    return replace(scenario, growth={**kept(scenario.growth), **growth}, step={**kept(scenario.step), **steps},
                   shift=kept(scenario.shift))


def scenario_pace(scenario: Scenario, indicator: str, years: np.ndarray, values: np.ndarray,
                  plan: tj.Pace | None = None, overrides: Mapping[str, float] | None = None,
                  linear: bool = False, base_year: int | None = None) -> tj.Pace | None:
    """The pace an indicator follows under a scenario: overrides first, then its stated growth or step, then its
    base (the trend since `base_year`, default the plan's, linear for shares and rates when `linear`, or the plan
    path)."""
    stated = dict(scenario.values.get(indicator, {}))
    growth = (overrides or {}).get(indicator, scenario.growth.get(indicator))
    if growth is not None:
        return tj.Pace(growth=float(growth), values=stated)
    if indicator in scenario.step:
        return tj.Pace(step=float(scenario.step[indicator]), values=stated)
    base = plan if scenario.base == "plan" else tj.observed_pace(years, values, base_year, linear=linear)
    if base is None:
        return tj.Pace(values=stated) if stated else None
    shift = scenario.shift.get(indicator)
    if shift is not None and base.growth is not None:
        return tj.Pace(growth=base.growth + shift, values={**base.values, **stated})
    return tj.Pace(base.growth, base.step, {**base.values, **stated})


def resolve(scenario, registry, overrides) -> Scenario | None:
    """A Scenario object from a name, an object, or overrides alone (a custom scenario on the trend)."""
    if isinstance(scenario, str):
        scenario = get_scenario(scenario, registry=registry)
    if overrides is not None:
        check_overrides(overrides, registry)
        if scenario is None:
            scenario = custom(overrides)
    return scenario


def _central(scenario: Scenario, ind: str, years: np.ndarray, values: np.ndarray, targets: pd.DataFrame,
             end: int, overrides: Mapping[str, float] | None,
             linear: bool) -> tuple[tj.Pace | None, np.ndarray | None]:
    """The scenario's pace for an indicator and its path to `end`; under "plan", the most demanding target's."""
    t, xt = int(years[-1]), float(values[-1])
    plans: list[tj.Pace | None] = [None]
    if scenario.base == "plan":
        plans = []
        for tg in targets.to_dict("records"):
            base_year = settings.DEFAULT_BASE_YEAR if pd.isna(tg.get("base_year")) else int(tg["base_year"])
            i = tj.base_index(years, base_year)
            if tg["kind"] in tj.GROWTH_KINDS and values[i] <= 0:
                continue
            goal = tj.goal_of(tg, float(values[i]), int(years[i]))
            plans.append(tj.plan_pace(goal, tg["kind"], t, xt, linear))
    best, best_path, best_score = None, None, -math.inf
    floors = targets["kind"].isin(tj.FLOOR_KINDS).all()  # a floor's trend is the plan years' (trajectory.floor_base_year)
    trend_from = tj.floor_base_year(years, settings.DEFAULT_BASE_YEAR) if floors else settings.DEFAULT_BASE_YEAR
    for plan in plans:
        pace = scenario_pace(scenario, ind, years, values, plan, overrides, linear, trend_from)
        if pace is None:
            continue
        path = pace.path(t, xt, end)
        score = tj.SIGN.get(tj.goal_direction(targets.iloc[0]), 1) * path[-1]
        if score > best_score:
            best, best_path, best_score = pace, path, score
    return best, best_path


def project(registry, observations: pd.DataFrame, scenario, as_of: int | None = None,
            overrides: Mapping[str, float] | None = None, method: str = "auto", *,
            prepared: tj.Prepared | None = None) -> pd.DataFrame:
    """Observed and projected values per indicator to its latest target year, with 50 % and 90 % bands; shares,
    rates, ratios and densities go on along a line under "auto" (kzlib.assess.method_for). `prepared` is
    kzlib.trajectory.prepare of the same registry, figures and as_of, when the caller keeps it."""
    scenario = resolve(scenario, registry, overrides) or custom({})
    series = tj.series_by_indicator(observations, as_of) if prepared is None else prepared.series
    info = tj.indicator_info(registry) if prepared is None else prepared.info
    numeric = registry.numeric()
    columns: dict[str, list] = {c: [] for c in PROJECT_COLUMNS}

    def add(ind: str, years: np.ndarray, values: np.ndarray, kind: str, bands: Mapping[str, np.ndarray]) -> None:
        n = len(years)
        columns["indicator"].append(np.full(n, ind, dtype=object))
        columns["year"].append(np.asarray(years, dtype=int))
        columns["value"].append(np.asarray(values, dtype=float))
        columns["kind"].append(np.full(n, kind, dtype=object))
        for col in BAND:
            columns[col].append(bands.get(col, np.full(n, np.nan)))

    for ind, targets in numeric.groupby("indicator", sort=False):
        if ind not in series:
            continue
        years, values = series[ind]
        t, xt, end = int(years[-1]), float(values[-1]), int(targets["target_year"].max())
        linear = tj.method_for(info.get(str(ind), {}).get("measure"), method) == "linear"
        pace, path = _central(scenario, str(ind), years, values, targets, end, overrides, linear) \
            if end > t else (None, None)
        if path is None:
            add(str(ind), years, values, "observed", {})
            continue
        spread = tj.band(years, values, end, str(ind))
        at_last = np.where(years == t, xt, np.nan)
        add(str(ind), years, values, "observed", dict.fromkeys(BAND, at_last))
        future = np.asarray(path, dtype=float)
        add(str(ind), np.arange(t + 1, end + 1), future, "projected",
            {col: future * spread[p] if spread is not None else np.full(len(future), np.nan)
             for col, p in BAND.items()})
    if not columns["year"]:
        return pd.DataFrame(columns=PROJECT_COLUMNS)
    return pd.DataFrame({c: np.concatenate(parts) for c, parts in columns.items()}, columns=PROJECT_COLUMNS)


# ------------------------------------------------------------------------------ saved scenarios (the explorer)

NAME = re.compile(r"[A-Za-z][A-Za-z0-9_-]{0,39}")
USER_HEADER = (
    "# Scenarios saved from the scenario explorer (notebooks/explore.ipynb), merged with the plan's scenarios.yaml.\n"
    "# Assumptions, not observations. Fields as in the plan's scenarios.yaml; growth in percent a year, step in the\n"
    "# indicator's unit a year (percentage points for shares and rates).\n"
)


def _merged(registry, user: Path) -> dict[str, Scenario]:
    """the plan's scenarios.yaml and, when it exists, the user's file; a name defined in both is an error."""
    found = load_scenarios(paths.SCENARIOS, registry)
    if not user.exists():
        return found
    mine = load_scenarios(user, registry)
    clash = [name for name in mine if name in found]
    if clash:
        raise ScenarioError([Problem(paths.shown(user), f"scenario {name!r} is already defined in {paths.shown(paths.SCENARIOS)}; "
                                     "rename one of them", entry=name) for name in clash])
    return {**found, **mine}


def with_overrides(scenario: Scenario, overrides: Mapping[str, float], name: str, label_zh: str, label_en: str,
                   note_zh: str = "", note_en: str = "", steps: Mapping[str, float] | None = None) -> Scenario:
    """A new scenario: `scenario` with the given growth (fractions) or steps (change a year in the indicator's
    unit) in place of its own pace for those indicators."""
    return replace(overridden(scenario, overrides, steps), name=name, label_zh=label_zh, label_en=label_en,
                   assumption=True, note_zh=note_zh, note_en=note_en)


def entry_of(scenario: Scenario) -> dict:
    """A scenario as a scenarios file states it: rates in percent a year, empty fields left out."""
    out: dict = {"label_zh": scenario.label_zh, "label_en": scenario.label_en, "base": scenario.base}
    for key in ("growth", "shift"):
        rates = getattr(scenario, key)
        if rates:
            out[key] = {ind: round(100.0 * rate, 10) for ind, rate in rates.items()}
    if scenario.step:
        out["step"] = {ind: round(step, 10) for ind, step in scenario.step.items()}
    if scenario.values:
        out["values"] = {ind: dict(by_year) for ind, by_year in scenario.values.items()}
    if scenario.assumption:
        out["assumption"] = True
    for key in ("note_zh", "note_en"):
        if getattr(scenario, key):
            out[key] = getattr(scenario, key)
    return out


def _entry_indent(text: str) -> int:
    """Columns before the scenario names in a scenarios file (2 if it cannot tell)."""
    root = yaml.compose(text)
    for key, node in root.value if isinstance(root, yaml.MappingNode) else ():
        if key.value == "scenarios" and isinstance(node, yaml.MappingNode) and node.value:
            return node.value[0][0].start_mark.column
    return 2


def save_scenario(scenario: Scenario, path: str | Path | None = None, registry=None) -> Path:
    """Add a scenario at the end of a scenarios file (default: the user's), keeping what the file already says.

    Holds the file's folder lock (kzlib.files.locked), so a concurrent save or `kz data add` waits, and
    writes the file atomically: a save never loses another's scenario."""
    from kzlib import files

    path = Path(path) if path is not None else paths.USER_SCENARIOS
    file, name = paths.shown(path), scenario.name
    if not NAME.fullmatch(name):
        raise ScenarioError([Problem(file, f"scenario name {name!r}: expected a letter, then letters, digits, _ or - "
                                     "(at most 40 characters)", entry=name)])
    with files.locked(path.parent, f"saving scenario {name}"):
        files.clean_leftovers(path.parent, (f".{path.name}.tmp",))
        text, before = _with_scenario(scenario, path, file)
        with files.replacing(path) as tmp:
            tmp.write_text(text, encoding="utf-8")
            _check_saved(tmp, registry, before, name, file)
    return path


def _with_scenario(scenario: Scenario, path: Path, file: str) -> tuple[str, set[str]]:
    """The scenarios file's new text with the scenario added, and the names it held before."""
    name = scenario.name
    taken: dict[str, Path] = {}
    for other in dict.fromkeys((paths.SCENARIOS, paths.USER_SCENARIOS, path)):
        if other.exists():
            taken.update(dict.fromkeys(load_scenarios(other), other))  # names only
    if name in taken:
        raise ScenarioError([Problem(paths.shown(taken[name]), f"a scenario named {name!r} already exists; choose another "
                                     "name", entry=name)])
    block = yaml.safe_dump({name: entry_of(scenario)}, allow_unicode=True, sort_keys=False,
                           default_flow_style=None, width=1000)
    if path.exists():
        old = path.read_text(encoding="utf-8")
        text = old.rstrip("\n") + "\n" + textwrap.indent(block, " " * _entry_indent(old))
    else:
        text = USER_HEADER + "scenarios:\n" + textwrap.indent(block, "  ")
    return text, {n for n, p in taken.items() if p == path}


def _check_saved(tmp: Path, registry, before: set[str], name: str, file: str) -> None:
    """Raise ScenarioError unless the written file loads with exactly the old scenarios and the new one."""
    try:
        after = set(load_scenarios(tmp, registry))
    except ScenarioError as exc:
        raise ScenarioError([Problem(file, f"cannot add scenario {name!r}: {exc.problems[0].message}", entry=name)]) \
            from None
    if after != before | {name}:
        raise ScenarioError([Problem(file, f"cannot add scenario {name!r}: the file must end with its 'scenarios:' "
                                     "mapping", entry=name)])
