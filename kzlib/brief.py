"""What the briefs show: kzlib's tables and charts as small HTML pieces in Chinese or English, all text escaped.

The notebooks call these functions and display what they return; each returns an `Html` (a string that
Jupyter shows as HTML) so a brief needs no logic of its own. Text that comes from data files (names, notes,
sources) is always passed through `esc`; links are kept only when they are http(s).
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import io
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

from kzlib import assess, charts, context, labels, observations, registry, settings, style, text
from kzlib.context import Context
from kzlib.registry import NUMERIC_KINDS

PALETTE_COLOURS = 64


class Html(str):
    """HTML text that Jupyter displays as HTML (with optional display metadata)."""

    metadata: dict | None = None

    def _repr_html_(self) -> str | tuple[str, dict]:
        return (str(self), self.metadata) if self.metadata else str(self)

    def _repr_pretty_(self, p: Any, cycle: bool) -> None:
        p.text(f"<HTML, {len(self)} characters>")


def esc(value: object) -> str:
    """Text from data, safe to put in HTML (None and NaN become an empty string)."""
    return "" if text.missing(value) else html.escape(str(value), quote=True)


def link(label: object, url: object) -> str:
    """An escaped link when `url` is http(s), else the escaped label alone."""
    url_text = "" if text.missing(url) else str(url).strip()
    if url_text.lower().startswith(("http://", "https://")):
        return f'<a href="{esc(url_text)}">{esc(label)}</a>'
    return esc(label)


def chip(status: str, lang: str, count: int | None = None) -> str:
    """A status label on its colour (settings.STATUS_COLOURS), with a count if given."""
    colour = settings.STATUS_COLOURS[status]
    label = text.status_label(status, lang) + ("" if count is None else f" {count}")
    return f'<span class="kz-chip" style="background:{colour};color:{style.ink_on(colour)}">{esc(label)}</span>'


def table(head: Sequence[str], rows: Iterable[Sequence[str]], numeric: Sequence[int] = ()) -> str:
    """An HTML table from header labels (escaped here) and cells that are already HTML."""
    cls = [' class="num"' if i in numeric else "" for i in range(len(head))]
    out = ['<table class="kz-table"><thead><tr>']
    out += [f"<th{c}>{esc(h)}</th>" for h, c in zip(head, cls, strict=True)]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td{c}>{cell}</td>" for cell, c in zip(row, cls, strict=True)) + "</tr>")
    out.append("</tbody></table>")
    return "".join(out)


def png(figure: Any, alt: str) -> str:
    """A matplotlib figure as an embedded PNG <img> (the figure is cleared afterwards).

    The figure is drawn once on an Agg canvas (savefig would lay it out and draw it twice) and reduced to a
    64-colour palette (median cut, no dithering): it looks the same, since a chart is flat colours and their
    anti-aliased edges, and takes a third of the bytes, so a brief with twenty charts stays small enough to
    e-mail.
    """
    figure.set_dpi(settings.FIGURE_DPI)
    canvas = FigureCanvasAgg(figure)
    canvas.draw()
    rgba = Image.frombuffer("RGBA", canvas.get_width_height(physical=True), canvas.buffer_rgba(), "raw", "RGBA", 0, 1)
    image = rgba.convert("RGB").quantize(PALETTE_COLOURS, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    figure.clear()
    out = io.BytesIO()
    image.save(out, format="PNG")
    data = base64.b64encode(out.getvalue()).decode("ascii")
    return f'<img src="data:image/png;base64,{data}" alt="{esc(alt)}" width="{image.width}" height="{image.height}">'


def figure(fig: Any, alt: str) -> Html:
    """A matplotlib figure to display in a brief."""
    return Html(png(fig, alt))


# ---------------------------------------------------------------- what a brief is about


@dataclass
class Brief:
    """What one brief shows: a context (kzlib.context) seen in one language, for one action or the overview."""

    context: Context
    lang: str
    action: int | None = None
    label: str | None = None  # the scenario as the brief names it (default: the scenario's own label)
    rendered: str = field(default_factory=lambda: dt.date.today().isoformat())

    @property
    def registry(self) -> registry.Registry:
        """The plan's registry."""
        return self.context.registry

    @property
    def observations(self) -> pd.DataFrame:
        """The figures, up to the as-of year."""
        return self.context.observations

    @property
    def milestones(self) -> pd.DataFrame:
        """The milestone states, up to the as-of year."""
        return self.context.milestones

    @property
    def assessment(self) -> pd.DataFrame:
        """The assessment of every target the context holds."""
        return self.context.assessment

    @property
    def paths(self) -> pd.DataFrame:
        """Observed and projected values under the scenario."""
        return self.context.paths

    @property
    def as_of(self) -> int | None:
        """The year the data were cut at, if any."""
        return self.context.as_of

    @property
    def scenario_label(self) -> str:
        """The scenario's name in the brief's language."""
        scen = self.context.scenario
        if self.label:
            return self.label
        return "" if scen is None else (getattr(scen, f"label_{self.lang}") or scen.name)

    @property
    def rows(self) -> pd.DataFrame:
        """The assessment rows of this brief's action (all rows for the overview)."""
        return self.context.rows(self.action)

    @property
    def words(self) -> dict[str, Any]:
        """The brief's headings and labels in its language."""
        return labels.words("brief", self.lang)


