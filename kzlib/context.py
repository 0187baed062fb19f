"""One way in: the registry, the figures, the milestone states, a scenario, the assessment and the projections.

Every entry point (the CLI, the brief notebooks, the explorer, the renderer) gets what it shows from `load()`,
so they all read the data the same way, cut it at the same `as_of` year and judge it with the same call. Loads
are cached per process, keyed on the inputs and on the size and time of every file they read, so a brief or
an explorer that asks twice pays once, and a changed file is read again.
"""

from __future__ import annotations

import os
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import pandas as pd

from kzlib import assess, observations, paths, plans, registry, related, scenarios
from kzlib.errors import KzError, ObservationError, Problem
from kzlib.registry import Registry
from kzlib.scenarios import Scenario

CACHE_SIZE = 16


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
    overrides: Mapping[str, float] | None = None
    related: pd.DataFrame | None = None  # figures shown beside a target, never judged on (kzlib.related)

    def rows(self, action: int | None = None) -> pd.DataFrame:
        """The assessment rows of one action (all rows when None)."""
        if action is None:
            return self.assessment
        return self.assessment[self.assessment["action"] == int(action)].reset_index(drop=True)

    def with_overrides(self, overrides: Mapping[str, float] | None) -> Context:
        """The same context with growth overrides (fractions a year) per indicator: re-assessed and re-projected."""
        if not overrides:
            return self if not self.overrides else _assessed(replace(self, overrides=None))
        return _assessed(replace(self, overrides=dict(overrides)))


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


def _assessed(ctx: Context) -> Context:
    """The context with its assessment and projections computed from its data, scenario and overrides."""
    table = assess.assess(ctx.registry, ctx.observations, as_of=ctx.as_of, scenario=ctx.scenario,
                          method=ctx.method, milestones=ctx.milestones, overrides=ctx.overrides, action=ctx.action)
    if ctx.scenario is None and not ctx.overrides:
        projected = pd.DataFrame(columns=scenarios.PROJECT_COLUMNS)
    else:
        scope = _scope(ctx.registry, ctx.action)
        projected = scenarios.project(scope, ctx.observations, ctx.scenario, as_of=ctx.as_of, overrides=ctx.overrides,
                                      method=ctx.method)
    return replace(ctx, assessment=table, paths=projected)


def _scope(reg: Registry, action: int | None) -> Registry:
    """The registry cut to what one action's projections read: its targets and every target on its indicators."""
    if action is None:
        return reg
    targets = reg.targets
    inds = set(targets.loc[targets["action"] == int(action), "indicator"].dropna())
    keep = (targets["action"] == int(action)) | targets["indicator"].isin(inds)
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

