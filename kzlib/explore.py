"""The scenario explorer: an action's pace assumptions on sliders, its targets re-assessed at every change.

The explorer adds controls, nothing else: what it shows is the brief's views (kzlib.brief: status summary,
status table, judgements, charts) of a kzlib.context loaded for the chosen action, data year and start
scenario, with the slider assumptions applied by `Context.with_overrides`. So the explorer and a brief rendered
with the saved scenario agree. Sliders follow the judgement: amounts and counts grow in percent a year, shares,
rates, ratios and densities (judged on a line) move in percentage points, or their unit, a year.

Speed: the figures are read once; another action is assessed from them (`Context.for_action`); a slider
re-assesses only its indicator's targets; the status table and judgements are shown before the charts; a chart
is drawn once and then only its projection is drawn again (a new y range redraws the figure, not its layout);
images are kept, so going back to an action, a language or a value is instant. In a running kernel the charts
are drawn one per turn of the event loop, so the controls answer while they are drawn.
"""

from __future__ import annotations

import asyncio
import base64
import gc
import io
import math
import re
from collections import OrderedDict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from functools import partial
from pathlib import Path
from typing import Any

import ipywidgets as w
import numpy as np
import pandas as pd
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from matplotlib.text import Text

from kzlib import (
    brief,
    charts,
    context,
    frames,
    labels,
    paths,
    plans,
    scenarios,
    settings,
    tables,
    text,
    trajectory,
)
from kzlib.canvas import KeepingCanvas
from kzlib.context import Context
from kzlib.errors import KzError
from kzlib.registry import Registry

SLIDER_STEP = 0.1  # percent a year: the grid of a growth slider
SLIDER_SPAN = 10.0  # percentage points either side of the trend, the start and the plan path
SLIDER_RANGE = (-10.0, 20.0)  # percent a year: the least a growth slider spans
SLIDER_LIMITS = (-50.0, 100.0)  # percent a year: the most a growth slider spans beyond its trend, start and plan path
STEP_STOPS = 20  # a linear slider's grid: the power of ten nearest to 1/20 of the largest pace beside it
CHART_CACHE = 256  # PNGs kept, so that going back to an earlier value is instant
ROW_CACHE = 2000  # rows of the status table and judgements kept, written once for the same figures and assumptions
FIGURE_CACHE = 64  # drawn figures kept, so that going back to an action or a language redraws nothing
UNSEEN_DELAY = 1.0  # seconds of quiet before charts nobody sees yet are drawn (none in a run that ends at once)
TIDY_DELAY = 0.3  # seconds of quiet after the last chart before a full garbage collection
PNG_OPTIONS = {"compress_level": 1}  # fast to write; the explorer's images are never stored
ALL_DATA = 0  # the as-of control's value for "all data" (ipywidgets shows a None value as no selection)
BRIEF_CSS = Path(__file__).resolve().parent / "templates" / "brief" / "brief.css"
EXPLORER_CSS = (  # over JupyterLab's rules for output tables (fixed layout, every cell to the right)
    ".kz-explorer { overflow-x: auto; } .kz-explorer table.kz-table { table-layout: auto; } "
    ".kz-explorer table.kz-table th, .kz-explorer table.kz-table td { text-align: left; } "
    ".kz-explorer table.kz-table .num { text-align: right; white-space: normal; } .kz-explorer img { max-width: 100%; } "
    ".kz-explorer table.kz-table td:first-child { min-width: 9em; } "
    ".kz-explorer .kz-wide, .kz-explorer .kz-wide .widget-html-content { overflow-x: auto; max-width: 100%; }"
)
LIVE_CSS = ".kz-start-view { display: none; }"  # where the widget runs, its static start view is not shown

LANG_BUTTONS = (("中文", "zh"), ("English", "en"))


# ---------------------------------------------------------------- what the sliders stand for


@dataclass(frozen=True)
class Knob:
    """One indicator with figures: its trend, the pace its plan path needs and the start scenario's pace, as growth
    (fractions a year) or, for an indicator judged on a line (`linear`), as a change a year in its unit."""

    indicator: str
    name_zh: str
    name_en: str
    linear: bool
    trend: float | None
    needed: float | None
    start: float | None
    unit_zh: str = ""
    unit_en: str = ""
    latest: float = 0.0  # the latest figure, whose size sets a linear slider's grid when no pace does
    met: bool = False  # every target on the indicator is achieved

    def name(self, lang: str) -> str:
        """The indicator's name in the language asked for."""
        return self.name_zh if lang == "zh" else self.name_en

    def row(self) -> dict[str, str]:
        """The indicator's units as kzlib.text reads them from a row."""
        return {"unit": self.unit_zh, "unit_en": self.unit_en}


def action_indicators(registry: Registry, action: int) -> list[str]:
    """The indicators of the action's numeric targets, in plan order, each once."""
    rows = registry.numeric()
    rows = rows[(rows["action"] == int(action)) & rows["indicator"].notna()]
    return list(dict.fromkeys(rows["indicator"]))


def without_figures(registry: Registry, series: Mapping[str, Any], action: int) -> list[str]:
    """The action's indicators that have no figure (they get no slider)."""
    return [ind for ind in action_indicators(registry, action) if ind not in series]


def is_linear(measure: object, values: Sequence[float]) -> bool:
    """Whether an indicator's pace is a change a year: judged on a line (by its measure), or a series with a value
    that is not positive (no growth rate to take)."""
    return trajectory.method_for(measure, "auto") == "linear" or min(values) <= 0


def implied_pace(path: pd.DataFrame, linear: bool) -> float | None:
    """The average pace of one indicator's projection from its latest observation to its end: growth a year, or
    change a year when `linear`."""
    observed = path[path["kind"] == "observed"]
    projected = path[path["kind"] == "projected"]
    if observed.empty or projected.empty:
        return None
    t, xt = int(observed["year"].iloc[-1]), float(observed["value"].iloc[-1])
    end, xe = int(projected["year"].iloc[-1]), float(projected["value"].iloc[-1])
    return (xe - xt) / (end - t) if linear else trajectory.cagr(xt, xe, end - t)


