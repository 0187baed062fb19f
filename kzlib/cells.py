"""One cell as a value: numbers as statisticians write them (1,234.5, ５３.９%, 2.12:1, 721.44亿元), years, dates, flags."""

from __future__ import annotations

import datetime as dt
import re
import unicodedata

from kzlib import settings
from kzlib.sheets import blank
from kzlib.terms import load_terms, norm_text

# Flags a file may carry (`derived`: read off a stated structure, e.g. shares from 三次产业结构比);
# `overridden` is set by kzlib only. Indicators with derived_from are still computed, never typed in.
INPUT_FLAGS = (
    "preliminary", "estimated", "flash", "secondary", "inferred_year", "partial_year", "zone_scope",
    "average_period", "speech_rounded", "converted", "derived",
)
COMPUTED_FLAGS = ("overridden",)
# A text cell starting with one of these is run as a formula by a spreadsheet (CSV injection).
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
ZERO_WIDTH = {"\u200b": "zero-width space", "\u200c": "zero-width non-joiner", "\u200d": "zero-width joiner",
              "\u2060": "word joiner", "\ufeff": "zero-width no-break space (BOM)", "\u00ad": "soft hyphen"}

_NUM = r"[+-]?(?:\d{1,3}(?:,\d{3})+|\d+)(?:\.\d*)?(?:[eE][+-]?\d+)?|[+-]?\.\d+"
_NUMBER = re.compile(_NUM)
_RATIO = re.compile(rf"({_NUM})[:∶]({_NUM})")
_WITH_UNIT = re.compile(rf"({_NUM})(\D.*)")
_APPROXIMATE = ("约", "左右", "以上", "以下", "上下", "近", "超过", "不到", "不足", "多", "余", "~", "≈", "<", ">")
_DATE = re.compile(r"(\d{4})(?:[-/.年](\d{1,2})(?:[-/.月](\d{1,2})日?)?月?)?")


def _plain(text: str) -> str:
    return norm_text(text).replace("\u2212", "-").replace(" ", "")


def _float(text: str) -> float:
    return float(text.replace(",", ""))


def split_quantity(value: object) -> tuple[float, str | None]:
    """A cell as (number, unit written after it or None): 721.44亿元 -> (721.44, 亿元), 2.12:1 -> (2.12, None)."""
    if isinstance(value, bool):
        raise ValueError(f"'{value}' is not a number")
    if isinstance(value, int | float):
        if blank(value):
            raise ValueError("the value is empty")
        return float(value), None
    raw = str(value).strip()
    text = _plain(raw)
    if _NUMBER.fullmatch(text):
        return _float(text), None
    if any(word in text for word in _APPROXIMATE):
        raise ValueError(f"'{raw}' is an approximate or bounded figure; enter the exact figure the source gives "
                         "(a plain number such as 5.5) and keep the wording in the note column")
    ratio = _RATIO.fullmatch(text)
    if ratio or len(re.findall(r"[:∶]", text)) > 1:
        if ratio is None or _float(ratio.group(2)) != 1:
            raise ValueError(f"'{raw}' is a ratio of several parts; enter a ratio as x:1 (2.12:1) or as one number")
        return _float(ratio.group(1)), None
    unit = _WITH_UNIT.fullmatch(text)
    if unit:
        return _float(unit.group(1)), unit.group(2)
    raise ValueError(f"'{raw}' is not a number; expected a plain number such as 721.44 "
                     "(thousands separators and full-width digits are fine)")


def parse_number(value: object) -> float:
    """A cell as a number: accepts 1,234.5, full-width digits and ratios x:1; raises ValueError saying what is wrong."""
    number, unit = split_quantity(value)
    if unit is not None and unit != "%":
        raise ValueError(f"'{str(value).strip()}' mixes a number and a unit; put the number in the value column and "
                         f"'{unit}' in the unit column")
    if unit == "%":
        raise ValueError(f"'{str(value).strip()}' is not a number; expected a plain number such as 721.44 "
                         "(thousands separators and full-width digits are fine)")
    return number


