"""Charts in the house style, in Chinese or English: target trajectories, action dashboards, overviews."""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import matplotlib as mpl
import numpy as np
import pandas as pd
import seaborn as sns
from matplotlib import font_manager
from matplotlib.axes import Axes
from matplotlib.figure import Figure
from matplotlib.lines import Line2D
from matplotlib.patches import Patch, Rectangle
from matplotlib.ticker import Formatter, FuncFormatter, MaxNLocator, PercentFormatter

from kzlib import assess, labels, settings, style, text
from kzlib.style import INK

MUTED = "#6B6B6B"
TRACK = "#EBEBEB"
FAN = "#4D4D4D"  # projection line and bands: neutral, so colour always means status
PATH = "#444444"
HISTORY_YEARS = 8  # observed years shown before the base year

_themed = False


def font_file() -> Path:
    """The Noto Sans CJK collection installed with the PyPI package noto-cjk-sans-otc."""
    return Path(str(resources.files(settings.FONT_PACKAGE).joinpath(settings.FONT_FILE)))


def _register_font() -> None:
    path = str(font_file())
    if not any(entry.fname == path for entry in font_manager.fontManager.ttflist):
        font_manager.fontManager.addfont(path)


def house_rc(lang: str = "zh") -> dict[str, Any]:
    """The rcParams of the house style for one language."""
    return {
        "font.family": "sans-serif",
        "font.sans-serif": [settings.FONT_FAMILY[lang], settings.FONT_FALLBACK],
        "axes.unicode_minus": True,
        "font.size": 9,
        "axes.titlesize": 11,
        "axes.titlelocation": "left",
        "axes.labelsize": 9,
        "axes.labelcolor": INK,
        "axes.edgecolor": "#BBBBBB",
        "axes.spines.top": False,
        "axes.spines.right": False,
        "xtick.labelsize": 8.5,
        "ytick.labelsize": 8.5,
        "legend.fontsize": 8,
        "legend.frameon": False,
        "grid.color": "#E6E6E6",
        "grid.linewidth": 0.6,
        "figure.figsize": (settings.FIGURE_WIDTH, settings.FIGURE_HEIGHT),
        "figure.dpi": settings.FIGURE_DPI,
        "savefig.dpi": settings.FIGURE_DPI,
        "savefig.facecolor": "white",
        "svg.fonttype": "path",
    }


def use_style(lang: str = "zh") -> None:
    """Register the project's CJK font and apply seaborn's theme, then the house style (idempotent, cheap)."""
    global _themed
    if lang not in settings.LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(settings.LANGS)}")
    if not _themed:
        _register_font()
        sns.set_theme(style="whitegrid")
        _themed = True
    mpl.rcParams.update(house_rc(lang))


def _figure(height: float = settings.FIGURE_HEIGHT, fixed: bool = False,
            width: float = settings.FIGURE_WIDTH) -> Figure:
    # A bare Figure, not pyplot's: nothing is kept alive after the caller drops it, nothing shows twice.
    return Figure(figsize=(width, height), dpi=settings.FIGURE_DPI, layout=None if fixed else "constrained")


@dataclass(frozen=True)
class Look:
    """Sizes of one trajectory chart: the full width of a page (kz charts, Word) or half of it (the briefs)."""

    width: float
    height: float
    title: float  # font sizes in points
    text: float
    small: float
    wrap_zh: int  # display columns of a wrapped title
    wrap_en: int
    legend_columns: int


FULL = Look(settings.FIGURE_WIDTH, settings.FIGURE_HEIGHT, 11, 8.5, 7.5, 62, 70, 4)
HALF = Look(settings.HALF_WIDTH, settings.HALF_HEIGHT, 9.5, 7.5, 6.8, 40, 52, 2)


POINT = 1 / 72  # inches


def _tick_labels(ax: Axes) -> list[str]:
    """The y tick labels the axis will show, formatted as drawn."""
    low, high = ax.get_ylim()
    ticks = [t for t in ax.yaxis.get_major_locator().tick_values(low, high) if low <= t <= high]
    formatter = ax.yaxis.get_major_formatter()
    formatter.set_locs(ticks)
    return [formatter(t) for t in ticks]


def _trajectory_layout(fig: Figure, ax: Axes, look: Look, head: float, legend_rows: int, unit: Any = None) -> None:
    """Margins in inches from the parts a trajectory chart is made of (`head` points of unit, subtitle and title
    above the axes; tick labels; legend rows below): the layout a solver would find, without its cost (most of a
    chart's drawing time). The unit above the axis starts at the figure's edge when it is wider than the margin."""
    width, height = fig.get_size_inches()
    tick = look.small + 0.5
    top = (head + 4) * POINT
    bottom = (10 + 1.3 * tick + 6 + 1.85 * (look.small + 0.5) * legend_rows + 6) * POINT  # ticks, labels, legend
    margins = {"right": 1 - 0.1 / width, "top": 1 - top / height, "bottom": bottom / height}
    fig.subplots_adjust(left=0.22 / width, **margins)  # the ticks a label width is measured on: those of one size
    label_width = max((_width(t) for t in _tick_labels(ax)), default=1) * 0.6 * tick * POINT
    left = 0.14 + label_width + 0.08
    fig.subplots_adjust(left=left / width, **margins)
    if unit is not None:
        wide = _width(unit.get_text()) * 0.6 * tick * POINT + 3 * POINT > left - 0.06
        unit.xycoords = ("figure fraction", "axes fraction") if wide else "axes fraction"
        unit.set_position((4, 3) if wide else (-3, 3))
        unit.set_horizontalalignment("left" if wide else "right")