def most_demanding(rows: pd.DataFrame, linear: bool = False) -> float | None:
    """The pace still needed by the indicator's targets not yet met, the highest (lowest for a falling goal): growth
    (fractions a year), or the change a year of targets judged on a line when `linear`."""
    column = "required_pace" if linear else "required_growth"
    open_ = rows[(rows["status"] != "achieved") & rows[column].notna()]
    if linear:
        open_ = open_[open_["pace_unit"] != "percent"]
    if open_.empty:
        return None
    down = (open_["direction"] == "down").all()
    return float(open_[column].min() if down else open_[column].max())


def knobs(registry: Registry, assessment: pd.DataFrame, path: pd.DataFrame,
          series: Mapping[str, tuple[Any, Any]], action: int) -> list[Knob]:
    """One knob per indicator of the action with figures, from the start scenario's assessment and projection."""
    out = []
    info = trajectory.indicator_info(registry)
    for ind in action_indicators(registry, action):
        if ind not in series:
            continue
        years, values = series[ind]
        own = info.get(ind, {})
        linear = is_linear(own.get("measure"), values)
        pace = trajectory.observed_pace(years, values, linear=linear)
        trend = None if pace is None else (pace.step if pace.growth is None else pace.growth)
        projected = path[path["indicator"] == ind]
        rows = assessment[assessment["indicator"] == ind]
        out.append(Knob(
            indicator=ind, name_zh=str(own.get("name_zh", ind)), name_en=str(own.get("name_en", ind)), linear=linear,
            trend=trend, needed=most_demanding(rows, linear),
            start=implied_pace(projected, linear) if not projected.empty else None,
            unit_zh=str(own.get("unit", "")), unit_en=str(own.get("unit_en", "")), latest=float(values[-1]),
            met=bool(len(rows)) and bool((rows["status"] == "achieved").all()),
        ))
    return out


def _marks(knob: Knob) -> list[float]:
    """Trend, start and plan path on the slider's scale (percent a year for growth)."""
    factor = 1.0 if knob.linear else 100.0
    return [factor * g for g in (knob.trend, knob.start, knob.needed) if g is not None and math.isfinite(g)]


def _scale(knob: Knob) -> float:
    """The size of a linear knob's paces: the largest beside it or a hundredth of its latest figure (1 when both are
    next to nought)."""
    scale = max([abs(m) for m in _marks(knob)] + [abs(knob.latest) / 100])
    return scale if scale > 1e-9 else 1.0


def slider_step(knob: Knob) -> float:
    """The slider's grid: 0.1 % a year for growth; for a change a year, the power of ten nearest to 1/20 of its
    scale."""
    if not knob.linear:
        return SLIDER_STEP
    return 10.0 ** round(math.log10(_scale(knob) / STEP_STOPS))


def decimals(knob: Knob) -> int:
    """Decimals of the slider's grid."""
    return max(0, -math.floor(math.log10(slider_step(knob)) + 1e-9))


def _on_grid(value: float, knob: Knob) -> float:
    step = slider_step(knob)
    return round(round(value / step) * step, decimals(knob) + 2)


def slider_bounds(knob: Knob) -> tuple[float, float]:
    """Slider range on its scale. Growth: at least SLIDER_RANGE, SLIDER_SPAN beyond trend, start and plan path
    (within SLIDER_LIMITS, which never cut off one of them).
    A change a year: from below the lowest of nought, trend, start and plan path to above the highest, by the
    knob's scale, on its grid."""
    marks = _marks(knob)
    if knob.linear:
        step, span = slider_step(knob), _scale(knob)
        low, high = min([0.0, *marks]) - span, max([0.0, *marks]) + span
        return _on_grid(math.floor(low / step) * step, knob), _on_grid(math.ceil(high / step) * step, knob)
    low = min([SLIDER_RANGE[0], *(m - SLIDER_SPAN for m in marks)])
    high = max([SLIDER_RANGE[1], *(m + SLIDER_SPAN for m in marks)])
    low, high = max(SLIDER_LIMITS[0], math.floor(low)), min(SLIDER_LIMITS[1], math.ceil(high))
    return min([low, *map(math.floor, marks)]), max([high, *map(math.ceil, marks)])  # the marks always on it


def start_value(knob: Knob) -> float:
    """Where the slider starts, on its grid: the start scenario's pace, else nought."""
    if knob.start is None or not math.isfinite(knob.start):
        return 0.0
    low, high = slider_bounds(knob)
    return min(high, max(low, _on_grid(knob.start * (1.0 if knob.linear else 100.0), knob)))


def pace_of(knob: Knob, value: float) -> float:
    """A slider's value as the pace kzlib takes: growth as a fraction, a change a year as it is."""
    return round(value, decimals(knob) + 2) if knob.linear else round(value, 6) / 100.0


def pace_text(knob: Knob, pace: float, lang: str) -> str:
    """A knob's pace as the note beside the slider writes it: growth as a percentage (7.7%), a change a year to
    one decimal more than the slider's grid (2.02个百分点, −0.023), a minus sign as the slider's readout has it."""
    if not knob.linear:
        said = text.format_percent(pace, lang)
    else:
        unit = knob.unit_zh
        shown = "pp" if unit in text.PERCENT_UNITS else None if unit in text.RATIO_UNITS else \
            text.unit_of(knob.row(), lang)
        said = text.format_number(pace, lang, shown, decimals(knob) + 1)
    return "\u2212" + said[1:] if said.startswith("-") else said


def slider_unit(knob: Knob, lang: str) -> str:
    """What the slider moves in: %/年, 百分点/年, a change a year of a ratio, or the indicator's unit a year."""
    if not knob.linear:
        return labels.label("explore.unit_growth", lang)
    if knob.unit_zh in text.PERCENT_UNITS:
        return labels.label("explore.unit_points", lang)
    if knob.unit_zh in text.RATIO_UNITS or not knob.unit_zh:
        return labels.label("explore.unit_ratio", lang)
    return labels.label("explore.unit_change", lang, unit=text.unit_of(knob.row(), lang))


def knob_note(knob: Knob, lang: str) -> str:
    """What stands beside a slider: the trend, and the pace the plan path needs (or that the targets are met)."""
    words = labels.words("explore", lang)
    parts = [words["trend"].format(g=pace_text(knob, knob.trend, lang)) if knob.trend is not None
             else words["no_trend"]]
    if knob.needed is not None:
        parts.append(words["needs"].format(g=pace_text(knob, knob.needed, lang)))
    elif knob.met:
        parts.append(words["met"])
    return " · ".join(parts)


