"""An Agg canvas that keeps the layout of every text it has drawn, for figures drawn again and again.

The explorer draws the same tick labels, values and titles at each slider change; most of the time of a draw goes
into laying out their glyphs (FreeType and font fallback) and reading the font's metrics. This canvas's renderer
keeps both, keyed on the string, the font properties and the resolution, so a text is laid out once per process.
The glyphs are still rendered where the text stands, so the image is the one matplotlib's own Agg canvas gives
(tests/test_canvas.py compares them pixel by pixel). It leans on RendererAgg's internals; where the installed
matplotlib does not have them, the canvas is matplotlib's own.
"""

from __future__ import annotations

from typing import Any

from matplotlib.backends.backend_agg import FigureCanvasAgg, RendererAgg, get_hinting_flag
from matplotlib.font_manager import fontManager, get_font
from matplotlib.ft2font import FT2Font

LAYOUT_CACHE = 4096  # texts kept (a few dozen per chart)
_LAYOUTS: dict[tuple, Any] = {}
_METRICS: dict[tuple, tuple[float, float, float] | tuple[None, None, None]] = {}
SUPPORTED = all(hasattr(RendererAgg, name) for name in ("_prepare_font", "_draw_text_glyphs_and_boxes")) and \
    hasattr(FT2Font, "_layout")


def _kept(cache: dict, key: tuple, make: Any) -> Any:
    if key not in cache:
        if len(cache) >= LAYOUT_CACHE:
            cache.clear()
        cache[key] = make()
    return cache[key]


class KeepingRenderer(RendererAgg):
    """RendererAgg that lays out each (string, font, resolution) once."""

    def draw_text(self, gc, x, y, s, prop, angle, ismath=False, mtext=None):
        if ismath:
            return super().draw_text(gc, x, y, s, prop, angle, ismath, mtext)
        features = mtext.get_fontfeatures() if mtext is not None else None
        language = mtext.get_language() if mtext is not None else None
        key = (s, prop.copy(), self.dpi, None if features is None else tuple(features), language)
        items = _kept(_LAYOUTS, key, lambda: self._prepare_font(prop)._layout(
            s, flags=get_hinting_flag(), features=features, language=language))
        size = prop.get_size_in_points()
        self._draw_text_glyphs_and_boxes(
            gc, x, y, angle, ((item.ft_object, size, item.glyph_index, 0, 1, item.x, item.y) for item in items), [])

    def _get_font_height_metrics(self, prop):
        """Ascent, descent and line gap of a font at this resolution (matplotlib.text reads them for every text)."""
        return _kept(_METRICS, (prop.copy(), self.dpi), lambda: _height_metrics(prop, self.dpi))


def _height_metrics(prop, dpi: float) -> tuple[float, float, float] | tuple[None, None, None]:
    """What matplotlib.text.Text._get_layout reads from the font's tables: ascent, descent and line gap in pixels."""
    font = get_font(fontManager._find_fonts_by_props(prop))
    for table_name, gap, ascent, descent in (("OS/2", "sTypoLineGap", "sTypoAscender", "sTypoDescender"),
                                             ("hhea", "lineGap", "ascent", "descent")):
        table = font.get_sfnt_table(table_name)
        if table is None:
            continue
        scale = 1 / font.get_sfnt_table("head")["unitsPerEm"] * prop.get_size_in_points() * dpi / 72
        return table[ascent] * scale, -table[descent] * scale, table[gap] * scale
    return None, None, None


class KeepingCanvas(FigureCanvasAgg):
    """FigureCanvasAgg drawing with a KeepingRenderer."""

    def get_renderer(self):
        if not SUPPORTED:
            return super().get_renderer()
        w, h = self.get_width_height(physical=True)
        key = w, h, self.figure.dpi
        if self._lastKey != key:
            self.renderer = KeepingRenderer(w, h, self.figure.dpi)
            self._lastKey = key
        return self.renderer
