"""Numbers and judgement sentences in Chinese and English, written from `assess` rows."""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from kzlib import labels, settings

# English sentences turn the plan's multiplier units into plain figures: 721.44 (100 million yuan)
# reads "72.14 billion yuan", 125 (10 thousand people) reads "1.25 million people".
EN_UNIT_SCALES = (("100 million ", 1e8), ("10 thousand ", 1e4))
PERCENT_UNITS = ("%", "％")
RATIO_UNITS = ("倍", ":1")
POINT_UNITS = ("pp", "个百分点", "percentage points")
COMPARATOR_SYMBOLS = {">": ">", ">=": "≥", "<": "<", "<=": "≤", "=": "", "~": "≈", "between": ""}
SPAN_DASH = {"zh": "—", "en": "–"}
# How the plan words a target value in Chinese (地区生产总值超过1000亿元, 每年7000人以上, 2.05:1以下).
ZH_COMPARATORS = {">": "超过{v}", ">=": "{v}以上", "<": "低于{v}", "<=": "不高于{v}", "~": "{v}左右"}

def _lang(lang: str) -> str:
    if lang not in settings.LANGS:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(settings.LANGS)}")
    return lang


def missing(x: object) -> bool:
    """True for None, NaN, pandas NA and empty strings."""
    if x is None:
        return True
    if isinstance(x, str):
        return not x.strip()
    if isinstance(x, list | tuple | set | dict):
        return len(x) == 0
    try:
        return bool(pd.isna(x))
    except (TypeError, ValueError):
        return False


def _get(row: Mapping[str, Any], key: str) -> Any:
    value = row.get(key) if hasattr(row, "get") else None
    return None if missing(value) else value


def _plain(x: float, digits: int, lang: str, fixed: bool = False) -> str:
    text = f"{x:,.{digits}f}" if lang == "en" else f"{x:.{digits}f}"
    if "." in text and not fixed:
        text = text.rstrip("0").rstrip(".")
    return "0" if text in ("-0", "") else text


def _scaled_en(x: float, digits: int, scale: float) -> str:
    """x base units in billions or millions, showing no more decimals than the plan's unit carried."""
    precision = scale * 10.0 ** -digits
    for size, word in ((1e9, " billion"), (1e6, " million")):
        if abs(x) >= size:
            shown = int(max(0, round(math.log10(size / precision))))  # every digit the plan's unit carried
            return _plain(x / size, shown, "en") + word
    return _plain(x, max(0, -round(math.log10(precision))), "en")


def round_sig(x: float, sig: int = 3) -> tuple[float, int]:
    """x rounded to `sig` significant digits, and the decimals that shows (902.37 -> (902.0, 0))."""
    if x == 0 or not math.isfinite(x):
        return x, 0
    decimals = max(0, sig - 1 - math.floor(math.log10(abs(x))))
    return round(x, sig - 1 - math.floor(math.log10(abs(x)))), decimals


def format_number(x: float | None, lang: str, unit: str | None = None, digits: int = 2, fixed: bool = False,
                  sig: int | None = None) -> str:
    """A value in the plan's unit as a reader writes it: zh 721.44亿元, 11.5%; en 72.144 billion yuan, 11.5%.

    Trailing zeros are dropped (1000亿元) unless `fixed` (rates: 2.0%). `sig` rounds a computed figure to what a
    reader quotes (3 significant digits: 约902亿元, about 90.2 billion yuan).
    """
    _lang(lang)
    if missing(x):
        return "—"
    x = float(x)
    if not math.isfinite(x):
        return "—"
    if sig is not None:
        x, digits = round_sig(x, sig)
    if not unit:
        return _plain(x, digits, lang, fixed)
    if unit in PERCENT_UNITS:
        return _plain(x, digits, lang, fixed) + "%"
    if unit in POINT_UNITS:
        if lang == "zh":
            return _plain(x, digits, lang, fixed) + "个百分点"
        return _plain(x, digits, lang, fixed) + (" percentage point" if abs(x) == 1 else " percentage points")
    if lang == "zh":
        return _plain(x, digits, lang) + unit
    for prefix, scale in EN_UNIT_SCALES:
        if unit.startswith(prefix):
            return f"{_scaled_en(x * scale, digits, scale)} {unit[len(prefix):]}"
    number = _plain(x, digits, lang)
    return f"{number} {_singular(unit) if number in ('1', '-1') else unit}"


def _singular(unit: str) -> str:
    """'1 firm', '1 person': the singular of a one-word English count unit."""
    if unit == "people":
        return "person"
    return unit[:-1] if unit.endswith("s") and unit.isalpha() else unit