# ---------------------------------------------------------------- what the outputs look like


def dropdown_width(names: Sequence[str], least: int = 30) -> str:
    """A dropdown's width (CSS) that shows its longest option whole, its label beside it: `least` to 52em."""
    longest = max((tables.display_width(name) for name in names), default=0)  # a CJK character counts two
    return f"{min(52, max(least, round(6 + 0.7 * longest)))}em"


def plan_options(lang: str, also: Sequence[str] = ()) -> list[tuple[str, str]]:
    """(short name, folder) of every plan pack in data/plans/, then of the plan in use and the folders `also`
    names where they lie elsewhere."""
    folders = [plans.folder_of(name) for name in paths.plan_ids()]
    for other in (plans.current().folder, *map(Path, also)):
        if other not in folders:
            folders.append(other)
    return [(_short_name(f, lang), str(f)) for f in folders]


def _short_name(folder: Path, lang: str) -> str:
    """A pack's short name; its folder's name when its plan.yaml does not load (choosing it says why)."""
    try:
        return plans.load(folder).text("short", lang)
    except KzError:
        return folder.name


def house_css(css: str) -> str:
    """The briefs' rules for kzlib's own classes (chips, tables, judgements), scoped to the explorer.

    Only rules whose selectors name a `kz-` class are kept, and the colour variables move from :root to
    .kz-explorer, so that nothing in JupyterLab outside the explorer changes.
    """
    rules = re.findall(r"([^{}]+)\{([^{}]*)\}", re.sub(r"/\*.*?\*/", "", css, flags=re.S))
    keep = [f"{sel.strip()} {{{body}}}" for sel, body in rules if "kz-" in sel and not sel.strip().startswith("@")]
    root = [body for sel, body in rules if sel.strip() == ":root"]
    return "".join([*(f".kz-explorer {{{body}}}" for body in root), *keep])


def png_bytes(fig: Figure) -> bytes:
    """A figure as PNG bytes at the house resolution."""
    buffer = io.BytesIO()
    fig.savefig(buffer, format="png", dpi=settings.FIGURE_DPI, pil_kwargs=PNG_OPTIONS)
    return buffer.getvalue()


def canvas_png(canvas: FigureCanvasAgg) -> bytes:
    """What a canvas holds, as PNG bytes."""
    buffer = io.BytesIO()
    PIL.Image.frombuffer("RGBA", canvas.get_width_height(), canvas.buffer_rgba(), "raw", "RGBA", 0, 1) \
        .convert("RGB").save(buffer, format="png", **PNG_OPTIONS)  # the charts are opaque: no alpha to write
    return buffer.getvalue()


def blank_png(size: tuple[int, int]) -> bytes:
    """A white image of a chart's size, shown where a chart of another target is still being drawn."""
    buffer = io.BytesIO()
    PIL.Image.new("RGB", size, "white").save(buffer, format="png")
    return buffer.getvalue()


PROJECTION_COLUMNS = ["year", "value", "lo90", "lo50", "hi50", "hi90"]


def record(frame: pd.DataFrame, i: int) -> dict:
    """Row `i` of a frame as a dict (converting that row only)."""
    return frames.records(frame.iloc[[i]])[0]


NO_PROJECTION = np.empty((0, len(PROJECTION_COLUMNS)))


def projections(paths_: pd.DataFrame, indicators: Sequence[str]) -> dict[str, np.ndarray]:
    """Per indicator, its projection as charts draw it: rows of PROJECTION_COLUMNS, its latest observation then the
    projected years (no rows when nothing is projected)."""
    if paths_.empty:
        return dict.fromkeys(indicators, NO_PROJECTION)
    names, kinds = paths_["indicator"].to_numpy(dtype=object), paths_["kind"].to_numpy(dtype=object)
    table = paths_[PROJECTION_COLUMNS].to_numpy(dtype=float)
    out = {}
    for name in indicators:
        rows = np.flatnonzero(names == name)
        out[name] = _projection(kinds[rows], table[rows])
    return out


def _projection(kind: np.ndarray, table: np.ndarray) -> np.ndarray:
    observed = np.flatnonzero(kind == "observed")
    if not len(observed):
        return NO_PROJECTION
    last = observed[-1]
    ahead = np.flatnonzero((kind == "projected") & (table[:, 0] > table[last, 0]))
    if not len(ahead):
        return NO_PROJECTION
    first = np.r_[table[last, 0], np.full(len(PROJECTION_COLUMNS) - 1, table[last, 1])]
    return np.vstack([first, table[ahead]])


