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

The probability of meeting a target comes from a random walk with drift on the log values of the whole observed
series (each change annualised over its gap): drift and scale estimated by weighted least squares, then for
every simulated path a scale drawn from its scaled inverse chi-square distribution and a drift from its normal
sampling distribution given that scale (so the drift is t-distributed), then the yearly steps. Paths are seeded
from settings.SEED and the indicator id, so a target's probability does not depend on which other targets are
assessed.
"""

from __future__ import annotations

import math
import zlib
from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd

from kzlib import settings

if TYPE_CHECKING:
    from kzlib.scenarios import Scenario

METHODS = ("growth_ratio", "linear")
FAN_PERCENTILES = (5, 25, 50, 75, 95)
SIGN = {"up": 1, "down": -1}
LEVEL_KINDS = ("level", "share", "count", "ratio")
GROWTH_KINDS = ("growth", "change", "multiple")
FLOOR_KINDS = ("maintain", "flow")
MILESTONE_STATUS = {"done": "achieved", "in_progress": "in_progress", "not_started": "not_started"}
TOLERANCE = 1e-9  # relative slack when a value is compared with a target computed in floating point

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


def meets(value, target: float, direction: str, comparator: str | None = None):
    """Whether value(s) satisfy the target: by the comparator if it is > >= < <=, else by direction."""
    slack = TOLERANCE * max(1.0, abs(target))
    if comparator == ">":
        return value > target
    if comparator == "<":
        return value < target
    up = comparator == ">=" or (comparator != "<=" and direction != "down")
    return value >= target - slack if up else value <= target + slack


def cagr(start: float, end: float, years: float) -> float | None:
    """Compound annual growth from start to end over `years` (None if not positive or no time)."""
    if years <= 0 or start <= 0 or end <= 0:
        return None
    return (end / start) ** (1.0 / years) - 1.0


def _missing(x: object) -> bool:
    return x is None or (isinstance(x, float) and math.isnan(x))


def progress(base_year: int, base_value: float, latest_year: int, latest_value: float, target_year: int,
             target_value: float, direction: str, method: str = "growth_ratio",
             comparator: str | None = None) -> Progress:
    """Judge one series (base point, latest point) against a target value in a target year."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")
    if direction not in SIGN:
        raise ValueError(f"direction must be 'up' or 'down', not {direction!r}")
    if any(_missing(v) for v in (base_value, latest_value, target_value)):
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

@dataclass(frozen=True)
class Walk:
    """A random walk with drift fitted to the log values of a series with gaps."""

    drift: float  # mean annual change of the log value
    scale: float  # standard deviation of one year's change
    changes: int  # number of observed changes (a change over a gap counts once)
    span: int  # years the changes cover


def random_walk(years: np.ndarray, values: np.ndarray) -> Walk | None:
    """Fit the walk by weighted least squares; None with too few changes or a non-positive value."""
    years, values = np.asarray(years, dtype=float), np.asarray(values, dtype=float)
    n = len(years) - 1
    if n < settings.MIN_CHANGES_FOR_PROBABILITY or (values <= 0).any():
        return None
    gaps, steps = np.diff(years), np.diff(np.log(values))
    drift = steps.sum() / gaps.sum()
    scale = math.sqrt(float((((steps - gaps * drift) ** 2) / gaps).sum()) / (n - 1))
    return Walk(float(drift), scale, n, int(gaps.sum()))


def indicator_seed(indicator: str) -> tuple[int, int]:
    """The random seed of one indicator's paths, from settings.SEED and the indicator id."""
    return settings.SEED, zlib.crc32(indicator.encode("utf-8"))


@lru_cache(maxsize=256)
def _deviations(changes: int, span: int, scale: float, horizon: int, seed: tuple[int, ...],
                simulations: int) -> np.ndarray:
    """Simulated log deviations from the drift path, shape (horizon, simulations), drift uncertainty included."""
    rng = np.random.default_rng(seed)
    df = changes - 1
    sigma = scale * np.sqrt(df / rng.chisquare(df, simulations))
    drift_error = sigma / math.sqrt(span) * rng.standard_normal(simulations)
    dev = np.cumsum(drift_error + sigma * rng.standard_normal((horizon, simulations)), axis=0).astype(np.float32)
    dev.flags.writeable = False  # shared between callers through the cache
    return dev


def clear_cache() -> None:
    """Forget cached simulations (for benchmarks that time a cold start)."""
    _deviations.cache_clear()