def format_percent(fraction: float | None, lang: str, digits: int = 1) -> str:
    """A fraction as a percentage: 0.115 → 11.5%."""
    return "—" if missing(fraction) else format_number(100 * float(fraction), lang, "%", digits, fixed=True)


def status_label(status: str, lang: str, side: str | None = None) -> str:
    """The status class in words (kzlib.labels); under a year-by-year rule (`side`, kzlib.text.year_rule) a target
    reads 守住底线 / 未守住底线, 达到要求 / 未达到要求 instead of words of pace against the time elapsed."""
    if status not in settings.STATUSES:
        raise ValueError(f"unknown status {status!r}; expected one of {', '.join(settings.STATUSES)}")
    if side is not None and status == "on_track":
        return labels.label(f"held.{side}", lang)
    if side is not None and status in ("lagging", "moving_away"):
        return labels.label(f"broken.{side}", lang)
    return labels.label(f"status.{status}", lang)


def year_rule(row: Mapping[str, Any]) -> str | None:
    """The rule a target is judged by year by year, not against the time elapsed: 'floor' or 'ceiling' (to hold
    every year: maintain, flow), 'compare' (one growth rate against another); None for the others."""
    if row.get("kind") == "compare":
        return "compare"
    if row.get("kind") not in ("maintain", "flow"):
        return None
    return "ceiling" if row.get("direction") == "down" else "floor"


def row_status(row: Mapping[str, Any], lang: str) -> str:
    """A row's status in words, as its chip, chart tag and table show it."""
    return status_label(str(row.get("status")), lang, year_rule(row))


def year_span(start: int, end: int, lang: str) -> str:
    """A span of years: zh 2025—2027年, en 2025–2027 (one year alone when start == end)."""
    years = str(int(start)) if int(start) == int(end) else f"{int(start)}{SPAN_DASH[_lang(lang)]}{int(end)}"
    return years + "年" if lang == "zh" else years


def unit_of(row: Mapping[str, Any], lang: str) -> str:
    """The row's unit in the language asked for."""
    return str(_get(row, "unit" if _lang(lang) == "zh" else "unit_en") or _get(row, "unit") or "")


def name_of(row: Mapping[str, Any], lang: str) -> str:
    """The row's target name in the language asked for."""
    return str(_get(row, f"name_{_lang(lang)}") or _get(row, "name_zh") or _get(row, "id") or "")


def _is_ratio(row: Mapping[str, Any]) -> bool:
    return unit_of(row, "zh") in RATIO_UNITS


def value_text(row: Mapping[str, Any], x: float | None, lang: str, sig: int | None = None) -> str:
    """A level of the row's indicator with its unit; ratios as the plan writes them (2.05:1)."""
    if _is_ratio(row) and not missing(x):
        return format_number(x, lang, sig=sig) + ":1"
    return format_number(x, lang, unit_of(row, lang), sig=sig)


def diff_text(row: Mapping[str, Any], x: float | None, lang: str, sig: int | None = None) -> str:
    """A difference between two levels: percentage points for shares, no unit for ratios."""
    if _is_share(row):
        return format_number(x, lang, "pp", sig=sig)
    return format_number(x, lang, None if _is_ratio(row) else unit_of(row, lang), sig=sig)


def _stated(row: Mapping[str, Any]) -> float | None:
    """The number the plan states (15 for 年均增长15%), which for relative kinds is not the level to reach."""
    value = _get(row, "stated_value")
    return float(value) if value is not None else _get(row, "target_value")


def relative_text(row: Mapping[str, Any], lang: str) -> str:
    """A growth, change or multiple target as the plan states it: 年均增长15%以上, 较2020年下降20%, 翻一番."""
    kind, v = row.get("kind"), _stated(row)
    if v is None:
        return ""
    comparator = str(row.get("comparator") or "")
    number = format_number(abs(float(v)), lang)
    if kind == "growth":
        if lang == "zh":
            return f"年均增长{number}%" + {">": "以上", ">=": "以上", "~": "左右"}.get(comparator, "")
        return f"growth of {COMPARATOR_SYMBOLS.get(comparator, '')}{number}% a year"
    if kind == "change":
        base = _get(row, "plan_base_year") or _get(row, "base_year")
        if lang == "zh":
            return f"较{f'{int(base)}年' if base is not None else '基期'}{'下降' if float(v) < 0 else '提高'}{number}%"
        return f"{number}% {'below' if float(v) < 0 else 'above'} the {int(base) if base is not None else 'base-year'} level"
    if lang == "zh":
        return "翻一番" if float(v) == 2 else f"达到基期的{number}倍"
    return "double the base-year level" if float(v) == 2 else f"{number} times the base-year level"


RELATIVE_KINDS = ("growth", "change", "multiple")