def load(lang: str, scenario: str = "trend", data: Sequence[str] = (), as_of: int | None = None,
         action: int | None = None) -> Brief:
    """The brief of one action (all actions for the overview) from kzlib.context.load."""
    text.status_label("achieved", lang)  # rejects an unknown language before any work
    return Brief(context.load(data, scenario, as_of, action=action), lang, action)


# ---------------------------------------------------------------- pieces of a brief


def header(b: Brief) -> Html:
    """Kicker, title and the plan's goals sentence of the action (or the overview's title)."""
    w = b.words
    if b.action is None:
        title = w["overview_title"]
        out = Html(f'<p class="kz-kicker">{esc(labels.label("plan.title", b.lang))}</p><h1>{esc(title)}</h1>')
    else:
        act = b.registry.action(b.action)
        title = labels.action_title(b.action, act[f"title_{b.lang}"], b.lang)
        out = Html(f'<p class="kz-kicker">{esc(labels.label("plan.title", b.lang))}</p><h1>{esc(title)}</h1>'
                   f'<div class="kz-goals"><b>{esc(w["goals"])}</b><br>{esc(act[f"goals_{b.lang}"])}</div>')
    out.metadata = {"kzlib": {"title": title}}
    return out


def data_year(b: Brief) -> int | None:
    """The latest year with an observation of the indicators the brief's targets use."""
    obs = b.observations[b.observations["indicator"].isin(indicators_of(b))]
    return None if obs.empty else int(obs["year"].max())


def vintage(b: Brief) -> Html:
    """One line: how recent the data are, the scenario, and when the brief was rendered."""
    w = b.words
    year = data_year(b)
    parts = [w["vintage"].format(year=year) if year is not None else w["no_vintage"]]
    if b.as_of is not None:
        parts.append(w["as_of"].format(year=b.as_of))
    parts += [w["scenario"].format(label=b.scenario_label), w["rendered"].format(date=b.rendered)]
    return Html(f'<p class="kz-vintage">{" · ".join(esc(p) for p in parts)}</p>')


def status_counts(rows: pd.DataFrame) -> dict[str, int]:
    """How many targets have each status, in settings.STATUSES order, zeros left out."""
    counts = rows["status"].value_counts()
    return {s: int(counts[s]) for s in settings.STATUSES if s in counts}


def status_summary(b: Brief) -> Html:
    """The number of targets and one coloured chip per status."""
    rows = b.rows
    lead = b.words["summary" if b.action is not None else "summary_all"].format(n=len(rows))
    chips = "".join(chip(s, b.lang, n) for s, n in status_counts(rows).items())
    return Html(f'<p class="kz-summary">{esc(lead)}{chips}</p>')


def _cell_name(row: Mapping[str, Any], lang: str, words: Mapping[str, str]) -> str:
    name = esc(text.name_of(row, lang))
    if row.get("firmness") == "aspiration":
        name += f' <span class="kz-note">（{esc(words["aspiration"])}）</span>' if lang == "zh" \
            else f' <span class="kz-note">({esc(words["aspiration"])})</span>'
    return name


