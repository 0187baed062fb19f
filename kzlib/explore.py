"""The scenario explorer: an action's growth assumptions on sliders, its targets re-assessed at every change.

Everything the explorer shows comes from the functions the briefs use: `assess.assess` and `scenarios.project`
under the start scenario plus the slider overrides, `charts.trajectory`, `text.judgement` and the brief's
status table cells (`brief.status_rows`), so the explorer and a brief rendered with the saved scenario agree.
What does not change with the sliders (registry, data, the start scenario's assessment and path) is computed
once; a slider change re-assesses the current action only and redraws only the charts whose path changed.
"""

from __future__ import annotations

import io
import math
import re
from collections import OrderedDict
from collections.abc import Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

import ipywidgets as w
import pandas as pd
import PIL.Image
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.collections import FillBetweenPolyCollection
from matplotlib.colors import to_hex
from matplotlib.figure import Figure

from kzlib import assess, brief, charts, paths, scenarios, settings, text, trajectory
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

WORDS = {
    "zh": {
        "title": "情景探索：调整增速假设，查看2027年目标能否实现",
        "action": "行动", "lang": "语言", "as_of": "数据截至", "latest": "全部数据", "scenario": "起始情景",
        "reset": "恢复起始情景",
        "sliders": "年均增速假设（%/年，自最新数据年份至目标年份；占比类指标亦按相对增速计）",
        "no_sliders": "本行动无可量化的数值目标。",
        "trend": "趋势 {g}", "needs": "目标路径需 {g}", "met": "目标已达到", "no_data": "暂无数据",
        "no_trend": "仅一个观测值，暂无趋势",
        "save_name": "情景名称（英文字母开头）", "save": "保存情景", "shared": "写入共享文件 data/scenarios.yaml",
        "saved": "已保存情景 {name}（{file}）。生成简报：kz render --scenario {name}",
        "outcome": "情景结果", "charts": "目标走势（含情景预测及区间）", "judgements": "逐项研判",
        "col_growth": "假设年均增速", "col_value": "目标年份情景值", "col_status": "情景下状态",
        "col_year": "情景下达标年份",
        "assumed": "当前假设", "saved_label": "{name}（情景探索器假设）",
        "saved_note": "在情景探索器中保存的示例假设，并非观测数据；起始情景：{start}。",
    },
    "en": {
        "title": "Scenario explorer: change the growth assumptions, see which 2027 goals come within reach",
        "action": "Action", "lang": "Language", "as_of": "Data up to", "latest": "all data",
        "scenario": "Start from", "reset": "Reset to start",
        "sliders": "Assumed growth (% a year, from the latest figure to the target year; shares grow in "
                   "relative terms too)",
        "no_sliders": "This action has no numeric target.",
        "trend": "trend {g}", "needs": "plan path needs {g}", "met": "target already met", "no_data": "no data",
        "no_trend": "one observation only: no trend",
        "save_name": "scenario name (starts with a letter)", "save": "Save scenario",
        "shared": "write to the shared data/scenarios.yaml",
        "saved": "Saved scenario {name} ({file}). Render briefs with: kz render --scenario {name}",
        "outcome": "Outcome under the assumptions", "charts": "Trajectories with the scenario's projection",
        "judgements": "Target by target",
        "col_growth": "Assumed growth", "col_value": "Value in target year", "col_status": "Status under scenario",
        "col_year": "Year met under scenario",
        "assumed": "the current assumptions", "saved_label": "{name} (scenario explorer assumption)",
        "saved_note": "Illustrative assumption saved in the scenario explorer, not an observation; "
                      "start scenario: {start}.",
    },
}
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
    words = WORDS[lang]
    if not knob.has_data:
        return words["no_data"]
    parts = [words["trend"].format(g=text.format_percent(knob.trend, lang)) if knob.trend is not None
             else words["no_trend"]]
    parts.append(words["needs"].format(g=text.format_percent(knob.needed, lang)) if knob.needed is not None
                 else words["met"])
    return " · ".join(parts)


# ---------------------------------------------------------------- what the outputs say


