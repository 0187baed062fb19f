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
import json
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from matplotlib.backends.backend_agg import FigureCanvasAgg
from PIL import Image

from kzlib import assess, charts, context, frames, labels, registry, settings, style, text
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


# A number with the unit or measure word after it (721.44亿元, 2.0个百分点, 3项, 2027年): kept on one line.
NUMBER_WITH_UNIT = re.compile(r"\d[\d.,]*(?:个百分点|[%％]|[\u4e00-\u9fff]{1,2})?")


def prose(value: object, lang: str) -> str:
    """Sentences from kzlib as escaped HTML; in Chinese, a number never parts from its unit at a line end."""
    escaped = esc(value)
    if lang != "zh":
        return escaped
    return NUMBER_WITH_UNIT.sub(lambda m: f'<span class="kz-nw">{m.group()}</span>', escaped)


def link(label: object, url: object) -> str:
    """An escaped link when `url` is http(s), else the escaped label alone."""
    url_text = "" if text.missing(url) else str(url).strip()
    if url_text.lower().startswith(("http://", "https://")):
        return f'<a href="{esc(url_text)}">{esc(label)}</a>'
    return esc(label)


def chip(status: str, lang: str, count: int | None = None, side: str | None = None) -> str:
    """A status label on its colour (settings.STATUS_COLOURS), with a count if given; `side` (kzlib.text.year_rule)
    names a floor or ceiling held."""
    colour = settings.STATUS_COLOURS[status]
    label = text.status_label(status, lang, side) + ("" if count is None else f" {count}")
    return f'<span class="kz-chip" style="background:{colour};color:{style.ink_on(colour)}">{esc(label)}</span>'


def row_chip(row: Mapping[str, Any], lang: str) -> str:
    """The chip of an assessment row (a floor on track reads 守住底线)."""
    return chip(str(row["status"]), lang, side=text.year_rule(row))


def table(head: Sequence[str], rows: Iterable[Sequence[str]], numeric: Sequence[int] = (), cls: str = "") -> str:
    """An HTML table from header labels (escaped here) and cells that are already HTML; `cls` adds a class."""
    kinds = [' class="num"' if i in numeric else "" for i in range(len(head))]
    out = [f'<table class="kz-table{" " + cls if cls else ""}"><thead><tr>']
    out += [f"<th{c}>{esc(h)}</th>" for h, c in zip(head, kinds, strict=True)]
    out.append("</tr></thead><tbody>")
    for row in rows:
        out.append("<tr>" + "".join(f"<td{c}>{cell}</td>" for cell, c in zip(row, kinds, strict=True)) + "</tr>")
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
    def now(self) -> int:
        """The year the brief is made in (old records and past break years are flagged against it)."""
        return int(self.rendered[:4])

    @property
    def words(self) -> dict[str, Any]:
        """The brief's headings and labels in its language."""
        return labels.words("brief", self.lang)


def load(lang: str, scenario: str = "trend", data: Sequence[str] = (), as_of: int | None = None,
         action: int | None = None, plan: str | Path | None = None) -> Brief:
    """The brief of one action (all actions for the overview) of a plan (kzlib.plans; None: the one in use) from
    kzlib.context.load."""
    text.status_label("achieved", lang)  # rejects an unknown language before any work
    return Brief(context.load(data, scenario, as_of, action=action, plan=plan), lang, action)


# ---------------------------------------------------------------- which targets have figures


JUDGED = ("achieved", "on_track", "at_risk", "needs_acceleration", "lagging", "moving_away", "insufficient_data",
          "in_progress", "not_started")


def has_figures(row: Mapping[str, Any]) -> bool:
    """Whether a target rests on at least one figure or milestone record (it gets a chart, a row, a judgement)."""
    return row.get("status") in JUDGED


def with_figures(b: Brief) -> pd.DataFrame:
    """The brief's targets that rest on figures or records, each once (kzlib.assess.counted)."""
    rows = assess.counted(b.rows)
    return rows[rows["status"].isin(JUDGED)].reset_index(drop=True)


def without_figures(b: Brief) -> pd.DataFrame:
    """The brief's targets without any figure, milestones without a record, and unquantified ones, each once."""
    rows = assess.counted(b.rows)
    return rows[~rows["status"].isin(JUDGED)].reset_index(drop=True)


def repeat_note(row: Mapping[str, Any], b: Brief) -> str:
    """另见行动一 / also in action 1: the other actions that state the same target ('' when none)."""
    where = _stated_in(b.registry.targets)
    same = {str(row["id"]), *([] if text.missing(row.get("repeat_of")) else [str(row["repeat_of"])])}
    others = sorted(set().union(*(where.get(t, set()) for t in same)) - {int(row["action"])})
    if not others:
        return ""
    return labels.label("brief.repeat", b.lang, action=labels.label("brief.list_sep", b.lang).join(
        labels.action(a, b.lang) for a in others))


def _stated_in(targets: pd.DataFrame) -> dict[str, set[int]]:
    """Per target id, the actions that state it: its own and those of the targets that repeat it."""
    def make() -> dict[str, set[int]]:
        out: dict[str, set[int]] = {}
        for tid, again, action in targets[["id", "repeat_of", "action"]].itertuples(index=False):
            for key in (tid, again):
                if not text.missing(key):
                    out.setdefault(str(key), set()).add(int(action))
        return out
    return context.derived("stated_in", (targets,), make)


_DEPARTMENTS: dict[tuple[int, str], dict[str, str]] = {}


def departments(b: Brief) -> dict[str, str]:
    """Target id -> the department to ask for its figures, in the brief's language (worked out once a registry)."""
    key = (id(b.registry), b.lang)
    if key not in _DEPARTMENTS:
        table_ = registry.departments_of(b.registry)
        _DEPARTMENTS.clear()
        _DEPARTMENTS[key] = dict(zip(table_["target"], table_[f"department_{b.lang}"], strict=True))
    return _DEPARTMENTS[key]


# ---------------------------------------------------------------- the header


