"""One rule, one answer: views that show the same thing show it the same way."""

from __future__ import annotations

import io
import re

import numpy as np
import pytest
from PIL import Image

from kzlib import assess, brief, charts, context, settings, text


@pytest.fixture(scope="module")
def overview():
    return brief.Brief(context.load(), "zh")


def test_furthest_behind_table_and_chart_list_the_same_targets(overview):
    html = brief.furthest_behind(overview)
    table_part = html.split("<table", 1)[1].split("</table>", 1)[0]
    table_rows = re.findall(r"<tr><td>.*?</td><td>(.*?)</td>", table_part)
    rows = assess.behind(overview.assessment, 10, overview.now)
    assert len(table_rows) == len(rows) > 0
    fig = charts.furthest_behind(overview.assessment, "zh", n=10, now=overview.now)
    ticks = [t.get_text() for t in fig.axes[0].get_yticklabels()][::-1]  # drawn bottom-up
    assert len(ticks) == len(rows)
    for tick, name, (_, row) in zip(ticks, table_rows, rows.iterrows(), strict=True):
        assert text.name_of(row, "zh").startswith(tick.split("：", 1)[1].rstrip("…"))
        assert name.startswith(brief.esc(text.name_of(row, "zh")))


def words_of(fig) -> list[str]:
    """Every text a figure shows (title, subtitle, unit, marks, tag, legend), in drawing order."""
    ax = fig.axes[0]
    found = [ax.get_title(loc="left"), *(t.get_text() for t in ax.texts)]
    found += [t.get_text() for legend in fig.legends for t in legend.get_texts()]
    return [t for t in found if t]


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_brief_chart_and_kz_charts_draw_a_target_alike(lang, tmp_path):
    ctx = context.load(action=1)
    b = brief.Brief(ctx, lang, 1)
    row = ctx.assessment[ctx.assessment["indicator"] == "gdp"].iloc[0]
    written = charts.write_charts(ctx.assessment, ctx.observations, ctx.paths, tmp_path, (lang,), [1],
                                  registry=ctx.registry, scenario_labels={lang: b.scenario_label})
    from_cli = next(p for p in written if p.stem == row["id"])
    full = brief.chart(b, row, charts.FULL)
    assert b.scenario_label in " ".join(words_of(full))  # the scenario is named in both languages
    unit = b.registry.indicator("gdp")["unit" if lang == "zh" else "unit_en"]
    assert unit in words_of(full)  # the unit stands above the axis
    # the brief's half-width chart says exactly what the page-wide one says
    joint = " " if lang == "en" else ""  # a wrapped title breaks at a space in English, anywhere in Chinese
    assert sorted(w.replace("\n", joint) for w in words_of(brief.chart(b, row))) == \
        sorted(w.replace("\n", joint) for w in words_of(full))
    buffer = io.BytesIO()
    full.savefig(buffer, format="png", dpi=settings.EXPORT_DPI)
    pixels = [np.asarray(Image.open(f).convert("RGB")) for f in (from_cli, io.BytesIO(buffer.getvalue()))]
    assert pixels[0].shape == pixels[1].shape and (pixels[0] == pixels[1]).all()


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_every_target_shows_one_status_word_in_chip_table_chart_and_sentence(lang):
    """The status of a target reads the same in its table row, its chart tag and its judgement's chip; a floor
    held reads 守住底线 / floor held everywhere, never the words of pace against the time elapsed."""
    ctx = context.load()
    for action in sorted({int(a) for a in ctx.assessment["action"]}):
        b = brief.Brief(ctx, lang, action)
        table = brief.status_table(b)
        judged = re.sub(r'<span class="kz-nw">(.*?)</span>', r"\1", brief.judgements(b))
        for row in brief.chart_rows(b).to_dict("records"):
            word = brief.esc(text.row_status(row, lang))
            assert charts.parts(brief.chart(b, row)).status_tag.get_text() == text.row_status(row, lang), row["id"]
            line = next(r for r in table.split("<tr>") if r.startswith("<td>" + brief.esc(text.name_of(row, lang))))
            assert f">{word}</span>" in line, (row["id"], word)
            sentence = text.judgement(row, lang, brief.departments(b).get(row["id"]) or None, b.now)
            assert f"{brief.row_chip(row, lang)} {brief.esc(sentence)}" in judged, row["id"]
            assert f">{word}</span>" in brief.row_chip(row, lang)
            if text.year_rule(row) in ("floor", "ceiling") and row["status"] == "on_track":
                assert word != brief.esc(text.status_label("on_track", lang))
