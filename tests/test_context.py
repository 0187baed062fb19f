"""kzlib.context: another action from the same figures, and slider assumptions that recompute only what moved.

The reference is always kzlib.assess and kzlib.scenarios called afresh with the same assumptions, so a context
that recomputes part of itself must give every row and every path exactly as a whole recomputation does.
"""

from __future__ import annotations

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from kzlib import assess, context, scenarios, trajectory
from kzlib.errors import ScenarioError

ACTIONS = (1, 4, 9)  # actions with several indicators that have figures (shares and amounts among them)


def fresh(base: context.Context, growth: dict, steps: dict) -> tuple[pd.DataFrame, pd.DataFrame]:
    """The assessment and paths of `base`'s action under the assumptions, computed from nothing."""
    scenario = scenarios.overridden(base.scenario, steps=steps)
    table = assess.assess(base.registry, base.observations, scenario=scenario, overrides=growth, action=base.action,
                          milestones=base.milestones)
    inds = set(base.registry.targets.loc[base.registry.targets["action"] == base.action, "indicator"].dropna())
    paths = scenarios.project(base.registry, base.observations, scenario, overrides=growth)
    return table, paths[paths["indicator"].isin(inds)].reset_index(drop=True)


def paces(base: context.Context) -> dict[str, bool]:
    """The action's indicators with figures, each with whether it moves along a line (a step) or grows."""
    series = trajectory.series_by_indicator(base.observations)
    info = trajectory.indicator_info(base.registry)
    rows = base.assessment
    return {ind: trajectory.method_for(info[ind].get("measure"), "auto") == "linear"
            for ind in dict.fromkeys(rows["indicator"].dropna()) if ind in series}


@pytest.fixture(scope="module")
def bases(project_context):
    return {n: project_context.for_action(n) for n in ACTIONS}


def test_another_action_from_the_same_figures_is_what_load_gives():
    first = context.load(action=1)
    for n in context.load_registry().actions["action"]:
        again, loaded = first.for_action(int(n)), context.load(action=int(n))
        pd.testing.assert_frame_equal(again.assessment, loaded.assessment)
        pd.testing.assert_frame_equal(again.paths, loaded.paths)
        assert again.action == int(n)
    assert first.for_action(1) is first


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_assumptions_changed_one_after_another_give_what_a_fresh_assessment_gives(bases, data):
    base = bases[data.draw(st.sampled_from(ACTIONS))]
    known = paces(base)
    ctx = base
    for _ in range(3):
        moved = data.draw(st.lists(st.sampled_from(sorted(known)), unique=True, max_size=3))
        growth = {i: data.draw(st.floats(-0.3, 0.5).map(lambda g: round(g, 3))) for i in moved if not known[i]}
        steps = {i: data.draw(st.floats(-3, 3).map(lambda s: round(s, 2))) for i in moved if known[i]}
        ctx = ctx.with_overrides(growth, steps)
        table, paths = fresh(base, growth, steps)
        pd.testing.assert_frame_equal(ctx.assessment, table)
        pd.testing.assert_frame_equal(ctx.paths, paths)
        assert (ctx.overrides or {}) == growth and (ctx.steps or {}) == steps


def test_the_same_assumptions_again_are_the_same_context(bases):
    ctx = bases[1].with_overrides({"gdp": 0.09}, {"urbanisation_rate": 1.5})
    assert ctx.with_overrides({"gdp": 0.09}, {"urbanisation_rate": 1.5}) is ctx
    assert bases[1].with_overrides({}, {}) is bases[1]


def test_a_step_moves_the_share_by_points_a_year(bases):
    # the urbanisation rate was 53.94 % in 2024: 1.5 points a year -> 58.44 % in 2027, short of "over 60 %"
    ctx = bases[1].with_overrides(None, {"urbanisation_rate": 1.5})
    row = ctx.assessment.set_index("id").loc["a1_urbanisation"]
    assert row["latest_value"] == pytest.approx(53.94) and row["latest_year"] == 2024
    assert row["scenario_value"] == pytest.approx(53.94 + 3 * 1.5)
    assert row["scenario_status"] != "achieved"
    path = ctx.paths[(ctx.paths["indicator"] == "urbanisation_rate") & (ctx.paths["kind"] == "projected")]
    assert path["value"].tolist() == pytest.approx([55.44, 56.94, 58.44])


def test_a_bad_step_is_refused_with_the_indicator_named(bases):
    with pytest.raises(ScenarioError, match="urbanisation_rate"):
        bases[1].with_overrides({"urbanisation_rate": 0.05}, {"urbanisation_rate": 1.0})
    with pytest.raises(ScenarioError, match="nope"):
        bases[1].with_overrides(None, {"nope": 1.0})


def test_what_is_derived_from_a_frame_is_worked_out_once_per_frame_object():
    made = []
    frame = pd.DataFrame({"x": [1, 2]})

    def make():
        made.append(1)
        return frame["x"].sum()

    assert context.derived("sum", (frame,), make) == 3
    assert context.derived("sum", (frame,), make) == 3 and len(made) == 1
    twin = frame.copy()  # the same figures in another object: worked out again, never mixed up
    assert context.derived("sum", (twin,), make) == 3 and len(made) == 2
    assert context.derived("other", (frame,), make) == 3 and len(made) == 3