def page_style(b: Brief, title: str) -> str:
    """The printed page: A4, a running head naming the plan and the brief, page n of N at the foot."""
    head = labels.label("brief.running_head", b.lang, plan=labels.label("plan.short", b.lang), brief=title)
    page = labels.label("brief.page", b.lang)
    quoted = json.dumps(head, ensure_ascii=False)
    return f"<style>@page {{ @top-left {{ content: {quoted}; }} @bottom-right {{ content: {page}; }} }}</style>"


def header(b: Brief) -> Html:
    """Kicker, title, the plan's goals sentence of the action, and a line on the data and the scenario."""
    w = b.words
    kicker = f'<p class="kz-kicker">{esc(labels.label("plan.title", b.lang))}</p>'
    if b.action is None:
        title = w["overview_title"]
        body = f"<h1>{esc(title)}</h1>"
    else:
        act = b.registry.action(b.action)
        title = labels.action_title(b.action, act[f"title_{b.lang}"], b.lang)
        body = (f"<h1>{esc(title)}</h1>"
                f'<div class="kz-goals"><b>{esc(w["goals"])}</b> {esc(sentence_end(act[f"goals_{b.lang}"], b.lang))}</div>')
    out = Html(page_style(b, title) + kicker + body + vintage_line(b))
    out.metadata = {"kzlib": {"title": title}}
    return out


def sentence_end(words: str, lang: str) -> str:
    """A quoted sentence closed with its full stop when the quote stops before it."""
    words = str(words).rstrip()
    stop = "。" if lang == "zh" else "."
    return words if words.endswith(("。", ".", "！", "？", "!", "?")) else words + stop


def data_years(b: Brief) -> tuple[int, int] | None:
    """The year most of the brief's judgements rest on, and the latest any rests on (None without any)."""
    years = with_figures(b)["latest_year"].dropna().astype(int)
    if years.empty:
        return None
    counts = years.value_counts()
    return int(counts[counts == counts.max()].index.max()), int(years.max())


def plan_data_year(b: Brief) -> int | None:
    """The latest year of any figure or record held for the plan: every brief compares with the data of the year
    before it, so all of them speak of the same 'last year'."""
    obs = b.observations[b.observations["file"] != "derived"]
    years = [*obs["year"], *b.milestones["year"]]
    return int(max(years)) if years else None


def vintage_line(b: Brief) -> str:
    """One line: how recent the data are, the scenario, and when the brief was made."""
    w = b.words
    years = data_years(b)
    if years is None:
        parts = [w["no_vintage"]]
    else:
        parts = [w["vintage"].format(year=years[0]) if years[0] == years[1] else
                 w["vintage_some"].format(year=years[0], latest=years[1])]
    if b.as_of is not None:
        parts.append(w["as_of"].format(year=b.as_of))
    if years is not None:  # no figure, no projection
        parts.append(w["scenario"].format(label=b.scenario_label))
    parts.append(w["rendered"].format(date=date_text(b.rendered, b.lang)))
    sep = labels.label("brief.name_sep", b.lang) if b.lang == "zh" else " · "
    return f'<p class="kz-vintage">{esc(sep.join(parts))}</p>'


def date_text(iso: str, lang: str) -> str:
    """A date as the brief's language writes it: 2026年11月30日 / 2026-11-30."""
    day = dt.date.fromisoformat(iso)
    return labels.label("brief.date", lang, y=day.year, m=day.month, d=day.day)


# ---------------------------------------------------------------- the lead: page one


def status_counts(rows: pd.DataFrame) -> dict[str, int]:
    """How many targets have each status, in settings.STATUSES order, zeros left out."""
    counts = rows["status"].value_counts()
    return {s: int(counts[s]) for s in settings.STATUSES if s in counts}


@dataclass(frozen=True)
class Shown:
    """Targets that show the same status words: their class, the year-by-year rule they follow, how many."""

    status: str
    side: str | None
    n: int


def shown_counts(rows: pd.DataFrame, lang: str) -> list[Shown]:
    """How many targets show each status word (守住底线 apart from 达到序时进度), in settings.STATUSES order."""
    groups: dict[tuple[str, str], Shown] = {}
    for row in frames.records(rows[[c for c in ("status", "kind", "direction") if c in rows]]):  # those it reads
        status, side = str(row["status"]), text.year_rule(row)
        word = text.status_label(status, lang, side)
        had = groups.get((status, word))
        groups[(status, word)] = Shown(status, side, 1 + (had.n if had else 0))
    order = {s: i for i, s in enumerate(settings.STATUSES)}
    return sorted(groups.values(), key=lambda g: (order[g.status], g.side is not None))


def status_summary(b: Brief) -> Html:
    """The number of targets and one coloured chip per status word (each target counted once)."""
    rows = assess.counted(b.rows)
    lead_ = b.words["summary" if b.action is not None else "summary_all"].format(n=len(rows))
    chips = "".join(chip(g.status, b.lang, g.n, g.side) for g in shown_counts(rows, b.lang))
    return Html(f'<p class="kz-summary">{esc(lead_)}{chips}</p>')


def _in_sentence(word: str, lang: str) -> str:
    """A status word as it reads inside an English sentence (lower case); Chinese as it is."""
    return word if lang == "zh" else word.lower()


def headline(b: Brief) -> str:
    """共N项目标，已有判断X项：已完成a项、达到序时进度b项…；数据不足c项，暂无数据d项 (each target counted once)."""
    rows = assess.counted(b.rows)
    groups = shown_counts(rows, b.lang)
    judged = [g for g in groups if g.status in JUDGED and g.status != "insufficient_data"]
    rest = [g for g in groups if g not in judged]

    def listed(shown: list[Shown]) -> str:
        return labels.label("brief.list_sep", b.lang).join(labels.label(
            "brief.count_item", b.lang, status=_in_sentence(text.status_label(g.status, b.lang, g.side), b.lang),
            n=g.n) for g in shown)

    key = "brief.headline_action" if b.action is not None else "brief.headline_plan"
    if not judged:
        if {g.status for g in rest} <= {"no_data"}:
            return labels.label(key + "_none", b.lang, n=len(rows)) + labels.label("brief.stop", b.lang)
        return labels.label(key + "_unjudged", b.lang, n=len(rows), items=listed(rest)) + \
            labels.label("brief.stop", b.lang)
    line = labels.label(key, b.lang, n=len(rows), judged=sum(g.n for g in judged))
    line += labels.label("brief.headline_judged", b.lang, items=listed(judged))
    if rest:
        line += labels.label("brief.headline_rest", b.lang, items=listed(rest))
    return line + labels.label("brief.stop", b.lang)