def parse_year(value: object, today: dt.date | None = None) -> int:
    """A cell as a calendar year inside the plan's data window (settings.DATA_FIRST_YEAR up to this year);
    raises ValueError saying what is wrong."""
    if isinstance(value, dt.date | dt.datetime):
        raise ValueError(f"'{value}' is a date (Excel formatted the cell as a date); format the column as "
                         "Number and enter the year, e.g. 2024")
    if isinstance(value, bool):
        raise ValueError(f"'{value}' is not a year")
    if isinstance(value, int | float):
        number = float(value)
    else:
        text = norm_text(value).removesuffix("年").strip()
        if not re.fullmatch(r"[+-]?\d+(\.0*)?", text):
            raise ValueError(f"'{value}' is not a year; expected a whole year such as 2024")
        number = float(text)
    if not number.is_integer():
        raise ValueError(f"'{value}' is not a whole year; expected a year such as 2024")
    year, this_year = int(number), (today or dt.date.today()).year
    if year > this_year:
        raise ValueError(f"year {year} has not come yet (this is {this_year}); a figure belongs to a year that has "
                         "begun")
    if year < settings.DATA_FIRST_YEAR:
        raise ValueError(f"year {year} is before {settings.DATA_FIRST_YEAR}, where the plan's data window starts")
    return year


def parse_date(value: object) -> str:
    """A source date as ISO text (2024-04-29, 2024-04 or 2024); raises ValueError if it is not a date."""
    if isinstance(value, dt.datetime):
        return value.date().isoformat()
    if isinstance(value, dt.date):
        return value.isoformat()
    if isinstance(value, int | float) and not isinstance(value, bool) and float(value).is_integer():
        value = str(int(value))
    text = norm_text(value)
    m = _DATE.fullmatch(text)
    if m is None:
        raise ValueError(f"'{value}' is not a date; expected e.g. 2024-04-29, 2024-04 or 2024")
    year, month, day = (int(g) if g else None for g in m.groups())
    try:
        dt.date(year, month or 1, day or 1)
    except ValueError as exc:
        raise ValueError(f"'{value}' is not a valid date ({exc})") from exc
    return "-".join([f"{year:04d}"] + [f"{p:02d}" for p in (month, day) if p])


def parse_flags(value: object) -> list[str]:
    """Flags from a cell separated by ; or , or spaces (ids, or words such as 初步核算); raises ValueError
    naming unknown flags."""
    if blank(value):
        return []
    words = load_terms().flag_words
    flags = [words.get(f, f) for f in re.split(r"[;,；，、\s]+", norm_text(value).lower()) if f]
    unknown = [f for f in flags if f not in INPUT_FLAGS]
    if unknown:
        raise ValueError(f"unknown flag{'s' if len(unknown) > 1 else ''} {', '.join(map(repr, unknown))}; "
                         f"expected any of {', '.join(INPUT_FLAGS)} separated by ';'")
    return list(dict.fromkeys(flags))


def formula_like(value: object) -> bool:
    """Whether a cell is text that a spreadsheet would run as a formula: it starts with = + - @ (or a tab or
    carriage return) and is not a plain number such as -0.2."""
    if not isinstance(value, str) or not value.startswith(FORMULA_START):
        return False
    return not _NUMBER.fullmatch(_plain(value).removesuffix("%"))


def neutralised(value: object) -> object:
    """A cell as it may be written to a CSV or workbook: formula-like text gets a leading apostrophe."""
    return "'" + value if formula_like(value) else value


def hidden_character(text: str) -> str | None:
    """What invisible character a text holds (a zero-width space, a control character), or None."""
    for i, c in enumerate(text, 1):
        if c in ZERO_WIDTH:
            return f"a {ZERO_WIDTH[c]} (U+{ord(c):04X}) at character {i}"
        if unicodedata.category(c) == "Cc" and c not in "\t\n\r":
            return f"a control character (U+{ord(c):04X}) at character {i}"
    return None


def text_problem(value: object, limit: int) -> str | None:
    """Why a text cell cannot be taken as it is (a formula, hidden characters, too long), or None."""
    if not isinstance(value, str):
        return None
    if len(value) > limit:
        return (f"the cell is {len(value):,} characters long; at most {limit:,} are read (a title, quote or note, "
                "not a whole document)")
    hidden = hidden_character(value)
    if hidden:
        return f"the cell holds {hidden}, invisible in Excel; retype the cell"
    if formula_like(value):
        first = {"\t": "a tab", "\r": "a carriage return"}.get(value[0], f"'{value[0]}'")
        return (f"the cell starts with {first}, which a spreadsheet runs as a formula; remove the leading "
                "character")
    return None


def as_text(value: object) -> str:
    """A cell or value as one line of text: '' for blanks, 8285 for 8285.0."""
    if blank(value):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return " ".join(str(value).split())