def target_text(row: Mapping[str, Any], lang: str) -> str:
    """The target in short form: ≥1000亿元, 3—5家, ≤2.05:1, 年均增长15%以上."""
    unit = unit_of(row, lang)
    value, high = _get(row, "target_value"), _get(row, "value_high")
    if row.get("kind") in RELATIVE_KINDS:
        return relative_text(row, lang)
    if row.get("kind") == "milestone" or value is None:
        return ""
    if row.get("kind") == "range" or (row.get("comparator") == "between" and high is not None):
        low = format_number(value, lang)
        return f"{low}{SPAN_DASH[lang]}{format_number(high, lang, unit)}"
    shown = value_text(row, value, lang)
    comparator = str(row.get("comparator") or "")
    if lang == "zh" and _is_share(row) and float(value) == 100 and comparator in (">=", "="):
        comparator = "="  # 100%: nothing lies above it
    if lang == "zh" and not _is_share(row) and not _is_ratio(row) and abs(float(value)) >= 1e4 \
            and float(value) % 1000 == 0:
        shown = format_number(float(value) / 1e4, lang) + "万" + unit_of(row, lang)  # 2万件, as the plan writes it
    if lang == "zh":
        shown = ZH_COMPARATORS.get(comparator, "{v}").format(v=shown)
    else:
        shown = COMPARATOR_SYMBOLS.get(comparator, "") + shown
    if row.get("kind") in ("maintain", "flow"):
        return labels.label("judge.every_year", lang, target=shown)
    return shown


def target_level(row: Mapping[str, Any]) -> float | None:
    """The level to reach in the indicator's unit; unknown for a relative target without a base value."""
    if row.get("kind") in RELATIVE_KINDS and _get(row, "base_value") is None:
        return None
    value = _get(row, "target_value")
    return None if value is None else float(value)


def _is_share(row: Mapping[str, Any]) -> bool:
    return unit_of(row, "zh") in PERCENT_UNITS


def _en_subject(name: str) -> str:
    """An English target name usable inside a sentence (first letter lowered unless an acronym)."""
    if len(name) > 1 and name[0].isupper() and not name[1].isupper():
        return name[0].lower() + name[1:]
    return name


def broken_years(row: Mapping[str, Any]) -> list[int]:
    """The years a maintain/flow target broke its floor, from a list or a "2023;2024" string."""
    value = _get(row, "broken_years")
    if value is None:
        return []
    if isinstance(value, str):
        value = value.replace(",", ";").split(";")
    return sorted(int(float(v)) for v in value if not missing(v))


def _list_years(years: list[int], lang: str) -> str:
    if lang == "zh":
        return "、".join(f"{y}年" for y in years)
    return ", ".join(str(y) for y in years[:-1]) + (" and " if len(years) > 1 else "") + str(years[-1])


def pace_value(row: Mapping[str, Any], which: str, lang: str) -> str:
    """A pace as tables and sentences both show it, without its sign: 11.5%, 2.0个百分点, 0.643件 (a year)."""
    value, unit = _get(row, f"{which}_pace"), _get(row, "pace_unit")
    if value is None or unit is None:
        return "—"
    if unit == "percent":
        return format_number(abs(float(value)), lang, "%", 1, fixed=True)
    if unit == "points":
        return format_number(abs(float(value)), lang, "pp", 1, fixed=True)
    return diff_text(row, abs(float(value)), lang, sig=3)


def _verb(row: Mapping[str, Any], value: float, lang: str, past: bool = False) -> str:
    """增长/下降 (a growth rate), 提高/降低 (a change in points or units): the word for a pace's direction."""
    growth = row.get("pace_unit") == "percent"
    key = ("grow" if value >= 0 else "fall") if growth else ("rise" if value >= 0 else "drop")
    return labels.label(f"pace.{key}{'_past' if past else ''}", lang)


def pace_phrase(row: Mapping[str, Any], which: str, lang: str) -> str:
    """A pace with its direction, for a table cell: 增长11.5%, 提高2.0个百分点 / +11.5%, +2.0 percentage points."""
    value = _get(row, f"{which}_pace")
    if value is None or _get(row, "pace_unit") is None:
        return "—"
    if lang == "zh":
        return _verb(row, float(value), lang) + pace_value(row, which, lang)
    return ("+" if float(value) >= 0 else "\N{MINUS SIGN}") + pace_value(row, which, lang)


def scenario_pace(row: Mapping[str, Any], lang: str) -> str:
    """The pace a scenario assumes, as the row's pace is shown: 增长12.0% (growth), 提高0.5个百分点 (a change a year
    in points or the unit); '' without one."""
    growth, step = _get(row, "scenario_growth"), _get(row, "scenario_step")
    if step is not None and _get(row, "pace_unit") not in (None, "percent"):
        return pace_phrase({**row, "scenario_pace": step}, "scenario", lang)
    if growth is None:
        return ""
    return pace_phrase({**row, "pace_unit": "percent", "scenario_pace": 100.0 * float(growth)}, "scenario", lang)


