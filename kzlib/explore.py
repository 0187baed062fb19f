"""The scenario explorer: an action's growth assumptions on sliders, its targets re-assessed at every change.

The explorer adds controls, nothing else: what it shows is the brief's views (kzlib.brief: status summary,
status table, judgements, charts) of a kzlib.context loaded for the chosen action, data year and start
scenario, with the slider overrides applied by `Context.with_overrides`. So the explorer and a brief rendered
with the saved scenario agree. Contexts are cached by kzlib.context; a slider change re-assesses the current
action only and redraws only the charts whose path changed.
"""

from __future__ import annotations

import io
import math
import re
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import ipywidgets as w
import pandas as pd
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from kzlib import brief, charts, context, labels, paths, scenarios, settings, text, trajectory
from kzlib.context import Context
from kzlib.errors import KzError
from kzlib.registry import Registry

SLIDER_STEP = 0.1  # percent a year
SLIDER_SPAN = 10.0  # percentage points either side of the trend, the start and the plan path
SLIDER_RANGE = (-10.0, 20.0)  # percent a year: the least a slider spans
SLIDER_LIMITS = (-50.0, 100.0)  # percent a year: the most a slider spans
CHART_CACHE = 256  # PNGs kept, so that going back to an earlier value is instant
PNG_OPTIONS = {"compress_level": 1}  # fast to write; the explorer's images are never stored
FIRST_AS_OF = settings.DEFAULT_BASE_YEAR  # earliest data year offered in the as-of control
ALL_DATA = 0  # the as-of control's value for "all data" (ipywidgets shows a None value as no selection)
BRIEF_CSS = Path(__file__).resolve().parent / "templates" / "brief" / "brief.css"

LANG_BUTTONS = (("中文", "zh"), ("English", "en"))


# ---------------------------------------------------------------- what the sliders stand for


@dataclass(frozen=True)
class Knob:
    """One indicator of the action: its trend, the growth its plan path needs, and the start scenario's growth."""

    indicator: str
    name_zh: str
    name_en: str
    has_data: bool
    trend: float | None  # fractions a year
    needed: float | None
    start: float | None

    def name(self, lang: str) -> str:
        """The indicator's name in the language asked for."""
        return self.name_zh if lang == "zh" else self.name_en


def action_indicators(registry: Registry, action: int) -> list[str]:
    """The indicators of the action's numeric targets, in plan order, each once."""
    rows = registry.numeric()
    rows = rows[(rows["action"] == int(action)) & rows["indicator"].notna()]
    return list(dict.fromkeys(rows["indicator"]))


def implied_growth(path: pd.DataFrame) -> float | None:
    """The average annual growth of one indicator's projection, from its latest observation to its end."""
    observed = path[path["kind"] == "observed"]
    projected = path[path["kind"] == "projected"]
    if observed.empty or projected.empty:
        return None
    t, xt = int(observed["year"].iloc[-1]), float(observed["value"].iloc[-1])
    end, xe = int(projected["year"].iloc[-1]), float(projected["value"].iloc[-1])
    return trajectory.cagr(xt, xe, end - t)


def most_demanding(rows: pd.DataFrame) -> float | None:
    """The growth still needed by the indicator's targets not yet met: the highest (lowest for a falling goal)."""
    open_ = rows[(rows["status"] != "achieved") & rows["required_growth"].notna()]
    if open_.empty:
        return None
    down = (open_["direction"] == "down").all()
    return float(open_["required_growth"].min() if down else open_["required_growth"].max())


def knobs(registry: Registry, assessment: pd.DataFrame, path: pd.DataFrame,
          series: Mapping[str, tuple[Any, Any]], action: int) -> list[Knob]:
    """One knob per indicator of the action, from the start scenario's assessment and projection."""
    out = []
    info = registry.indicators.set_index("id")
    for ind in action_indicators(registry, action):
        years_values = series.get(ind)
        pace = trajectory.observed_pace(*years_values) if years_values is not None else None
        own = path[path["indicator"] == ind]
        out.append(Knob(
            indicator=ind, name_zh=str(info.loc[ind, "name_zh"]), name_en=str(info.loc[ind, "name_en"]),
            has_data=years_values is not None, trend=pace.growth if pace is not None else None,
            needed=most_demanding(assessment[assessment["indicator"] == ind]),
            start=implied_growth(own) if not own.empty else None,
        ))
    return out


