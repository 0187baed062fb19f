"""Progress of every target: base and latest points, growth ratio, gap, pace, probability and scenarios.

The default method is the growth ratio of Statistics Canada's Open SDG (`sdg-build`, sdg/ProgressMeasure.py):
attainment first, then R = d * CAGR_observed / |CAGR_required| classed at settings.ON_TRACK and
settings.NEEDS_ACCELERATION and 0. Where the growth ratio is meaningless (a zero or negative value) the linear
form is used instead: share of the distance covered / share of the time elapsed, with the same thresholds.

Rules this module adds for kinds Open SDG does not have:

- `maintain` / `flow`: every observed year of the plan period (settings.PLAN_START to the target year) must hold
  the floor. None broken -> achieved; the latest year broken and the value moved further from the floor
  since the previous figure -> moving_away; the latest year broken otherwise (a single figure, or moving back
  towards the floor) -> lagging; an earlier year broken but the latest held -> lagging. The broken years are
  listed in `broken_years`.
- `range`: met inside its bounds; outside, judged against the nearer bound (below -> reach the lower bound,
  higher is better; above -> come down to the upper bound, lower is better).
- `~` (左右) and `=` are judged as reaching the value in the target's direction.

The trajectory math (paces, goals, random-walk probabilities) is in kzlib.trajectory; scenarios in
kzlib.scenarios.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass

import numpy as np
import pandas as pd

from kzlib import scenarios, settings
from kzlib.trajectory import (
    FLOOR_KINDS,
    GROWTH_KINDS,
    SIGN,
    Goal,
    Pace,
    Walk,
    base_index,
    cagr,
    first_year,
    goal_of,
    meets,
    met_since,
    missing,
    observed_pace,
    plan_pace,
    probability,
    random_walk,
    series_by_indicator,
    value_at,
)

METHODS = ("growth_ratio", "linear")
LEVEL_KINDS = ("level", "share", "count", "ratio")
MILESTONE_STATUS = {"done": "achieved", "in_progress": "in_progress", "not_started": "not_started"}

COLUMNS = [
    "id", "action", "item", "indicator", "kind", "name_zh", "name_en", "unit", "unit_en", "comparator",
    "target_value", "value_high", "target_year", "direction", "firmness", "status", "ratio", "method",
    "base_year", "base_value", "latest_year", "latest_value", "n_obs", "gap", "observed_growth",
    "required_growth", "speedup", "projected_value", "year_met", "probability", "time_progress",
    "task_progress", "broken_years", "milestone_state", "reason", "scenario", "scenario_value",
    "scenario_status", "stated_value", "path_growth", "n_changes", "scenario_growth", "scenario_year_met",
    "scenario_probability",
]
INT_COLUMNS = ["base_year", "latest_year", "year_met", "scenario_year_met", "n_changes"]
FLOAT_COLUMNS = [
    "target_value", "value_high", "ratio", "base_value", "latest_value", "gap", "observed_growth",
    "required_growth", "speedup", "projected_value", "probability", "time_progress", "task_progress",
    "scenario_value", "stated_value", "path_growth", "scenario_growth", "scenario_probability",
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
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")
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
    achieved = bool(meets(xt, x, direction, comparator))
    ratio, used, note = None, method, ""
    if elapsed <= 0:
        fallback, note = "no_data", f"only one observation ({t}) from the base year on: progress needs a later one"
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
    return Progress("achieved" if achieved else fallback, ratio, used, time_p, task_p, observed, required, path, note)


# --------------------------------------------------------------------------------------------- random walk

















# ------------------------------------------------------------------------------------------------ paths









# ------------------------------------------------------------------------------------------------- goals







def _judge(goal: Goal, t0: int, x0: float, t: int, xt: float, method: str) -> Progress:
    """Progress towards the goal (a range towards its nearer bound; inside it, the lower bound is met)."""
    g = goal.facing(xt)
    return progress(t0, x0, t, xt, g.year, g.value, g.direction, method, g.comparator)










# ------------------------------------------------------------------------------------------------- scenarios





# ------------------------------------------------------------------------------------------------- one target

def _identity(tg: Mapping) -> dict:
    out = {c: tg.get(c) for c in ("id", "action", "item", "indicator", "kind", "name_zh", "name_en", "unit",
                                  "unit_en", "comparator", "value_high", "target_year", "direction", "firmness")}
    # for growth, change and multiple the level to reach is known only once a base value is
    out["target_value"] = None if tg.get("kind") in GROWTH_KINDS else tg.get("value")
    out["stated_value"] = tg.get("value")
    out["broken_years"] = []
    return out


def _milestone(tg: Mapping, milestones: pd.DataFrame | None) -> dict:
    if milestones is None:
        return {"status": "no_data", "reason": "milestone states were not given"}
    rows = milestones[milestones["target"] == tg["id"]]
    if rows.empty:
        return {"status": "no_data", "reason": "no milestone state observed"}
    last = rows.sort_values("year", kind="stable").iloc[-1]
    state = str(last["state"])
    return {"status": MILESTONE_STATUS.get(state, "no_data"), "milestone_state": state,
            "latest_year": int(last["year"]), "n_obs": len(rows),
            "reason": "" if state in MILESTONE_STATUS else f"unknown milestone state {state!r}"}


def _floor_target(tg: Mapping, goal: Goal, years: np.ndarray, values: np.ndarray, walk: Walk | None,
                  pace: Pace | None, space: Pace | None) -> dict:
    """A maintain/flow target: every plan year up to the target year must hold the floor."""
    t, xt, end = int(years[-1]), float(values[-1]), goal.year
    in_plan = (years >= settings.PLAN_START) & (years <= end)
    held = np.asarray(goal.hit(values[in_plan]))
    broken = [int(y) for y in years[in_plan][~held]]
    plan_years = end - settings.PLAN_START + 1
    d = SIGN[goal.direction]
    out = {"gap": d * (goal.value - xt), "broken_years": broken, "method": "every_year",
           "time_progress": min(max(t - settings.PLAN_START + 1, 0), plan_years) / plan_years,
           "task_progress": int(held.sum()) / plan_years}
    if not in_plan.any():
        out.update(status="no_data", reason=f"no observation in the plan period ({settings.PLAN_START}-{end}) yet")
    elif not broken:
        span = f"{int(years[in_plan][0])}-{int(years[in_plan][-1])}"
        out.update(status="achieved", reason=f"held the floor in every observed plan year ({span})")
    elif broken[-1] == t:
        worse = len(values) > 1 and d * (xt - float(values[-2])) < 0
        out.update(status="moving_away" if worse else "lagging",
                   reason=f"below the floor in {', '.join(map(str, broken))}, including the latest year"
                          + ("; moving further from it" if worse else ""))
    else:
        out.update(status="lagging", reason=f"broke the floor in {', '.join(map(str, broken))}; held it in {t}")
    out["projected_value"] = value_at(pace, t, xt, end)
    first_open = max(t + 1, settings.PLAN_START)
    out["probability"] = (0.0 if broken else 1.0) if end <= t else \
        probability(goal, walk, tg["indicator"], t, xt, None, floor_from=first_open)
    if space is not None and end > t:
        path = space.path(t, xt, end)
        future = np.arange(t + 1, end + 1)
        breaks = ~np.asarray(goal.hit(path)) & (future >= settings.PLAN_START)
        out["scenario_value"] = float(path[-1])
        out["scenario_status"] = "moving_away" if breaks.any() else ("lagging" if broken else "achieved")
        out["scenario_growth"] = space.growth
        out["scenario_probability"] = probability(goal, walk, tg["indicator"], t, xt, space.growth, first_open) \
            if space.growth is not None and not space.values else None
    return out


def _numeric(tg: Mapping, years: np.ndarray, values: np.ndarray, method: str, scenario,
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
    goal = goal_of(tg, x0, t0)
    walk = random_walk(years, values)
    pace = observed_pace(years, values, base_year)
    space = None
    if scenario is not None:
        space = scenarios.scenario_pace(scenario, ind, years, values, plan_pace(goal, kind, t, xt), overrides)
    out["target_value"] = goal.value
    if kind in FLOOR_KINDS:
        out.update(_floor_target(tg, goal, years, values, walk, pace, space))
        out["reason"] = "; ".join([*reasons, out["reason"]])
        return out
    p = _judge(goal, t0, x0, t, xt, method)
    facing = goal.facing(xt)
    d = SIGN[facing.direction]
    achieved = p.status == "achieved"
    if p.note:
        reasons.append(p.note)
    if goal.high is not None and not achieved:
        reasons.append(f"outside the range: judged against the {'upper' if facing.direction == 'down' else 'lower'} bound")
    speedup = None
    if not achieved and p.required_growth is not None and p.observed_growth:
        if d * p.required_growth > 0 and d * p.observed_growth > 0:
            speedup = p.required_growth / p.observed_growth
    elif not achieved and p.observed_growth is None and pace is not None and pace.step and t < goal.year:
        need_step = (facing.value - xt) / (goal.year - t)
        speedup = need_step / pace.step if d * need_step > 0 and d * pace.step > 0 else None
    out.update(
        status=p.status, ratio=p.ratio, method=p.method, time_progress=p.time_progress,
        task_progress=p.task_progress, observed_growth=p.observed_growth, required_growth=p.required_growth,
        path_growth=p.path_growth, speedup=speedup,
        gap=0.0 if (goal.high is not None and achieved) else d * (facing.value - xt),
        projected_value=value_at(pace, t, xt, goal.year),
        year_met=met_since(goal, years, values) if achieved else first_year(goal, pace, t, xt),
        reason="; ".join(reasons),
    )
    if goal.year <= t:
        out["probability"] = 1.0 if achieved else 0.0
    else:
        out["probability"] = probability(goal, walk, ind, t, xt, None)
    if space is not None:
        sv = value_at(space, t, xt, goal.year)
        out["scenario_growth"] = space.growth
        if sv is not None:
            out["scenario_value"] = sv
            out["scenario_status"] = _judge(goal, t0, x0, goal.year, sv, method).status if goal.year > t0 \
                else p.status
            out["scenario_year_met"] = met_since(goal, years, values) if achieved and goal.hit(sv) \
                else first_year(goal, space, t, xt)
            if space.growth is not None and not space.values:
                out["scenario_probability"] = probability(goal, walk, ind, t, xt, space.growth)
    return out


def _assess_target(tg: Mapping, series: Mapping[str, tuple[np.ndarray, np.ndarray]], milestones, method: str,
                   scenario, overrides, as_of: int | None) -> dict:
    out = _identity(tg)
    kind = tg.get("kind")
    if kind == "milestone":
        out.update(_milestone(tg, milestones))
    elif kind == "benchmark":
        out.update(status="not_assessable",
                   reason="compared with a reference the plan does not quantify (national or municipal level)")
    elif kind not in LEVEL_KINDS + GROWTH_KINDS + FLOOR_KINDS + ("range",):
        out.update(status="not_assessable", reason=f"kind {kind!r} cannot be judged by {method}")
    elif missing(tg.get("indicator")) or missing(tg.get("value")):
        out.update(status="not_assessable", reason="a numeric target needs an indicator and a value")
    elif tg["indicator"] not in series:
        cut = f" up to {as_of}" if as_of is not None else ""
        out.update(status="no_data", reason=f"no observations of {tg['indicator']}{cut}")
    else:
        years, values = series[tg["indicator"]]
        out.update(_numeric(tg, years, values, method, scenario, overrides))
    if scenario is not None:
        out["scenario"] = scenario.name
        out.setdefault("scenario_status", "no_data" if kind not in ("milestone", "benchmark") else out["status"])
    return out


# ------------------------------------------------------------------------------------------------- all targets



def assess(registry, observations: pd.DataFrame, as_of: int | None = None, scenario=None,
           method: str = "growth_ratio", milestones: pd.DataFrame | None = None,
           overrides: Mapping[str, float] | None = None, action: int | None = None) -> pd.DataFrame:
    """One row per target: status, ratio, base and latest points, gap, pace, probability, scenario outcome."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")
    scenario = scenarios.resolve(scenario, registry, overrides)
    targets = registry.targets if action is None else registry.targets[registry.targets["action"] == int(action)]
    if milestones is not None and as_of is not None:
        milestones = milestones[milestones["year"] <= as_of]
    series = series_by_indicator(observations, as_of)
    rows = [_assess_target(tg, series, milestones, method, scenario, overrides, as_of)
            for tg in targets.to_dict("records")]
    df = pd.DataFrame(rows, columns=COLUMNS)
    for col in INT_COLUMNS:
        df[col] = pd.array([None if missing(v) else int(v) for v in df[col]], dtype="Int64")
    for col in FLOAT_COLUMNS:
        df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
    df["n_obs"] = df["n_obs"].fillna(0).astype(int)
    df["reason"] = df["reason"].fillna("")
    return df


BEHIND = ("moving_away", "lagging", "needs_acceleration")


def behind(table: pd.DataFrame, n: int = 10) -> pd.DataFrame:
    """The `n` targets furthest behind: worst status first, then the lowest ratio (targets without one last)."""
    rows = table[table["status"].isin(BEHIND)].copy()
    rows["_rank"] = rows["status"].map(BEHIND.index)
    rows["_ratio"] = pd.to_numeric(rows["ratio"], errors="coerce")
    rows = rows.sort_values(["_rank", "_ratio"], na_position="last", kind="stable").head(n)
    return rows.drop(columns=["_rank", "_ratio"])