def _sentence(parts: list[str], lang: str) -> str:
    """Clauses joined the way each language punctuates them, ending in a full stop."""
    parts = [p for p in parts if p]
    if lang == "zh":
        return "；".join(parts) + "。"
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "."


def _is_word(row: Mapping[str, Any]) -> str:
    """Chinese '为' before a share or ratio value (常住人口城镇化率为53.34%), nothing before an amount."""
    return "为" if _is_share(row) or _is_ratio(row) else ""


def _latest(row: Mapping[str, Any], lang: str) -> str:
    return labels.label("judge.latest", lang, year=int(_get(row, "latest_year")), name=name_of(row, lang),
                        be=_is_word(row) if lang == "zh" else "", value=value_text(row, _get(row, "latest_value"), lang))


def _goal_phrase(row: Mapping[str, Any], lang: str) -> str:
    """'1000亿元目标' / 'the target of 100 billion yuan'; relative targets name the (computed) level they imply."""
    if row.get("kind") in RELATIVE_KINDS:
        level = value_text(row, _get(row, "target_value"), lang, sig=3)
        return labels.label("judge.goal_relative", lang, level=level, stated=relative_text(row, lang))
    return labels.label("judge.goal", lang, level=value_text(row, _get(row, "target_value"), lang))


def _gap_clause(row: Mapping[str, Any], lang: str) -> str:
    """距1000亿元目标尚差278.56亿元 / 27.856 billion yuan short of the target of 100 billion yuan."""
    relative = row.get("kind") in RELATIVE_KINDS
    gap = diff_text(row, abs(float(_get(row, "gap") or 0.0)), lang, sig=3 if relative else None)
    key = "judge.above" if row.get("direction") == "down" else "judge.short"
    return labels.label(key, lang, goal=_goal_phrase(row, lang), gap=gap)


def _need_clause(row: Mapping[str, Any], lang: str) -> str:
    """2025—2027年需年均增长约11.5%，约为2020—2024年年均增速（7.7%）的1.5倍 (at current prices when nominal)."""
    t0, t, end = int(_get(row, "base_year")), int(_get(row, "latest_year")), int(_get(row, "target_year"))
    need, seen, speedup = _get(row, "required_pace"), _get(row, "observed_pace"), _get(row, "speedup")
    if need is None:
        return ""
    nominal = row.get("prices") == "current" and row.get("pace_unit") == "percent"
    clause = labels.label("judge.nominal", lang) if nominal else ""
    clause += labels.label("judge.need", lang, span=year_span(t + 1, end, lang), verb=_verb(row, float(need), lang),
                           pace=pace_value(row, "required", lang))
    if seen is not None and speedup is not None and speedup > 0:
        word = labels.label(f"pace.{'rate' if row.get('pace_unit') == 'percent' else 'size'}_"
                            f"{'up' if float(seen) >= 0 else 'down'}", lang)
        times = format_number(speedup, lang, labels.label("pace.times", lang), 1, fixed=True)
        clause += labels.label("judge.speedup_one", lang, year=t, word=word, pace=pace_value(row, "observed", lang),
                               times=times) if t - t0 == 1 else \
            labels.label("judge.speedup", lang, span=year_span(t0, t, lang), word=word,
                         pace=pace_value(row, "observed", lang), times=times)
    return clause + _recent_clause(row, lang)


RECENT_APART = 0.2  # the latest year's change is told when it is this far (relatively) from the average pace
RECENT_APART_POINTS = 0.5  # and, for growth rates, at least this many percentage points


def recent_turn(row: Mapping[str, Any]) -> bool:
    """Whether the latest year's own change differs enough from the pace averaged since the base point to tell."""
    recent, seen = _get(row, "recent_pace"), _get(row, "observed_pace")
    if recent is None or seen is None:
        return False
    apart = abs(float(recent) - float(seen))
    floor = RECENT_APART_POINTS if row.get("pace_unit") == "percent" else 0.0
    return apart > max(RECENT_APART * abs(float(seen)), floor)


def _recent_clause(row: Mapping[str, Any], lang: str) -> str:
    """（其中2024年现价增长5.0%、按可比价格计算增长3.0%）: the latest year's change when it turned."""
    if not recent_turn(row):
        return ""
    t, recent = int(_get(row, "latest_year")), float(_get(row, "recent_pace"))
    pace = pace_phrase(dict(row, observed_pace=recent), "observed", lang)
    if _real_in_recent(row):
        return labels.label("judge.recent_real", lang, year=t, pace=pace,
                            real=format_number(float(_get(row, "real_growth")), lang, "%", 1, fixed=True))
    return labels.label("judge.recent", lang, year=t, pace=pace)