def outlook(row: Mapping[str, Any], lang: str, label: str) -> str:
    """One sentence on a target under the scenario: its value in the target year and whether it is met."""
    value, status = row.get("scenario_value"), row.get("scenario_status")
    if text.missing(value) or text.missing(status) or text.missing(row.get("target_year")):
        return ""
    year, met = int(row["target_year"]), row.get("scenario_year_met")
    growth = row.get("scenario_growth")
    pace = "" if text.missing(growth) else (f"（年均{text.format_percent(growth, lang)}）" if lang == "zh"
                                            else f" ({text.format_percent(growth, lang)} a year)")
    shown = text.value_text(row, value, lang)
    verdict = text.status_label(str(status), lang)
    if lang == "zh":
        tail = f"，{int(met)}年达到" if not text.missing(met) else ""
        if status == "achieved":
            return f"按{label}{pace}，{year}年约为{shown}，可实现目标{tail}。"
        return f"按{label}{pace}，{year}年约为{shown}，{verdict}{tail}。"
    tail = f", met in {int(met)}" if not text.missing(met) else ""
    if status == "achieved":
        return f"Under {label}{pace} it would be about {shown} in {year}: the target is met{tail}."
    return f"Under {label}{pace} it would be about {shown} in {year}: {verdict.lower()}{tail}."


def scenario_cells(row: Mapping[str, Any], lang: str) -> list[str]:
    """The scenario's cells of a status table row: assumed growth, value in target year, status, year met."""
    status, met = row.get("scenario_status"), row.get("scenario_year_met")
    value = row.get("scenario_value")
    return [
        brief.esc(text.format_percent(row.get("scenario_growth"), lang)),
        brief.esc("—" if text.missing(value) else text.value_text(row, value, lang)),
        "" if text.missing(status) else brief.chip(str(status), lang),
        brief.esc("—" if text.missing(met) else int(met)),
    ]


def status_table(rows: pd.DataFrame, lang: str) -> str:
    """The brief's status table (brief.status_rows) with the scenario's outcome added on the right."""
    numeric = rows[rows["kind"] != "milestone"]
    bw, ew = brief.WORDS[lang], WORDS[lang]
    head = [bw[c] for c in ("col_target", "col_status", "col_latest", "col_goal", "col_gap", "col_needed",
                            "col_probability")]
    head += [ew[c] for c in ("col_growth", "col_value", "col_status", "col_year")]
    cells = [base + scenario_cells(row, lang)
             for base, row in zip(brief.status_rows(numeric, lang), numeric.to_dict("records"), strict=True)]
    return brief.table(head, cells, numeric=(2, 3, 4, 5, 6, 7, 8, 10))


def judgements(rows: pd.DataFrame, registry: Registry, lang: str, label: str) -> str:
    """Per target: the brief's judgement (text.judgement) and the outcome under the assumptions."""
    sources = registry.indicators.set_index("id")[f"source_{lang}"].to_dict()
    parts = []
    for row in rows.to_dict("records"):
        hint = sources.get(row.get("indicator"))
        sentence = text.judgement(row, lang, None if text.missing(hint) else str(hint))
        more = outlook(row, lang, label)
        joined = sentence + ("" if not more else (more if lang == "zh" else " " + more))
        parts.append(f'<p class="kz-judgement">{brief.chip(row["status"], lang)} {brief.esc(joined)}</p>')
    return "".join(parts)


