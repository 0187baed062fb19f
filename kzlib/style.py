"""The house colours and the one rule for text on a coloured background (status chips, chart tags, matrix cells)."""

from __future__ import annotations

from kzlib import settings

INK = "#222222"  # text and observed lines
WHITE = "#ffffff"


def _luminance(hex_colour: str) -> float:
    rgb = [int(hex_colour.lstrip("#")[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]


def contrast(a: str, b: str) -> float:
    """WCAG contrast ratio of two colours (1 to 21)."""
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def ink_on(hex_colour: str) -> str:
    """INK or white, whichever has the higher WCAG contrast on the colour."""
    return INK if contrast(INK, hex_colour) >= contrast(WHITE, hex_colour) else WHITE


def status_colour(status: str) -> str:
    """The colour of a status class (settings.STATUS_COLOURS), the no-data grey for anything unknown."""
    return settings.STATUS_COLOURS.get(status, settings.STATUS_COLOURS["no_data"])


def on_white(hex_colour: str, minimum: float = 3.0) -> str:
    """The colour, darkened towards INK just enough to read on white (WCAG contrast `minimum`, 3 for large text
    and lines): a pale status colour stays recognisable as its own hue."""
    rgb = [int(hex_colour.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
    ink = [int(INK.lstrip("#")[i:i + 2], 16) for i in (0, 2, 4)]
    for step in range(11):
        t = step / 10
        mixed = "#" + "".join(f"{round(c + (k - c) * t):02x}" for c, k in zip(rgb, ink, strict=True))
        if contrast(mixed, WHITE) >= minimum:
            return mixed
    return INK