def _real_in_recent(row: Mapping[str, Any]) -> bool:
    """Whether the real growth of the latest year is told beside its nominal growth (a nominal amount that turned)."""
    year = _get(row, "real_growth_year")
    return recent_turn(row) and row.get("prices") == "current" and _get(row, "real_growth") is not None and \
        year is not None and int(year) == int(_get(row, "latest_year"))


def _trend_word(row: Mapping[str, Any], which: str) -> str:
    """增速 / 降幅 for a growth rate, 趋势 / 变化幅度 for a change in points or units: what a projection follows."""
    value = _get(row, f"{which}_pace")
    if row.get("pace_unit") != "percent" or value is None:
        return f"pace.{'trend' if which == 'observed' else 'recent'}_line"
    return f"pace.trend_{'grow' if float(value) >= 0 else 'fall'}"


def _real_growth(row: Mapping[str, Any], lang: str) -> str:
    """2024年按可比价格计算增长3.0% / In 2024 it grew 3.0% in real terms: the real growth beside a nominal need."""
    rate, year = _get(row, "real_growth"), _get(row, "real_growth_year")
    if rate is None or year is None:
        return ""
    name = _get(row, f"indicator_{lang}") or name_of(row, lang)
    return labels.label("judge.real", lang, year=int(year), name=name if lang == "zh" else _en_subject(name),
                        rate=format_number(float(rate), lang, "%", 1, fixed=True))


def _outlook(row: Mapping[str, Any], lang: str) -> str:
    """照目前速度，2027年约为902亿元；…概率约为1%，基本无法如期实现: what the pace so far leads to."""
    projected, chance, end = _get(row, "projected_value"), _get(row, "probability"), _get(row, "target_year")
    parts = []
    if projected is not None and end is not None:
        clause = labels.label("judge.projected", lang, year=int(end), value=value_text(row, projected, lang, sig=3),
                              word=labels.label(_trend_word(row, "observed"), lang))
        if recent_turn(row) and _get(row, "recent_projected") is not None:
            clause += labels.label("judge.comma", lang) + labels.label(
                "judge.recent_projected", lang, year=int(_get(row, "latest_year")),
                word=labels.label(_trend_word(row, "recent"), lang),
                value=value_text(row, _get(row, "recent_projected"), lang, sig=3))
        parts.append(clause)
    if chance is not None:
        shown = labels.label("judge.below_one", lang) if chance < 0.005 else \
            labels.label("judge.about", lang, p=format_percent(chance, lang, 0))
        clause = labels.label("judge.chance", lang, p=shown)
        if chance < settings.RISK_PROBABILITY:
            clause += labels.label("judge.unlikely", lang)
        parts.append(clause)
    return _sentence(parts, lang) if parts else ""


def _progress(row: Mapping[str, Any], lang: str) -> str:
    status = str(row.get("status"))
    t0, t, end = int(_get(row, "base_year")), int(_get(row, "latest_year")), int(_get(row, "target_year"))
    head = labels.label("judge.head", lang, latest=_latest(row, lang), gap=_gap_clause(row, lang))
    if t >= end:
        return _sentence([head + labels.label("judge.year_passed", lang)], lang)
    seen = _get(row, "observed_pace")
    if status == "moving_away" and seen is not None:
        moved = labels.label("judge.moved", lang, span=year_span(t0, t, lang), verb=_verb(row, float(seen), lang, True),
                             pace=pace_value(row, "observed", lang))
        first = _sentence([head, moved + labels.label("judge.and", lang) + _need_clause(row, lang)
                           if _need_clause(row, lang) else moved], lang)
    else:
        need = _need_clause(row, lang)
        first = _sentence([head, labels.label("judge.verdict", lang, clause=need, verdict=_verdict(status, lang))
                           if need else _verdict(status, lang)], lang)
    chance = _get(row, "probability")
    rest = [] if _real_in_recent(row) else [_real_growth(row, lang)]
    if status in ("needs_acceleration", "lagging", "moving_away") or (
            chance is not None and chance < settings.RISK_PROBABILITY):
        rest.append(_outlook(row, lang))
    return _join(first, *rest, lang=lang)


def _join(*sentences: str, lang: str) -> str:
    return ("" if lang == "zh" else " ").join(s for s in sentences if s)


