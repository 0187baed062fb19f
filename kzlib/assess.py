"""Progress of every target, judged the way Chinese plan evaluations judge it: against the time elapsed (序时进度).

The default method, "auto", follows the indicator's `measure`:

- amounts and counts (GDP, value added, output, revenue, incomes, numbers of firms) grow on a compound path: the
  growth ratio of Statistics Canada's Open SDG (`sdg-build`, sdg/ProgressMeasure.py), R = d * CAGR_observed /
  |CAGR_required|, paces in percent a year;
- shares, rates, ratios, scores and per-capita densities (城镇化率, 森林覆盖率, 每千人口…, 收入比) move on a linear path:
  R = 任务进度 / 时间进度 (share of the distance covered / share of the time elapsed), paces in 百分点 a year (or the
  indicator's own unit a year). Compounding a share misjudges it: a per-1000 density from 1.8 (2020) to 2.57
  (2022) against 4.5 in 2025 has a growth ratio near 1 but covered 28.5 % of the task in 40 % of the time.

`method="growth_ratio"` or `"linear"` forces one method; a zero or negative value always takes the linear form.
R is classed at settings.ON_TRACK, settings.NEEDS_ACCELERATION and 0, after attainment (already met -> achieved).

Rules for the other cases:

- one figure only (no change since the base point): met -> achieved (a floor: on_track), else insufficient_data
  with the gap; no figure at all -> no_data.
- `maintain` / `flow` (a floor to hold every year): the latest plan year decides. Held -> on_track, or at_risk
  when the trend breaks the floor before the target year (`break_year`); achieved only when the target year's
  figure holds. Not held -> moving_away if the value moved further from the floor since the previous figure,
  else lagging. Earlier broken years are listed in `broken_years`, not in the class.
- `compare` (居民收入增速高于GDP增速): the indicator against its `reference` series in each plan year; the latest year
  with both decides as for a floor; no_data names the series that is missing.
- `range`: met inside its bounds; outside, judged against the nearer bound.
- `benchmark` (a reference the plan does not quantify): not_assessable; `milestone`: the latest recorded state.
- achieved targets carry no gap and no pace needed; a probability below settings.RISK_PROBABILITY makes a target
  a risk whatever its class (`behind`).

The trajectory math (paces, goals, random-walk probabilities) is in kzlib.trajectory; scenarios in
kzlib.scenarios.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from kzlib import frames, scenarios, settings
from kzlib.trajectory import (
    FLOOR_KINDS,
    GROWTH_KINDS,
    METHODS,
    SIGN,
    Goal,
    Pace,
    Prepared,
    Walk,
    base_index,
    cagr,
    first_year,
    floor_base_year,
    goal_of,
    meets,
    met_since,
    method_for,
    missing,
    observed_pace,
    plan_pace,
    prepare,
    probability,
    random_walk,
    value_at,
)

SERIES_METHODS = ("growth_ratio", "linear")  # what `progress` takes: one series has no measure to choose by
LEVEL_KINDS = ("level", "share", "count", "ratio", "range")
MILESTONE_STATUS = {"done": "achieved", "in_progress": "in_progress", "not_started": "not_started"}
PERCENT_UNITS = ("%", "％")

COLUMNS = [
    "id", "action", "item", "indicator", "kind", "name_zh", "name_en", "unit", "unit_en", "comparator",
    "target_value", "value_high", "target_year", "direction", "firmness", "status", "ratio", "method",
    "base_year", "base_value", "latest_year", "latest_value", "n_obs", "gap", "observed_growth",
    "required_growth", "speedup", "projected_value", "year_met", "probability", "time_progress",
    "task_progress", "broken_years", "milestone_state", "reason", "scenario", "scenario_value",
    "scenario_status", "stated_value", "path_growth", "n_changes", "scenario_growth", "scenario_step", "scenario_year_met",
    "scenario_probability", "pace_unit", "required_pace", "observed_pace", "break_year", "measure", "prices",
    "real_growth", "real_growth_year", "reference", "reference_value", "repeat_of", "indicator_zh", "indicator_en",
    "reference_zh", "reference_en", "missing_series", "plan_base_year", "latest_flags", "recent_pace",
    "recent_projected",
]
INT_COLUMNS = ["base_year", "latest_year", "year_met", "scenario_year_met", "n_changes", "break_year",
               "real_growth_year", "plan_base_year"]
FLOAT_COLUMNS = [
    "target_value", "value_high", "ratio", "base_value", "latest_value", "gap", "observed_growth",
    "required_growth", "speedup", "projected_value", "probability", "time_progress", "task_progress",
    "scenario_value", "stated_value", "path_growth", "scenario_growth", "scenario_step", "scenario_probability",
    "required_pace",
    "observed_pace", "real_growth", "reference_value", "recent_pace", "recent_projected",
]


# --------------------------------------------------------------------------------------------------- one series

@dataclass(frozen=True)
class Progress:
    """The judgement of one series against one target value."""

    status: str
    ratio: float | None
    method: str
    time_progress: float | None  # 时间进度: (t - t0) / (T - t0)
    task_progress: float | None  # 任务进度: d * (xt - x0) / |X - x0|
    observed_growth: float | None  # CAGR base -> latest
    required_growth: float | None  # CAGR latest -> target year (今后需年均增长)
    path_growth: float | None  # CAGR base -> target (Open SDG's cagr_r)
    note: str = ""
    observed_step: float | None = None  # change a year, base -> latest (the linear pace)
    required_step: float | None = None  # change a year still needed, latest -> target year


def classify(ratio: float) -> str:
    """The status class of a growth ratio (or linear ratio)."""
    if ratio >= settings.ON_TRACK:
        return "on_track"
    if ratio >= settings.NEEDS_ACCELERATION:
        return "needs_acceleration"
    if ratio >= 0:
        return "lagging"
    return "moving_away"


def progress(base_year: int, base_value: float, latest_year: int, latest_value: float, target_year: int,
             target_value: float, direction: str, method: str = "growth_ratio",
             comparator: str | None = None) -> Progress:
    """Judge one series (base point, latest point) against a target value in a target year."""
    if method not in SERIES_METHODS:
        raise ValueError(f"unknown method {method!r}; expected one of {', '.join(SERIES_METHODS)}")
    if direction not in SIGN:
        raise ValueError(f"direction must be 'up' or 'down', not {direction!r}")
    if any(missing(v) for v in (base_value, latest_value, target_value)):
        return Progress("no_data", None, method, None, None, None, None, None, "no observation")
    d = SIGN[direction]
    t0, x0, t, xt, tt, x = int(base_year), float(base_value), int(latest_year), float(latest_value), \
        int(target_year), float(target_value)
    elapsed, total, distance = t - t0, tt - t0, x - x0
    time_p = elapsed / total if total > 0 else None
    task_p = d * (xt - x0) / abs(distance) if not math.isclose(x, x0, rel_tol=1e-12, abs_tol=0.0) else None
    positive = x0 > 0 and xt > 0 and x > 0
    observed, path, required = cagr(x0, xt, elapsed), cagr(x0, x, total), cagr(xt, x, tt - t)
    steps = ((xt - x0) / elapsed if elapsed > 0 else None, (x - xt) / (tt - t) if tt > t else None)
    achieved = bool(meets(xt, x, direction, comparator))
    ratio, used, note = None, method, ""
    if elapsed <= 0:
        fallback, note = "insufficient_data", f"one figure only ({t}) from the base year on: a pace needs two"
    elif total <= 0:
        fallback, note = "not_assessable", f"target year {tt} is not after the base year {t0}"
    elif math.isclose(x, x0, rel_tol=1e-12, abs_tol=0.0):
        fallback = "moving_away"
        note = "target equals the base value" + ("" if achieved else "; the latest value is on the wrong side of it")
    else:
        if method == "linear" or not positive:
            used = "linear"
            ratio = task_p / time_p
            if method != "linear":
                note = ("zero or negative value: linear form (share of distance covered / share of time elapsed) "
                        "used instead of the growth ratio")
        else:
            ratio = d * observed / abs(path)
        fallback = classify(ratio)
    return Progress("achieved" if achieved else fallback, ratio, used, time_p, task_p, observed, required, path,
                    note, *steps)


# ------------------------------------------------------------------------------------------------- one target

def _identity(tg: Mapping, info: Mapping) -> dict:
    out = {c: tg.get(c) for c in ("id", "action", "item", "indicator", "kind", "name_zh", "name_en", "unit",
                                  "unit_en", "comparator", "value_high", "target_year", "direction", "firmness",
                                  "reference", "repeat_of")}
    # for growth, change and multiple the level to reach is known only once a base value is
    out["target_value"] = None if tg.get("kind") in GROWTH_KINDS else tg.get("value")
    out["stated_value"] = tg.get("value")
    out["plan_base_year"] = tg.get("base_year")  # the year the plan measures a change or multiple from
    out["broken_years"] = []
    out["measure"], out["prices"] = info.get("measure"), info.get("prices")
    out["indicator_zh"], out["indicator_en"] = info.get("name_zh"), info.get("name_en")
    return out


def _milestone(tg: Mapping, milestones: pd.DataFrame | None) -> dict:
    if milestones is None:
        return {"status": "no_data", "reason": "milestone states were not given"}
    ids = {tg["id"], *([] if missing(tg.get("repeat_of")) else [tg["repeat_of"]])}  # a repeat shares its state
    rows = milestones[milestones["target"].isin(ids)]
    if rows.empty:
        return {"status": "no_data", "reason": "no milestone state recorded"}
    last = rows.sort_values("year", kind="stable").iloc[-1]
    state = str(last["state"])
    return {"status": MILESTONE_STATUS.get(state, "no_data"), "milestone_state": state,
            "latest_year": int(last["year"]), "n_obs": len(rows),
            "reason": "" if state in MILESTONE_STATUS else f"unknown milestone state {state!r}"}


def _paces(p: Progress, linear: bool, unit: str) -> dict:
    """Pace unit and the required and observed paces in it (percent a year, points a year, or unit a year)."""
    if p.method == "linear" or linear:
        return {"pace_unit": "points" if unit in PERCENT_UNITS else (unit or "units"),
                "required_pace": p.required_step, "observed_pace": p.observed_step}
    pct = [None if g is None else 100.0 * g for g in (p.required_growth, p.observed_growth)]
    return {"pace_unit": "percent", "required_pace": pct[0], "observed_pace": pct[1]}


def _observed(pace: Pace | None, unit: str) -> dict:
    """The pace so far of a floor's series in its pace unit (the trend its outlook follows)."""
    if pace is None:
        return {}
    if pace.growth is not None:
        return {"pace_unit": "percent", "observed_pace": 100.0 * pace.growth}
    return {"pace_unit": "points" if unit in PERCENT_UNITS else (unit or "units"), "observed_pace": pace.step}