def _latest(row: Mapping[str, Any], lang: str) -> str:
    if text.missing(row.get("latest_value")):
        return "—"
    year = row.get("latest_year")
    when = "" if text.missing(year) else (f"（{int(year)}）" if lang == "zh" else f" ({int(year)})")
    return esc(text.value_text(row, row.get("latest_value"), lang) + when)


def _goal(row: Mapping[str, Any], lang: str) -> str:
    goal = text.target_text(row, lang)
    if not goal:
        return "—"
    year = row.get("target_year")
    return esc(goal + ("" if text.missing(year) else (f"（{int(year)}年）" if lang == "zh" else f" ({int(year)})")))


def status_rows(rows: pd.DataFrame, lang: str, scenario: bool = False) -> list[list[str]]:
    """Cells (HTML) of the status table: name, status, latest, goal, gap, growth needed, probability; with
    `scenario`, also the assumed growth, the value in the target year, the status and the year met under it."""
    words = labels.words("brief", lang)
    out = []
    for row in rows.to_dict("records"):
        cells = [
            _cell_name(row, lang, words), chip(row["status"], lang), _latest(row, lang), _goal(row, lang),
            esc(text.diff_text(row, row.get("gap"), lang)),
            esc(text.pace_phrase(row, "required", lang)),
            esc(text.format_percent(row.get("probability"), lang, 0)),
        ]
        if scenario:
            value, status, met = row.get("scenario_value"), row.get("scenario_status"), row.get("scenario_year_met")
            cells += [
                esc(text.format_percent(row.get("scenario_growth"), lang)),
                esc("—" if text.missing(value) else text.value_text(row, value, lang)),
                "" if text.missing(status) else chip(str(status), lang),
                esc("—" if text.missing(met) else int(met)),
            ]
        out.append(cells)
    return out


STATUS_COLUMNS = ("col_target", "col_status", "col_latest", "col_goal", "col_gap", "col_needed", "col_probability")
SCENARIO_COLUMNS = ("col_growth", "col_value", "col_scenario_status", "col_year_met")


def status_grid(b: Brief, scenario: bool = False) -> str:
    """The status table of the brief's targets that are not milestones (with the scenario's columns)."""
    w = b.words
    rows = b.rows[b.rows["kind"] != "milestone"]
    head = [w[c] for c in STATUS_COLUMNS + (SCENARIO_COLUMNS if scenario else ())]
    numeric = (2, 3, 4, 5, 6) + ((7, 8, 10) if scenario else ())
    return table(head, status_rows(rows, b.lang, scenario), numeric=numeric)


def status_table(b: Brief) -> Html:
    """The targets that are not milestones, with status, latest value, goal, gap, growth needed and chance."""
    return Html(f"<h2>{esc(b.words['status_table'])}</h2>" + status_grid(b))


def chart_rows(b: Brief) -> pd.DataFrame:
    """The brief's targets that get a trajectory chart: numeric kinds with an indicator."""
    rows = b.rows
    return rows[rows["kind"].isin(NUMERIC_KINDS) & rows["indicator"].map(lambda v: not text.missing(v))]


def chart(b: Brief, row: Mapping[str, Any]) -> Any:
    """One target's trajectory chart as every view draws it (briefs, explorer, `kz charts`)."""
    return charts.target_chart(row, b.observations, b.paths, b.registry, b.scenario_label, b.lang)


def trajectories(b: Brief) -> Html:
    """One trajectory chart per numeric target (kzlib.charts.trajectory), each under its name."""
    w = b.words
    parts = [f"<h2>{esc(w['charts'])}</h2>"]
    rows = chart_rows(b)
    for row in rows.to_dict("records"):
        parts.append(png(chart(b, row), text.name_of(row, b.lang)))
    if rows.empty:
        parts.append(f"<p>{esc(w['no_charts'])}</p>")
    return Html("".join(parts))


def milestone_rows(b: Brief) -> list[list[str]]:
    """Cells of the milestones table: name, state, year of the state, source."""
    w = b.words
    latest = b.milestones.sort_values("year").groupby("target").tail(1).set_index("target")
    out = []
    for row in b.rows[b.rows["kind"] == "milestone"].to_dict("records"):
        seen = latest.loc[row["id"]] if row["id"] in latest.index else None
        state = None if seen is None else seen["state"]
        out.append([
            _cell_name(row, b.lang, w), chip(row["status"], b.lang),
            esc(w["no_state"] if state is None else labels.label(f"milestone.{state}", b.lang)),
            "" if seen is None else esc(int(seen["year"])),
            "" if seen is None else link(seen["source_title"], seen["source_link"]),
        ])
    return out