def _single(row: Mapping[str, Any], lang: str, source: str | None) -> str:
    """One figure only, short of the target: the figure, the gap, and what to collect."""
    since = min(settings.DEFAULT_BASE_YEAR, int(_get(row, "base_year") or settings.DEFAULT_BASE_YEAR))
    head = labels.label("judge.single", lang, name=name_of(row, lang), year=int(_get(row, "latest_year")),
                        value=value_text(row, _get(row, "latest_value"), lang))
    gap = "" if _get(row, "gap") is None or _get(row, "target_value") is None else _gap_clause(row, lang)
    more = labels.label("judge.collect_more_from" if source else "judge.collect_more", lang, since=since,
                        source=source or "")
    return _sentence([head + (labels.label("judge.comma", lang) + gap if gap else ""),
                      labels.label("judge.too_few", lang), more], lang)


def _no_data(row: Mapping[str, Any], lang: str, source: str | None) -> str:
    since = int(_get(row, "base_year") or settings.DEFAULT_BASE_YEAR)
    subject = name_of(row, lang) if lang == "zh" else _en_subject(name_of(row, lang))
    collect = labels.label("judge.collect_from" if source else "judge.collect", lang, since=since, source=source or "")
    return _sentence([labels.label("judge.none", lang, name=subject), collect], lang)


def _floor(row: Mapping[str, Any], lang: str, source: str | None, now: int | None = None) -> str:
    """A floor to hold every year (maintain, flow): the latest plan year, the trend, the years it broke."""
    status = str(row.get("status"))
    side = "ceiling" if row.get("direction") == "down" else "floor"
    subject = name_of(row, lang) if lang == "zh" else _en_subject(name_of(row, lang))
    rule = labels.label(f"judge.{side}_rule", lang, name=subject, value=value_text(row, _get(row, "target_value"), lang))
    year, value = _get(row, "latest_year"), _get(row, "latest_value")
    if status == "no_data" or year is None:
        return _sentence([rule, labels.label("judge.floor_none", lang)], lang)
    if status == "insufficient_data" and int(year) < settings.PLAN_START:
        return _sentence([rule, labels.label("judge.floor_before", lang, start=settings.PLAN_START, year=int(year),
                                             value=value_text(row, value, lang))], lang)
    gap = diff_text(row, abs(float(_get(row, "gap") or 0.0)), lang)
    if status == "insufficient_data":
        since = min(settings.DEFAULT_BASE_YEAR, int(_get(row, "base_year") or settings.DEFAULT_BASE_YEAR))
        single = labels.label("judge.floor_single", lang, year=int(year), value=value_text(row, value, lang))
        more = labels.label("judge.collect_more_from" if source else "judge.collect_more", lang, since=since,
                            source=source or "")
        return _sentence([rule, single + labels.label(f"judge.{side}_short", lang, gap=gap),
                          labels.label("judge.too_few", lang), more], lang)
    now_ = labels.label("judge.floor_year", lang, year=int(year), value=value_text(row, value, lang))
    earlier = [y for y in broken_years(row) if y < int(year)]
    if status in ("lagging", "moving_away"):
        key = f"judge.{side}_{'falling' if status == 'moving_away' else 'short'}"
        also = labels.label(f"judge.{side}_broke_also", lang, years=_list_years(earlier, lang)) if earlier else ""
        return _sentence([rule, now_ + labels.label(key, lang, gap=gap), also, labels.label("judge.turn_round", lang)],
                         lang)
    broke = labels.label(f"judge.{side}_broke", lang, years=_list_years(earlier, lang)) if earlier else ""
    held = now_ + labels.label(f"judge.{side}_held", lang)
    if status == "achieved":
        return _sentence([rule, held, broke, _verdict(status, lang)], lang)
    if status == "at_risk" and _get(row, "break_year") is not None:
        when = int(_get(row, "break_year"))
        trend = labels.label(f"judge.{side}_breaks", lang, year=when, basis=_trend_basis(row, lang))
        projected = _get(row, "projected_value")
        more = labels.label("judge.projected", lang, year=int(_get(row, "target_year")),
                            word=labels.label(_trend_word(row, "observed"), lang),
                            value=value_text(row, projected, lang, sig=3)) if projected is not None else ""
        verify = labels.label("judge.verify", lang, year=when) if now is not None and when < now else ""
        return _sentence([rule, held, broke, trend + labels.label("judge.comma", lang) + _verdict(status, lang), more,
                          verify], lang)
    return _sentence([rule, held, broke], lang)  # held: the clause says so


def _trend_basis(row: Mapping[str, Any], lang: str) -> str:
    """（2022—2024年年均下降3.0%）: the pace a floor's outlook follows ('' without one)."""
    t0, t = _get(row, "base_year"), _get(row, "latest_year")
    if _get(row, "observed_pace") is None or t0 is None or t is None or int(t) <= int(t0):
        return ""
    pace = pace_phrase(row, "observed", lang)
    if int(t) - int(t0) == 1:
        return labels.label("judge.trend_basis_one", lang, year=int(t), pace=pace)
    return labels.label("judge.trend_basis", lang, span=year_span(int(t0), int(t), lang), pace=pace)