def no_risks(b: Brief) -> str:
    """What the risk list says when it is empty: nothing behind, or how much is still unknown."""
    rows = assess.counted(b.rows)
    judged = int(rows["status"].isin([s for s in JUDGED if s != "insufficient_data"]).sum())
    rest = int((rows["status"] != "not_assessable").sum()) - judged
    if not judged:
        return labels.label("brief.no_risks_unjudged", b.lang)
    if rest:
        return labels.label("brief.no_risks_partial", b.lang, judged=judged, rest=rest)
    return labels.label("brief.no_risks", b.lang)


def risk_items(b: Brief, n: int = settings.LEAD_RISKS) -> list[str]:
    """The n targets most at risk (kzlib.assess.behind), each with its one-line reason; one resting on a figure to
    verify says so and who is to verify it."""
    who = departments(b)
    out = []
    for row in frames.records(assess.behind(b.rows, n, b.now)):
        where = "" if b.action is not None else labels.action(int(row["action"]), b.lang) + " "
        name = esc(where + text.name_of(row, b.lang))
        reason = text.risk_reason(row, b.lang)
        if assess.weak(row):
            dept = who.get(row["id"])
            reason += labels.label("risk.verify", b.lang, department=dept) if dept else \
                labels.label("risk.verify_plain", b.lang)
        out.append(f"<li>{row_chip(row, b.lang)} <b>{name}</b>{esc(labels.label('brief.colon', b.lang))}"
                   f"{prose(reason, b.lang)}</li>")
    return out


def previous(b: Brief) -> Brief | None:
    """The same brief assessed on the data known a year earlier (as_of = the latest data year − 1)."""
    year = b.as_of if b.as_of is not None else plan_data_year(b)
    if year is None:
        return None
    ctx = b.context
    earlier = context.load(ctx.data, None, year - 1, ctx.method, action=ctx.action)  # statuses only
    return Brief(earlier, b.lang, b.action, b.label, b.rendered)


def changes(b: Brief, before: Brief) -> pd.DataFrame:
    """Per target counted once: its status a year ago and now, and whether it improved, worsened or is new."""
    now = assess.counted(b.rows).set_index("id")["status"]
    then = assess.counted(before.rows).set_index("id")["status"].reindex(now.index)
    rank = {s: i for i, s in enumerate(settings.STATUSES)}
    rows = []
    for tid, status in now.items():
        was = then.get(tid)
        if was == status or text.missing(was):
            continue
        if (was not in JUDGED or was == "insufficient_data") and status in JUDGED:
            change = "new"
        elif status not in JUDGED:
            continue
        else:
            change = "better" if rank[status] < rank[was] else "worse"
        rows.append({"id": tid, "before": was, "after": status, "change": change})
    return pd.DataFrame(rows, columns=["id", "before", "after", "change"])


def figure_change(info: Mapping[str, Any], figures: pd.DataFrame, lang: str) -> str:
    """城区空气质量优良天数346天（2025年），较2023年增加11天: an indicator's newest figure and its move on the one
    before it."""
    figures = figures.sort_values("year")
    last = figures.iloc[-1]
    unit = {"unit": info.get("unit") or last["unit"], "unit_en": info.get("unit_en") or last["unit"]}
    shown = labels.label("brief.figure_item", lang, name=info.get(f"name_{lang}") or info.get("name_zh"),
                         value=text.value_text(unit, float(last["value"]), lang), year=int(last["year"]))
    if len(figures) < 2:
        return shown
    before = figures.iloc[-2]
    diff = float(last["value"]) - float(before["value"])
    if diff == 0:
        return shown
    points = unit["unit"] in text.PERCENT_UNITS
    verb = labels.label(f"brief.{'more' if diff > 0 else 'less'}{'_points' if points else ''}", lang)
    return shown + labels.label("brief.figure_moved", lang, year=int(before["year"]), verb=verb,
                                diff=text.diff_text(unit, abs(diff), lang, sig=3))


def change_item(row: Mapping[str, Any], change: Mapping[str, Any], lang: str) -> str:
    """常住人口城镇化率（由“数据不足”转为“明显滞后”）: one target's change, in the words its chip shows."""
    side = text.year_rule(row)
    return labels.label("brief.change_item", lang, name=text.name_of(row, lang),
                        before=_in_sentence(text.status_label(change["before"], lang, side), lang),
                        after=_in_sentence(text.status_label(change["after"], lang, side), lang))


def since_last_year(b: Brief) -> str:
    """与上年相比: which targets improved, which worsened, which new figures arrived."""
    before = previous(b)
    if before is None:
        return ""
    year = (b.as_of if b.as_of is not None else plan_data_year(b)) - 1
    names = b.rows.set_index("id")
    moved = changes(b, before)
    parts = []
    for kind in ("better", "worse", "new"):
        rows = moved[moved["change"] == kind]
        if rows.empty:
            continue
        items = labels.label("brief.list_sep", b.lang).join(change_item(names.loc[r["id"]], r, b.lang)
                                                            for r in frames.records(rows))
        parts.append(labels.label(f"brief.change_{kind}", b.lang, items=items))
    shown = shown_figures(b)
    fresh = shown[shown["year"] > year]
    if not fresh.empty:
        info = b.registry.indicators.set_index("id")
        items = labels.label("brief.list_sep", b.lang).join(
            figure_change(info.loc[i] if i in info.index else {"name_zh": i, "name_en": i},
                          shown[shown["indicator"] == i], b.lang) for i in dict.fromkeys(fresh["indicator"]))
        parts.append(labels.label("brief.change_figures", b.lang, items=items))
    lead = labels.label("brief.change_lead", b.lang, year=year)
    if not parts:
        return lead + labels.label("brief.change_none", b.lang)
    return lead + labels.label("brief.clause_sep", b.lang).join(parts) + labels.label("brief.stop", b.lang)