def shown(path: Path) -> str:
    """A path as the user reads it: relative to the project when it is inside it."""
    try:
        return str(path.resolve().relative_to(paths.ROOT))
    except ValueError:
        return str(path)


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

    The figure is drawn by charts.trajectory; its layout is then frozen. The projection line and its two bands
    (the artists drawn in charts.FAN) and everything drawn above them are set aside, the rest is rendered once
    as a background, and an update pastes the background and draws only those artists again, in the order a
    full draw uses (by zorder), so the image is the one a new figure would give. A new figure is drawn instead
    when the target, language or data year changes, or when the new path would leave the figure's y range.
    """

    def __init__(self, row: Mapping[str, Any], observations: pd.DataFrame, path: pd.DataFrame, lang: str):
        self.fig = charts.trajectory(row, observations, path, lang)
        self.canvas = FigureCanvasAgg(self.fig)
        self.canvas.draw()
        self.fig.set_layout_engine("none")
        self.ax = self.fig.axes[0]
        fan = to_hex(charts.FAN)
        self.lines = [ln for ln in self.ax.lines if to_hex(ln.get_color()) == fan]
        self.bands = [c for c in self.ax.collections if isinstance(c, FillBetweenPolyCollection)
                      and len(c.get_facecolor()) and to_hex(c.get_facecolor()[0]) == fan]
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
    """The explorer's data, controls and outputs; drive it from code by setting its controls' values."""

    def __init__(self, registry: Registry, observations: pd.DataFrame, milestones: pd.DataFrame | None,
                 known: Mapping[str, scenarios.Scenario], action: int = 1, lang: str = "zh",
                 scenario: str = "trend", as_of: int | None = None, user_file: str | Path | None = None):
        if scenario not in known:
            raise KzError(f"unknown scenario {scenario!r}; expected one of {', '.join(known)}")
        if lang not in settings.LANGS:
            raise KzError(f"unknown language {lang!r}; expected one of {', '.join(settings.LANGS)}")
        self.registry, self.observations, self.milestones = registry, observations, milestones
        self.known = dict(known)
        self.user_file = Path(user_file) if user_file is not None else paths.USER_SCENARIOS
        self._base: dict[tuple, tuple[pd.DataFrame, pd.DataFrame]] = {}
        self._series: dict[int | None, dict] = {}
        self._scopes: dict[int, tuple[Registry, pd.DataFrame]] = {}
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
        years = sorted({int(y) for y in self.observations["year"] if int(y) >= FIRST_AS_OF}, reverse=True)
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
        words = WORDS[lang]
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
            rows = [w.HTML(brief.esc(WORDS[lang]["no_sliders"]))]
        replaced, current = self.slider_box.children, set(map(id, self.sliders.values()))
        self.slider_box.children = rows
        for old in replaced:  # closed, so that the kernel keeps no stale widgets
            for part in getattr(old, "children", ()):
                if id(part) not in current:
                    part.close()
            old.close()

    # ------------------------------------------------------------ state

    def series(self, as_of: int | None) -> dict:
        """Years and values per indicator up to as_of (computed once per year)."""
        if as_of not in self._series:
            self._series[as_of] = trajectory.series_by_indicator(self.observations, as_of)
        return self._series[as_of]

    def base(self) -> tuple[pd.DataFrame, pd.DataFrame]:
        """The start scenario's assessment of the action and its projection, without overrides (cached)."""
        key = (self.scenario.value, self.data_year(), self.action.value)
        if key not in self._base:
            self._base[key] = self._compute(None)
        return self._base[key]

    def scope(self) -> tuple[Registry, pd.DataFrame]:
        """The current action's share of the registry and data: its targets, every target on its indicators
        (a path runs to the latest of them) and their observations. Its assessment and paths read nothing else."""
        action = self.action.value
        if action not in self._scopes:
            inds = action_indicators(self.registry, action)
            targets = self.registry.targets
            keep = (targets["action"] == action) | targets["indicator"].isin(inds)
            self._scopes[action] = (replace(self.registry, targets=targets[keep].reset_index(drop=True)),
                                    self.observations[self.observations["indicator"].isin(inds)])
        return self._scopes[action]

    def _compute(self, overrides: Mapping[str, float] | None) -> tuple[pd.DataFrame, pd.DataFrame]:
        scenario = self.known[self.scenario.value]
        as_of, (reg, obs) = self.data_year(), self.scope()
        rows = assess.assess(reg, obs, as_of=as_of, scenario=scenario, milestones=self.milestones,
                             overrides=overrides, action=self.action.value)
        path = scenarios.project(reg, obs, scenario, as_of=as_of, overrides=overrides)
        return rows, path

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
        rows, path = self.base()
        self.knobs = knobs(self.registry, rows, path, self.series(self.data_year()), self.action.value)
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
        self.assessment, self.paths = self._compute(overrides) if overrides else self.base()
        lang, as_of = self.lang.value, self.data_year()
        scenario = self.known[self.scenario.value]
        label = WORDS[lang]["assumed"] if overrides else (getattr(scenario, f"label_{lang}") or scenario.name)
        obs = self.observations if as_of is None else self.observations[self.observations["year"] <= as_of]
        view = brief.Brief(lang=lang, scenario=scenario.name, scenario_label=label, as_of=as_of,
                           registry=self.registry, observations=obs, milestones=self.milestones,
                           assessment=self.assessment, paths=self.paths, action=self.action.value)
        self.summary.value = brief.status_summary(view)
        self.table.value = status_table(self.assessment, lang)
        self._charts(view)
        self.judgement_box.value = judgements(self.assessment, self.registry, lang, label)

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
            static = (view.lang, view.as_of, row["id"], row["status"])
            start = (int(latest.loc[ind, "year"]), float(latest.loc[ind, "value"])) if ind in latest.index else None
            proj = projection(by_indicator.get(ind), start) if start is not None else projection(None, (0, 0.0))
            key = (*static, proj.to_numpy().tobytes())
            if key not in self._pngs:
                chart = self._figures.get(static)
                if chart is None or not chart.follows(proj):
                    if chart is not None:
                        chart.close()
                    chart = Chart(row, view.observations, view.paths, view.lang)
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
        words = WORDS[self.lang.value]
        try:
            written = self.save(self.save_name.value.strip(), paths.SCENARIOS if self.save_shared.value else None)
        except KzError as exc:
            self.message.value = f'<pre style="color:{settings.STATUS_COLOURS["moving_away"]}">{brief.esc(exc)}</pre>'
            return
        self.message.value = brief.esc(words["saved"].format(name=self.save_name.value.strip(),
                                                             file=shown(written)))

    def save(self, name: str, path: str | Path | None = None) -> Path:
        """Save the start scenario with the slider overrides as scenario `name` (default: the user file)."""
        start = self.known[self.scenario.value]
        notes = {f"note_{lang}": WORDS[lang]["saved_note"].format(start=getattr(start, f"label_{lang}"))
                 for lang in settings.LANGS}
        labels = {f"label_{lang}": WORDS[lang]["saved_label"].format(name=name) for lang in settings.LANGS}
        new = scenarios.with_overrides(start, self.overrides, name=name, **labels, **notes)
        written = scenarios.save_scenario(new, path if path is not None else self.user_file, registry=self.registry)
        self.known[name] = scenarios.load_scenarios(written, registry=self.registry)[name]
        self._label()
        return written

    def _repr_mimebundle_(self, **kwargs: Any) -> dict:
        return self.widget._repr_mimebundle_(**kwargs)


def load(action: int = 1, lang: str = "zh", scenario: str = "trend", as_of: int | None = None,
         data: tuple[str, ...] | list[str] = (), user_file: str | Path | None = None) -> Explorer:
    """An explorer on the project's registry, data (plus `data` files) and scenarios (shared and the user's)."""
    from kzlib import observations, registry

    reg = registry.load_registry()
    obs = observations.load_observations(*data, registry=reg)
    mil = observations.load_milestones(*data, registry=reg)
    known = scenarios.load_scenarios(registry=reg, user=user_file)
    return Explorer(reg, obs, mil, known, action=action, lang=lang, scenario=scenario,
                    as_of=None if as_of is None else int(as_of), user_file=user_file)


def show(action: int = 1, lang: str = "zh", scenario: str = "trend", as_of: int | None = None,
         data: tuple[str, ...] | list[str] = ()) -> Explorer:
    """Build the explorer on the project's data and display it (the notebook's one call)."""
    from IPython.display import display

    explorer = load(action, lang, scenario, as_of, data)
    display(explorer.widget)
    return explorer