def _get(row: Mapping[str, Any], key: str) -> Any:
    value = row.get(key)
    return None if text.missing(value) else value


def _width(s: str) -> int:
    return sum(2 if ord(c) > 0x2E7F else 1 for c in s)


def shorten(s: str, limit: int) -> str:
    """The string cut to `limit` display columns (CJK characters count two), with an ellipsis."""
    if _width(s) <= limit:
        return s
    while _width(s) > limit - 1:
        s = s[:-1]
    return s.rstrip() + "…"


NO_LINE_START = set("年月日）)；;，,、。：:%％亿万元个件家所座处项人吨亩倍的")  # never at a line's start (行首禁则, units)


def _wrap(s: str, limit: int) -> str:
    """Wrap a title to lines of at most `limit` display columns: Latin text at spaces; Chinese text after a clause
    (；) where it can, a number never cut, and no line starting with a closing mark or a unit that belongs to the
    line before."""
    if " " in s:
        return _fill(s.split(" "), limit, " ")
    lines, line = [], ""
    for clause in re.split(r"(?<=[；;])", s):
        if _width(line + clause) <= limit or not line:
            line += clause
        else:
            lines.append(line)
            line = clause
    return "\n".join(_fill(re.findall(r"[0-9A-Za-z.,:%~+\-]+|.", part), limit, "") if _width(part) > limit
                     else part for part in [*lines, line])


def _fill(words: list[str], limit: int, space: str) -> str:
    """Words packed into lines of at most `limit` display columns (a longer word alone on its line)."""
    lines, line = [], ""
    for word in words:
        piece = line + space + word if line else word
        if _width(piece) > limit and line and word not in NO_LINE_START:
            lines.append(line)
            line = word
        else:
            line = piece
    return "\n".join([*lines, line])


def _status_tag(ax: Axes, status: str, lang: str, x: float = 1.0, y: float = 1.02, fontsize: float = 9,
                side: str | None = None) -> Any:
    colour = style.status_colour(status)
    return ax.annotate(text.status_label(status, lang, side), (x, y), xycoords="axes fraction", xytext=(-4, 2),
                textcoords="offset points", ha="right", va="bottom", fontsize=fontsize, color=style.ink_on(colour),
                bbox={"boxstyle": "round,pad=0.3", "facecolor": colour, "edgecolor": "none"})


class NumberTicks(Formatter):
    """Tick labels with as many decimals as the tick step needs, thousands grouped in English."""

    def __init__(self, lang: str):
        self.lang = lang
        self.digits = 0

    def set_locs(self, locs: Any) -> None:
        super().set_locs(locs)
        values = np.asarray(locs, dtype=float)
        scale = max(float(np.abs(values).max()), 1.0) if len(values) else 1.0
        self.digits = next((d for d in range(5) if np.allclose(values, np.round(values, d), rtol=0,
                                                               atol=1e-9 * scale)), 4)

    def __call__(self, x: float, pos: int | None = None) -> str:
        label = f"{x:,.{self.digits}f}" if self.lang == "en" else f"{x:.{self.digits}f}"
        return label.replace("-", "\N{MINUS SIGN}") if float(label.replace(",", "")) != 0 else label.lstrip("-")


def _number_axis(axis: Any, lang: str) -> None:
    axis.set_major_formatter(NumberTicks(lang))


def _observed(observations: pd.DataFrame | None, indicator: str | None) -> pd.DataFrame:
    """Year, value and preliminary flag of one indicator's observations, sorted by year."""
    if observations is None or len(observations) == 0:
        return pd.DataFrame({"year": [], "value": [], "unit": [], "preliminary": []})
    obs = observations
    if indicator is not None and "indicator" in obs.columns:
        obs = obs[obs["indicator"] == indicator]
    flags = obs["flags"] if "flags" in obs.columns else pd.Series("", index=obs.index)
    out = pd.DataFrame({
        "year": obs["year"].astype(int),
        "value": obs["value"].astype(float),
        "unit": obs["unit"] if "unit" in obs.columns else None,
        "preliminary": flags.apply(lambda f: "preliminary" in (f if isinstance(f, list | tuple | set)
                                                              else str(f or "").split(";"))),
    })
    return out.dropna(subset=["value"]).sort_values("year").reset_index(drop=True)


def _projection(path: pd.DataFrame | None, indicator: str | None, start: tuple[int, float] | None) -> pd.DataFrame:
    """The projected part of a scenario path, starting at the latest observation."""
    cols = ["year", "value", "lo90", "lo50", "hi50", "hi90"]
    if path is None or len(path) == 0 or start is None:
        return pd.DataFrame(columns=cols)
    proj = path
    if indicator is not None and "indicator" in proj.columns:
        proj = proj[proj["indicator"] == indicator]
    if "kind" in proj.columns:
        proj = proj[proj["kind"] == "projected"]
    proj = proj[proj["year"] > start[0]]
    if proj.empty:
        return pd.DataFrame(columns=cols)
    first = pd.DataFrame([{c: (start[0] if c == "year" else start[1]) for c in cols}])
    return pd.concat([first, proj[cols]], ignore_index=True).astype(float)