class Chart:
    """One target's trajectory figure, kept between updates: a new path only redraws its projection and bands.

    The figure is drawn by brief.chart. The projection line and its two bands (the artists charts.parts names)
    and everything drawn above them are set aside (animated), and so are the axes; one draw lays the figure out
    and renders its frame (the legend), which is kept; the axes are drawn on it as a background, which is kept
    too; the layout is then frozen. An update pastes the background and draws only
    those artists again, in the order a full draw uses (by zorder), so the image is the one a new figure would
    give. When the new path changes the y range (by the chart's own rule, charts.parts(fig).fit_y), the figure
    is drawn again; if its tick labels then reach elsewhere, the axes move by as much, as a new layout would
    place them. A figure that drew no projection (too few figures) is the same whatever the path, unless a path
    comes where there was none. `update` returns None when a new figure must be drawn instead: the projection's
    artists come or go.
    """

    def __init__(self, fig: Figure, projected: bool):
        self.fig = fig
        self.projected = projected  # whether the path it was drawn with had projected years
        self.canvas = KeepingCanvas(self.fig)
        self.ax = self.fig.axes[0]
        self.parts = charts.parts(fig)
        self.lines = [self.parts.projection] if self.parts.projection is not None else []
        self.bands = list(self.parts.bands)
        self.top: list[Any] = []
        if self.movable:
            lowest = min(a.get_zorder() for a in [*self.lines, *self.bands])
            self.top = sorted((a for a in self.ax.get_children() if a.get_visible() and a.get_zorder() >= lowest
                               and a is not self.ax.patch), key=lambda a: a.get_zorder())
            for artist in self.top:
                artist.set_animated(True)  # left out of the axes' draw, drawn by _render below
            self.ax.set_animated(True)  # the figure around the axes (the legend) is drawn once, kept as the frame
        self.frame = None
        self.image = self._render()
        self.fig.set_layout_engine("none")
        self.box = self._box() if self.movable else None

    @property
    def movable(self) -> bool:
        """Whether the figure has the projection artists an update moves: one line and two bands."""
        return len(self.lines) == 1 and len(self.bands) == 2 and self.parts.fit_y is not None

    def _box(self) -> Any:
        """What the axes take up with their labels, in pixels (the box a layout fits into the figure)."""
        return self.ax.get_tightbbox(self.canvas.get_renderer(), for_layout_only=True)

    def _render(self) -> bytes:
        """Draw the figure (after the first time, its kept frame and the axes again), keep the background, draw the
        moving artists on it; the image as PNG bytes."""
        if not self.top:
            self.canvas.draw()
            return canvas_png(self.canvas)
        if self.frame is None:
            self.canvas.draw()
            self.frame = self.canvas.copy_from_bbox(self.fig.bbox)
        else:
            self.canvas.restore_region(self.frame)
        self.fig.draw_artist(self.ax)
        renderer = self.canvas.get_renderer()
        outside = [a for a in self.top if isinstance(a, Text) and not a.get_window_extent(renderer).overlaps(
            self.ax.bbox)]  # titles, tags, units: no path passes under them, so they join the background
        for artist in outside:
            self.ax.draw_artist(artist)
        self.background = self.canvas.copy_from_bbox(self.fig.bbox)
        self.moving = [a for a in self.top if a not in outside]
        for artist in self.moving:
            self.ax.draw_artist(artist)
        return canvas_png(self.canvas)

    def _refit(self) -> None:
        """Move the axes so that they take up the box they took before (as a new layout of the figure would)."""
        box = self._box()
        width, height = self.fig.bbox.width, self.fig.bbox.height
        pos = self.ax.get_position()
        self.ax.set_position([pos.x0 + (self.box.x0 - box.x0) / width, pos.y0 + (self.box.y0 - box.y0) / height,
                              pos.width - (self.box.x0 - box.x0 + box.x1 - self.box.x1) / width,
                              pos.height - (self.box.y0 - box.y0 + box.y1 - self.box.y1) / height])

    def update(self, proj: np.ndarray) -> bytes | None:
        """The figure with this projection (rows of PROJECTION_COLUMNS), as PNG bytes; None when a new figure must
        be drawn."""
        moving = len(proj) >= 2
        if not self.movable:
            return self.image if self.projected or not moving else None
        if not moving:
            return None
        column = {name: proj[:, i] for i, name in enumerate(PROJECTION_COLUMNS)}
        self.lines[0].set_data(column["year"], column["value"])
        for band, (lo, hi) in zip(self.bands, (("lo90", "hi90"), ("lo50", "hi50")), strict=True):
            band.set_data(column["year"], column[lo], column[hi])
        before = self.ax.get_ylim()
        self.ax.set_autoscaley_on(True)
        self.ax.relim()
        for other in self.ax.collections:  # relim leaves out those matplotlib adds by hand (hlines: the floors)
            if other not in self.bands:
                self.ax.update_datalim(other.get_datalim(self.ax.transData).get_points())
        self.ax.autoscale_view(scalex=False)
        self.parts.fit_y()
        if self.ax.get_ylim() != before:
            self._refit() if self.parts.fit_layout is None else self.parts.fit_layout()
            self.image = self._render()
            return self.image
        self.canvas.restore_region(self.background)
        for artist in self.moving:
            self.ax.draw_artist(artist)
        self.image = canvas_png(self.canvas)
        return self.image


def soon(job: Callable[[], None], delay: float = 0.0) -> bool:
    """Run `job` at a turn of the running event loop (a kernel's) `delay` seconds from now; False when no loop
    runs."""
    try:
        asyncio.get_running_loop().call_later(delay, job)
    except RuntimeError:
        return False
    return True


# ---------------------------------------------------------------- the explorer