def _compare(row: Mapping[str, Any], lang: str, source: str | None) -> str:
    """One growth rate against another (居民收入增速高于GDP增速) in the latest year with both."""
    name, status = name_of(row, lang), str(row.get("status"))
    if status == "no_data":
        names = {row.get("indicator"): _get(row, f"indicator_{lang}"), row.get("reference"): _get(row, f"reference_{lang}")}
        ids = str(_get(row, "missing_series") or "").split(";")
        missing_ = labels.label("judge.or", lang).join(str(names.get(i) or i) for i in ids if i)
        return _sentence([labels.label("judge.compare_none", lang, name=name, series=missing_),
                          labels.label("judge.collect_from" if source else "judge.collect", lang,
                                       since=settings.PLAN_START, source=source or "")], lang)
    if status == "insufficient_data" or any(_get(row, k) is None for k in ("latest_value", "reference_value",
                                                                            "latest_year")):
        return _sentence([labels.label("judge.compare_apart", lang, name=name)], lang)
    a, b = (format_number(float(_get(row, k)), lang, "%", 1, fixed=True) for k in ("latest_value", "reference_value"))
    series = _get(row, f"indicator_{lang}") or name
    reference = _get(row, f"reference_{lang}") or ""
    same = row.get("comparator") in ("~", "=")
    key = f"judge.compare{'_same' if same else ''}_{'held' if status in ('achieved', 'on_track') else 'short'}"
    gap = format_number(abs(float(_get(row, "gap") or 0.0)), lang, "pp", 1, fixed=True)
    verdict = {"moving_away": "judge.compare_widening", "lagging": "judge.compare_unmet"}.get(status, "judge.compare_met")
    return _sentence([labels.label(key, lang, year=int(_get(row, "latest_year")), series=series, value=a,
                                   reference=reference, reference_value=b, gap=gap), labels.label(verdict, lang)], lang)


def _milestone(row: Mapping[str, Any], lang: str, source: str | None, now: int | None = None) -> str:
    name, state = name_of(row, lang), _get(row, "milestone_state")
    year, end = _get(row, "latest_year"), _get(row, "target_year")
    source = _get(row, "source_title") or source
    due = labels.label("judge.due", lang, year=int(end)) if end else ""
    if state is None:
        return labels.label("judge.milestone_none", lang, name=name, due=due)
    words = labels.label(f"milestone.{state}", lang)
    if year is None:
        text_ = labels.label("judge.milestone_state", lang, name=name, due=due, state=words)
    elif state == "done":
        text_ = labels.label("judge.milestone_done", lang, name=name, due=due, year=int(year))
    else:
        stale = now is not None and now - int(year) >= settings.STALE_RECORD_YEARS
        text_ = labels.label("judge.milestone_as_of", lang, name=name, due=due, year=int(year), state=words,
                             stale=labels.label("judge.milestone_stale", lang) if stale else "")
    return text_ + (labels.label("judge.source", lang, source=source) if source else "")


def _not_assessable(row: Mapping[str, Any], lang: str) -> str:
    name, reason = name_of(row, lang), _get(row, "reason")
    if row.get("kind") == "benchmark":
        return labels.label("judge.benchmark", lang, name=name)
    if lang == "zh" or not reason:
        return labels.label("judge.not_assessable", lang, name=name)
    return f"{name} cannot be assessed numerically: {reason}."


def _range(row: Mapping[str, Any], lang: str) -> str:
    low, high = float(_get(row, "target_value")), float(_get(row, "value_high"))
    value = float(_get(row, "latest_value"))
    fields = {"name": name_of(row, lang) if lang == "zh" else _en_subject(name_of(row, lang)),
              "end": int(_get(row, "target_year")), "goal": target_text(row, lang), "year": int(_get(row, "latest_year")),
              "value": value_text(row, value, lang)}
    if value < low:
        return labels.label("judge.range_below", lang, gap=diff_text(row, low - value, lang), **fields)
    if value > high:
        return labels.label("judge.range_above", lang, gap=diff_text(row, value - high, lang), **fields)
    return labels.label("judge.range_inside", lang, **fields)


def _achieved(row: Mapping[str, Any], lang: str) -> str:
    end = int(_get(row, "target_year"))
    key = "judge.achieved" if int(_get(row, "latest_year")) < end else "judge.achieved_due"
    return _sentence([labels.label(key, lang, latest=_latest(row, lang), end=end, goal=target_text(row, lang))], lang)


