"""The explorer's canvas keeps text layouts, and draws the very image matplotlib's own Agg canvas draws."""

from __future__ import annotations

import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg
from matplotlib.figure import Figure

from kzlib import brief, canvas, charts, context


def drawn(fig, kind) -> np.ndarray:
    surface = kind(fig)
    surface.draw()
    return np.asarray(surface.buffer_rgba()).copy()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_a_chart_drawn_on_the_keeping_canvas_is_pixel_for_pixel_agg_s(project, lang):
    view = brief.Brief(context.load(action=1), lang, 1)
    rows = brief.chart_rows(view).to_dict("records")
    assert rows
    for row in rows[:3]:
        fig = brief.chart(view, row)
        agg = drawn(fig, FigureCanvasAgg)
        first, again = drawn(fig, canvas.KeepingCanvas), drawn(fig, canvas.KeepingCanvas)  # laid out, then kept
        assert (first == agg).all() and (again == agg).all()


def test_texts_are_laid_out_once_and_kept(project):
    canvas._LAYOUTS.clear()
    charts.use_style("zh")
    fig = Figure(figsize=(3, 1))
    fig.text(0.1, 0.5, "开州区 2027年 60%")
    drawn(fig, canvas.KeepingCanvas)
    kept = dict(canvas._LAYOUTS)
    assert any(key[0] == "开州区 2027年 60%" for key in kept)
    drawn(fig, canvas.KeepingCanvas)
    assert canvas._LAYOUTS.keys() == kept.keys() and all(canvas._LAYOUTS[k] is kept[k] for k in kept)


def test_without_the_internals_it_leans_on_the_canvas_is_matplotlib_s_own(monkeypatch):
    monkeypatch.setattr(canvas, "SUPPORTED", False)
    renderer = canvas.KeepingCanvas(Figure(figsize=(2, 1))).get_renderer()
    assert type(renderer) is RendererAgg