def _recent(years: np.ndarray, values: np.ndarray, linear: bool, end: int) -> dict:
    """The latest year's own change (a growth rate in percent, or a step) and where it leads by `end`, when the
    year before has a figure: beside a pace averaged over several years it shows a recent turn."""
    if len(years) < 2 or int(years[-1]) - int(years[-2]) != 1:
        return {}
    prev, xt, t = float(values[-2]), float(values[-1]), int(years[-1])
    if linear or prev <= 0 or xt <= 0:
        step = xt - prev
        return {"recent_pace": step, "recent_projected": xt + step * (end - t)}
    g = xt / prev - 1.0
    return {"recent_pace": 100.0 * g, "recent_projected": xt * (1.0 + g) ** (end - t)}


def _speedup(need: float | None, seen: float | None, d: int) -> float | None:
    """How many times the pace so far the pace still needed is (both must go the target's way)."""
    if need is None or seen is None or not seen or d * need <= 0 or d * seen <= 0:
        return None
    return need / seen


def _scenario_outcome(goal: Goal, space: Pace, walk: Walk | None, ind: str, years: np.ndarray,
                      values: np.ndarray, t0: int, x0: float, method: str, status: str) -> dict:
    """The value in the target year under a scenario's pace, its status, year met and probability."""
    t, xt = int(years[-1]), float(values[-1])
    out: dict = {"scenario_growth": space.growth, "scenario_step": space.step}
    sv = value_at(space, t, xt, goal.year)
    if sv is None:
        return out
    out["scenario_value"] = sv
    out["scenario_status"] = _judge(goal, t0, x0, goal.year, sv, method).status if goal.year > t0 else status
    out["scenario_year_met"] = met_since(goal, years, values) if goal.hit(xt) and goal.hit(sv) \
        else first_year(goal, space, t, xt)
    if not space.values:
        out["scenario_probability"] = probability(goal, walk, ind, t, xt, space)
    return out