def scenario_outlook(row: Mapping[str, Any], lang: str, label: str) -> str:
    """One sentence on a target under a scenario: its value in the target year and whether it is met."""
    value, status = _get(row, "scenario_value"), _get(row, "scenario_status")
    if value is None or status is None or _get(row, "target_year") is None:
        return ""
    year, met, assumed = int(row["target_year"]), _get(row, "scenario_year_met"), scenario_pace(row, lang)
    pace = labels.label("judge.assumed_growth", lang, g=assumed) if assumed else ""
    shown = value_text(row, value, lang, sig=3)
    tail = labels.label("judge.met_in", lang, year=int(met)) if met is not None else ""
    words = status_label(str(status), lang, year_rule(row))
    verdict = labels.label("judge.target_met", lang) if status == "achieved" else (
        words if lang == "zh" else words.lower())
    return labels.label("judge.scenario", lang, label=label, pace=pace, year=year, value=shown, verdict=verdict,
                        tail=tail)


def _verdict(status: str, lang: str) -> str:
    """The closing words of a judgement: 需加快 / so it needs to speed up."""
    key = f"verdict.{status}"
    if key in labels.TEXT:
        return labels.label(key, lang)
    return status_label(status, lang) if lang == "zh" else status_label(status, lang).lower()


def judgement(row: Mapping[str, Any], lang: str, source: str | None = None, now: int | None = None) -> str:
    """One to three sentences judging an `assess` row; every one states the row's status.

    `source` names where a missing figure is published (no data) or the milestone's source (milestones). `now`,
    the year the judgement is read in, flags an old milestone record and a floor the trend broke in a year past.
    """
    _lang(lang)
    kind, status = row.get("kind"), row.get("status")
    if kind == "milestone":
        return _milestone(row, lang, source, now)
    if status == "not_assessable" or kind == "benchmark":
        return _not_assessable(row, lang)
    if kind == "compare":
        return _compare(row, lang, source)
    if kind in ("maintain", "flow"):
        return _floor(row, lang, source, now)
    if status == "no_data" or any(_get(row, k) is None for k in ("latest_value", "latest_year")):
        return _no_data(row, lang, source)
    if status == "insufficient_data":
        return _single(row, lang, source)
    if kind == "range" and _get(row, "value_high") is not None and _get(row, "target_value") is not None:
        return _range(row, lang)
    if status == "achieved":
        return _achieved(row, lang)
    if _get(row, "base_year") is None or _get(row, "target_value") is None:
        return _no_data(row, lang, source)
    return _progress(row, lang)


def risk_reason(row: Mapping[str, Any], lang: str) -> str:
    """Why a target is a risk, in one line: latest figure and gap, the pace needed against the pace so far, the
    chance of meeting it (a floor: the year the trend breaks it)."""
    _lang(lang)
    year, value = _get(row, "latest_year"), _get(row, "latest_value")
    if row.get("kind") == "milestone" and year is not None and _get(row, "milestone_state") is not None:
        return labels.label("risk.milestone", lang, year=int(year), due=int(_get(row, "target_year")),
                            state=labels.label(f"milestone.{row['milestone_state']}", lang))
    if year is None or value is None:
        return judgement(row, lang)
    parts = [labels.label("risk.latest", lang, value=value_text(row, value, lang), year=int(year))]
    gap, rule = _get(row, "gap"), year_rule(row)
    if gap is not None and _get(row, "target_value") is not None and rule != "compare":
        shown = diff_text(row, abs(float(gap)), lang, sig=3 if row.get("kind") in RELATIVE_KINDS else None)
        parts.append(labels.label("risk.gap" if rule is None else f"risk.{rule}_gap", lang, gap=shown))
    if _get(row, "break_year") is not None:
        parts.append(labels.label("risk.breaks", lang, year=int(_get(row, "break_year"))))
    need, seen = _get(row, "required_pace"), _get(row, "observed_pace")
    if need is not None:
        pace = labels.label("risk.need", lang, need=pace_phrase(row, "required", lang))
        t0, t = _get(row, "base_year"), _get(row, "latest_year")
        if seen is not None and t0 is not None and int(t) - int(t0) == 1:  # one year of change is that year's
            pace += labels.label("risk.seen_one", lang, seen=pace_phrase(row, "observed", lang), year=int(t))
        elif seen is not None:
            pace += labels.label("risk.seen", lang, seen=pace_phrase(row, "observed", lang))
        parts.append(pace)
    chance = _get(row, "probability")
    if chance is not None:
        parts.append(labels.label("risk.chance", lang, p=format_percent(chance, lang, 0) if chance >= 0.005
                                  else labels.label("risk.below_one", lang)))
    return labels.label("judge.comma", lang).join(parts)