ZONE_DEPARTMENT = "hitech_zone"  # departments.yaml: the high-tech zone's administrative committee
QUALITY_FLAGS = ("preliminary", "estimated", "flash", "secondary", "inferred_year", "zone_scope", "partial_year",
                 "speech_rounded", "average_period")


def flags_of(value: object) -> list[str]:
    """The quality flags of a figure, in QUALITY_FLAGS order."""
    have = set(str(value or "").split(";"))
    return [f for f in QUALITY_FLAGS if f in have]


def latest_flags(b: Brief, row: Mapping[str, Any], zone: set[str] | None = None) -> list[str]:
    """The quality flags of the figure a judgement rests on (its indicator in its latest year); the zone scope
    only when the indicator is not the zone's own (`zone`: zone_indicators(b), when known)."""
    if "latest_flags" in row:
        flags = flags_of(row.get("latest_flags"))
    else:
        obs = b.observations
        hit = obs[(obs["indicator"] == row.get("indicator")) & (obs["year"] == row.get("latest_year"))]
        flags = flags_of(hit["flags"].iloc[-1]) if len(hit) else []
    return [f for f in flags if f != "zone_scope" or row.get("indicator") not in (
        zone_indicators(b) if zone is None else zone)]


def data_vintage(b: Brief) -> str:
    """判断所依据的数据: the latest year of the figures judgements rest on, and the quality flags that matter."""
    rows = assess.counted(with_figures(b))
    if rows.empty:
        return labels.label("brief.vintage_none", b.lang)
    years = rows["latest_year"].dropna().astype(int).value_counts().sort_index(ascending=False)
    sep = labels.label("brief.list_sep", b.lang)
    by_year = sep.join(labels.label("brief.vintage_year", b.lang, year=int(y), n=int(n)) for y, n in years.items())
    flagged: dict[str, int] = {}
    for row in frames.records(rows):  # figures and milestone records alike
        for f in latest_flags(b, row):
            flagged[f] = flagged.get(f, 0) + 1
    line = labels.label("brief.vintage_lead", b.lang, years=by_year)
    if flagged:
        line += labels.label("brief.vintage_flags", b.lang, items=sep.join(
            labels.label("brief.count_item", b.lang, status=labels.label(f"flag.{f}", b.lang), n=n)
            for f, n in flagged.items()))
    return line + labels.label("brief.stop", b.lang)


def missing_by_department(b: Brief) -> str:
    """尚无数据的N项目标需向以下部门收集：统计局3项…（见附表1）."""
    rows = assess.counted(without_figures(b))
    rows = rows[rows["status"] != "not_assessable"]
    few = with_figures(b)
    few = few[few["status"] == "insufficient_data"]
    if rows.empty and few.empty:
        return labels.label("brief.missing_none", b.lang)
    who = departments(b)
    asked = [*rows["id"], *few["id"]]
    counts = pd.Series([who.get(t) or labels.label("brief.no_department", b.lang) for t in asked]).value_counts()
    items = labels.label("brief.list_sep", b.lang).join(
        labels.label("brief.count_item", b.lang, status=d, n=int(n)) for d, n in counts.items())
    if few.empty:
        return labels.label("brief.missing", b.lang, n=len(rows), items=items)
    return labels.label("brief.missing_few", b.lang, n=len(rows), few=len(few), items=items)


def trial_figures(b: Brief) -> str:
    """When --data files were given: the figures they add that are not yet in data/, and the judgements they
    changed (against the same brief on the shipped data alone)."""
    ctx = b.context
    if not ctx.data:
        return ""
    from kzlib import briefdata

    mine = set(indicators_of(b)) | set(b.rows["id"])
    extra = briefdata.extra_changes(*ctx.data, registry=ctx.registry)
    extra = extra[extra["key"].isin(mine)]
    shipped = context.load((), None, ctx.as_of, ctx.method, action=ctx.action)  # statuses only
    moved = changes(b, Brief(shipped, b.lang, b.action))
    names = b.rows.set_index("id")
    changed = labels.label("brief.list_sep", b.lang).join(change_item(names.loc[r["id"]], r, b.lang)
                                                          for r in frames.records(moved))
    line = labels.label("brief.trial", b.lang, n=len(extra))
    line += labels.label("brief.trial_changed", b.lang, items=changed) if changed else \
        labels.label("brief.trial_unchanged", b.lang)
    return line


def scenario_note(b: Brief) -> str:
    """The scenario the projections follow, when it is not the trend."""
    scen = b.context.scenario
    if scen is None or scen.name == "trend":
        return ""
    note = getattr(scen, f"note_{b.lang}") or ""
    return labels.label("brief.scenario_note", b.lang, label=b.scenario_label, note=note)


def lead(b: Brief) -> Html:
    """Page one: the headline, the targets most at risk, the change since last year, the data and who holds what
    is missing."""
    w = b.words
    parts = [f'<section class="kz-lead"><h2>{esc(w["lead"])}</h2>']
    trial = trial_figures(b)
    if trial:
        parts.append(f'<p class="kz-trial">{prose(trial, b.lang)}</p>')
    parts.append(f'<p class="kz-headline">{prose(headline(b), b.lang)}</p>')
    risks = risk_items(b, settings.LEAD_RISKS)
    parts.append(f"<h3>{esc(w['risks'])}</h3>")
    parts.append(f'<ol class="kz-risks">{"".join(risks)}</ol>' if risks else f"<p>{esc(no_risks(b))}</p>")
    for heading, line in ((w["since"], since_last_year(b)), (w["data"], data_vintage(b)),
                          (w["missing_heading"], missing_by_department(b)), (w["scenario_heading"], scenario_note(b))):
        if line:
            parts.append(f"<h3>{esc(heading)}</h3><p>{prose(line, b.lang)}</p>")
    parts.append("</section>")
    return Html("".join(parts))


