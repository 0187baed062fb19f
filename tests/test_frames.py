"""frames.records gives what DataFrame.to_dict("records") gives."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd

from kzlib import context, frames


def same(a: object, b: object) -> bool:
    if isinstance(a, float) and math.isnan(a):
        return isinstance(b, float) and math.isnan(b)
    return type(a) is type(b) and a == b


def test_records_are_to_dict_records_on_every_kind_of_column():
    frame = pd.DataFrame({
        "text": pd.array(["a", None, "开州"], dtype="str"), "whole": pd.array([1, None, 3], dtype="Int64"),
        "count": np.array([1, 2, 3]), "value": [1.5, np.nan, 3.0], "flag": [True, False, True],
        "list": [[2020], [], None]})
    got, want = frames.records(frame), frame.to_dict("records")
    assert [list(r) for r in got] == [list(r) for r in want]
    assert all(same(g[k], w[k]) for g, w in zip(got, want, strict=True) for k in w)
    assert got[1]["whole"] is None and got[1]["text"] != got[1]["text"]  # NaN, as to_dict gives it


def test_records_of_the_project_s_assessment_and_figures(project):
    ctx = context.load()
    for frame in (ctx.assessment, ctx.observations, ctx.paths, ctx.registry.targets, ctx.assessment.head(0)):
        got, want = frames.records(frame), frame.to_dict("records")
        assert len(got) == len(want)
        assert all(same(g[k], w[k]) for g, w in zip(got, want, strict=True) for k in w)