def _required_path(t0: int, x0: float, target_year: int, target: float,
                   linear: bool = False) -> tuple[np.ndarray, np.ndarray]:
    """The path from the base point to the target: compound, or a line for targets judged on the linear path."""
    years = np.linspace(t0, target_year, 4 * (target_year - t0) + 1)
    share = (years - t0) / (target_year - t0)
    if x0 > 0 and target > 0 and not linear:
        return years, x0 * (target / x0) ** share
    return years, x0 + (target - x0) * share


def _draw_target(ax: Axes, row: Mapping[str, Any], lang: str, x_left: float, fontsize: float = 8.5) -> list[Any]:
    """The target at its year: marker with comparator text, a range band, or a floor/ceiling line."""
    words = labels.words("chart", lang)
    kind, status = row.get("kind"), str(row.get("status") or "no_data")
    colour = style.on_white(style.status_colour(status))  # a pale status colour (at risk, no data) darkened to read
    value, high = text.target_level(row), _get(row, "value_high")
    target_year = int(_get(row, "target_year") or settings.PLAN_END)
    goal = text.target_text(row, lang)
    if value is None:
        return []
    # Beside the data, the target is written in the axis unit (the y label names it).
    symbol = "" if kind in text.RELATIVE_KINDS else text.COMPARATOR_SYMBOLS.get(str(row.get("comparator") or ""), "")
    mark = (symbol + text.format_number(value, lang) if kind != "range" or high is None else
            f"{text.format_number(value, lang)}{text.SPAN_DASH[lang]}{text.format_number(high, lang)}")
    if kind == "range" and high is not None:
        ax.fill_between([x_left, target_year + 0.3], value, high, color=colour, alpha=0.18, lw=0, zorder=1)
        ax.text(target_year + 0.3, high, mark, ha="right", va="bottom", fontsize=fontsize, color=colour)
        return [Patch(facecolor=colour, alpha=0.3, label=f"{words['range']} {goal}")]
    if kind in ("maintain", "flow"):
        label = words["ceiling"] if row.get("direction") == "down" else words["floor"]
        ax.hlines(value, max(x_left, settings.PLAN_START - 0.5), target_year + 0.3, color=colour, lw=1.6, zorder=2)
        ax.text(target_year + 0.3, value, mark, ha="right", va="bottom", fontsize=fontsize, color=colour)
        return [Line2D([], [], color=colour, lw=1.6, label=label)]  # the subtitle states the floor
    ax.plot([target_year], [value], marker="D", ms=8, color=colour, mec="white", mew=1, zorder=5, ls="none")
    rising = _get(row, "base_value") is None or float(value) >= float(_get(row, "base_value"))
    ax.annotate(mark, (target_year, value), xytext=(-8, 6 if rising else -6), textcoords="offset points",
                ha="right", va="bottom" if rising else "top", fontsize=fontsize, color=colour)
    year_text = f"{target_year}年" if lang == "zh" else str(target_year)
    return [Line2D([], [], marker="D", ms=7, color=colour, ls="none", label=f"{words['target']}（{year_text}）"
                   if lang == "zh" else f"{words['target']} ({year_text})")]


def _no_data_panel(ax: Axes, lang: str) -> None:
    ax.text(0.5, 0.55, labels.label("chart.no_data", lang), transform=ax.transAxes, ha="center", va="center",
            fontsize=16, color=MUTED, bbox={"boxstyle": "round,pad=0.5", "facecolor": "#F4F4F4", "edgecolor": "#D0D0D0"})


def _axis_unit(row: Mapping[str, Any], obs: pd.DataFrame, lang: str, indicator_row: Mapping[str, Any] | None) -> str:
    """The indicator's unit; a growth, change or multiple target's own unit (%, 倍) is not the series'."""
    if indicator_row is not None:
        return str(_get(indicator_row, "unit" if lang == "zh" else "unit_en") or "")
    if row.get("kind") not in text.RELATIVE_KINDS:
        return text.unit_of(row, lang)
    units = obs["unit"].dropna().unique() if "unit" in obs.columns else []
    return str(units[0]) if lang == "zh" and len(units) == 1 else ""


@dataclass
class Parts:
    """The artists of a trajectory chart that others update or check: projection line, its bands, status tag."""

    projection: Any = None
    bands: list[Any] = field(default_factory=list)  # 90 % band, then 50 % band
    status_tag: Any = None
    fit_y: Callable[[], None] | None = None  # the y-range rule again, on the axes' autoscaled limits
    fit_layout: Callable[[], None] | None = None  # the margins again, for the tick labels of a new y range


def parts(fig: Figure) -> Parts:
    """The parts a trajectory chart drew (empty for other figures)."""
    return getattr(fig, "kz_parts", Parts())