def simulate(walk: Walk, latest_value: float, steps: int, indicator: str = "", growth: float | None = None,
             simulations: int = settings.SIMULATIONS) -> np.ndarray:
    """Simulated values 1..steps years after the latest, shape (steps, simulations); centre = growth or drift."""
    dev = _deviations(walk.changes, walk.span, walk.scale, steps, indicator_seed(indicator), simulations)
    drift = walk.drift if growth is None else math.log1p(growth)
    k = np.arange(1, steps + 1)[:, None]
    return latest_value * np.exp(k * drift + dev)


def band(years, values, end_year: int, indicator: str = "",
         simulations: int = settings.SIMULATIONS) -> dict[int, np.ndarray] | None:
    """Per percentile, the factors (one per year after the latest to end_year) that spread a central path."""
    years, values = np.asarray(years, dtype=int), np.asarray(values, dtype=float)
    walk = random_walk(years, values)
    if walk is None or end_year <= years[-1]:
        return None
    dev = _deviations(walk.changes, walk.span, walk.scale, int(end_year - years[-1]), indicator_seed(indicator),
                      simulations)
    q = np.exp(np.percentile(dev, FAN_PERCENTILES, axis=1))
    return dict(zip(FAN_PERCENTILES, q, strict=True))


def fan(years, values, target_year: int, growth: float | None = None, indicator: str = "",
        simulations: int = settings.SIMULATIONS) -> pd.DataFrame:
    """Percentiles 5, 25, 50, 75, 95 per year from the latest observation to the target year (empty if unfit)."""
    cols = ["year"] + [f"p{p}" for p in FAN_PERCENTILES]
    years, values = np.asarray(years, dtype=int), np.asarray(values, dtype=float)
    walk = random_walk(years, values) if len(years) else None
    if walk is None or target_year <= years[-1]:
        return pd.DataFrame(columns=cols)
    sims = simulate(walk, float(values[-1]), int(target_year - years[-1]), indicator, growth, simulations)
    q = np.percentile(sims, FAN_PERCENTILES, axis=1).T
    rows = np.vstack([np.full(len(FAN_PERCENTILES), values[-1]), q])
    out = pd.DataFrame(rows, columns=cols[1:])
    out.insert(0, "year", np.arange(years[-1], target_year + 1))
    return out


# ------------------------------------------------------------------------------------------------ paths

@dataclass(frozen=True)
class Pace:
    """How a series goes on after its latest value: compound growth, or a fixed step, plus stated values."""

    growth: float | None = None
    step: float = 0.0
    values: Mapping[int, float] = field(default_factory=dict)

    def path(self, start_year: int, start_value: float, end_year: int) -> np.ndarray:
        """Values for the years start_year+1 .. end_year."""
        out, v = [], start_value
        for y in range(start_year + 1, end_year + 1):
            if y in self.values:
                v = float(self.values[y])
            elif self.growth is not None:
                v = v * (1.0 + self.growth)
            else:
                v = v + self.step
            out.append(v)
        return np.array(out, dtype=float)


def base_index(years: np.ndarray, base_year: int) -> int:
    """Index of the base point: latest observation at or before the base year, else the earliest after it."""
    before = np.nonzero(years <= base_year)[0]
    return int(before[-1]) if len(before) else 0


def observed_pace(years: np.ndarray, values: np.ndarray, base_year: int = settings.DEFAULT_BASE_YEAR) -> Pace | None:
    """The pace from the base point to the latest observation (growth if positive, else a step); None if one point."""
    i = base_index(years, base_year)
    t0, x0, t, xt = int(years[i]), float(values[i]), int(years[-1]), float(values[-1])
    if t <= t0:
        return None
    g = cagr(x0, xt, t - t0)
    return Pace(growth=g) if g is not None else Pace(step=(xt - x0) / (t - t0))