# ---------------------------------------------------------------- the economist's own words


def commentary_file(b: Brief) -> Path:
    """the plan's commentary/<lang>/action-NN.md (overview.md for the overview): kzlib.briefdata.commentary_file."""
    from kzlib import briefdata

    return briefdata.commentary_file(b.lang, "overview" if b.action is None else f"action-{int(b.action):02d}")


def markdown(source: str) -> str:
    """Markdown as HTML, with any raw HTML in it shown as text and unsafe links dropped."""
    import mistune

    return mistune.create_markdown(escape=True, hard_wrap=False, plugins=["table", "strikethrough"])(source)


def commentary(b: Brief) -> Html:
    """分析意见和建议: the economist's analysis and recommendations from the commentary file, if there is one."""
    path = commentary_file(b)
    if not path.is_file():
        return Html("")
    body = markdown(path.read_text(encoding="utf-8"))
    return Html(f'<section class="kz-commentary"><h2>{esc(b.words["commentary"])}</h2>{body}</section>')


# ---------------------------------------------------------------- the targets with figures


def _cell_name(row: Mapping[str, Any], lang: str, words: Mapping[str, str], note: str = "") -> str:
    name = esc(text.name_of(row, lang))
    extra = [words["aspiration"]] if row.get("firmness") == "aspiration" else []
    extra += [note] if note else []
    for e in extra:
        name += f' <span class="kz-note">{esc(labels.label("brief.aside", lang, text=e))}</span>'
    return name


def _latest(row: Mapping[str, Any], lang: str, marks: Sequence[int] = ()) -> str:
    if text.missing(row.get("latest_value")):
        return "—"
    year = row.get("latest_year")
    when = "" if text.missing(year) else labels.label("brief.in_year", lang, year=int(year))
    sup = f'<sup class="kz-mark">{",".join(map(str, marks))}</sup>' if marks else ""
    return f'<span class="kz-value">{esc(text.value_text(row, row.get("latest_value"), lang) + when)}{sup}</span>'


def _goal(row: Mapping[str, Any], lang: str) -> str:
    goal = text.target_text(row, lang)
    if not goal:
        return "—"
    year = row.get("target_year")
    every_year = row.get("kind") in ("maintain", "flow")  # the goal says 每年 itself
    return esc(goal + ("" if text.missing(year) or every_year else labels.label("brief.by_year", lang, year=int(year))))


def flag_marks(b: Brief, rows: pd.DataFrame) -> dict[str, int]:
    """Note numbers for the quality flags of the figures the rows show, in the order they first appear."""
    marks: dict[str, int] = {}
    zone = zone_indicators(b)
    for row in frames.records(rows[[c for c in ("indicator", "latest_year", "latest_flags") if c in rows]]):
        for f in latest_flags(b, row, zone):
            marks.setdefault(f, len(marks) + 1)
    return marks


def flag_notes(marks: Mapping[str, int], lang: str) -> str:
    """注：1初步核算数；2转载或非官方来源。: what the note numbers of a table mean ('' without any)."""
    if not marks:
        return ""
    items = labels.label("brief.name_sep", lang).join(
        labels.label("brief.flag_note", lang, mark=n, flag=labels.label(f"flag.{f}", lang)) for f, n in marks.items())
    return f'<p class="kz-note kz-notes">{esc(labels.label("brief.flag_notes", lang, items=items))}</p>'


def status_rows(rows: pd.DataFrame, lang: str, scenario: bool = False, b: Brief | None = None,
                marks: Mapping[str, int] | None = None) -> list[list[str]]:
    """Cells (HTML) of the status table: name, status, latest, goal, gap, pace needed, probability; with
    `scenario`, also the assumed growth, the value in the target year, the status and the year met under it.
    `marks` numbers the quality flags of the latest figures (kzlib.brief.flag_marks)."""
    words = labels.words("brief", lang)
    out = []
    for row in frames.records(rows):
        note = repeat_note(row, b) if b is not None else ""
        noted = [marks[f] for f in latest_flags(b, row) if f in marks] if b is not None and marks else []
        cells = [
            _cell_name(row, lang, words, note), row_chip(row, lang), _latest(row, lang, noted),
            _goal(row, lang), esc(text.diff_text(row, row.get("gap"), lang)),
            esc(text.pace_phrase(row, "required", lang)),
            esc(text.format_percent(row.get("probability"), lang, 0)),
        ]
        if scenario:
            value, status, met = row.get("scenario_value"), row.get("scenario_status"), row.get("scenario_year_met")
            cells += [
                esc(text.scenario_pace(row, lang) or "—"),
                esc("—" if text.missing(value) else text.value_text(row, value, lang, sig=3)),
                "" if text.missing(status) else chip(str(status), lang, side=text.year_rule(row)),
                esc("—" if text.missing(met) else int(met)),
            ]
        out.append(cells)
    return out


STATUS_COLUMNS = ("col_target", "col_status", "col_latest", "col_goal", "col_gap", "col_needed", "col_probability")
SCENARIO_COLUMNS = ("col_growth", "col_value", "col_scenario_status", "col_year_met")
NUMERIC_COLUMNS = ("col_latest", "col_goal", "col_gap", "col_needed", "col_probability", "col_growth", "col_value",
                   "col_year_met")


def status_grid(b: Brief, scenario: bool = False, rows: pd.DataFrame | None = None,
                marks: Mapping[str, int] | None = None, chance: bool | None = None) -> str:
    """The status table of the brief's numeric targets with figures (all of them with `scenario`), its quality
    flags as numbered notes below it (numbered as `marks` says, else from these rows); the chance column is left
    out when `chance` is false, or, without `chance`, when no row has one."""
    w = b.words
    rows = (b.rows if scenario else with_figures(b)) if rows is None else rows
    rows = rows[rows["kind"] != "milestone"]
    columns = STATUS_COLUMNS + (SCENARIO_COLUMNS if scenario else ())
    marks = flag_marks(b, rows) if marks is None else marks
    cells = status_rows(rows, b.lang, scenario, b, marks)
    if not (has_chance(rows) if chance is None else chance):
        columns, cells = _without_chance(columns, cells)
    numeric = tuple(i for i, c in enumerate(columns) if c in NUMERIC_COLUMNS)
    return table([w[c] for c in columns], cells, numeric=numeric) + flag_notes(marks, b.lang)