def milestones(b: Brief) -> Html:
    """The milestones of the action with their state and its source."""
    w = b.words
    rows = milestone_rows(b)
    body = table([w["col_target"], w["col_status"], w["col_state"], w["col_year"], w["col_source"]], rows) \
        if rows else f"<p>{esc(w['no_milestones'])}</p>"
    return Html(f"<h2>{esc(w['milestones'])}</h2>{body}")


def judgement_list(b: Brief, outlook: bool = False) -> str:
    """A chip and a short judgement per target (kzlib.text.judgement); with `outlook`, the scenario's outcome."""
    parts = []
    sources = b.registry.indicators.set_index("id")[f"source_{b.lang}"].to_dict()
    for row in b.rows.to_dict("records"):
        hint = sources.get(row.get("indicator"))
        sentence = text.judgement(row, b.lang, None if text.missing(hint) else str(hint))
        if outlook:
            more = text.scenario_outlook(row, b.lang, b.scenario_label)
            sentence += more if b.lang == "zh" or not more else " " + more
        parts.append(f'<p class="kz-judgement">{chip(row["status"], b.lang)} {esc(sentence)}</p>')
    return "".join(parts)


def judgements(b: Brief) -> Html:
    """A short judgement per target (kzlib.text.judgement)."""
    return Html(f"<h2>{esc(b.words['judgements'])}</h2>" + judgement_list(b))


def indicators_of(b: Brief) -> list[str]:
    """The indicators the brief's targets use, with the inputs of derived indicators."""
    info = b.registry.indicators.set_index("id")
    out: list[str] = []
    for iid in b.rows["indicator"].dropna().unique():
        inputs = info.loc[iid, "derived_from"] if iid in info.index else None
        out += [iid, *(inputs if isinstance(inputs, list) else [])]
    return list(dict.fromkeys(out))


def last_data_year(b: Brief) -> int:
    """The latest year whose figures could be published by now (or the as-of year)."""
    return int(b.as_of) if b.as_of is not None else dt.date.fromisoformat(b.rendered).year - 1


def gap_rows(b: Brief) -> list[list[str]]:
    """Cells of the data-gaps table: indicator, years held, years missing, likely source."""
    table_ = observations.gaps(b.registry, b.observations, range(settings.GAP_FIRST_YEAR, last_data_year(b) + 1))
    table_ = table_[table_["indicator"].isin(indicators_of(b))]
    table_ = table_[table_["missing"].str.strip() != ""]
    return [[esc(r[f"name_{b.lang}"]), esc(r["have"]), esc(r["missing"]), esc(r["likely_source"])]
            for r in table_.to_dict("records")]


def data_gaps(b: Brief) -> Html:
    """What to collect: missing years of each indicator used, milestones without a state, unquantified targets."""
    w = b.words
    parts = [f"<h2>{esc(w['gaps'])}</h2>"]
    rows = gap_rows(b)
    if rows:
        parts.append(table([w["col_indicator"], w["col_have"], w["col_missing"], w["col_where"]], rows))
    notes = []
    for row in b.rows.to_dict("records"):
        name = text.name_of(row, b.lang)
        if row["kind"] == "milestone" and text.missing(row.get("milestone_state")):
            notes.append(w["gap_milestone"].format(name=name))
        elif row["kind"] == "benchmark":
            notes.append(w["gap_benchmark"].format(name=name))
    if notes:
        parts.append('<ul class="kz-list">' + "".join(f"<li>{esc(n)}</li>" for n in notes) + "</ul>")
    if not rows and not notes:
        parts.append(f"<p>{esc(w['no_gaps'])}</p>")
    return Html("".join(parts))