class Explorer:
    """The explorer's controls and outputs over kzlib.context; drive it from code by setting its controls' values.

    With `defer` (a running kernel), charts are drawn one per turn of the event loop, after the controls, the
    status table and the judgements are shown, and the objects alive once the start view is built are left out
    of Python's full garbage collections (gc.freeze: a pass over them stalls a change by 0.1 s); without it (or
    without a running loop) charts are drawn before a change returns.
    """

    def __init__(self, action: int = 1, lang: str = "zh", scenario: str = "trend", as_of: int | None = None,
                 data: Sequence[str | Path] = (), user_file: str | Path | None = None, defer: bool = False,
                 plan: str | Path | None = None):
        if lang not in settings.LANGS:
            raise KzError(f"unknown language {lang!r}; expected one of {', '.join(settings.LANGS)}")
        plans.use(plan)
        self.data = tuple(str(d) for d in data)
        self.defer, self._building = defer, True
        self.plan = w.Dropdown(options=plan_options(lang), value=str(plans.current().folder),
                               layout=w.Layout(width="36em"))  # room for a plan's short name
        self.plan.observe(self._on_plan, names="value")
        self.widget = w.VBox()
        self.widget.add_class("kz-explorer")
        self._pool: list[tuple[w.HTML, w.FloatSlider, w.HTML, w.HBox]] = []  # slider rows, reused across views
        self._images: list[w.Image] = []
        self._queue: list[tuple[bool, Callable[[], None]]] = []  # charts still to draw, in order: (seen, draw)
        self._scheduled = False  # whether the next chart waits for a turn of the event loop
        self._changes = 0  # views shown so far
        self._tidying = False  # whether a garbage collection waits for a quiet moment
        self._quiet = False
        self._open(action, lang, scenario, as_of, user_file)
        self._building = False
        self.start_html = self.static_html()
        if defer:
            gc.freeze()  # what is alive now stays: full collections then skip it instead of stalling a change
            self._draw()

    def _open(self, action: int | None, lang: str, scenario: str | None, as_of: int | None,
              user_file: str | Path | None = None) -> None:
        """Load the plan in use (its registry, scenarios and figures) and show it from this start (None: its first
        section, the scenario trend)."""
        self.user_file = Path(user_file) if user_file is not None else paths.USER_SCENARIOS
        self.registry = context.load_registry()
        self.known = scenarios.load_scenarios(registry=self.registry, user=self.user_file)
        action = int(self.registry.actions["action"].min()) if action is None else action
        scenario = ("trend" if "trend" in self.known else next(iter(self.known))) if scenario is None else scenario
        if scenario not in self.known:
            raise scenarios.unknown(scenario, self.known)
        self.view: brief.Brief | None = None
        self._bases: dict[tuple, Context] = {}
        self._knobs: dict[tuple, tuple[list[Knob], list[str]]] = {}  # per start scenario, data year and action
        self._rows_html: OrderedDict[tuple, tuple[str, str]] = OrderedDict()  # a row's table cells, its judgement
        self._pngs: OrderedDict[tuple, bytes] = OrderedDict()
        self._figures: OrderedDict[tuple, Chart] = OrderedDict()
        self._shown: list[tuple | None] = [(None,) * 3] * len(self._images)  # per image widget: the chart (its
        self._queue = []  # static key) it shows; images kept from another plan show none of this one's
        self._touched: str | None = None  # the indicator whose slider moved last (its chart is drawn first)
        self._said: dict[str, str] | None = None  # the fields of the last "saved" message
        self.knobs: list[Knob] = []
        self.sliders: dict[str, w.FloatSlider] = {}
        self._controls(action, lang, scenario, as_of)
        self._outputs()
        self._reset()

    def _on_plan(self, change: Mapping[str, Any]) -> None:
        """Another plan: its registry, figures and scenarios, from its first section and the start scenario trend."""
        if self._quiet:
            return
        before = change["old"]
        try:
            plans.use(change["new"])
            self._open(None, self.lang.value, None, None)
        except KzError as exc:  # a pack that does not load: said beside the controls, the plan before kept
            plans.use(before)
            self._relabel(self.plan, self.plan.options, before)
            self._open(None, self.lang.value, None, None)
            self._error(exc)
            return
        if self.defer:
            self._draw()

    # ------------------------------------------------------------ widgets

    def _controls(self, action: int, lang: str, scenario: str, as_of: int | None) -> None:
        actions = self.registry.actions["action"].astype(int).tolist()
        if int(action) not in actions:
            raise KzError(f"unknown action {action!r}; expected one of {', '.join(map(str, actions))}")
        every = self._context(scenario, None, int(action)).observations
        years = sorted({int(y) for y in every["year"] if int(y) >= settings.DEFAULT_BASE_YEAR}, reverse=True)  # from the base year
        if as_of is not None and int(as_of) not in years:
            years = sorted({*years, int(as_of)}, reverse=True)
        self.action = w.Dropdown(value=int(action), options=[(str(n), n) for n in actions],
                                 layout=w.Layout(width="30em"))  # widened to the longest title by _label
        self.lang = w.ToggleButtons(value=lang, options=LANG_BUTTONS)
        self.as_of = w.Dropdown(value=ALL_DATA if as_of is None else int(as_of),
                                options=[("", ALL_DATA), *((str(y), y) for y in years)])
        self.scenario = w.Dropdown(value=scenario, options=list(self.known), layout=w.Layout(width="24em"))  # see _label
        self.reset = w.Button(icon="undo")
        self.save_name = w.Text(continuous_update=False)
        self.save_shared = w.Checkbox(value=False, indent=False)
        self.save_button = w.Button(icon="save", button_style="primary")
        self.message = w.HTML()
        for control in (self.action, self.as_of, self.scenario):
            control.observe(self._on_reset, names="value")
        self.lang.observe(self._on_lang, names="value")
        self.reset.on_click(lambda _button: self._to_trend())
        self.save_button.on_click(self._on_save)

    def data_year(self) -> int | None:
        """The as-of year chosen (None: all data)."""
        return None if self.as_of.value == ALL_DATA else int(self.as_of.value)

    def _outputs(self) -> None:
        self.title = w.HTML()
        self.slider_box = w.VBox()
        self._no_sliders = w.HTML()
        self.missing = w.HTML()
        self.summary = w.HTML()
        self.table = w.HTML()
        self.table.add_class("kz-wide")
        self.chart_box = w.GridBox(layout=w.Layout(grid_template_columns="repeat(auto-fill, minmax(430px, 1fr))",
                                                   grid_gap="8px"))
        self.judgement_box = w.HTML()
        self.headings = {k: w.HTML() for k in ("sliders", "outcome", "charts", "judgements")}
        row = w.Layout(flex_flow="row wrap", align_items="center", grid_gap="12px")
        self.widget.children = [
            self.title, self.plan,
            w.HBox([self.action, self.lang, self.as_of, self.scenario, self.reset], layout=row),
            self.headings["sliders"], self.slider_box, self.missing,
            w.HBox([self.save_name, self.save_shared, self.save_button], layout=row), self.message,
            self.headings["outcome"], self.summary, self.table,
            self.headings["charts"], self.chart_box,
            self.headings["judgements"], self.judgement_box,
        ]

    def style(self) -> str:
        """The explorer's style sheet: the briefs' rules for kzlib's classes and the explorer's own."""
        css = house_css(BRIEF_CSS.read_text(encoding="utf-8")) if BRIEF_CSS.exists() else ""
        return f"<style>{css}{EXPLORER_CSS}</style>"

    def _label(self) -> None:
        """Put every label of the controls in the current language."""
        lang = self.lang.value
        words = labels.words("explore", lang)
        self.title.value = f"{self.style()}<style>{LIVE_CSS}</style><h2>{brief.esc(words['title'])}</h2>"
        for key, widget in self.headings.items():
            widget.value = f"<h3>{brief.esc(words[key])}</h3>"
        titles = self.registry.actions.set_index("action")[f"title_{lang}"].to_dict()
        self._relabel(self.action, [(f"{n}. {titles[n]}", n) for n in titles])
        self.action.layout.width = dropdown_width([name for name, _ in self.action.options])
        self._relabel(self.as_of, [(words["latest"], ALL_DATA), *((str(y), y) for _, y in self.as_of.options[1:])])
        self._relabel(self.scenario, [(getattr(s, f"label_{lang}") or name, name) for name, s in self.known.items()])
        self.scenario.layout.width = dropdown_width([name for name, _ in self.scenario.options], least=24)
        self._relabel(self.plan, plan_options(lang, also=[v for _, v in self.plan.options]))
        for control, key in ((self.plan, "plan"), (self.action, "action"), (self.lang, "lang"), (self.as_of, "as_of"),
                             (self.scenario, "scenario")):
            control.description = words[key]
        self.reset.description = words["reset"]
        self.save_name.placeholder = words["save_name"]
        self.save_shared.description = words["shared"]
        self.save_button.description = words["save"]
        self._slider_labels()
        self._say()

    def _relabel(self, control: w.Dropdown, options: list[tuple[str, Any]], value: Any = None) -> None:
        """New option labels for a dropdown, keeping its value or setting `value`, without a change event
        (ipywidgets selects the first option otherwise)."""
        if list(control.options) == list(options) and (value is None or control.value == value):
            return
        quiet, self._quiet = self._quiet, True
        try:
            value = control.value if value is None else value
            control.options = options
            control.value = value
        finally:
            self._quiet = quiet

    def _slider_rows(self) -> None:
        """One row per knob (name, slider, note), taken from the rows made for earlier views (the browser then only
        updates them), each slider set to its knob's range, grid and start without a redraw."""
        while len(self._pool) < len(self.knobs):
            slider = w.FloatSlider(continuous_update=False)
            slider.observe(self._on_slider, names="value")
            parts = (w.HTML(layout=w.Layout(width="20em")), slider, w.HTML())
            self._pool.append((*parts, w.HBox(list(parts), layout=w.Layout(align_items="center"))))
        quiet, self._quiet = self._quiet, True
        try:
            for knob, (_name, slider, _note, _row) in zip(self.knobs, self._pool, strict=False):
                low, high = slider_bounds(knob)
                with slider.hold_sync(), slider.hold_trait_notifications():  # checked together, sent at once
                    slider.min, slider.max, slider.step = low, high, slider_step(knob)
                    slider.readout_format, slider.value = f".{decimals(knob)}f", start_value(knob)
        finally:
            self._quiet = quiet
        used = self._pool[:len(self.knobs)]
        self.sliders = {k.indicator: slider for k, (_n, slider, _t, _r) in zip(self.knobs, used, strict=True)}
        self._rows = {k.indicator: (name, slider, note) for k, (name, slider, note, _r) in zip(self.knobs, used,
                                                                                              strict=True)}
        rows = [row for *_parts, row in used] or ([] if self._without else [self._no_sliders])  # no figures yet:
        # the line below names the indicators, which the plan does quantify
        if list(self.slider_box.children) != rows:
            self.slider_box.children = rows

    def _slider_labels(self) -> None:
        """The names, units and notes beside the sliders, and the indicators without figures, in the language."""
        lang = self.lang.value
        for knob in self.knobs:
            name, _slider, note = self._rows[knob.indicator]
            name.value = brief.esc(labels.label("explore.with_unit", lang, name=knob.name(lang),
                                                unit=slider_unit(knob, lang)))
            note.value = brief.esc(knob_note(knob, lang))
        self._no_sliders.value = brief.esc(labels.label("explore.no_sliders", lang))
        info = self.registry.indicators.set_index("id")[f"name_{lang}"]
        names = labels.label("brief.list_sep", lang).join(str(info.get(i, i)) for i in self._without)
        self.missing.value = f'<p class="kz-note">{brief.esc(labels.label("explore.no_figures", lang, names=names))}</p>' \
            if self._without else ""

    # ------------------------------------------------------------ state

    def _context(self, scenario: str, as_of: int | None, action: int) -> Context:
        """The start scenario's context for an action and data year: loaded once, then assessed for other actions
        from the same figures."""
        key = (scenario, as_of, int(action))
        if key not in self._bases:
            loaded = next((c for (s, y, _), c in self._bases.items() if (s, y) == (scenario, as_of)), None)
            self._bases[key] = loaded.for_action(action) if loaded is not None else \
                context.load(self.data, scenario, as_of, action=int(action), user_scenarios=self.user_file)
        return self._bases[key]

    def base(self) -> Context:
        """The start scenario's context for the chosen action and data year, without overrides."""
        return self._context(self.scenario.value, self.data_year(), self.action.value)

    @property
    def assessment(self) -> pd.DataFrame:
        """The assessment shown: the action's targets under the start scenario and the slider assumptions."""
        return self.view.context.assessment

    @property
    def paths(self) -> pd.DataFrame:
        """The projections shown, under the same assumptions."""
        return self.view.context.paths

    def _moved(self, linear: bool) -> dict[str, float]:
        out = {}
        for knob in self.knobs:
            slider = self.sliders[knob.indicator]
            if knob.linear == linear and not math.isclose(slider.value, start_value(knob),
                                                          abs_tol=slider_step(knob) / 10):
                out[knob.indicator] = pace_of(knob, slider.value)
        return out

    @property
    def overrides(self) -> dict[str, float]:
        """Growth per indicator (fractions a year) where a growth slider was moved away from the start scenario."""
        return self._moved(linear=False)

    @property
    def steps(self) -> dict[str, float]:
        """Change a year per indicator (in its unit) where a linear slider was moved away from the start scenario."""
        return self._moved(linear=True)

    def _reset(self) -> None:
        """Sliders back to the start scenario (after a change of action, data year or scenario), then redraw."""
        key = (self.scenario.value, self.data_year(), self.action.value)
        if key not in self._knobs:
            base = self.base()
            series = trajectory.series_by_indicator(base.observations)
            self._knobs[key] = (knobs(self.registry, base.assessment, base.paths, series, self.action.value),
                                without_figures(self.registry, series, self.action.value))
        self.knobs, self._without = self._knobs[key]
        self._slider_rows()
        self._label()
        self.view = None
        self.refresh()

    def _to_trend(self) -> None:
        """The start scenario "trend" with its sliders (the start scenario's own, when the plan defines no trend)."""
        if self.scenario.value != "trend" and "trend" in self.known:
            self.scenario.value = "trend"
        else:
            self._reset()

    def refresh(self) -> None:
        """Re-assess the action under the current assumptions and show it: table and judgements, then charts."""
        self._changes += 1
        growth, steps = self.overrides, self.steps
        lang = self.lang.value
        label = labels.label("explore.assumed", lang) if growth or steps else None
        before = self.view.context if self.view is not None else self.base()
        self.view = brief.Brief(before.with_overrides(growth, steps), lang, self.action.value, label=label)
        self.summary.value, self.table.value, self.judgement_box.value = self._html_of(self.view)
        self._charts(self.view)

    def _html_of(self, view: brief.Brief) -> tuple[str, str, str]:
        """The status summary, status table and judgements of a view. The table and the judgements are the
        brief's, written row by row: a row seen before (the same figures under the same assumptions, in the same
        language and scenario name) is not written again."""
        rows = view.rows
        tabled = rows[rows["kind"] != "milestone"]
        marks, chance = brief.flag_marks(view, tabled), brief.has_chance(tabled)  # the whole table's, not a row's
        frame = (view.lang, view.scenario_label, tuple(marks.items()), chance)
        keys = [(*frame, repr(values.tolist())) for values in rows.to_numpy(dtype=object)]
        new = [i for i, key in enumerate(keys) if key not in self._rows_html]
        if new or frame not in self._rows_html:  # written in one call each, then cut into rows: the brief's table
            # has one <tr>, its list one <p> a row
            table = brief.status_grid(view, scenario=True, rows=rows.iloc[new], marks=marks, chance=chance)
            body = table[table.index("<tbody>") + 7:table.rindex("</tbody>")]
            cells = iter(tr + "</tr>" for tr in body.split("</tr>")[:-1])  # milestones have no row in the table
            tabled = (rows["kind"] != "milestone").to_numpy()
            said = brief.judgement_list(view, outlook=True, rows=rows.iloc[new]).split('<p class="kz-judgement">')[1:]
            for i, p in zip(new, said, strict=True):
                self._rows_html[keys[i]] = (next(cells) if tabled[i] else "", '<p class="kz-judgement">' + p)
            self._rows_html[frame] = (table[:table.index("<tbody>") + 7], table[table.rindex("</tbody>"):])
        for key in (*keys, frame):
            self._rows_html.move_to_end(key)
        head, tail = self._rows_html[frame]
        html = (brief.status_summary(view), head + "".join(self._rows_html[k][0] for k in keys) + tail,
                "".join(self._rows_html[k][1] for k in keys))
        while len(self._rows_html) > ROW_CACHE:
            self._rows_html.popitem(last=False)
        return html

    # ------------------------------------------------------------ charts

    def _image_widgets(self, n: int) -> list[w.Image]:
        """`n` image widgets, reused from earlier views."""
        while len(self._images) < n:
            self._images.append(w.Image(format="png", layout=w.Layout(width="auto", max_width="100%")))
            self._shown.append(None)
        return self._images[:n]

    def _charts(self, view: brief.Brief) -> None:
        """One image per target with figures: a kept image at once, the others drawn in order (the moved
        indicator's first, then from the top). In a running kernel, the start view's charts are then also drawn,
        unseen, as the current assumptions name them, so that the first slider change moves a drawn figure."""
        frame = brief.chart_rows(view)
        ids, inds, statuses = (frame[column].tolist() for column in ("id", "indicator", "status"))
        proj = projections(view.paths, [str(ind) for ind in dict.fromkeys(inds)])
        images = self._image_widgets(len(ids))
        self.headings["charts"].layout.display = None if ids else "none"  # no heading over no chart
        jobs, spare = [], []
        assumed = brief.Brief(view.context, view.lang, view.action, label=labels.label("explore.assumed", view.lang))
        for i, (target, ind, status) in enumerate(zip(ids, inds, statuses, strict=True)):
            row = partial(record, frame, i)  # read only for a chart to draw
            own = proj[str(ind)]
            static = (view.lang, view.as_of, target, status, view.scenario_label)
            key = (*static, own.tobytes())
            if key in self._pngs:
                self._pngs.move_to_end(key)
                self._show(i, static, self._pngs[key])
            else:
                if self._shown[i] is not None and self._shown[i][2] != target:
                    self._show(i, None, blank_png(PIL.Image.open(io.BytesIO(images[i].value)).size))
                jobs.append((ind != self._touched, partial(self._chart, i, view, row, static, own, key)))
            later = (*static[:-1], assumed.scenario_label)
            if self.defer and view.label is None and later not in self._figures:
                spare.append((False, partial(self._prepare, assumed, row, later, str(ind), own)))
        if list(self.chart_box.children) != images:
            self.chart_box.children = images
        self._queue = [(True, job) for _, job in sorted(jobs, key=lambda pair: pair[0])] + spare
        self._draw()

    def _prepare(self, assumed: brief.Brief, row: Callable[[], dict], static: tuple, indicator: str,
                 proj: np.ndarray) -> None:
        """Draw, unseen, a chart of the start view as the current assumptions name it; where the start view
        projects nothing (one figure, no trend), under the slider's start value, so that the figure has a path to
        move."""
        knob = next((k for k in self.knobs if k.indicator == indicator), None)
        if len(proj) < 2 and knob is not None:
            pace = {indicator: pace_of(knob, start_value(knob))}
            context_ = assumed.context.with_overrides(*((None, pace) if knob.linear else (pace, None)))
            assumed = brief.Brief(context_, assumed.lang, assumed.action, label=assumed.label)
            proj = projections(assumed.paths, [indicator])[indicator]
        self._chart(None, assumed, row, static, proj, (*static, proj.tobytes()))

    def _show(self, i: int, static: tuple | None, png: bytes) -> None:
        if self._images[i].value != png:
            self._images[i].value = png
        self._shown[i] = static

    @property
    def drawing(self) -> bool:
        """Whether charts of the view are still to be shown (deferred to later turns of the event loop)."""
        return any(seen for seen, _job in self._queue)

    @property
    def idle(self) -> bool:
        """Whether nothing is left to do: no chart to draw, seen or unseen, and no tidying waiting."""
        return not self._queue and not self._tidying

    def _draw(self, pause: bool = True) -> None:
        """Draw the queued charts: now, or one per turn of the event loop when deferred, the unseen ones after
        UNSEEN_DELAY of quiet (`pause`); a new view replaces what is left of the queue."""
        if self._scheduled:
            return
        delay = 0.0 if self.drawing or not pause else UNSEEN_DELAY
        if self.defer and not self._building and self._queue and soon(self._draw_next, delay):
            self._scheduled = True
            return
        while self.drawing:
            self._queue.pop(0)[1]()

    def _draw_next(self) -> None:
        self._scheduled = False
        if not self._queue:
            return
        try:
            self._queue.pop(0)[1]()
        except Exception as exc:  # a deferred chart has no caller to tell: the panel says it
            self._queue = []
            self._error(exc)
            return
        self._draw(pause=False)
        if not self._queue:
            quiet = self._changes
            self._tidying = soon(lambda: self._tidy(quiet), TIDY_DELAY)

    def _tidy(self, quiet: int) -> None:
        """A full garbage collection while nothing happens (no change since `quiet`), rather than one that Python
        starts in the middle of a change (0.1 s over everything the explorer keeps)."""
        self._tidying = False
        if quiet == self._changes and not self._queue:
            gc.collect()

    def _chart(self, i: int | None, view: brief.Brief, row: Callable[[], dict], static: tuple, proj: np.ndarray,
               key: tuple) -> None:
        """Draw one chart (moving the kept figure when it can) and show it in image `i` (keep it when None)."""
        chart = self._figures.get(static)
        png = chart.update(proj) if chart is not None else None
        if png is None:
            chart = Chart(brief.chart(view, row()), projected=len(proj) >= 2)
            png = chart.image
        self._figures[static] = chart
        self._figures.move_to_end(static)
        while len(self._figures) > FIGURE_CACHE:
            self._figures.popitem(last=False)
        self._pngs[key] = png
        while len(self._pngs) > CHART_CACHE:
            self._pngs.popitem(last=False)
        if i is not None:
            self._show(i, static, png)

    def static_html(self) -> str:
        """The current view as static HTML (the status table, charts and judgements) for a notebook read without
        a kernel (nbconvert, a saved notebook reopened); where the widget runs, its style sheet hides it."""
        words = labels.words("explore", self.lang.value)
        images = "".join(f'<img src="data:image/png;base64,{base64.b64encode(image.value).decode("ascii")}" '
                         f'alt="">' for image in self.chart_box.children)
        return (f'<div class="kz-explorer kz-start-view">{self.style()}<h2>{brief.esc(words["title"])}</h2>'
                f'<p class="kz-note">{brief.esc(words["static"])}</p>'
                f'<h3>{brief.esc(words["outcome"])}</h3>{self.summary.value}{self.table.value}'
                + (f'<h3>{brief.esc(words["charts"])}</h3><div class="kz-charts">{images}</div>' if images else "")
                + f'<h3>{brief.esc(words["judgements"])}</h3>{self.judgement_box.value}</div>')

    # ------------------------------------------------------------ events

    def _error(self, exc: Exception) -> None:
        colour = settings.STATUS_COLOURS["moving_away"]
        self._said = None
        self.message.value = f'<pre style="color:{colour}">{brief.esc(exc)}</pre>'

    def _say(self) -> None:
        """The last message of the save button, in the current language."""
        if self._said is not None:
            self.message.value = brief.esc(labels.label("explore.saved", self.lang.value, **self._said))

    def _on_slider(self, change: dict) -> None:
        if not self._quiet:
            self._touched = next((k for k, v in self.sliders.items() if v is change["owner"]), None)
            self.refresh()

    def _on_reset(self, _change: dict) -> None:
        if not self._quiet:
            self._said, self.message.value = None, ""  # a message on the view before is no longer true of this one
            self._reset()

    def _on_lang(self, _change: dict) -> None:
        self._label()
        self.view = None
        self.refresh()

    def _on_save(self, _button: Any) -> None:
        name = self.save_name.value.strip()
        try:
            written = self.save(name, paths.SCENARIOS if self.save_shared.value else None)
        except KzError as exc:
            self._error(exc)
            return
        self._said = {"name": name, "file": paths.shown(written)}
        self._say()

    def save(self, name: str, path: str | Path | None = None) -> Path:
        """Save the start scenario with the slider assumptions as scenario `name` (default: the user file), and
        open it: the sliders stay where they are, now as the start scenario's own paces."""
        start = self.known[self.scenario.value]
        notes = {f"note_{lang}": labels.label("explore.saved_note", lang, start=getattr(start, f"label_{lang}"))
                 for lang in settings.LANGS}
        names = {f"label_{lang}": labels.label("explore.saved_label", lang, name=name) for lang in settings.LANGS}
        new = scenarios.with_overrides(start, self.overrides, name=name, steps=self.steps, **names, **notes)
        written = scenarios.save_scenario(new, path if path is not None else self.user_file, registry=self.registry)
        self.known = scenarios.load_scenarios(registry=self.registry, user=self.user_file)
        self._label()
        self.scenario.value = name
        return written

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        """The widget."""
        return self.widget._repr_mimebundle_(**kwargs)


def load(action: int = 1, lang: str = "zh", scenario: str = "trend", as_of: int | None = None,
         data: Sequence[str | Path] = (), user_file: str | Path | None = None, defer: bool = False,
         plan: str | Path | None = None) -> Explorer:
    """An explorer on a plan's registry, data (plus `data` files) and scenarios (shared and the user's); `plan`
    (an id or a folder) makes that plan the one in use."""
    return Explorer(action, lang, scenario, None if as_of is None else int(as_of), data, user_file, defer, plan)


def show(action: int = 1, lang: str = "zh", scenario: str = "trend", as_of: int | None = None,
         data: Sequence[str | Path] = (), plan: str | Path | None = None) -> Explorer:
    """Build the explorer on the project's data and display it (the notebook's one call): the widget, then its
    start view as static HTML for readers without a kernel (nbconvert prefers a widget whose state the executed
    notebook keeps, so the start view is an output of its own). Later charts are drawn between the kernel's
    other work."""
    from IPython.display import HTML, display

    explorer = load(action, lang, scenario, as_of, data, defer=True, plan=plan)
    display(explorer)
    display(HTML(explorer.start_html))
    return explorer
