"""kzlib.style: one rule for text on a status colour, held by brief chips and chart tags alike."""

from __future__ import annotations

import pytest
from matplotlib.colors import to_hex

from kzlib import brief, charts, labels, settings, style


def test_contrast_hand_worked():
    # #882255: sRGB (136, 34, 85) -> linear (0.246, 0.016, 0.091), luminance 0.070;
    # white: 1.05 / 0.120 = 8.7; #222222 (linear 0.016, luminance 0.016): 0.120 / 0.066 = 1.8 -> white.
    assert style.contrast("#ffffff", "#882255") == pytest.approx(8.7, abs=0.1)
    assert style.ink_on("#882255") == "#ffffff"
    # #DDDDDD: luminance 0.723: white 1.05/0.773 = 1.36, #222222 0.773/0.066 = 11.7 -> ink.
    assert style.ink_on("#DDDDDD") == style.INK
    assert style.contrast("#000000", "#ffffff") == pytest.approx(21.0)


@pytest.mark.parametrize("status", settings.STATUSES)
def test_chip_and_chart_tag_use_the_same_ink(status):
    chip = brief.chip(status, "zh")
    row = {"id": "t", "kind": "level", "indicator": "x", "name_zh": "目标", "name_en": "target", "unit": "u",
           "unit_en": "u", "comparator": ">=", "target_value": 10.0, "target_year": 2027, "status": status}
    fig = charts.trajectory(row, None, None, "zh")
    tag = charts.parts(fig).status_tag
    assert tag.get_text() == labels.label(f"status.{status}", "zh")
    assert f"color:{style.ink_on(settings.STATUS_COLOURS[status])}" in chip
    assert to_hex(tag.get_color()) == style.ink_on(settings.STATUS_COLOURS[status]).lower()
    assert to_hex(tag.get_bbox_patch().get_facecolor()) == settings.STATUS_COLOURS[status].lower()


def test_a_pale_status_colour_is_darkened_just_enough_to_read_on_white():
    from kzlib import settings, style

    for status, colour in settings.STATUS_COLOURS.items():
        shown = style.on_white(colour)
        assert style.contrast(shown, style.WHITE) >= 3.0, status
        if style.contrast(colour, style.WHITE) >= 3.0:
            assert shown.lower() == colour.lower()  # a colour that reads already is left as it is
    pale = settings.STATUS_COLOURS["at_risk"]
    assert style.contrast(pale, style.WHITE) < 3.0 and style.on_white(pale) != pale