def _judge(goal: Goal, t0: int, x0: float, t: int, xt: float, method: str) -> Progress:
    """Progress towards the goal (a range towards its nearer bound; inside it, the lower bound is met)."""
    g = goal.facing(xt)
    return progress(t0, x0, t, xt, g.year, g.value, g.direction, method, g.comparator)


def _floor(tg: Mapping, goal: Goal, years: np.ndarray, values: np.ndarray, walk: Walk | None,
           pace: Pace | None, space: Pace | None) -> dict:
    """A maintain/flow target: the floor must hold every plan year; the latest plan year decides."""
    end, d = goal.year, SIGN[goal.direction]
    in_plan = (years >= settings.PLAN_START) & (years <= end)
    plan_years = end - settings.PLAN_START + 1
    held = np.asarray(goal.hit(values[in_plan]))
    broken = [int(y) for y in years[in_plan][~held]]
    out: dict = {"broken_years": broken, "method": "every_year", "task_progress": int(held.sum()) / plan_years}
    if not in_plan.any():
        t, xt = int(years[-1]), float(values[-1])
        out.update(status="insufficient_data", gap=None if goal.hit(xt) else d * (goal.value - xt),
                   reason=f"no figure in the plan period ({settings.PLAN_START}-{end}) yet")
        return out
    idx = np.nonzero(in_plan)[0][-1]
    t, xt = int(years[idx]), float(values[idx])
    out["time_progress"] = min(max(t - settings.PLAN_START + 1, 0), plan_years) / plan_years
    earlier = f"; broke it in {', '.join(map(str, broken))}" if broken else ""
    if goal.hit(xt):
        future = pace.path(t, xt, end) if pace is not None and end > t else np.array([])
        breaking = np.nonzero(~np.asarray(goal.hit(future)))[0] if len(future) else []
        if t >= end:
            out.update(status="achieved", reason=f"held the floor in the target year {end}{earlier}")
        elif len(breaking):
            out.update(status="at_risk", break_year=t + 1 + int(breaking[0]),
                       reason=f"holds the floor in {t}, but the trend breaks it in {t + 1 + int(breaking[0])}{earlier}")
        else:
            out.update(status="on_track", reason=f"holds the floor in {t}" + (
                "" if pace is not None else " (one figure: no trend yet)") + earlier)
    elif len(values) == 1:
        out.update(status="insufficient_data", gap=d * (goal.value - xt),
                   reason=f"one figure only ({t}), short of the floor: too few to judge")
    else:
        before = values[:idx]
        worse = len(before) > 0 and d * (xt - float(before[-1])) < 0
        out.update(status="moving_away" if worse else "lagging", gap=d * (goal.value - xt),
                   reason=f"below the floor in {t}" + ("; moving further from it" if worse else "") + earlier)
    out["projected_value"] = value_at(pace, t, xt, end)
    first_open = max(t + 1, settings.PLAN_START)
    out["probability"] = None if end <= t else \
        probability(goal, walk, tg["indicator"], t, xt, None, floor_from=first_open)
    if space is not None and end > t:
        path = space.path(t, xt, end)
        breaks = ~np.asarray(goal.hit(path))
        out["scenario_value"] = float(path[-1])
        out["scenario_status"] = out["status"] if out["status"] in ("lagging", "moving_away") else (
            "at_risk" if breaks.any() else "on_track")
        out["scenario_growth"], out["scenario_step"] = space.growth, space.step
        out["scenario_probability"] = probability(goal, walk, tg["indicator"], t, xt, space, first_open) \
            if not space.values else None
    return out


