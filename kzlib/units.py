"""Units of measurement: which units are scales of one another (万元 and 亿元, 公顷 and 亩) and exact conversion."""

from __future__ import annotations

import unicodedata
from decimal import Decimal
from fractions import Fraction

# unit -> (base unit of its family, size in base units). Only pure scale changes: no prices, no exchange rates.
SCALES: dict[str, tuple[str, Fraction]] = {
    "元": ("元", Fraction(1)), "千元": ("元", Fraction(10**3)), "万元": ("元", Fraction(10**4)),
    "亿元": ("元", Fraction(10**8)),
    "美元": ("美元", Fraction(1)), "万美元": ("美元", Fraction(10**4)), "亿美元": ("美元", Fraction(10**8)),
    "人": ("人", Fraction(1)), "万人": ("人", Fraction(10**4)),
    "人次": ("人次", Fraction(1)), "万人次": ("人次", Fraction(10**4)), "亿人次": ("人次", Fraction(10**8)),
    "户": ("户", Fraction(1)), "万户": ("户", Fraction(10**4)),
    "平方米": ("平方米", Fraction(1)), "万平方米": ("平方米", Fraction(10**4)),
    "亩": ("平方米", Fraction(10**4, 15)), "万亩": ("平方米", Fraction(10**8, 15)),
    "公顷": ("平方米", Fraction(10**4)), "千公顷": ("平方米", Fraction(10**7)), "万公顷": ("平方米", Fraction(10**8)),
    "平方公里": ("平方米", Fraction(10**6)),
    "千克": ("千克", Fraction(1)), "吨": ("千克", Fraction(10**3)), "万吨": ("千克", Fraction(10**7)),
    "斤": ("千克", Fraction(1, 2)), "万斤": ("千克", Fraction(5000)), "亿斤": ("千克", Fraction(5 * 10**7)),
    "立方米": ("立方米", Fraction(1)), "万立方米": ("立方米", Fraction(10**4)), "亿立方米": ("立方米", Fraction(10**8)),
    "千瓦": ("千瓦", Fraction(1)), "万千瓦": ("千瓦", Fraction(10**4)),
    "千瓦时": ("千瓦时", Fraction(1)), "万千瓦时": ("千瓦时", Fraction(10**4)), "亿千瓦时": ("千瓦时", Fraction(10**8)),
    "米": ("米", Fraction(1)), "公里": ("米", Fraction(10**3)),
}
# Other spellings of the same unit.
ALIASES = {
    "公斤": "千克", "kg": "千克", "千米": "公里", "km": "公里", "平方千米": "平方公里", "km²": "平方公里",
    "km2": "平方公里", "m²": "平方米", "m2": "平方米", "m³": "立方米", "m3": "立方米", "ha": "公顷",
    "万元人民币": "万元", "亿元人民币": "亿元", "元人民币": "元", "人民币元": "元",
}


def normalise(unit: str) -> str:
    """A unit as kzlib spells it: full-width characters folded, spaces dropped, other spellings replaced."""
    text = unicodedata.normalize("NFKC", str(unit)).replace(" ", "").strip()
    return ALIASES.get(text, ALIASES.get(text.lower(), text))


def same(a: str, b: str) -> bool:
    """Whether two unit spellings name the same unit."""
    return normalise(a) == normalise(b)


def convertible(unit: str, target: str) -> bool:
    """Whether a value in `unit` can be expressed in `target` by a change of scale alone."""
    a, b = SCALES.get(normalise(unit)), SCALES.get(normalise(target))
    return a is not None and b is not None and a[0] == b[0]


def family(unit: str) -> list[str]:
    """Every unit that `unit` converts to, itself included (empty for a unit kzlib does not scale)."""
    base = SCALES.get(normalise(unit))
    return [] if base is None else [u for u, (b, _) in SCALES.items() if b == base[0]]


def convert(value: float, unit: str, target: str) -> float:
    """The value in `unit` expressed in `target`, computed exactly and rounded once; ValueError if impossible."""
    if not convertible(unit, target):
        raise ValueError(f"cannot convert {unit} to {target}")
    exact = Fraction(Decimal(repr(float(value)))) * SCALES[normalise(unit)][1] / SCALES[normalise(target)][1]
    return float(exact)