def series_by_indicator(observations: pd.DataFrame, as_of: int | None = None) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Years and values per indicator, sorted, one per year, up to as_of."""
    obs = observations[["indicator", "year", "value"]].dropna(subset=["value"])
    if as_of is not None:
        obs = obs[obs["year"] <= as_of]
    obs = obs.sort_values(["indicator", "year"], kind="stable").drop_duplicates(["indicator", "year"], keep="last")
    return {str(ind): (g["year"].to_numpy(dtype=int), g["value"].to_numpy(dtype=float))
            for ind, g in obs.groupby("indicator", sort=False)}


# ------------------------------------------------------------------------------------------------- goals

@dataclass(frozen=True)
class Goal:
    """What a numeric target asks of its indicator: a value (or band) to reach by a year."""

    value: float
    direction: str
    comparator: str | None
    year: int
    high: float | None = None  # upper bound of a range; value is then the lower bound

    def hit(self, v):
        """Whether value(s) meet the goal."""
        if self.high is not None:
            return meets(v, self.value, "up", ">=") & meets(v, self.high, "down", "<=")
        return meets(v, self.value, self.direction, self.comparator)

    def facing(self, v: float) -> Goal:
        """The one-sided goal a value is judged against (a range's nearer bound)."""
        if self.high is None:
            return self
        if v > self.high:
            return Goal(self.high, "down", "<=", self.year)
        return Goal(self.value, "up", ">=", self.year)


def goal_direction(tg: Mapping) -> str:
    """Which way is better for a target: its direction, else its comparator, else the sign of a rate."""
    if tg.get("direction") in SIGN:
        return tg["direction"]
    if tg.get("comparator") in ("<", "<="):
        return "down"
    value = tg.get("value")
    return "down" if tg.get("kind") in GROWTH_KINDS and not _missing(value) and value < 0 else "up"


def goal_of(tg: Mapping, base_value: float, base_year: int) -> Goal:
    """The goal of a numeric target given its base point (growth, change and multiple build on it)."""
    kind, v, year = tg["kind"], float(tg["value"]), int(tg["target_year"])
    direction, comparator = goal_direction(tg), tg.get("comparator")
    if kind == "growth":
        return Goal(base_value * (1.0 + v / 100.0) ** (year - base_year), direction, None, year)
    if kind == "change":
        return Goal(base_value * (1.0 + v / 100.0), direction, None, year)
    if kind == "multiple":
        return Goal(base_value * v, direction, None, year)
    if kind == "range":
        return Goal(v, "up", ">=", year, high=float(tg["value_high"]))
    return Goal(v, direction, comparator, year)


def _judge(goal: Goal, t0: int, x0: float, t: int, xt: float, method: str) -> Progress:
    """Progress towards the goal (a range towards its nearer bound; inside it, the lower bound is met)."""
    g = goal.facing(xt)
    return progress(t0, x0, t, xt, g.year, g.value, g.direction, method, g.comparator)


def _first_year(goal: Goal, pace: Pace | None, t: int, xt: float) -> int | None:
    """First year after t, up to the end of settings.YEAR_RANGE, in which the paced path meets the goal."""
    if pace is None or t >= settings.YEAR_RANGE[1]:
        return None
    hit = np.asarray(goal.hit(pace.path(t, xt, settings.YEAR_RANGE[1])))
    return int(t + 1 + np.argmax(hit)) if hit.any() else None


def _met_since(goal: Goal, years: np.ndarray, values: np.ndarray) -> int:
    """First year of the final run of observations that meet the goal."""
    hit = np.asarray(goal.hit(values))
    misses = np.nonzero(~hit)[0]
    return int(years[misses[-1] + 1]) if len(misses) else int(years[0])


def _value_at(pace: Pace | None, t: int, xt: float, year: int) -> float | None:
    if pace is None or year < t:
        return None
    return xt if year == t else float(pace.path(t, xt, year)[-1])


def _probability(goal: Goal, walk: Walk | None, indicator: str, t: int, xt: float, growth: float | None,
                 floor_from: int | None = None) -> float | None:
    """Share of simulated paths meeting the goal in its year (or, from floor_from, in every year to it)."""
    if walk is None or goal.year <= t:
        return None
    sims = simulate(walk, xt, goal.year - t, indicator, growth)
    if floor_from is None:
        return float(np.mean(goal.hit(sims[-1])))
    rows = sims[max(floor_from - t - 1, 0):]
    return float(np.mean(np.all(goal.hit(rows), axis=0)))


# ------------------------------------------------------------------------------------------------- scenarios

def plan_pace(goal: Goal, kind: str, t: int, xt: float) -> Pace:
    """The path that just meets the goal: the growth still needed, or hold if met; a floor is held flat."""
    g = goal.facing(xt)
    if goal.hit(xt):
        return Pace(growth=0.0)
    if kind in FLOOR_KINDS or g.year <= t:
        return Pace(values=dict.fromkeys(range(t + 1, settings.YEAR_RANGE[1] + 1), g.value))
    need = cagr(xt, g.value, g.year - t)
    return Pace(growth=need) if need is not None else Pace(step=(g.value - xt) / (g.year - t))


def scenario_pace(scenario: Scenario, indicator: str, years: np.ndarray, values: np.ndarray,
                  plan: Pace | None = None, overrides: Mapping[str, float] | None = None) -> Pace | None:
    """The pace an indicator follows under a scenario (overrides first, then stated growth, then its base)."""
    stated = dict(scenario.values.get(indicator, {}))
    growth = (overrides or {}).get(indicator, scenario.growth.get(indicator))
    if growth is not None:
        return Pace(growth=float(growth), values=stated)
    base = plan if scenario.base == "plan" else observed_pace(years, values)
    if base is None:
        return Pace(values=stated) if stated else None
    shift = scenario.shift.get(indicator)
    if shift is not None and base.growth is not None:
        return Pace(growth=base.growth + shift, values={**base.values, **stated})
    return Pace(base.growth, base.step, {**base.values, **stated})


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
    out["projected_value"] = _value_at(pace, t, xt, end)
    first_open = max(t + 1, settings.PLAN_START)
    out["probability"] = (0.0 if broken else 1.0) if end <= t else \
        _probability(goal, walk, tg["indicator"], t, xt, None, floor_from=first_open)
    if space is not None and end > t:
        path = space.path(t, xt, end)
        future = np.arange(t + 1, end + 1)
        breaks = ~np.asarray(goal.hit(path)) & (future >= settings.PLAN_START)
        out["scenario_value"] = float(path[-1])
        out["scenario_status"] = "moving_away" if breaks.any() else ("lagging" if broken else "achieved")
        out["scenario_growth"] = space.growth
        out["scenario_probability"] = _probability(goal, walk, tg["indicator"], t, xt, space.growth, first_open) \
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
        space = scenario_pace(scenario, ind, years, values, plan_pace(goal, kind, t, xt), overrides)
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
        projected_value=_value_at(pace, t, xt, goal.year),
        year_met=_met_since(goal, years, values) if achieved else _first_year(goal, pace, t, xt),
        reason="; ".join(reasons),
    )
    if goal.year <= t:
        out["probability"] = 1.0 if achieved else 0.0
    else:
        out["probability"] = _probability(goal, walk, ind, t, xt, None)
    if space is not None:
        sv = _value_at(space, t, xt, goal.year)
        out["scenario_growth"] = space.growth
        if sv is not None:
            out["scenario_value"] = sv
            out["scenario_status"] = _judge(goal, t0, x0, goal.year, sv, method).status if goal.year > t0 \
                else p.status
            out["scenario_year_met"] = _met_since(goal, years, values) if achieved and goal.hit(sv) \
                else _first_year(goal, space, t, xt)
            if space.growth is not None and not space.values:
                out["scenario_probability"] = _probability(goal, walk, ind, t, xt, space.growth)
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
    elif _missing(tg.get("indicator")) or _missing(tg.get("value")):
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