def _numeric(tg: Mapping, info: Mapping, years: np.ndarray, values: np.ndarray, method: str, scenario,
             overrides: Mapping[str, float] | None) -> dict:
    """Judge a numeric target on its indicator's series."""
    kind, ind = tg["kind"], tg["indicator"]
    base_year = settings.DEFAULT_BASE_YEAR if pd.isna(tg.get("base_year")) else int(tg["base_year"])
    i = base_index(years, base_year)
    t0, x0, t, xt = int(years[i]), float(values[i]), int(years[-1]), float(values[-1])
    out = {"base_year": t0, "base_value": x0, "latest_year": t, "latest_value": xt, "n_obs": len(years),
           "n_changes": len(years) - 1}
    reasons = []
    if t0 > base_year:
        reasons.append(f"no observation at or before base year {base_year}; the earliest later one ({t0}) is the base")
    if kind in GROWTH_KINDS and x0 <= 0:
        out.update(status="not_assessable", reason="; ".join([*reasons, f"a {kind} target needs a positive base value"]))
        return out
    used = method_for(info.get("measure"), method)
    linear = used == "linear"
    goal = goal_of(tg, x0, t0)
    walk = random_walk(years, values)
    if kind in FLOOR_KINDS:  # its outlook follows the plan years' trend
        base_year = floor_base_year(years, base_year)
        i = base_index(years, base_year)
        out.update(base_year=int(years[i]), base_value=float(values[i]))
    pace = observed_pace(years, values, base_year, linear)
    space = None
    if scenario is not None:
        space = scenarios.scenario_pace(scenario, ind, years, values, plan_pace(goal, kind, t, xt, linear), overrides,
                                        linear, base_year if kind in FLOOR_KINDS else settings.DEFAULT_BASE_YEAR)
    out["target_value"] = goal.value
    if kind in FLOOR_KINDS:
        out.update(_floor(tg, goal, years, values, walk, pace, space))
        out.update(_observed(pace, str(tg.get("unit") or info.get("unit") or "")))
        out["reason"] = "; ".join([*reasons, out["reason"]])
        return out
    p = _judge(goal, t0, x0, t, xt, used)
    facing = goal.facing(xt)
    d = SIGN[facing.direction]
    achieved = p.status == "achieved"
    if p.note:
        reasons.append(p.note)
    if goal.high is not None and not achieved:
        reasons.append(f"outside the range: judged against the {'upper' if facing.direction == 'down' else 'lower'} bound")
    out.update(status=p.status, ratio=p.ratio, method=p.method, time_progress=p.time_progress,
               task_progress=p.task_progress, observed_growth=p.observed_growth, path_growth=p.path_growth,
               year_met=met_since(goal, years, values) if achieved else first_year(goal, pace, t, xt),
               projected_value=value_at(pace, t, xt, goal.year), reason="; ".join(reasons))
    paces = _paces(p, linear, str(tg.get("unit") or info.get("unit") or ""))
    if achieved:  # nothing more is needed: no gap, no pace to reach
        out.update(pace_unit=paces["pace_unit"], observed_pace=paces["observed_pace"])
    else:
        out.update(paces, gap=d * (facing.value - xt), required_growth=p.required_growth,
                   speedup=_speedup(paces["required_pace"], paces["observed_pace"], d))
    if not achieved and t - t0 > 1:
        out.update(_recent(years, values, linear, goal.year))
    if goal.year <= t:
        out["probability"] = 1.0 if achieved else 0.0
    elif p.status != "insufficient_data":
        out["probability"] = probability(goal, walk, ind, t, xt, None)
    if space is not None:
        out.update(_scenario_outcome(goal, space, walk, ind, years, values, t0, x0, used, p.status))
    return out