def slider_bounds(knob: Knob) -> tuple[float, float]:
    """Slider range in percent: at least SLIDER_RANGE, SLIDER_SPAN beyond trend, start and plan path."""
    marks = [100 * g for g in (knob.trend, knob.start, knob.needed) if g is not None and math.isfinite(g)]
    low = min([SLIDER_RANGE[0], *(m - SLIDER_SPAN for m in marks)])
    high = max([SLIDER_RANGE[1], *(m + SLIDER_SPAN for m in marks)])
    return max(SLIDER_LIMITS[0], math.floor(low)), min(SLIDER_LIMITS[1], math.ceil(high))


def start_value(knob: Knob) -> float:
    """Where the slider starts, in percent on the slider's grid: the start scenario's growth, else 0."""
    if knob.start is None or not math.isfinite(knob.start):
        return 0.0
    low, high = slider_bounds(knob)
    return min(high, max(low, round(round(100 * knob.start / SLIDER_STEP) * SLIDER_STEP, 6)))


def knob_note(knob: Knob, lang: str) -> str:
    """What stands beside a slider: trend and plan path growth, or why there is nothing to move."""
    words = labels.words("explore", lang)
    if not knob.has_data:
        return words["no_data"]
    parts = [words["trend"].format(g=text.format_percent(knob.trend, lang)) if knob.trend is not None
             else words["no_trend"]]
    parts.append(words["needs"].format(g=text.format_percent(knob.needed, lang)) if knob.needed is not None
                 else words["met"])
    return " · ".join(parts)


# ---------------------------------------------------------------- what the outputs look like


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


def projection(path: pd.DataFrame | None, start: tuple[int, float]) -> pd.DataFrame:
    """One indicator's projected years after `start` (its latest observation), `start` first, as charts draw it."""
    cols = ["year", "value", "lo90", "lo50", "hi50", "hi90"]
    if path is None or path.empty:
        return pd.DataFrame(columns=cols, dtype=float)
    proj = path[(path["kind"] == "projected") & (path["year"] > start[0])]
    first = pd.DataFrame([dict.fromkeys(cols, float(start[1])) | {"year": float(start[0])}])
    return pd.concat([first, proj[cols]], ignore_index=True).astype(float) if len(proj) else first.iloc[:0]


class Chart:
    """One target's trajectory figure, kept between updates: a new path only redraws its projection and bands.

    The figure is drawn by brief.chart; its layout is then frozen. The projection line and its two bands (the
    artists charts.parts names) and everything drawn above them are set aside, the rest is rendered once
    as a background, and an update pastes the background and draws only those artists again, in the order a
    full draw uses (by zorder), so the image is the one a new figure would give. A new figure is drawn instead
    when the target, language or data year changes, or when the new path would leave the figure's y range.
    """

    def __init__(self, fig: Figure):
        self.fig = fig
        self.canvas = FigureCanvasAgg(self.fig)
        self.canvas.draw()
        self.fig.set_layout_engine("none")
        self.ax = self.fig.axes[0]
        drawn = charts.parts(fig)
        self.lines = [drawn.projection] if drawn.projection is not None else []
        self.bands = list(drawn.bands)
        self.ylim = self.ax.get_ylim()
        self.top: list[Any] = []
        if self.movable:
            lowest = min(a.get_zorder() for a in [*self.lines, *self.bands])
            self.top = sorted((a for a in self.ax.get_children() if a.get_visible() and a.get_zorder() >= lowest
                               and a is not self.ax.patch), key=lambda a: a.get_zorder())
            for artist in self.top:
                artist.set_animated(True)  # left out of canvas.draw(), drawn by draw() below
            self.canvas.draw()
            self.background = self.canvas.copy_from_bbox(self.fig.bbox)

    @property
    def movable(self) -> bool:
        """Whether the figure has the projection artists an update moves: one line and two bands."""
        return len(self.lines) == 1 and len(self.bands) == 2

    def png(self) -> bytes:
        """The figure as it stands, as PNG bytes."""
        return png_bytes(self.fig)

    def follows(self, proj: pd.DataFrame) -> bool:
        """Whether the figure can take this projection: it has one, the same artists, and room for it."""
        if not self.movable or len(proj) < 2:
            return False
        values = proj[["value", "lo90", "hi90"]].to_numpy()
        values = values[pd.notna(values)]
        return bool(((values >= self.ylim[0]) & (values <= self.ylim[1])).all())

    def draw(self, proj: pd.DataFrame) -> bytes:
        """The figure with this projection, as PNG bytes."""
        self.lines[0].set_data(proj["year"], proj["value"])
        for band, (lo, hi) in zip(self.bands, (("lo90", "hi90"), ("lo50", "hi50")), strict=True):
            band.set_data(proj["year"], proj[lo], proj[hi])
        self.canvas.restore_region(self.background)
        for artist in self.top:
            self.ax.draw_artist(artist)
        buffer = io.BytesIO()
        PIL.Image.frombuffer("RGBA", self.canvas.get_width_height(), self.canvas.buffer_rgba(), "raw", "RGBA", 0, 1) \
            .save(buffer, format="png", **PNG_OPTIONS)
        return buffer.getvalue()

    def close(self) -> None:
        """Let the figure go."""
        self.fig.clear()