def trajectory(target: Mapping[str, Any], observations: pd.DataFrame | None, path: pd.DataFrame | None = None,
               lang: str = "zh", scenario_label: str | None = None,
               indicator_row: Mapping[str, Any] | None = None, look: Look = FULL) -> Figure:
    """One numeric target over time: observations, required path, projection fan, the target and its status.

    `scenario_label` names the scenario of `path` in the legend (Scenario.label_zh / label_en);
    `indicator_row` (Registry.indicator(id)) gives the axis unit where the target's unit is a rate; `look` is
    FULL (a page wide) or HALF (two to a row, as the briefs print them).
    """
    use_style(lang)
    words, row = labels.words("chart", lang), target
    indicator = _get(row, "indicator")
    obs = _observed(observations, indicator)
    status = str(_get(row, "status") or "no_data")
    unit = _axis_unit(row, obs, lang, indicator_row)
    target_year = int(_get(row, "target_year") or settings.PLAN_END)
    base_year, base_value = _get(row, "base_year"), _get(row, "base_value")
    if base_year is not None and len(obs):
        obs = obs[obs["year"] >= int(base_year) - HISTORY_YEARS]

    empty = len(obs) == 0  # the compact no-data panel
    fig = _figure(min(settings.NO_DATA_HEIGHT, look.height) if empty else look.height, True, look.width)
    fig.kz_parts = parts = Parts()
    ax = fig.add_subplot()
    first_year = int(obs["year"].min()) if len(obs) else settings.DEFAULT_BASE_YEAR
    x_left = min(first_year, int(base_year) if base_year is not None else first_year) - 0.5
    ax.axvspan(settings.PLAN_START - 0.5, target_year + 0.5, color="#F5F5F5", zorder=0, lw=0)
    handles: list[Any] = []

    if len(obs):
        gaps = _draw_observed_line(ax, obs)
        final = obs[~obs["preliminary"]]
        prelim = obs[obs["preliminary"]]
        ax.plot(final["year"], final["value"], "o", ms=5, color=INK, zorder=5)
        if len(final):
            handles.append(Line2D([], [], color=INK, marker="o", ms=5, lw=1.6, label=words["observed"]))
        if len(prelim):
            ax.plot(prelim["year"], prelim["value"], "o", ms=5.5, mfc="white", mec=INK, mew=1.3, zorder=6)
            handles.append(Line2D([], [], marker="o", ms=5.5, mfc="white", mec=INK, ls="none",
                                  label=words["preliminary"]))
        if gaps:
            handles.append(Line2D([], [], color=INK, lw=1.0, ls=":", label=words["gap"]))
    assessable = len(obs) >= 2 and status != "no_data"
    target_value = text.target_level(row)

    below = False
    if assessable and base_year is not None and base_value is not None and row.get("kind") not in ("maintain", "flow"):
        ax.plot([int(base_year)], [base_value], "o", ms=11, mfc="none", mec=INK, mew=1.2, zorder=6)
        handles.append(Line2D([], [], marker="o", ms=9, mfc="none", mec=INK, ls="none",
                              label=f"{words['base']}（{int(base_year)}年）" if lang == "zh"
                              else f"{words['base']} ({int(base_year)})"))
        if target_value is not None and row.get("kind") != "range" and int(base_year) < target_year:
            years, values = _required_path(int(base_year), float(base_value), target_year, float(target_value),
                                           row.get("method") == "linear")
            ax.plot(years, values, ls="--", lw=1.3, color=PATH, zorder=3)
            handles.append(Line2D([], [], ls="--", lw=1.3, color=PATH, label=words["path"]))
            below = float(obs["value"].iloc[-1]) < float(np.interp(obs["year"].iloc[-1], years, values))

    if assessable:
        start = (int(obs["year"].iloc[-1]), float(obs["value"].iloc[-1]))
        proj = _projection(path, indicator, start)
        if len(proj) > 1:
            parts.bands = [
                ax.fill_between(proj["year"], proj["lo90"], proj["hi90"], color=FAN, alpha=0.12, lw=0, zorder=2),
                ax.fill_between(proj["year"], proj["lo50"], proj["hi50"], color=FAN, alpha=0.22, lw=0, zorder=2),
            ]
            parts.projection = ax.plot(proj["year"], proj["value"], color=FAN, lw=1.4, ls="-.", zorder=3)[0]
            label = scenario_label or words["projection"]  # the scenario says what the line is (按现有趋势测算)
            handles.append(Line2D([], [], color=FAN, lw=1.4, ls="-.", label=label))
            if proj[["lo50", "hi50"]].iloc[1:].notna().all(axis=None):
                handles += [Patch(facecolor=FAN, alpha=0.34, label=words["band50"]),
                            Patch(facecolor=FAN, alpha=0.12, label=words["band90"])]

    if len(obs):
        last = obs.iloc[-1]
        ax.annotate(text.format_number(last["value"], lang), (last["year"], last["value"]),
                    xytext=(0, -10 if below else 10), textcoords="offset points", ha="center",
                    va="top" if below else "bottom", fontsize=look.small + 0.5, color=INK, zorder=8)
    handles += _draw_target(ax, row, lang, x_left, look.small + 1)
    broken = [y for y in text.broken_years(row) if y in set(obs["year"])]
    if broken:
        hit = obs[obs["year"].isin(broken)]
        ax.plot(hit["year"], hit["value"], "o", ms=12, mfc="none", mec=settings.STATUS_COLOURS["moving_away"],
                mew=1.6, zorder=7)
        handles.append(Line2D([], [], marker="o", ms=10, mfc="none", mec=settings.STATUS_COLOURS["moving_away"],
                              mew=1.6, ls="none", label=words["broken"]))
    if len(obs) == 0:
        _no_data_panel(ax, lang)

    ax.set_xlim(x_left, target_year + 0.6)
    ax.xaxis.set_major_locator(MaxNLocator(integer=True))
    ax.xaxis.set_major_formatter(FuncFormatter(lambda v, _pos: f"{int(round(v))}"))
    ax.grid(axis="x", visible=False)
    _number_axis(ax.yaxis, lang)
    ax.tick_params(labelsize=look.small + 0.5)
    # the unit stands upright above the axis (个, 岁 turned on their side read as arrows)
    unit_text = ax.annotate(unit, (0, 1), xycoords="axes fraction", xytext=(-3, 3), textcoords="offset points",
                            ha="right", va="bottom", fontsize=look.small + 0.5, color=MUTED)
    parts.fit_y = lambda: _y_limits(ax, obs, target_value, _get(row, "value_high"), unit)
    parts.fit_y()
    if len(obs) == 0 and target_value is None:
        ax.set_yticks([])  # nothing to measure: no made-up scale
    period_x = max(settings.PLAN_START - 0.45, ax.get_xlim()[0])
    period_y = _corner_free(obs, target_value, period_x)
    ax.text(period_x, period_y, f" {words['plan_period']}", transform=ax.get_xaxis_transform(), ha="left",
            va="top" if period_y > 0.5 else "bottom", fontsize=look.small, color=MUTED)  # in the band

    name = _wrap(text.name_of(row, lang), look.wrap_zh if lang == "zh" else look.wrap_en)
    goal = text.target_text(row, lang)
    every_year = row.get("kind") in ("maintain", "flow")
    line = words["every_year" if every_year else "target_line"]
    sub = [line.format(year=target_year, target=goal, start=settings.PLAN_START, end=target_year)] if goal else []
    if base_year is not None and assessable and not every_year:
        sub.append(words["base_line"].format(year=int(base_year)))
    if len(obs) == 1:
        sub.append(words["one_obs"].format(year=int(obs["year"].iloc[0])))
    subtitle = _wrap(("；" if lang == "zh" else "; ").join(sub), look.wrap_zh + 6 if lang == "zh" else look.wrap_en + 8)
    # Stacked above the axes, in points: the unit and the plan period, the subtitle, the title.
    sub_base = 3 + 1.25 * (look.small + 0.5) + 3
    title_pad = sub_base + (1.25 * look.text * (subtitle.count("\n") + 1) if sub else 0) + 3
    ax.annotate(subtitle, (0, 1), xycoords="axes fraction", xytext=(0, sub_base), textcoords="offset points",
                fontsize=look.text, color=MUTED, va="bottom")
    ax.set_title(name, loc="left", y=1.0, pad=title_pad, fontsize=look.title, color=INK)  # y given: no auto-placing
    parts.status_tag = _status_tag(ax, status, lang, fontsize=look.text, side=text.year_rule(row))
    ncols = min(len(handles), look.legend_columns if lang == "zh" or look is HALF else look.legend_columns - 1)
    legend = {"ncols": ncols, "fontsize": look.small + 0.5, "handlelength": 2.0, "columnspacing": 1.0}
    rows = -(-len(handles) // ncols) if handles else 0
    head = title_pad + 1.3 * look.title * (name.count("\n") + 1) + 4
    parts.fit_layout = lambda: _trajectory_layout(fig, ax, look, head, rows, unit_text)
    parts.fit_layout()
    if handles:
        fig.legend(handles=handles, loc="lower center", bbox_to_anchor=(0.5, 0.01), frameon=False, **legend)
    return fig


def target_chart(row: Mapping[str, Any], observations: pd.DataFrame | None, path: pd.DataFrame | None,
                 registry: Any, scenario_label: str | None, lang: str, look: Look = FULL) -> Figure:
    """A target's trajectory with its indicator's axis unit and the scenario named: the one way views draw it."""
    indicator = _get(row, "indicator")
    known = registry is not None and indicator is not None and indicator in set(registry.indicators["id"])
    return trajectory(row, observations, path, lang, scenario_label or None,
                      registry.indicator(indicator) if known else None, look)


def _draw_observed_line(ax: Axes, obs: pd.DataFrame) -> bool:
    """Solid lines between consecutive years, dotted across missing years (nothing is filled in)."""
    years, values = obs["year"].to_numpy(), obs["value"].to_numpy()
    run = [0]
    gaps = False
    for i in range(1, len(years) + 1):
        if i == len(years) or years[i] - years[i - 1] > 1:
            ax.plot(years[run[0]:i], values[run[0]:i], color=INK, lw=1.6, zorder=4)
            if i < len(years):
                ax.plot(years[i - 1:i + 1], values[i - 1:i + 1], color=INK, lw=1.0, ls=":", zorder=4)
                gaps = True
            run = [i]
    return gaps


def _corner_free(obs: pd.DataFrame, target: float | None, x: float, years: float = 1.3, share: float = 0.25) -> float:
    """Where the plan period's label goes in the band's first `years` (axes fraction): the top, unless a figure
    and its value label sit there and the bottom is clear (heights among the figures and the target, so that no
    projection moves the label)."""
    values = [*obs["value"].tolist(), *([] if target is None else [target])]
    low, high = (min(values), max(values)) if values else (0.0, 0.0)
    near = obs[(obs["year"] >= x) & (obs["year"] <= x + years)]
    heights = [(v - low) / (high - low) for v in near["value"]] if high > low else []
    if any(h > 1 - share for h in heights) and not any(h < share for h in heights):
        return 0.01
    return 1.0


def _nice_step(x: float) -> float:
    """The least of 1, 2, 2.5 and 5 times a power of ten that is at least `x` (> 0)."""
    power = 10.0 ** math.floor(math.log10(x))
    return next(m * power for m in (1, 2, 2.5, 5, 10) if m * power >= x * (1 - 1e-12))


def _y_limits(ax: Axes, obs: pd.DataFrame, target: float | None, high: float | None, unit: str) -> None:
    """Y range over everything drawn, with room above for labels; shares stay within 0–100."""
    low, top = ax.get_ylim()
    values = [v for v in [*obs["value"].tolist(), target, high] if v is not None]
    if values:
        low, top = min(low, *values), max(top, *values)
    if len(obs) == 0 and target is not None:
        low = min(0.0, float(target))
    pad = 0.08 * (top - low or abs(top) or 1.0)
    low, top = low - 1.6 * pad, top + 2.4 * pad  # room for value labels below and the target's label above
    grid = _nice_step((top - low) / 8)  # limits on a grid: a path that moves a little keeps the range
    low, top = math.floor(low / grid) * grid, (math.ceil(top / grid) + 0.5) * grid  # the top tick's label below
    # the unit above the axis, not beside it
    if unit in text.PERCENT_UNITS:
        low, top = max(low, 0.0), min(top, 100.0 + pad)
    ax.set_ylim(low, top)


def _bullets(ax: Axes, rows: pd.DataFrame, lang: str) -> None:
    """Task progress bars with a time-progress tick, one row per numeric target."""
    words = labels.words("chart", lang)
    n = len(rows)
    task = pd.to_numeric(rows.get("task_progress"), errors="coerce") if "task_progress" in rows else pd.Series(np.nan, index=rows.index)
    left = -0.3 if (task < 0).any() else -0.02
    for i, (_, row) in enumerate(rows.iterrows()):
        y = n - 1 - i
        status = str(row.get("status") or "no_data")
        colour = style.status_colour(status)
        ax.barh(y, 1.0, left=0, height=0.6, color=TRACK, zorder=1)
        share = _get(row, "task_progress")
        if share is None:
            ax.text(0.02, y, text.status_label(status, lang), va="center", ha="left", fontsize=8, zorder=3,
                    color=MUTED if status in ("no_data", "not_assessable") else colour)
        else:
            shown = float(np.clip(share, left, 1.1))
            ax.barh(y, shown, left=0, height=0.6, color=colour, zorder=2)
            label = f"{100 * float(share):.0f}%" + (words["clipped"] if shown != share else "")
            ax.text(max(shown, 0) + 0.015, y, label, va="center", ha="left", fontsize=8, color=INK, zorder=3)
        elapsed = _get(row, "time_progress")
        if elapsed is not None:
            ax.vlines(float(np.clip(elapsed, 0, 1.1)), y - 0.38, y + 0.38, color=INK, lw=2, zorder=4)
    ax.set_yticks(range(n), [shorten(text.name_of(r, lang), 30 if lang == "zh" else 34)
                             for _, r in rows.iloc[::-1].iterrows()])
    ax.set_xlim(left, 1.25)
    ax.set_ylim(-0.6, n - 0.4)
    ax.xaxis.set_major_formatter(PercentFormatter(1.0, decimals=0))
    ax.set_xticks([0, 0.25, 0.5, 0.75, 1.0])
    ax.grid(axis="y", visible=False)
    ax.axvline(0, color="#BBBBBB", lw=0.8, zorder=0)
    ax.set_xlabel(words["task_axis"])


def _milestone_list(ax: Axes, rows: pd.DataFrame, lang: str) -> None:
    """Milestones as a compact list: a status-coloured dot, the name, the state in words."""
    ax.set_axis_off()
    ax.set_title(labels.words("chart", lang)["milestones"], loc="left", fontsize=10, pad=4)
    columns = 2 if len(rows) > 6 else 1
    per_column = int(np.ceil(len(rows) / columns))
    limit = (30 if lang == "zh" else 36) if columns == 2 else (60 if lang == "zh" else 80)
    for i, (_, row) in enumerate(rows.iterrows()):
        col, line = divmod(i, per_column)
        x, y = col / columns, 1 - (line + 0.5) / per_column
        status = str(row.get("status") or "no_data")
        colour = style.status_colour(status)
        ax.plot([x + 0.008], [y], "o", ms=7, color=colour, mec="#999999" if status == "no_data" else colour,
                transform=ax.transAxes, clip_on=False)
        year = _get(row, "latest_year")
        when = "" if year is None else (f"（{int(year)}年）" if lang == "zh" else f" ({int(year)})")
        ax.text(x + 0.025, y, f"{shorten(text.name_of(row, lang), limit)}  ·  {text.status_label(status, lang)}{when}",
                transform=ax.transAxes, va="center", ha="left", fontsize=8, color=INK)


def _status_legend(fig: Figure, statuses: list[str], lang: str, extra: list[Any] | None = None) -> None:
    handles = [Patch(facecolor=settings.STATUS_COLOURS[s], label=text.status_label(s, lang))
               for s in settings.STATUSES if s in statuses]
    handles += extra or []
    if handles:
        fig.legend(handles=handles, loc="outside lower center", ncols=min(len(handles), 5), fontsize=8,
                   handlelength=1.2, columnspacing=1.0)


def dashboard(assessment: pd.DataFrame, lang: str = "zh") -> Figure:
    """An action's targets at a glance: task progress against time progress, and its milestones."""
    use_style(lang)
    words = labels.words("chart", lang)
    rows = assessment.reset_index(drop=True)
    is_milestone = rows["kind"] == "milestone" if "kind" in rows else pd.Series(False, index=rows.index)
    numeric, milestones = rows[~is_milestone], rows[is_milestone]
    n_num, n_mile = len(numeric), len(milestones)
    mile_lines = int(np.ceil(n_mile / (2 if n_mile > 6 else 1)))
    bar_height, mile_height = (0.3 * n_num + 0.7 if n_num else 0), (0.22 * mile_lines + 0.4 if n_mile else 0)
    fig = _figure(max(2.4, bar_height + mile_height + 1.0))
    actions = rows["action"].dropna().unique() if "action" in rows else []
    title = words["dashboard"].format(action=labels.action(int(actions[0]), lang)) if len(actions) == 1 \
        else words["dashboard_any"]
    fig.suptitle(title, x=0.01, ha="left", fontsize=11, color=INK)
    if not n_num and not n_mile:
        ax = fig.add_subplot()
        ax.set_axis_off()
        ax.text(0.5, 0.5, words["no_targets"], ha="center", va="center", fontsize=14, color=MUTED)
        return fig
    # Sub-figures: the milestone list takes the full width, not the bars' column right of their labels.
    heights = [h for h in (bar_height, mile_height) if h]
    parts = list(np.atleast_1d(fig.subfigures(len(heights), 1, height_ratios=heights)))
    if n_num:
        _bullets(parts.pop(0).add_subplot(), numeric, lang)
    if n_mile:
        _milestone_list(parts.pop(0).add_subplot(), milestones, lang)
    tick = [Line2D([], [], color=INK, lw=2, ls="none", marker="|", ms=10, label=words["time"])] if n_num else []
    _status_legend(fig, rows["status"].dropna().unique().tolist(), lang, tick)
    return fig


def _action_titles(registry: Any, actions: list[int], lang: str) -> dict[int, str]:
    titles = {a: labels.action(a, lang) for a in actions}
    if registry is not None:
        for _, act in registry.actions.iterrows():
            if int(act["action"]) in titles:
                n = int(act["action"])
                titles[n] = f"{titles[n]}  {shorten(str(act[f'title_{lang}']), 24 if lang == 'zh' else 36)}"
    return titles


def status_matrix(assessment: pd.DataFrame, registry: Any = None, lang: str = "zh") -> Figure:
    """Actions × status: how many targets of each action are in each status, in the status colours."""
    use_style(lang)
    words = labels.words("chart", lang)
    actions = sorted({int(a) for a in assessment["action"]} |
                     ({int(a) for a in registry.actions["action"]} if registry is not None else set()))
    counts = (pd.crosstab(assessment["action"].astype(int), assessment["status"])
              .reindex(index=actions, columns=list(settings.STATUSES), fill_value=0))
    titles = _action_titles(registry, actions, lang)
    fig = _figure(max(2.6, 0.3 * len(actions) + 1.8))
    ax = fig.add_subplot()
    n_rows, n_cols = counts.shape
    for i, action in enumerate(actions):
        y = n_rows - 1 - i
        for j, status in enumerate(settings.STATUSES):
            count = int(counts.loc[action, status])
            colour = settings.STATUS_COLOURS[status]
            ax.add_patch(Rectangle((j + 0.05, y + 0.06), 0.9, 0.88, facecolor=colour if count else "white",
                                   edgecolor="#E3E3E3" if not count else colour, lw=0.8))
            if count:
                ax.text(j + 0.5, y + 0.5, str(count), ha="center", va="center", fontsize=9, color=style.ink_on(colour))
        ax.text(n_cols + 0.5, y + 0.5, str(int(counts.loc[action].sum())), ha="center", va="center", fontsize=9,
                color=INK)
    ax.set_xlim(0, n_cols + 1.3)  # room for the last rotated heading
    ax.set_ylim(0, n_rows)
    ax.set_yticks([n_rows - 1 - i + 0.5 for i in range(n_rows)], [titles[a] for a in actions])
    ax.set_xticks([j + 0.5 for j in range(n_cols + 1)],
                  [text.status_label(s, lang) for s in settings.STATUSES] + [words["total"]],
                  rotation=35, ha="left", rotation_mode="anchor")
    ax.xaxis.tick_top()
    ax.tick_params(length=0)
    ax.grid(False)
    for side in ("left", "bottom", "top", "right"):
        ax.spines[side].set_visible(False)
    fig.suptitle(words["matrix"], x=0.01, ha="left", fontsize=11, color=INK)
    return fig


def furthest_behind(assessment: pd.DataFrame, lang: str = "zh", n: int = 10, now: int | None = None) -> Figure:
    """The n targets furthest behind (kzlib.assess.behind) as bars of their pace ratio R in their status colours."""
    use_style(lang)
    words = labels.words("chart", lang)
    rows = assess.behind(assessment, n, now)
    rows["ratio"] = pd.to_numeric(rows["ratio"], errors="coerce")
    fig = _figure(max(2.4, 0.36 * len(rows) + 1.5))
    ax = fig.add_subplot()
    fig.suptitle(words["behind"], x=0.01, ha="left", fontsize=11, color=INK)
    if rows.empty:
        ax.set_axis_off()
        ax.text(0.5, 0.5, words["none_behind"], ha="center", va="center", fontsize=13, color=MUTED)
        return fig
    left = min(-0.2, max(-1.5, float(rows["ratio"].min()) - 0.1)) if rows["ratio"].notna().any() else -0.2
    names = []
    for i, (_, row) in enumerate(rows.iloc[::-1].iterrows()):
        ratio = float(row["ratio"])
        names.append((labels.action(int(row["action"]), lang) + ("：" if lang == "zh" else ": ")
                      if "action" in row and not text.missing(row["action"]) else "")
                     + shorten(text.name_of(row, lang), 28 if lang == "zh" else 36))
        if np.isnan(ratio):  # a floor broken, or no pace to compare: named, no bar
            ax.text(0.02, i, words["no_ratio"].format(status=text.row_status(row, lang)), va="center",
                    ha="left", fontsize=8, color=MUTED, zorder=3)
            continue
        shown = max(ratio, left)
        ax.barh(i, shown, color=settings.STATUS_COLOURS[row["status"]], height=0.62, zorder=2)
        # The value sits right of the bar's end, or right of zero for a negative bar (the space is free).
        ax.text(max(shown, 0) + 0.02, i, f"{ratio:.2f}".replace("-", "\N{MINUS SIGN}")
                + (words["clipped"] if shown != ratio else ""),
                va="center", ha="left", fontsize=8, color=INK, zorder=3)
    ax.set_yticks(range(len(rows)), names)
    ax.set_xlim(left - 0.05, 1.1)
    for x, status in ((0.0, None), (settings.NEEDS_ACCELERATION, "needs_acceleration"), (settings.ON_TRACK, "on_track")):
        ax.axvline(x, color=INK if status is None else "#9A9A9A", lw=0.9, ls="-" if status is None else "--", zorder=1)
        if status:
            ax.text(x, 1.0, f"{x:g}", transform=ax.get_xaxis_transform(), ha="center", va="bottom", fontsize=7.5,
                    color=MUTED)
    ax.grid(axis="y", visible=False)
    ax.set_xlabel(words["ratio_axis"])
    _number_axis(ax.xaxis, lang)
    _status_legend(fig, rows["status"].unique().tolist(), lang)
    return fig


def chart_files(assessment: pd.DataFrame, langs: tuple[str, ...], actions: list[int], fmt: str,
                overview: bool) -> list[tuple[str, str, int | None, str | None]]:
    """(relative file name, chart, action, target id) for every chart to write, in a predictable layout."""
    plan: list[tuple[str, str, int | None, str | None]] = []
    trajectories = assessment[~assessment["kind"].isin(("milestone", "benchmark"))]
    for lang in langs:
        for action in actions:
            folder = f"{lang}/action-{action:02d}"
            plan.append((f"{folder}/dashboard.{fmt}", "dashboard", action, None))
            for target_id in trajectories.loc[trajectories["action"] == action, "id"]:
                plan.append((f"{folder}/{target_id}.{fmt}", "trajectory", action, str(target_id)))
        if overview:
            plan += [(f"{lang}/overview-status.{fmt}", "status_matrix", None, None),
                     (f"{lang}/overview-behind.{fmt}", "furthest_behind", None, None)]
    return plan


def write_charts(assessment: pd.DataFrame, observations: pd.DataFrame, path: pd.DataFrame | None, out: str | Path,
                 langs: tuple[str, ...] = settings.LANGS, actions: list[int] | None = None, fmt: str = "png",
                 registry: Any = None, scenario_labels: Mapping[str, str] | None = None,
                 dpi: int = settings.EXPORT_DPI, now: int | None = None) -> list[Path]:
    """Draw every chart of the given actions (all actions and the overview when None) into `out`; `now`, the year
    they are read in, decides which milestones are late to start (kzlib.assess.late_start)."""
    out = Path(out)
    overview = actions is None
    actions = sorted({int(a) for a in assessment["action"]}) if actions is None else actions
    written = []
    for name, chart, action, target_id in chart_files(assessment, langs, actions, fmt, overview):
        lang = name.split("/", 1)[0]
        if chart == "trajectory":
            row = assessment[assessment["id"] == target_id].iloc[0]
            fig = target_chart(row, observations, path, registry, (scenario_labels or {}).get(lang), lang)
        elif chart == "dashboard":
            fig = dashboard(assessment[assessment["action"] == action], lang)
        elif chart == "status_matrix":
            fig = status_matrix(assessment, registry, lang)
        else:
            fig = furthest_behind(assessment, lang, now=now)
        target = out / name
        target.parent.mkdir(parents=True, exist_ok=True)
        fig.savefig(target, format=fmt, dpi=dpi)
        written.append(target)
    return written