def _compare(tg: Mapping, series: Mapping[str, tuple[np.ndarray, np.ndarray]], info: Mapping[str, Mapping]) -> dict:
    """A target that one series beat (or keep pace with) another in each plan year; the latest year decides."""
    ind, ref, end = tg["indicator"], tg["reference"], int(tg["target_year"])
    names = {f"reference_{lang}": info.get(ref, {}).get(f"name_{lang}") for lang in settings.LANGS}
    missing_ = [i for i in (ind, ref) if i not in series]
    if missing_:
        return {**names, "status": "no_data", "missing_series": ";".join(missing_),
                "reason": "no figures of " + " or ".join(missing_)}
    a, b = (dict(zip(*series[i], strict=True)) for i in (ind, ref))
    common = sorted(y for y in set(a) & set(b) if settings.PLAN_START <= y <= end)
    if not common:
        return {**names, "status": "insufficient_data", "reason": f"no plan year ({settings.PLAN_START}-{end}) with both "
                                                         f"{ind} and {ref}"}
    comparator = str(tg.get("comparator") or ">")

    def holds(y: int) -> bool:
        diff = a[y] - b[y]
        if comparator in ("~", "="):
            return abs(diff) <= settings.SAME_PACE_POINTS
        return diff > 0 if comparator == ">" else diff >= 0

    broken = [y for y in common if not holds(y)]
    t = common[-1]
    out = {**names, "latest_year": t, "latest_value": a[t], "reference_value": b[t], "n_obs": len(common),
           "broken_years": broken, "method": "comparison"}
    if holds(t):
        out.update(status="achieved" if t >= end else "on_track", reason=f"held in {t}")
    else:
        gap = abs(a[t] - b[t]) if comparator in ("~", "=") else b[t] - a[t]
        before = [y for y in common if y < t]
        shortfall = [b[y] - a[y] for y in (before[-1], t)] if before and comparator not in ("~", "=") else []
        worse = len(shortfall) == 2 and shortfall[1] > shortfall[0]
        out.update(status="moving_away" if worse else "lagging", gap=gap, pace_unit="points",
                   reason=f"not held in {t}" + ("; the shortfall grew" if worse else ""))
    return out