def _without_chance(columns: Sequence[str], cells: list[list[str]]) -> tuple[tuple[str, ...], list[list[str]]]:
    """The columns and cells without the chance column."""
    columns, drop = tuple(columns), list(columns).index("col_probability")
    return columns[:drop] + columns[drop + 1:], [c[:drop] + c[drop + 1:] for c in cells]


def has_chance(rows: pd.DataFrame) -> bool:
    """Whether the status table of these rows has a chance column: some row has a chance of meeting its target."""
    return "probability" not in rows or bool(rows["probability"].notna().any())


def status_table(b: Brief) -> Html:
    """目标进度: the targets with figures (not milestones) with status, latest figure, goal, gap, pace and chance."""
    rows = with_figures(b)
    if rows[rows["kind"] != "milestone"].empty:
        return Html("")
    return Html(f"<h2>{esc(b.words['status_table'])}</h2>" + status_grid(b))


def chart_rows(b: Brief) -> pd.DataFrame:
    """The targets that get a trajectory chart: numeric kinds with an indicator and at least one figure."""
    rows = with_figures(b)
    keep = rows["kind"].isin(NUMERIC_KINDS) & rows["indicator"].map(lambda v: not text.missing(v)).astype(bool)
    return rows[keep & rows["latest_value"].notna()].reset_index(drop=True)


def chart(b: Brief, row: Mapping[str, Any], look: charts.Look = charts.HALF) -> Any:
    """One target's trajectory chart as every view draws it (briefs, explorer, `kz charts`)."""
    return charts.target_chart(row, b.observations, b.paths, b.registry, b.scenario_label, b.lang, look)


def trajectories(b: Brief) -> Html:
    """目标走势: one chart per target with figures, two to a row."""
    rows = chart_rows(b)
    if rows.empty:
        return Html("")
    images = [f'<figure class="kz-chart">{png(chart(b, row), text.name_of(row, b.lang))}</figure>'
              for row in frames.records(rows)]
    return Html(f"<h2>{esc(b.words['charts'])}</h2><div class=\"kz-charts\">{''.join(images)}</div>")


def milestone_rows(b: Brief) -> list[list[str]]:
    """Cells of the milestones table (milestones with a record): name, status, state year, source."""
    w = b.words
    latest = b.milestones.sort_values("year").groupby("target").tail(1).set_index("target")
    out = []
    for row in frames.records(with_figures(b)):
        if row["kind"] != "milestone":
            continue
        own = row["id"] if row["id"] in latest.index else row.get("repeat_of")
        seen = latest.loc[own] if own in latest.index else None
        out.append([
            _cell_name(row, b.lang, w, repeat_note(row, b)), row_chip(row, b.lang),
            "" if seen is None else esc(int(seen["year"])),
            "" if seen is None else link(seen["source_title"], seen["source_link"]),
        ])
    return out


def milestones(b: Brief) -> Html:
    """里程碑: the milestones with a recorded state, with its year and source."""
    w = b.words
    rows = milestone_rows(b)
    if not rows:
        return Html("")
    return Html(f"<h2>{esc(w['milestones'])}</h2>" + table([w["col_target"], w["col_state"], w["col_year"],
                                                              w["col_source"]], rows))


def judgement_list(b: Brief, outlook: bool = False, rows: pd.DataFrame | None = None) -> str:
    """A chip and a short judgement per target (kzlib.text.judgement); with `outlook`, the scenario's outcome."""
    parts = []
    who = departments(b)
    rows = b.rows if rows is None else rows
    for row in frames.records(rows):
        ask = None if row["kind"] == "milestone" else who.get(row["id"])  # a milestone names its own source
        sentence = text.judgement(row, b.lang, ask or None, b.now)
        note = repeat_note(row, b)
        if note:
            sentence += labels.label("brief.aside", b.lang, text=note)
        if outlook:
            more = text.scenario_outlook(row, b.lang, b.scenario_label)
            sentence += more if b.lang == "zh" or not more else " " + more
        parts.append(f'<p class="kz-judgement">{row_chip(row, b.lang)} {prose(sentence, b.lang)}</p>')
    return "".join(parts)


def judgements(b: Brief) -> Html:
    """逐项研判: a short judgement per target with figures or records."""
    rows = with_figures(b)
    if rows.empty:
        return Html("")
    return Html(f"<h2>{esc(b.words['judgements'])}</h2>" + judgement_list(b, rows=rows))


# ---------------------------------------------------------------- the appendix


def indicators_of(b: Brief) -> list[str]:
    """The indicators the brief's targets use (compared series included), with the inputs of derived ones."""
    info = b.registry.indicators.set_index("id")
    out: list[str] = []
    for iid in [*b.rows["indicator"].dropna(), *b.rows["reference"].dropna()]:
        inputs = info.loc[iid, "derived_from"] if iid in info.index else None
        out += [iid, *(inputs if isinstance(inputs, list) else [])]
    return list(dict.fromkeys(out))


def related_rows(b: Brief, target: str) -> list[str]:
    """Related evidence beside a target: figure, year, scope and source (never judged on)."""
    rel = b.context.related
    if rel is None or rel.empty:
        return []
    out = []
    for r in frames.records(rel[rel["target"] == target]):
        value = text.format_number(r["value"], b.lang, r["unit"] if b.lang == "zh" else None)
        unit = "" if b.lang == "zh" else f" {r['unit']}"
        scope = r.get(f"scope_{b.lang}") or ""
        out.append(labels.label("brief.related_item", b.lang, value=value + unit, year=int(r["year"]), scope=scope))
    return out


