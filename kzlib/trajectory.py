"""Trajectory math shared by the assessment and the scenarios: growth, paces, paths, goals, random-walk bands.

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

import numpy as np
import pandas as pd

from kzlib import settings

FAN_PERCENTILES = (5, 25, 50, 75, 95)
SIGN = {"up": 1, "down": -1}
GROWTH_KINDS = ("growth", "change", "multiple")
FLOOR_KINDS = ("maintain", "flow")
METHODS = ("auto", "growth_ratio", "linear")
LINEAR_MEASURES = ("share", "rate", "ratio", "density", "index")  # move along a line: paces in points or units
TOLERANCE = 1e-9  # relative slack when a value is compared with a target computed in floating point


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


def missing(x: object) -> bool:
    """True for None and NaN."""
    return x is None or (isinstance(x, float) and math.isnan(x))


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


def simulate(walk: Walk, latest_value: float, steps: int, indicator: str = "", centre: Pace | None = None,
             simulations: int = settings.SIMULATIONS) -> np.ndarray:
    """Simulated values 1..steps years after the latest, shape (steps, simulations), around the drift or a pace."""
    dev = _deviations(walk.changes, walk.span, walk.scale, steps, indicator_seed(indicator), simulations)
    k = np.arange(1, steps + 1)[:, None]
    if centre is None:
        return latest_value * np.exp(k * walk.drift + dev)
    return centre.path(0, latest_value, steps)[:, None] * np.exp(dev)


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
    centre = None if growth is None else Pace(growth=growth)
    sims = simulate(walk, float(values[-1]), int(target_year - years[-1]), indicator, centre, simulations)
    q = np.percentile(sims, FAN_PERCENTILES, axis=1).T
    rows = np.vstack([np.full(len(FAN_PERCENTILES), values[-1]), q])
    out = pd.DataFrame(rows, columns=cols[1:])
    out.insert(0, "year", np.arange(years[-1], target_year + 1))
    return out


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


def observed_pace(years: np.ndarray, values: np.ndarray, base_year: int | None = None,
                  linear: bool = False) -> Pace | None:
    """The pace from the base point (of `base_year`, default the plan's) to the latest observation: a step a year
    when `linear` (shares, rates, ratios, densities) or when a value is not positive, else compound growth; None
    with no change to measure."""
    i = base_index(years, settings.DEFAULT_BASE_YEAR if base_year is None else base_year)
    t0, x0, t, xt = int(years[i]), float(values[i]), int(years[-1]), float(values[-1])
    if t <= t0:
        return None
    g = None if linear else cagr(x0, xt, t - t0)
    return Pace(growth=g) if g is not None else Pace(step=(xt - x0) / (t - t0))


def floor_base_year(years: np.ndarray, base_year: int) -> int:
    """The year a floor's trend is measured from: the plan's first year once two plan years have figures (a floor
    holds year by year, so a pre-plan outlier must not set its outlook), else the base year."""
    return settings.PLAN_START if int((np.asarray(years) >= settings.PLAN_START).sum()) >= 2 else base_year


def series_by_indicator(observations: pd.DataFrame, as_of: int | None = None) -> dict[str, tuple[np.ndarray, np.ndarray]]:
    """Years and values per indicator, sorted, one per year, up to as_of."""
    obs = observations[["indicator", "year", "value"]].dropna(subset=["value"])
    if as_of is not None:
        obs = obs[obs["year"] <= as_of]
    obs = obs.sort_values(["indicator", "year"], kind="stable").drop_duplicates(["indicator", "year"], keep="last")
    return {str(ind): (g["year"].to_numpy(dtype=int), g["value"].to_numpy(dtype=float))
            for ind, g in obs.groupby("indicator", sort=False)}


def flags_by(frame: pd.DataFrame | None, keys: list[str]) -> dict[tuple[str, int], str]:
    """The flags (`;`-separated) of each (id, year) of a frame of figures or milestone records: the last row's."""
    if frame is None or frame.empty or "flags" not in frame:
        return {}
    kept = frame.dropna(subset=["year"]).drop_duplicates(keys, keep="last")
    flags = kept["flags"].fillna("").astype(str).tolist()
    pairs = zip(kept[keys[0]].tolist(), kept[keys[1]].astype(int).tolist(), strict=True)
    return dict(zip(pairs, flags, strict=True))


@dataclass(frozen=True)
class Prepared:
    """What judging and projecting read of the figures and the registry, worked out once for callers that judge
    the same figures again and again (kzlib.context): the series, the indicators' fields, the flags of every figure
    and milestone record."""

    series: Mapping[str, tuple[np.ndarray, np.ndarray]]
    info: Mapping[str, Mapping]
    figure_flags: Mapping[tuple[str, int], str]  # (indicator, year) -> flags
    record_flags: Mapping[tuple[str, int], str]  # (target, year) -> flags


def prepare(registry, observations: pd.DataFrame, milestones: pd.DataFrame | None = None,
            as_of: int | None = None) -> Prepared:
    """The series, indicator fields and flags that kzlib.assess.assess and kzlib.scenarios.project read."""
    if milestones is not None and as_of is not None:
        milestones = milestones[milestones["year"] <= as_of]
    return Prepared(series_by_indicator(observations, as_of), indicator_info(registry),
                    flags_by(observations, ["indicator", "year"]), flags_by(milestones, ["target", "year"]))


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
    return "down" if tg.get("kind") in GROWTH_KINDS and not missing(value) and value < 0 else "up"


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


def first_year(goal: Goal, pace: Pace | None, t: int, xt: float) -> int | None:
    """First year after t, up to the end of settings.YEAR_RANGE, in which the paced path meets the goal."""
    if pace is None or t >= settings.YEAR_RANGE[1]:
        return None
    hit = np.asarray(goal.hit(pace.path(t, xt, settings.YEAR_RANGE[1])))
    return int(t + 1 + np.argmax(hit)) if hit.any() else None


def met_since(goal: Goal, years: np.ndarray, values: np.ndarray) -> int:
    """First year of the final run of observations that meet the goal."""
    hit = np.asarray(goal.hit(values))
    misses = np.nonzero(~hit)[0]
    return int(years[misses[-1] + 1]) if len(misses) else int(years[0])


def value_at(pace: Pace | None, t: int, xt: float, year: int) -> float | None:
    """The paced path's value in `year` (the latest value itself in year t; None before it)."""
    if pace is None or year < t:
        return None
    return xt if year == t else float(pace.path(t, xt, year)[-1])


def probability(goal: Goal, walk: Walk | None, indicator: str, t: int, xt: float, centre: Pace | None = None,
                floor_from: int | None = None) -> float | None:
    """Share of simulated paths meeting the goal in its year (or, from floor_from, in every year to it); the
    paths spread around the series' drift, or around `centre` (a scenario's pace)."""
    if walk is None or goal.year <= t:
        return None
    sims = simulate(walk, xt, goal.year - t, indicator, centre)
    if floor_from is None:
        return float(np.mean(goal.hit(sims[-1])))
    rows = sims[max(floor_from - t - 1, 0):]
    return float(np.mean(np.all(goal.hit(rows), axis=0)))


def plan_pace(goal: Goal, kind: str, t: int, xt: float, linear: bool = False) -> Pace:
    """The path that just meets the goal: the growth (a step when `linear`) still needed, or hold if met; a floor
    is held flat."""
    g = goal.facing(xt)
    if goal.hit(xt):
        return Pace(step=0.0) if linear else Pace(growth=0.0)
    if kind in FLOOR_KINDS or g.year <= t:
        return Pace(values=dict.fromkeys(range(t + 1, settings.YEAR_RANGE[1] + 1), g.value))
    need = None if linear else cagr(xt, g.value, g.year - t)
    return Pace(growth=need) if need is not None else Pace(step=(g.value - xt) / (g.year - t))


def method_for(measure: object, method: str) -> str:
    """The method a target's indicator is judged by: forced, or by its measure under "auto"."""
    if method not in METHODS:
        raise ValueError(f"unknown method {method!r}; expected one of {', '.join(METHODS)}")
    if method != "auto":
        return method
    return "linear" if measure in LINEAR_MEASURES else "growth_ratio"


def indicator_info(registry) -> dict[str, dict]:
    """Per indicator id: its registry fields (measure, prices, real_growth, names …) as a plain dict."""
    ind = registry.indicators
    if "id" not in ind:
        return {}
    return {str(r["id"]): {k: v for k, v in r.items() if not missing(v)} for r in ind.to_dict("records")}