def _assess_target(tg: Mapping, info: Mapping[str, Mapping], series: Mapping[str, tuple[np.ndarray, np.ndarray]],
                   milestones, method: str, scenario, overrides, as_of: int | None) -> dict:
    own = info.get(tg.get("indicator"), {})
    out = _identity(tg, own)
    kind = tg.get("kind")
    if kind == "milestone":
        out.update(_milestone(tg, milestones))
    elif kind == "benchmark":
        out.update(status="not_assessable",
                   reason="compared with a reference the plan does not quantify (national or municipal level)")
    elif kind == "compare":
        out.update(_compare(tg, series, info))
    elif kind not in LEVEL_KINDS + GROWTH_KINDS + FLOOR_KINDS:
        out.update(status="not_assessable", reason=f"kind {kind!r} has no rule of judgement")
    elif missing(tg.get("indicator")) or missing(tg.get("value")):
        out.update(status="not_assessable", reason="a numeric target needs an indicator and a value")
    elif tg["indicator"] not in series:
        cut = f" up to {as_of}" if as_of is not None else ""
        out.update(status="no_data", reason=f"no figures of {tg['indicator']}{cut}")
    else:
        years, values = series[tg["indicator"]]
        out.update(_numeric(tg, own, years, values, method, scenario, overrides))
    real = own.get("real_growth")
    if not missing(real) and real in series and out.get("required_growth") is not None:
        years, values = series[real]
        out.update(real_growth=float(values[-1]), real_growth_year=int(years[-1]))
    if scenario is not None:
        out["scenario"] = scenario.name
        out.setdefault("scenario_status", "no_data" if kind not in ("milestone", "benchmark") else out["status"])
    return out


# ------------------------------------------------------------------------------------------------- all targets

def assess(registry, observations: pd.DataFrame, as_of: int | None = None, scenario=None,
           method: str = "auto", milestones: pd.DataFrame | None = None,
           overrides: Mapping[str, float] | None = None, action: int | None = None, *,
           prepared: Prepared | None = None) -> pd.DataFrame:
    """One row per target: status, ratio, base and latest points, gap, pace, probability, scenario outcome.
    `prepared` is kzlib.trajectory.prepare of the same registry, figures, milestones and as_of, when the caller
    keeps it."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")
    scenario = scenarios.resolve(scenario, registry, overrides)
    targets = registry.targets if action is None else registry.targets[registry.targets["action"] == int(action)]
    if milestones is not None and as_of is not None:
        milestones = milestones[milestones["year"] <= as_of]
    prepared = prepared or prepare(registry, observations, milestones, as_of)
    rows = [_assess_target(tg, prepared.info, prepared.series, milestones, method, scenario, overrides, as_of)
            for tg in frames.records(targets)]
    columns: dict[str, Any] = {c: [r.get(c, np.nan) for r in rows] for c in COLUMNS}  # typed once, then framed
    for col in INT_COLUMNS:
        columns[col] = pd.array([None if missing(v) else int(v) for v in columns[col]], dtype="Int64")
    for col in FLOAT_COLUMNS:
        columns[col] = _floats(columns[col])
    columns["n_obs"] = np.array([0 if missing(v) else int(v) for v in columns["n_obs"]], dtype=int)
    columns["reason"] = ["" if missing(v) else v for v in columns["reason"]]
    columns["latest_flags"] = _latest_flags(rows, prepared)
    return pd.DataFrame(columns, columns=COLUMNS)


def _floats(values: list) -> np.ndarray:
    """A column of numbers as floats, NaN where missing or not a number."""
    try:
        return np.array([np.nan if missing(v) else float(v) for v in values], dtype=float)
    except (TypeError, ValueError):
        return pd.to_numeric(pd.Series(values, dtype=object), errors="coerce").astype(float).to_numpy()


def _latest_flags(rows: list[Mapping], prepared: Prepared) -> list[str]:
    """The flags (`;`-separated) of the figure or record each row's judgement rests on: its latest one."""
    out = []
    for row in rows:
        year = row.get("latest_year")
        if missing(year):
            out.append("")
        elif row.get("kind") == "milestone":
            own = [prepared.record_flags.get((t, int(year))) for t in (row.get("id"), row.get("repeat_of"))
                   if not missing(t)]
            out.append(next((f for f in own if f is not None), ""))
        else:
            out.append(prepared.figure_flags.get((row.get("indicator"), int(year)), ""))
    return out