def missing_rows(b: Brief) -> list[list[str]]:
    """附表1 cells: each target without figures once — name, goal, the plan's clause, the department to ask,
    and any related evidence."""
    who = departments(b)
    out = []
    for row in frames.records(assess.counted(without_figures(b))):
        note = text.status_label(row["status"], b.lang) if row["status"] == "not_assessable" else ""
        related = related_rows(b, row["id"])
        extra = "".join(f'<br><span class="kz-note">{esc(r)}</span>' for r in related)
        out.append([_cell_name(row, b.lang, b.words, note) + extra, _goal(row, b.lang),
                    f'<span class="kz-quote">{esc(b.registry.target(row["id"])["quote"])}</span>',
                    esc(who.get(row["id"]) or "")])
    return out


def source_rows(b: Brief) -> list[tuple[str, str, str, str]]:
    """Each source of a figure shown: (title, link, what it gave, notes), observations, milestones, related."""
    names = b.registry.indicators.set_index("id")[f"name_{b.lang}"].to_dict()
    zone = zone_indicators(b)
    out = []
    for (title, url), group in shown_figures(b).groupby(["source_title", "source_link"], sort=True, dropna=False):
        used = labels.label("brief.list_sep", b.lang).join(
            labels.label("brief.used_item", b.lang, name=names.get(i, i), years=_years(g["year"], b.lang))
            for i, g in group.groupby("indicator"))
        out.append((title, url, used, _notes(group, b.lang, zone_only=set(group["indicator"]) <= zone)))
    mil = b.milestones
    if b.action is not None:
        mine = set(b.rows["id"]) | set(b.rows["repeat_of"].dropna())
        mil = mil[mil["target"].isin(mine)]
    target_names = b.registry.targets.set_index("id")[f"name_{b.lang}"].to_dict()
    for (title, url), group in mil.groupby(["source_title", "source_link"], sort=True, dropna=False):
        used = labels.label("brief.list_sep", b.lang).join(
            labels.label("brief.used_item", b.lang, name=target_names.get(t, t), years=_years(g["year"], b.lang))
            for t, g in group.groupby("target"))
        out.append((title, url, used, _notes(group, b.lang)))
    return out


def shown_figures(b: Brief) -> pd.DataFrame:
    """The official figures the brief rests on: its indicators' (compared series included) and, for a derived
    indicator, its inputs in the years it was derived for."""
    info = b.registry.indicators.set_index("id")
    obs = b.observations[b.observations["file"] != "derived"]
    own = [*b.rows["indicator"].dropna(), *b.rows["reference"].dropna()]
    keep = obs["indicator"].isin(own)
    for iid in dict.fromkeys(own):
        inputs = info.loc[iid, "derived_from"] if iid in info.index else None
        if isinstance(inputs, list):
            years = b.observations.loc[b.observations["indicator"] == iid, "year"]
            keep |= obs["indicator"].isin(inputs) & obs["year"].isin(years)
    return obs[keep]


def zone_indicators(b: Brief) -> set[str]:
    """The indicators that measure the high-tech zone itself (their figures' zone scope is no caveat)."""
    info = b.registry.indicators
    if "department" not in info:
        return set()
    return context.derived("zone", (info,), lambda: set(info.loc[info["department"] == ZONE_DEPARTMENT, "id"]))


def _notes(group: pd.DataFrame, lang: str, zone_only: bool = False) -> str:
    """What the reader should know of these figures: the quality flags in the brief's language (the zone scope
    left out when the figures measure the zone), and in English briefs the notes of the data."""
    flags = dict.fromkeys(f for v in group.get("flags", pd.Series(dtype=str)) for f in flags_of(v)
                          if not (zone_only and f == "zone_scope"))
    words = [labels.label(f"flag.{f}", lang) for f in flags]
    if lang == "en":
        words += [str(n).strip() for n in group["note"] if not text.missing(n)]
    return labels.label("brief.list_sep", lang).join(dict.fromkeys(words))


def _years(years: pd.Series, lang: str) -> str:
    """2020—2024年 / 2020年、2023年 (zh); 2020–2024 / 2020, 2023 (en)."""
    ys = sorted({int(y) for y in years})
    if len(ys) > 2 and ys == list(range(ys[0], ys[-1] + 1)):
        return labels.label("brief.years_span", lang, start=ys[0], end=ys[-1])
    return labels.label("brief.years_list", lang, years=labels.label("brief.years_sep", lang).join(map(str, ys)))


def plan_source(lang: str) -> str:
    """目标原文：《…》（重庆市开州区人民政府2023年7月印发）: the plan quoted, with who issued it and when where known."""
    fields = labels.plan_fields(lang)
    who = [fields["issuer"], fields["issued"]]
    issue = labels.label("brief.plan_issue", lang, who=("" if lang == "zh" else ", ").join(filter(None, who)))
    return labels.label("brief.plan_source", lang, issue=issue if any(who) else "")


def appendix(b: Brief) -> Html:
    """附表: the targets without figures (with the department to ask), the sources, the method."""
    w = b.words
    parts = [f'<section class="kz-appendix"><h2>{esc(w["appendix"])}</h2>']
    rows = missing_rows(b)
    if rows:
        parts.append(f"<h3>{esc(w['appendix_missing'])}</h3>")
        parts.append(table([w["col_target"], w["col_goal"], w["col_clause"], w["col_department"]], rows))
    items = [f"<li>{esc(plan_source(b.lang))}</li>"]
    for title, url, used, notes in source_rows(b):
        extra = esc(labels.label("brief.used_flags", b.lang, flags=notes)) if notes else ""
        items.append(f'<li>{link(title, url)}<br><span class="kz-note">{esc(w["col_used"])}'
                     f'{esc(labels.label("brief.colon", b.lang))}{esc(used)}{extra}</span></li>')
    parts.append(f"<h3>{esc(w['sources'])}</h3><ul class=\"kz-list kz-sources\">{''.join(items)}</ul>")
    parts.append(f"<h3>{esc(w['method'])}</h3><p class=\"kz-note\">{esc(method_text(b))}</p>")
    parts.append(f'<p class="kz-note kz-stamp">{esc(environment_stamp(b.lang))}</p></section>')
    return Html("".join(parts))


