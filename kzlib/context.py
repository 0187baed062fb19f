"""One way in: the registry, the figures, the milestone states, a scenario, the assessment and the projections.

Every entry point (the CLI, the brief notebooks, the explorer, the renderer) gets what it shows from `load()`,
so they all read the data the same way, cut it at the same `as_of` year and judge it with the same call. Loads
are cached per process, keyed on the inputs and on the size and time of every file they read, so a brief or
an explorer that asks twice pays once, and a changed file is read again.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TypeVar

import numpy as np
import pandas as pd
from pandas.api.extensions import ExtensionArray

from kzlib import assess, observations, paths, plans, registry, related, scenarios
from kzlib import trajectory as tj
from kzlib.errors import KzError, ObservationError, Problem
from kzlib.registry import Registry
from kzlib.scenarios import Scenario

CACHE_SIZE = 16
DERIVED_SIZE = 32  # registries and figures whose derived tables are kept (a few per plan, data year and action)
T = TypeVar("T")


@dataclass(frozen=True)
class Context:
    """What every view is made of: the registry, the data up to `as_of`, the scenario and its results."""

    registry: Registry
    observations: pd.DataFrame  # figures up to as_of (all of them when as_of is None)
    milestones: pd.DataFrame  # milestone states up to as_of
    scenario: Scenario | None
    assessment: pd.DataFrame  # one row per target (of `action`, or of the plan)
    paths: pd.DataFrame  # observed and projected values per indicator under the scenario
    as_of: int | None = None
    data: tuple[str, ...] = ()
    method: str = "auto"
    action: int | None = None
    overrides: Mapping[str, float] | None = None  # growth per indicator (fractions a year)
    related: pd.DataFrame | None = None  # figures shown beside a target, never judged on (kzlib.related)
    steps: Mapping[str, float] | None = None  # change a year per indicator, in its unit (百分点 for shares)

    def rows(self, action: int | None = None) -> pd.DataFrame:
        """The assessment rows of one action (all rows when None)."""
        if action is None or int(action) == self.action:  # assessed for that action: its rows only
            return self.assessment
        return self.assessment[self.assessment["action"] == int(action)].reset_index(drop=True)

    def for_action(self, action: int | None) -> Context:
        """The same figures, scenario and assumptions assessed for another action (the whole plan when None), as
        `load(action=...)` would give them without reading the files again."""
        action = None if action is None else int(action)
        return self if action == self.action else _assessed(replace(self, action=action))

    def with_overrides(self, overrides: Mapping[str, float] | None,
                       steps: Mapping[str, float] | None = None) -> Context:
        """The same context with slider assumptions per indicator: growth (fractions a year) or steps (change a
        year in the indicator's unit), re-assessed and re-projected. Only the targets and paths of indicators whose
        assumption changed are computed again."""
        new = replace(self, overrides=dict(overrides) if overrides else None, steps=dict(steps) if steps else None)
        if (new.overrides, new.steps) == (self.overrides, self.steps):
            return self
        if self.scenario is None:  # a custom scenario comes or goes: every row changes
            return _assessed(new)
        moved = {ind for ind in {*(self.overrides or {}), *(self.steps or {}), *(new.overrides or {}),
                                 *(new.steps or {})} if _assumption(self, ind) != _assumption(new, ind)}
        return _reassessed(new, moved)


def _assumption(ctx: Context, indicator: str) -> tuple[float | None, float | None]:
    """The growth and the step a context's overrides set for one indicator."""
    return (ctx.overrides or {}).get(indicator), (ctx.steps or {}).get(indicator)


# ---------------------------------------------------------------- loading


def _stamp(path: Path) -> tuple:
    """Size and modification time of a file, or of every file under a folder."""
    if path.is_dir():
        return tuple((str(p), *_stamp(p)) for p in sorted(path.rglob("*")) if p.is_file())
    try:
        st = path.stat()
    except OSError:
        return (None,)
    return (st.st_size, st.st_mtime_ns)


def inputs_stamp(data: Sequence[str | Path] = ()) -> tuple:
    """What a load depends on: the project root, the files of the plan's pack (and of the packs it reads figures
    from) and each extra data file."""
    shared = tuple(_stamp(plans.folder_of(name)) for name in plans.current().observations_from)
    return (str(paths.root()), str(paths.PLAN_DIR), _stamp(paths.PLAN_DIR), shared,
            tuple((str(d), _stamp(Path(d))) for d in data))


_REGISTRY: dict[tuple, Registry] = {}
_LOADS: OrderedDict[tuple, Context] = OrderedDict()


def load_registry() -> Registry:
    """The project's registry, read once per process while its files stay the same."""
    key = (str(paths.root()), _stamp(paths.REGISTRY), _stamp(paths.PLAN))
    if key not in _REGISTRY:
        _REGISTRY.clear()
        _REGISTRY[key] = registry.load_registry()
    return _REGISTRY[key]


def check_action(reg: Registry, action: int | None) -> None:
    """Raise KzError unless `action` is None or one of the plan's actions."""
    known = [int(a) for a in reg.actions["action"]]
    if action is not None and int(action) not in known:
        raise KzError(f"unknown action {action}; the plan's actions are {', '.join(map(str, known))}")


def _figures(reg: Registry, data: Sequence[str]) -> tuple[pd.DataFrame, pd.DataFrame]:
    """Observations and milestone states (shipped, then the extra files); every problem of both at once."""
    problems = []
    frames = []
    for loader in (observations.load_observations, observations.load_milestones):
        try:
            frames.append(loader(*data, registry=reg))
        except ObservationError as exc:
            problems += [p for p in exc.problems if p not in problems]
            frames.append(None)
    if problems:
        raise ObservationError(problems)
    return frames[0], frames[1]


def _scenario(ctx: Context) -> Scenario | None:
    """The scenario the context is judged under: its own, with the slider steps in place (growth overrides are
    passed to kzlib.assess as overrides)."""
    if not ctx.steps:
        return ctx.scenario
    scenarios.check_overrides(ctx.overrides or {}, ctx.registry, ctx.steps)
    return scenarios.overridden(ctx.scenario or scenarios.custom(ctx.overrides or {}), steps=ctx.steps)


_DERIVED: OrderedDict[tuple, tuple[tuple, Any]] = OrderedDict()


def derived(name: Hashable, sources: tuple, make: Callable[[], T]) -> T:
    """What `make` derives from `sources` (a context's registry and frames, never changed in place), worked out
    once per set of source objects while they are among the last DERIVED_SIZE asked for."""
    key = (name, *map(id, sources))
    hit = _DERIVED.get(key)
    if hit is not None and all(a is b for a, b in zip(hit[0], sources, strict=True)):
        _DERIVED.move_to_end(key)
        return hit[1]
    value = make()
    _DERIVED[key] = (sources, value)  # the sources are kept with it: their ids are not reused while it is
    while len(_DERIVED) > DERIVED_SIZE:
        _DERIVED.popitem(last=False)
    return value


def _prepared(ctx: Context) -> tj.Prepared:
    """The context's series, indicator fields and flags (kzlib.trajectory.prepare), worked out once."""
    return derived(("prepared", ctx.as_of), (ctx.registry, ctx.observations, ctx.milestones),
                    lambda: tj.prepare(ctx.registry, ctx.observations, ctx.milestones, ctx.as_of))


def _assessed(ctx: Context) -> Context:
    """The context with its assessment and projections computed from its data, scenario and overrides."""
    scenario = _scenario(ctx)
    prepared = _prepared(ctx)
    table = assess.assess(ctx.registry, ctx.observations, as_of=ctx.as_of, scenario=scenario, method=ctx.method,
                          milestones=ctx.milestones, overrides=ctx.overrides, action=ctx.action, prepared=prepared)
    if scenario is None and not ctx.overrides:
        projected = pd.DataFrame(columns=scenarios.PROJECT_COLUMNS)
    else:
        projected = scenarios.project(_scope(ctx.registry, ctx.action), ctx.observations, scenario, as_of=ctx.as_of,
                                      overrides=ctx.overrides, method=ctx.method, prepared=prepared)
    return replace(ctx, assessment=table, paths=projected)


def _reassessed(ctx: Context, indicators: set[str]) -> Context:
    """The context with the rows and paths of `indicators` computed again (the others stay as they are)."""
    targets = _scope(ctx.registry, ctx.action).targets
    cut = replace(ctx.registry, targets=targets[targets["indicator"].isin(indicators)].reset_index(drop=True))
    scenario = _scenario(ctx)
    prepared = _prepared(ctx)
    growth = {k: v for k, v in (ctx.overrides or {}).items() if k in indicators}
    table = assess.assess(cut, ctx.observations, as_of=ctx.as_of, scenario=scenario, method=ctx.method,
                          milestones=ctx.milestones, overrides=growth, action=ctx.action, prepared=prepared)
    projected = scenarios.project(cut, ctx.observations, scenario, as_of=ctx.as_of, overrides=growth,
                                  method=ctx.method, prepared=prepared)
    return replace(ctx, assessment=_spliced(ctx.assessment, table, "id"),
                   paths=_spliced(ctx.paths, projected, "indicator"))


def _spliced(old: pd.DataFrame, new: pd.DataFrame, key: str) -> pd.DataFrame:
    """`old` with the rows of every `key` value that `new` (with the same columns) holds replaced by `new`'s, in
    `old`'s order (a key `old` lacks after the others), in `old`'s column types."""
    if old.empty:
        return new.reset_index(drop=True)
    keys = old[key].to_numpy(dtype=object)
    rank = {k: i for i, k in enumerate(dict.fromkeys([*keys, *new[key]]))}
    replaced = set(new[key])
    kept = np.flatnonzero([k not in replaced for k in keys])
    order = np.argsort(np.concatenate([[rank[k] for k in keys[kept]], [rank[k] for k in new[key]]]).astype(int),
                       kind="stable")
    columns = {}
    for column in old.columns:
        mine = old[column].array
        columns[column] = type(mine)._concat_same_type([mine.take(kept), _like(new[column], mine)]).take(order)
    return pd.DataFrame(columns, columns=old.columns)


def _like(column: pd.Series, like: ExtensionArray) -> ExtensionArray:
    """A column's values as an array of the type of `like`."""
    return (column if column.dtype == like.dtype else column.astype(like.dtype)).array


def _scope(reg: Registry, action: int | None) -> Registry:
    """The registry cut to what one action's projections read: its targets and every target on its indicators."""
    if action is None:
        return reg
    return derived(("scope", int(action)), (reg,), lambda: _scoped(reg, int(action)))


def _scoped(reg: Registry, action: int) -> Registry:
    targets = reg.targets
    inds = set(targets.loc[targets["action"] == action, "indicator"].dropna())
    keep = (targets["action"] == action) | targets["indicator"].isin(inds)
    return replace(reg, targets=targets[keep].reset_index(drop=True))


def load(data: Sequence[str | Path] = (), scenario: str | Scenario | None = "trend", as_of: int | None = None,
         method: str = "auto", action: int | None = None,
         user_scenarios: str | Path | None = None, plan: str | Path | None = None) -> Context:
    """Read, check and assess: registry, figures (shipped, then `data` files), milestones, scenario, projections.

    `plan` (an id in data/plans/ or a folder) becomes the plan in use (kzlib.plans.use); None keeps the current one.
    `scenario` is a name (from the plan's scenarios.yaml or the user's file), a Scenario, or None (no projections).
    Raises a DataError listing every problem (the registry's, the scenario's, or the figures' and milestones'
    together) before anything is assessed.
    """
    plans.use(plan)
    data = tuple(str(d) for d in data)
    as_of = None if as_of is None else int(as_of)
    action = None if action is None else int(action)
    cacheable = not isinstance(scenario, Scenario)
    key = (inputs_stamp(data), scenario, as_of, method, action, str(user_scenarios),
           _stamp(Path(user_scenarios)) if user_scenarios else _stamp(paths.USER_SCENARIOS)) if cacheable else None
    if key is not None and key in _LOADS:
        _LOADS.move_to_end(key)
        return _LOADS[key]
    missing = [d for d in data if not os.path.isfile(d)]
    if missing:
        raise ObservationError([Problem(paths.shown(d), "file not found") for d in missing])
    reg = load_registry()
    check_action(reg, action)
    if isinstance(scenario, str):
        known = scenarios.load_scenarios(registry=reg, user=user_scenarios)
        if scenario not in known:
            raise scenarios.unknown(scenario, known)
        scenario = known[scenario]
    obs, mil = _figures(reg, data)
    beside = related.load_related(registry=reg, observations=obs)
    if as_of is not None:
        obs = obs[obs["year"] <= as_of].reset_index(drop=True)
        mil = mil[mil["year"] <= as_of].reset_index(drop=True)
        beside = beside[beside["year"] <= as_of].reset_index(drop=True)
    ctx = _assessed(Context(reg, obs, mil, scenario, pd.DataFrame(), pd.DataFrame(), as_of, data, method, action,
                            related=beside))
    if key is not None:
        _LOADS[key] = ctx
        while len(_LOADS) > CACHE_SIZE:
            _LOADS.popitem(last=False)
    return ctx


def clear() -> None:
    """Forget every cached load (for benchmarks that time a cold start)."""
    _LOADS.clear()
    _REGISTRY.clear()