WEAK_FLAGS = ("secondary", "inferred_year")  # a figure from a repost or of a guessed year is to be verified


def weak(row: Mapping) -> bool:
    """Whether the figure a judgement rests on is to be verified (a repost, or a year inferred)."""
    return bool(set(str(row.get("latest_flags") or "").split(";")) & set(WEAK_FLAGS))


RISK_STATUSES = ("moving_away", "lagging", "needs_acceleration", "at_risk")


def is_risk(row: Mapping, now: int | None = None) -> bool:
    """Whether a target is a risk: behind its time (or at risk of breaking a floor), unlikely to be met, or a
    milestone not started within settings.MILESTONE_RISK_YEARS of its year (kzlib.assess.late_start)."""
    chance = row.get("probability")
    return row.get("status") in RISK_STATUSES or late_start(row, now) or (
        not missing(chance) and chance < settings.RISK_PROBABILITY and row.get("status") != "achieved")


def late_start(row: Mapping, now: int | None = None) -> bool:
    """A milestone still not started by its latest record, with settings.MILESTONE_RISK_YEARS or fewer left before
    its year: counted from `now` (the year the brief is read in) when given, else from the record's year."""
    year, due = row.get("latest_year"), row.get("target_year")
    if row.get("status") != "not_started" or missing(due) or (missing(year) and now is None):
        return False
    return int(due) - int(now if now is not None else year) <= settings.MILESTONE_RISK_YEARS


def behind(table: pd.DataFrame, n: int = 10, now: int | None = None) -> pd.DataFrame:
    """The `n` targets most at risk, each counted once (kzlib.assess.counted): those resting on firm figures before
    those resting on a figure to verify (kzlib.assess.weak); then unlikely to be met first (probability below
    settings.RISK_PROBABILITY), then by status (moving away, lagging, needs acceleration, at risk), then the lowest
    ratio (targets without one last)."""
    table = counted(table)
    rows = table[pd.Series([is_risk(r, now) for r in frames.records(table)], index=table.index, dtype=bool)].copy()
    chance = pd.to_numeric(rows.get("probability", pd.Series(np.nan, index=rows.index)), errors="coerce")
    rows["_unlikely"] = ~(chance < settings.RISK_PROBABILITY)
    rows["_weak"] = [weak(r) for r in frames.records(rows)]
    rows["_rank"] = rows["status"].map(lambda s: RISK_STATUSES.index(s) if s in RISK_STATUSES else len(RISK_STATUSES))
    rows["_ratio"] = pd.to_numeric(rows.get("ratio", pd.Series(np.nan, index=rows.index)), errors="coerce")
    rows = rows.sort_values(["_weak", "_unlikely", "_rank", "_ratio"], na_position="last", kind="stable").head(n)
    return rows.drop(columns=["_weak", "_unlikely", "_rank", "_ratio"])


def counted(table: pd.DataFrame) -> pd.DataFrame:
    """Every target of the table once: a repeat is left out when the target it repeats is in the table too (the
    whole plan counts a repeated target where it first stands; an action's own rows keep one it repeats from
    another action)."""
    if "repeat_of" not in table:
        return table
    return table[~table["repeat_of"].isin(set(table["id"]))]