def resolve_scenario(scenario, registry, overrides) -> Scenario | None:
    """A Scenario object from a name, an object, or overrides alone (a custom scenario on the trend)."""
    # scenarios builds on this module; imported here so that the dependency stays one-way at import time
    from kzlib import scenarios

    if isinstance(scenario, str):
        scenario = scenarios.get_scenario(scenario, registry=registry)
    if overrides is not None:
        scenarios.check_overrides(overrides, registry)
        if scenario is None:
            scenario = scenarios.custom(overrides)
    return scenario


def assess(registry, observations: pd.DataFrame, as_of: int | None = None, scenario=None,
           method: str = "growth_ratio", milestones: pd.DataFrame | None = None,
           overrides: Mapping[str, float] | None = None, action: int | None = None) -> pd.DataFrame:
    """One row per target: status, ratio, base and latest points, gap, pace, probability, scenario outcome."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")
    scenario = resolve_scenario(scenario, registry, overrides)
    targets = registry.targets if action is None else registry.targets[registry.targets["action"] == int(action)]
    if milestones is not None and as_of is not None:
        milestones = milestones[milestones["year"] <= as_of]
    series = series_by_indicator(observations, as_of)
    rows = [_assess_target(tg, series, milestones, method, scenario, overrides, as_of)
            for tg in targets.to_dict("records")]
    df = pd.DataFrame(rows, columns=COLUMNS)
    for col in INT_COLUMNS:
        df[col] = pd.array([None if _missing(v) else int(v) for v in df[col]], dtype="Int64")
    for col in FLOAT_COLUMNS:
        df[col] = pd.to_numeric(df[col], errors="coerce").astype(float)
    df["n_obs"] = df["n_obs"].fillna(0).astype(int)
    df["reason"] = df["reason"].fillna("")
    return df