# ---------------------------------------------------------------- the explorer


class Explorer:
    """The explorer's controls and outputs over kzlib.context; drive it from code by setting its controls' values."""

    def __init__(self, action: int = 1, lang: str = "zh", scenario: str = "trend", as_of: int | None = None,
                 data: Sequence[str | Path] = (), user_file: str | Path | None = None):
        if lang not in settings.LANGS:
            raise KzError(f"unknown language {lang!r}; expected one of {', '.join(settings.LANGS)}")
        self.data = tuple(str(d) for d in data)
        self.user_file = Path(user_file) if user_file is not None else paths.USER_SCENARIOS
        self.registry = context.load_registry()
        self.known = scenarios.load_scenarios(registry=self.registry, user=self.user_file)
        if scenario not in self.known:
            raise scenarios.unknown(scenario, self.known)
        self.view: brief.Brief | None = None
        self._pngs: OrderedDict[tuple, bytes] = OrderedDict()
        self._figures: dict[tuple, Chart] = {}
        self._quiet = False
        self.knobs: list[Knob] = []
        self.sliders: dict[str, w.FloatSlider] = {}
        self._controls(action, lang, scenario, as_of)
        self._outputs()
        self._reset()

    # ------------------------------------------------------------ widgets

    def _controls(self, action: int, lang: str, scenario: str, as_of: int | None) -> None:
        actions = self.registry.actions["action"].astype(int).tolist()
        if int(action) not in actions:
            raise KzError(f"unknown action {action!r}; expected one of {', '.join(map(str, actions))}")
        every = context.load(self.data, None).observations
        years = sorted({int(y) for y in every["year"] if int(y) >= FIRST_AS_OF}, reverse=True)
        if as_of is not None and int(as_of) not in years:
            years = sorted({*years, int(as_of)}, reverse=True)
        self.action = w.Dropdown(value=int(action), options=[(str(n), n) for n in actions])
        self.lang = w.ToggleButtons(value=lang, options=LANG_BUTTONS)
        self.as_of = w.Dropdown(value=ALL_DATA if as_of is None else int(as_of),
                                options=[("", ALL_DATA), *((str(y), y) for y in years)])
        self.scenario = w.Dropdown(value=scenario, options=list(self.known))
        self.reset = w.Button(icon="undo")
        self.save_name = w.Text(continuous_update=False)
        self.save_shared = w.Checkbox(value=False, indent=False)
        self.save_button = w.Button(icon="save", button_style="primary")
        self.message = w.HTML()
        for control in (self.action, self.as_of, self.scenario):
            control.observe(self._on_reset, names="value")
        self.lang.observe(self._on_lang, names="value")
        self.reset.on_click(lambda _button: self._reset())
        self.save_button.on_click(self._on_save)

    def data_year(self) -> int | None:
        """The as-of year chosen (None: all data)."""
        return None if self.as_of.value == ALL_DATA else int(self.as_of.value)

    def _outputs(self) -> None:
        self.title = w.HTML()
        self.slider_box = w.VBox()
        self.summary = w.HTML()
        self.table = w.HTML()
        self.chart_box = w.GridBox(layout=w.Layout(grid_template_columns="repeat(auto-fill, minmax(480px, 1fr))",
                                                   grid_gap="8px"))
        self.judgement_box = w.HTML()
        self.headings = {k: w.HTML() for k in ("sliders", "outcome", "charts", "judgements")}
        row = w.Layout(flex_flow="row wrap", align_items="center", grid_gap="12px")
        self.widget = w.VBox([
            self.title,
            w.HBox([self.action, self.lang, self.as_of, self.scenario, self.reset], layout=row),
            self.headings["sliders"], self.slider_box,
            w.HBox([self.save_name, self.save_shared, self.save_button], layout=row), self.message,
            self.headings["outcome"], self.summary, self.table,
            self.headings["charts"], self.chart_box,
            self.headings["judgements"], self.judgement_box,
        ])
        self.widget.add_class("kz-explorer")

    def _label(self) -> None:
        """Put every label of the controls in the current language."""
        lang = self.lang.value
        words = labels.words("explore", lang)
        style = house_css(BRIEF_CSS.read_text(encoding="utf-8")) if BRIEF_CSS.exists() else ""
        self.title.value = f"<style>{style}</style><h2>{brief.esc(words['title'])}</h2>"
        for key, widget in self.headings.items():
            widget.value = f"<h3>{brief.esc(words[key])}</h3>"
        titles = self.registry.actions.set_index("action")[f"title_{lang}"].to_dict()
        self._relabel(self.action, [(f"{n}. {titles[n]}", n) for n in titles])
        self._relabel(self.as_of, [(words["latest"], ALL_DATA), *((str(y), y) for _, y in self.as_of.options[1:])])
        self._relabel(self.scenario, [(getattr(s, f"label_{lang}") or name, name) for name, s in self.known.items()])
        for control, key in ((self.action, "action"), (self.lang, "lang"), (self.as_of, "as_of"),
                             (self.scenario, "scenario")):
            control.description = words[key]
        self.reset.description = words["reset"]
        self.save_name.placeholder = words["save_name"]
        self.save_shared.description = words["shared"]
        self.save_button.description = words["save"]
        self._slider_rows()

    def _relabel(self, control: w.Dropdown, options: list[tuple[str, Any]]) -> None:
        """New option labels for a dropdown, keeping its value (ipywidgets selects the first option otherwise)."""
        quiet, self._quiet = self._quiet, True
        try:
            value = control.value
            control.options = options
            control.value = value
        finally:
            self._quiet = quiet

    def _slider_rows(self) -> None:
        lang = self.lang.value
        rows = []
        for knob in self.knobs:
            note = w.HTML(brief.esc(knob_note(knob, lang)))
            name = w.HTML(brief.esc(knob.name(lang)), layout=w.Layout(width="18em"))
            rows.append(w.HBox([name, self.sliders[knob.indicator], note], layout=w.Layout(align_items="center")))
        if not rows:
            rows = [w.HTML(brief.esc(labels.label("explore.no_sliders", lang)))]
        replaced, current = self.slider_box.children, set(map(id, self.sliders.values()))
        self.slider_box.children = rows
        for old in replaced:  # closed, so that the kernel keeps no stale widgets
            for part in getattr(old, "children", ()):
                if id(part) not in current:
                    part.close()
            old.close()

    # ------------------------------------------------------------ state

    def base(self) -> Context:
        """The start scenario's context for the chosen action and data year, without overrides."""
        return context.load(self.data, self.scenario.value, self.data_year(), action=self.action.value,
                            user_scenarios=self.user_file)

    @property
    def assessment(self) -> pd.DataFrame:
        """The assessment shown: the action's targets under the start scenario and the slider overrides."""
        return self.view.context.assessment

    @property
    def paths(self) -> pd.DataFrame:
        """The projections shown, under the same assumptions."""
        return self.view.context.paths

    @property
    def overrides(self) -> dict[str, float]:
        """Growth per indicator (fractions) where a slider was moved away from the start scenario's value."""
        out = {}
        for knob in self.knobs:
            slider = self.sliders[knob.indicator]
            if knob.has_data and not math.isclose(slider.value, start_value(knob), abs_tol=SLIDER_STEP / 10):
                out[knob.indicator] = round(slider.value, 6) / 100.0  # as a scenarios file reads percent
        return out

    def _reset(self) -> None:
        """Sliders back to the start scenario (after a change of action, data year or scenario), then redraw."""
        base = self.base()
        series = trajectory.series_by_indicator(base.observations)
        self.knobs = knobs(self.registry, base.assessment, base.paths, series, self.action.value)
        self.sliders = {}
        for knob in self.knobs:
            low, high = slider_bounds(knob)
            slider = w.FloatSlider(value=start_value(knob), min=low, max=high, step=SLIDER_STEP,
                                   readout_format=".1f", continuous_update=False, disabled=not knob.has_data)
            slider.observe(self._on_slider, names="value")
            self.sliders[knob.indicator] = slider
        self._label()
        self.refresh()

    def refresh(self) -> None:
        """Re-assess the action under the current assumptions and redraw every output."""
        overrides = self.overrides
        lang = self.lang.value
        label = labels.label("explore.assumed", lang) if overrides else None
        self.view = brief.Brief(self.base().with_overrides(overrides), lang, self.action.value, label=label)
        self.summary.value = brief.status_summary(self.view)
        self.table.value = brief.status_grid(self.view, scenario=True)
        self._charts(self.view)
        self.judgement_box.value = brief.judgement_list(self.view, outlook=True)

    def _charts(self, view: brief.Brief) -> None:
        """One image per numeric target; a chart is drawn again only when its path changed."""
        rows = brief.chart_rows(view).to_dict("records")
        by_indicator = {str(k): g for k, g in view.paths.groupby("indicator", sort=False)}
        latest = view.observations.sort_values("year").groupby("indicator").tail(1).set_index("indicator")
        images = list(self.chart_box.children)
        if len(images) != len(rows):
            images = [w.Image(format="png", layout=w.Layout(width="100%", height="auto")) for _ in rows]
        figures: dict[tuple, Chart] = {}
        for image, row in zip(images, rows, strict=True):
            ind = str(row["indicator"])
            static = (view.lang, view.as_of, row["id"], row["status"], view.scenario_label)
            start = (int(latest.loc[ind, "year"]), float(latest.loc[ind, "value"])) if ind in latest.index else None
            proj = projection(by_indicator.get(ind), start) if start is not None else projection(None, (0, 0.0))
            key = (*static, proj.to_numpy().tobytes())
            if key not in self._pngs:
                chart = self._figures.get(static)
                if chart is None or not chart.follows(proj):
                    if chart is not None:
                        chart.close()
                    chart = Chart(brief.chart(view, row))
                    self._pngs[key] = chart.png()
                else:
                    self._pngs[key] = chart.draw(proj)
                figures[static] = chart
                while len(self._pngs) > CHART_CACHE:
                    self._pngs.popitem(last=False)
            elif static in self._figures:
                figures[static] = self._figures[static]
            self._pngs.move_to_end(key)
            if image.value != self._pngs[key]:
                image.value = self._pngs[key]
        for static, chart in self._figures.items():
            if static not in figures:
                chart.close()
        self._figures = figures
        replaced = [i for i in self.chart_box.children if i not in images]
        if replaced or len(images) != len(self.chart_box.children):
            self.chart_box.children = images
        for image in replaced:
            image.close()

    # ------------------------------------------------------------ events

    def _on_slider(self, _change: dict) -> None:
        if not self._quiet:
            self.refresh()

    def _on_reset(self, _change: dict) -> None:
        if not self._quiet:
            self._reset()

    def _on_lang(self, _change: dict) -> None:
        self._label()
        self.refresh()

    def _on_save(self, _button: Any) -> None:
        words = labels.words("explore", self.lang.value)
        try:
            written = self.save(self.save_name.value.strip(), paths.SCENARIOS if self.save_shared.value else None)
        except KzError as exc:
            colour = settings.STATUS_COLOURS["moving_away"]
            self.message.value = f'<pre style="color:{colour}">{brief.esc(exc)}</pre>'
            return
        self.message.value = brief.esc(words["saved"].format(name=self.save_name.value.strip(),
                                                             file=paths.shown(written)))

    def save(self, name: str, path: str | Path | None = None) -> Path:
        """Save the start scenario with the slider overrides as scenario `name` (default: the user file)."""
        start = self.known[self.scenario.value]
        notes = {f"note_{lang}": labels.label("explore.saved_note", lang, start=getattr(start, f"label_{lang}"))
                 for lang in settings.LANGS}
        names = {f"label_{lang}": labels.label("explore.saved_label", lang, name=name) for lang in settings.LANGS}
        new = scenarios.with_overrides(start, self.overrides, name=name, **names, **notes)
        written = scenarios.save_scenario(new, path if path is not None else self.user_file, registry=self.registry)
        self.known = scenarios.load_scenarios(registry=self.registry, user=self.user_file)
        self._label()
        return written

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        return self.widget._repr_mimebundle_(**kwargs)


def load(action: int = 1, lang: str = "zh", scenario: str = "trend", as_of: int | None = None,
         data: Sequence[str | Path] = (), user_file: str | Path | None = None) -> Explorer:
    """An explorer on the project's registry, data (plus `data` files) and scenarios (shared and the user's)."""
    return Explorer(action, lang, scenario, None if as_of is None else int(as_of), data, user_file)


def show(action: int = 1, lang: str = "zh", scenario: str = "trend", as_of: int | None = None,
         data: Sequence[str | Path] = ()) -> Explorer:
    """Build the explorer on the project's data and display it (the notebook's one call)."""
    from IPython.display import display

    explorer = load(action, lang, scenario, as_of, data)
    display(explorer.widget)
    return explorer