def source_rows(b: Brief) -> list[tuple[str, str, str, str]]:
    """Each source of a figure shown: (title, link, what it gave, notes), observations first, then milestones."""
    names = b.registry.indicators.set_index("id")[f"name_{b.lang}"].to_dict()
    obs = b.observations[b.observations["indicator"].isin(indicators_of(b))]
    obs = obs[obs["file"] != "derived"]
    out = []
    for (title, url), group in obs.groupby(["source_title", "source_link"], sort=True, dropna=False):
        used = "; ".join(f"{names.get(i, i)} {_years(g['year'])}" for i, g in group.groupby("indicator"))
        out.append((title, url, used, _notes(group)))
    mil = b.milestones
    if b.action is not None:
        mil = mil[mil["target"].isin(set(b.rows["id"]))]
    target_names = b.registry.targets.set_index("id")[f"name_{b.lang}"].to_dict()
    for (title, url), group in mil.groupby(["source_title", "source_link"], sort=True, dropna=False):
        used = "; ".join(f"{target_names.get(t, t)} {_years(g['year'])}" for t, g in group.groupby("target"))
        out.append((title, url, used, _notes(group)))
    return out


def _notes(group: pd.DataFrame) -> str:
    return "; ".join(dict.fromkeys(str(n).strip() for n in group["note"] if not text.missing(n)))


def _years(years: pd.Series) -> str:
    ys = sorted({int(y) for y in years})
    return str(ys[0]) if len(ys) == 1 else f"{ys[0]}–{ys[-1]}" if ys == list(range(ys[0], ys[-1] + 1)) \
        else ", ".join(map(str, ys))


def sources(b: Brief) -> Html:
    """The sources of every figure shown, with links, and the plan the targets are quoted from."""
    w = b.words
    items = [f"<li>{esc(w['plan_source'].format(title=labels.label('plan.title', 'zh')))}</li>"]
    for title, url, used, notes in source_rows(b):
        extra = f"<br>{esc(w['col_notes'])}: {esc(notes)}" if notes else ""
        items.append(f'<li>{link(title, url)}<br><span class="kz-note">{esc(w["col_used"])}: {esc(used)}{extra}'
                     "</span></li>")
    return Html(f"<h2>{esc(w['sources'])}</h2><ul class=\"kz-list\">{''.join(items)}</ul>")


# ---------------------------------------------------------------- the overview


def action_link(n: int, title: str, lang: str) -> str:
    """A relative link to an action's brief (action-NN.html, same folder)."""
    return f'<a href="action-{int(n):02d}.html">{esc(labels.action_title(n, title, lang))}</a>'


def action_counts(b: Brief) -> Html:
    """Per action: a link to its brief and how many targets have each status."""
    w = b.words
    present = [s for s in settings.STATUSES if s in set(b.assessment["status"])]
    head = [w["col_action"], *(text.status_label(s, b.lang) for s in present), w["col_total"]]
    rows = []
    for act in b.registry.actions.to_dict("records"):
        mine = b.assessment[b.assessment["action"] == act["action"]]
        counts = status_counts(mine)
        cells = [chip(s, b.lang, counts[s]) if s in counts else "" for s in present]
        rows.append([action_link(act["action"], act[f"title_{b.lang}"], b.lang), *cells, esc(len(mine))])
    numeric = tuple(range(1, len(head)))
    return Html(f"<h2>{esc(w['matrix'])}</h2>" + table(head, rows, numeric=numeric))


def status_matrix(b: Brief) -> Html:
    """The status matrix chart of all actions (kzlib.charts.status_matrix)."""
    return figure(charts.status_matrix(b.assessment, b.registry, b.lang), b.words["matrix"])


def furthest_behind(b: Brief, n: int = 10) -> Html:
    """The targets furthest behind as a table linking to their action's brief, then the chart."""
    w = b.words
    rows = assess.behind(b.assessment, n)
    if rows.empty:
        return Html(f"<h2>{esc(w['behind'])}</h2><p>{esc(w['none_behind'])}</p>")
    titles = b.registry.actions.set_index("action")[f"title_{b.lang}"].to_dict()
    cells = [[action_link(r["action"], titles[r["action"]], b.lang), *row]
             for r, row in zip(rows.to_dict("records"), status_rows(rows, b.lang), strict=True)]
    head = [w[c] for c in ("col_action", "col_target", "col_status", "col_latest", "col_goal", "col_gap",
                           "col_needed", "col_probability")]
    chart = png(charts.furthest_behind(b.assessment, b.lang, n=n), w["behind"])
    return Html(f"<h2>{esc(w['behind'])}</h2>" + table(head, cells, numeric=(3, 4, 5, 6, 7)) + chart)