def method_text(b: Brief) -> str:
    """评估方法说明: how targets are judged; the sentence on chances only when the brief shows one."""
    shows_chance = b.rows["probability"].notna().any() if "probability" in b.rows else False
    return b.words["method_text"] + (b.words["method_probability"] if shows_chance else "")


def environment_stamp(lang: str) -> str:
    """The kzlib version and the lock's hash (kzlib.doctor), so two briefs tell whether the environment changed."""
    from kzlib import doctor

    version, lock, env = doctor.installed_stamp()
    return labels.label("brief.stamp", lang, version=version, lock=lock or "—") + (
        labels.label("brief.stamp_env", lang, env=env) if env else "")


# ---------------------------------------------------------------- the overview


def action_link(n: int, title: str, lang: str, short: bool = False, bare: bool = False) -> str:
    """A relative link to an action's brief (action-NN.html, same folder); `short`: 行动三 linked, the title
    below it in small type; `bare`: 行动三 alone."""
    href = f"action-{int(n):02d}.html"
    if bare:
        return f'<a class="kz-action" href="{href}">{esc(labels.action(n, lang))}</a>'
    if short:
        return (f'<a class="kz-action" href="{href}">{esc(labels.action(n, lang))}</a>'
                f'<br><span class="kz-note">{esc(title)}</span>')
    return f'<a href="{href}">{esc(labels.action_title(n, title, lang))}</a>'


def action_counts(b: Brief) -> Html:
    """Per action: a link to its brief and how many of its targets show each status word (each target counted
    once in the plan, where it first stands), with a note on the repeats the action briefs count."""
    w = b.words
    counted = assess.counted(b.assessment)
    groups = shown_counts(counted, b.lang)
    words_ = [text.status_label(g.status, b.lang, g.side) for g in groups]
    head = [w["col_action"], *words_, w["col_total"]]
    rows = []
    for act in frames.records(b.registry.actions):
        mine = counted[counted["action"] == act["action"]]
        have = {text.status_label(g.status, b.lang, g.side): g.n for g in shown_counts(mine, b.lang)}
        cells = [esc(have[word]) if word in have else "" for word in words_]
        rows.append([action_link(act["action"], act[f"title_{b.lang}"], b.lang, short=True), *cells, esc(len(mine))])
    numeric = tuple(range(1, len(head)))
    chips = "".join(chip(g.status, b.lang, side=g.side) for g in groups)
    repeats = len(b.assessment) - len(counted)
    note = f'<p class="kz-note kz-notes">{esc(w["matrix_note"].format(n=repeats))}</p>' if repeats else ""
    return Html(f"<h2>{esc(w['matrix'])}</h2><p class=\"kz-legend\">{chips}</p>"
                + table(head, rows, numeric=numeric, cls="kz-matrix") + note)


def furthest_behind(b: Brief, n: int = 10) -> Html:
    """The targets most at risk as a table linking to their action's brief, then the chart."""
    w = b.words
    rows = assess.behind(b.assessment, n, b.now)
    if rows.empty:
        return Html(f"<h2>{esc(w['behind'])}</h2><p>{esc(w['none_behind'])}</p>")
    titles = b.registry.actions.set_index("action")[f"title_{b.lang}"].to_dict()
    marks = flag_marks(b, rows)
    cells = [[action_link(r["action"], titles[r["action"]], b.lang, bare=True), *row]
             for r, row in zip(frames.records(rows), status_rows(rows, b.lang, b=b, marks=marks), strict=True)]
    columns = ("col_action", *STATUS_COLUMNS)
    if not has_chance(rows):
        columns, cells = _without_chance(columns, cells)
    numeric = tuple(i for i, c in enumerate(columns) if c in NUMERIC_COLUMNS)
    chart_ = png(charts.furthest_behind(b.assessment, b.lang, n=n, now=b.now), w["behind"])
    return Html(f"<h2>{esc(w['behind'])}</h2>" + table([w[c] for c in columns], cells, numeric=numeric, cls="kz-behind")
                + flag_notes(marks, b.lang) + chart_)


def department_rows(b: Brief) -> list[list[str]]:
    """附表 of the overview: per department, the targets without figures to ask it for."""
    who = departments(b)
    rows = assess.counted(without_figures(b))
    rows = rows[rows["status"] != "not_assessable"]
    out = []
    by = pd.DataFrame({"department": [who.get(t) or labels.label("brief.no_department", b.lang) for t in rows["id"]],
                       "name": [text.name_of(r, b.lang) for r in frames.records(rows)]})
    for dept, group in by.groupby("department", sort=False):
        names = labels.label("brief.name_sep", b.lang).join(group["name"])
        out.append([esc(dept), esc(len(group)), esc(names)])
    return sorted(out, key=lambda r: -int(r[1]))


def overview_appendix(b: Brief) -> Html:
    """附表 of the overview: who holds the missing figures, the sources, the method."""
    w = b.words
    parts = [f'<section class="kz-appendix"><h2>{esc(w["appendix"])}</h2>']
    rows = department_rows(b)
    if rows:
        parts.append(f"<h3>{esc(w['appendix_departments'])}</h3>")
        parts.append(table([w["col_department"], w["col_count"], w["col_targets"]], rows, numeric=(1,)))
    parts.append(f"<h3>{esc(w['method'])}</h3><p class=\"kz-note\">{esc(method_text(b))}</p>")
    parts.append(f'<p class="kz-note kz-stamp">{esc(environment_stamp(b.lang))}</p></section>')
    return Html("".join(parts))


def warm() -> None:
    """Do once, before kernels are forked from this process, what every brief does first: read the project's
    registry and data, draw a chart (fonts), work out the environment stamp, import the Markdown reader."""
    import mistune  # noqa: F401

    from kzlib import briefdata, doctor  # noqa: F401

    ctx = context.load()
    doctor.installed_stamp()
    rows = chart_rows(Brief(ctx, "zh"))
    if not rows.empty:
        for lang in settings.LANGS:
            png(chart(Brief(ctx, lang), rows.iloc[0].to_dict()), "")
