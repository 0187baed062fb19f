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
POINT_UNITS = ("pp", "个百分点", "percentage points")
COMPARATOR_SYMBOLS = {">": ">", ">=": "≥", "<": "<", "<=": "≤", "=": "", "~": "≈", "between": ""}
SPAN_DASH = {"zh": "—", "en": "–"}

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


def format_number(x: float | None, lang: str, unit: str | None = None, digits: int = 2, fixed: bool = False) -> str:
    """A value in the plan's unit as a reader writes it: zh 721.44亿元, 11.5%; en 72.144 billion yuan, 11.5%.

    Trailing zeros are dropped (1000亿元) unless `fixed` (rates: 2.0%).
    """
    _lang(lang)
    if missing(x):
        return "—"
    x = float(x)
    if not math.isfinite(x):
        return "—"
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


def status_label(status: str, lang: str) -> str:
    """The status class in words (kzlib.labels)."""
    if status not in settings.STATUSES:
        raise ValueError(f"unknown status {status!r}; expected one of {', '.join(settings.STATUSES)}")
    return labels.label(f"status.{status}", lang)


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
    return row.get("kind") == "ratio" or unit_of(row, "zh") == "倍"


def value_text(row: Mapping[str, Any], x: float | None, lang: str) -> str:
    """A level of the row's indicator with its unit; ratios as the plan writes them (2.05:1)."""
    if _is_ratio(row) and not missing(x):
        return format_number(x, lang) + ":1"
    return format_number(x, lang, unit_of(row, lang))


def diff_text(row: Mapping[str, Any], x: float | None, lang: str) -> str:
    """A difference between two levels: percentage points for shares, no unit for ratios."""
    if _is_share(row):
        return format_number(x, lang, "pp")
    return format_number(x, lang, None if _is_ratio(row) else unit_of(row, lang))


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
        base = _get(row, "base_year")
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
    symbol = COMPARATOR_SYMBOLS.get(str(row.get("comparator") or ""), "")
    return symbol + value_text(row, value, lang)


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


def _milestone(row: Mapping[str, Any], lang: str, source: str | None) -> str:
    name, state = name_of(row, lang), _get(row, "milestone_state")
    year, target_year = _get(row, "latest_year"), _get(row, "target_year")
    source = _get(row, "source_title") or source
    if lang == "zh":
        due = f"（目标{int(target_year)}年）" if target_year else ""
        if state is None:
            return f"{name}{due}：暂无进展信息，请向牵头部门收集进展情况及公开来源。"
        if year is None:
            text = f"{name}{due}：{labels.label('milestone.' + state, 'zh')}。"
        elif state == "done":
            text = f"{name}{due}：已于{int(year)}年完成。"
        else:
            text = f"{name}{due}：截至{int(year)}年{labels.label('milestone.' + state, 'zh')}。"
        return text + (f"来源：{source}。" if source else "")
    due = f" (due {int(target_year)})" if target_year else ""
    if state is None:
        return f"{name}{due}: no progress reported yet; collect the state and a public source from the lead department."
    when = "" if year is None else (f" in {int(year)}" if state == "done" else f" as of {int(year)}")
    text = f"{name}{due}: {labels.label('milestone.' + state, 'en')}{when}."
    return text + (f" Source: {source}." if source else "")


def _not_assessable(row: Mapping[str, Any], lang: str) -> str:
    name, reason = name_of(row, lang), _get(row, "reason")
    if lang == "zh":
        if row.get("kind") == "benchmark":
            return f"{name}以国控目标、全市平均等外部参照为准，规划未给出具体数值，无法量化评估。"
        return f"{name}无法量化评估" + (f"（{reason}）。" if reason else "。")
    if row.get("kind") == "benchmark":
        return (f"{name} is measured against a reference the plan does not quantify (a national or "
                "municipal benchmark), so it cannot be assessed numerically.")
    return f"{name} cannot be assessed numerically" + (f": {reason}." if reason else ".")


def _no_data(row: Mapping[str, Any], lang: str, source: str | None) -> str:
    name = name_of(row, lang)
    n_obs = int(_get(row, "n_obs") or 0)
    year, value = _get(row, "latest_year"), _get(row, "latest_value")
    since = int(_get(row, "base_year") or settings.DEFAULT_BASE_YEAR)
    single = n_obs == 1 and year is not None and value is not None
    if lang == "zh":
        where = f"请从{source}" if source else "请"
        if single:
            return (f"{name}仅有{int(year)}年一个观测值（{value_text(row, value, lang)}），无法计算增速；"
                    f"{where}补充{since}年以来其他年份的数据。")
        return f"暂无{name}的观测数据，无法评估进度；{where}收集{since}年以来的年度数据。"
    where = f" from the {source}" if source else ""
    if single:
        return (f"{name} has a single observation ({value_text(row, value, lang)} in {int(year)}), "
                f"too few to measure its pace; collect the other years since {since}{where}.")
    return (f"There are no observations of {_en_subject(name)} yet, so progress cannot be assessed; "
            f"collect annual figures since {since}{where}.")


def _maintain(row: Mapping[str, Any], lang: str) -> str:
    name = name_of(row, lang)
    floor = value_text(row, _get(row, "target_value"), lang)
    down = row.get("direction") == "down"
    year, latest, value = _get(row, "latest_year"), _get(row, "latest_value"), _get(row, "target_value")
    broken = broken_years(row)
    if year is not None and latest is not None and value is not None and int(year) not in broken \
            and (float(latest) > float(value) if down else float(latest) < float(value)):
        broken = sorted([*broken, int(year)])
    if lang == "zh":
        rule = f"规划要求{name}每年{'不高于' if down else '不低于'}{floor}"
        if broken:
            back = f"{int(year)}年为{value_text(row, latest, lang)}，已回到{'上限以下' if down else '底线以上'}。" \
                if year is not None and int(year) not in broken else ""
            return f"{rule}；{_list_years(broken, lang)}{'高于上限' if down else '低于底线'}，未能保持" + \
                (f"；{back}" if back else "。")
        if year is None:
            return f"{rule}；暂无观测数据，无法评估。"
        return f"{rule}；截至{int(year)}年，有观测的年份均已保持（{int(year)}年为{value_text(row, latest, lang)}）。"
    rule = f"The plan requires {_en_subject(name)} to stay {'at or below' if down else 'at or above'} {floor} every year"
    if broken:
        back = f"; in {int(year)} it was back {'under' if down else 'above'} it ({value_text(row, latest, lang)})" \
            if year is not None and int(year) not in broken else ""
        return f"{rule}; it was {'above the ceiling' if down else 'below the floor'} in {_list_years(broken, lang)}{back}."
    if year is None:
        return f"{rule}; there are no observations yet, so it cannot be assessed."
    return f"{rule}; it held in every observed year up to {int(year)} ({value_text(row, latest, lang)} in {int(year)})."


def _range(row: Mapping[str, Any], lang: str) -> str:
    name = name_of(row, lang)
    low, high = float(_get(row, "target_value")), float(_get(row, "value_high"))
    year, value = int(_get(row, "latest_year")), float(_get(row, "latest_value"))
    target_year, goal, now = int(_get(row, "target_year")), target_text(row, lang), value_text(row, value, lang)
    if lang == "zh":
        head = f"{name}{target_year}年目标为{goal}；{year}年为{now}，"
        if value < low:
            return head + f"距区间下限尚差{diff_text(row, low - value, lang)}。"
        if value > high:
            return head + f"高于区间上限{diff_text(row, value - high, lang)}。"
        return head + "已在目标区间内。"
    head = f"The {target_year} target for {_en_subject(name)} is {goal}; in {year} it was {now}, "
    if value < low:
        return head + f"{diff_text(row, low - value, lang)} short of the lower bound."
    if value > high:
        return head + f"{diff_text(row, value - high, lang)} above the upper bound."
    return head + "within the target range."


def _achieved(row: Mapping[str, Any], lang: str) -> str:
    name, value = name_of(row, lang), _get(row, "latest_value")
    year, target_year, goal = int(_get(row, "latest_year")), int(_get(row, "target_year")), target_text(row, lang)
    if lang == "zh":
        return f"{year}年{name}{_is_word(row)}{value_text(row, value, lang)}，已达到{target_year}年目标（{goal}）。"
    return f"{name} was {value_text(row, value, lang)} in {year}, already meeting the {target_year} target ({goal})."


def _is_word(row: Mapping[str, Any]) -> str:
    """Chinese '为' before a share or ratio value (常住人口城镇化率为53.34%), nothing before an amount."""
    return "为" if _is_share(row) or _is_ratio(row) else ""


def _pace(row: Mapping[str, Any], lang: str) -> tuple[float | None, float | None, float | None, str, str]:
    """Required and observed annual pace (growth, or percentage points for shares), speedup and texts."""
    t0, t, target_year = int(_get(row, "base_year")), int(_get(row, "latest_year")), int(_get(row, "target_year"))
    if _is_share(row):
        goal, x0, xt = _get(row, "target_value"), _get(row, "base_value"), _get(row, "latest_value")
        need = (float(goal) - float(xt)) / (target_year - t) if goal is not None and target_year > t else None
        seen = (float(xt) - float(x0)) / (t - t0) if x0 is not None and t > t0 else None
        speedup = need / seen if need is not None and seen else None
        texts = [format_number(abs(v), lang, "pp", 1, fixed=True) if v is not None else "" for v in (need, seen)]
    else:
        need, seen, speedup = _get(row, "required_growth"), _get(row, "observed_growth"), _get(row, "speedup")
        texts = [format_percent(abs(v), lang) if v is not None else "" for v in (need, seen)]
    return need, seen, speedup, texts[0], texts[1]


def _goal_phrase(row: Mapping[str, Any], lang: str) -> str:
    """'1000亿元目标' / 'the target of 100 billion yuan'; relative targets name the level they imply."""
    level = value_text(row, _get(row, "target_value"), lang)
    if row.get("kind") in RELATIVE_KINDS:
        stated = relative_text(row, lang)
        return f"目标水平{level}（{stated}）" if lang == "zh" else f"the target level of {level} ({stated})"
    return f"{level}目标" if lang == "zh" else f"the target of {level}"


def _progress_zh(row: Mapping[str, Any]) -> str:
    lang, name, status = "zh", name_of(row, "zh"), row.get("status")
    t0, t, target_year = int(_get(row, "base_year")), int(_get(row, "latest_year")), int(_get(row, "target_year"))
    down, share = row.get("direction") == "down", _is_share(row)
    gap = float(_get(row, "gap") or 0.0)
    goal = _goal_phrase(row, lang)
    head = (f"{t}年{name}{_is_word(row)}{value_text(row, _get(row, 'latest_value'), lang)}，"
            f"距{goal}{'尚需降低' if down else '尚差'}{diff_text(row, abs(gap), lang)}")
    if t >= target_year:
        return head + "，已到目标年份仍未达到。"
    need, seen, speedup, need_text, seen_text = _pace(row, lang)
    up_word, down_word = ("提高", "降低") if share else ("增长", "下降")
    rest = f"{year_span(t + 1, target_year, lang)}需年均{up_word if need >= 0 else down_word}约{need_text}" if need is not None else ""
    if status == "moving_away" and seen is not None:
        moved = up_word if seen >= 0 else down_word
        return head + f"；{year_span(t0, t, lang)}年均{moved}{seen_text}，与目标方向相反（反向变动）" + (f"，{rest}。" if rest else "。")
    if rest and seen is not None and speedup is not None and speedup > 0:
        pace_word = (("提高幅度" if seen >= 0 else "降低幅度") if share else ("增速" if seen >= 0 else "降幅"))
        rest += f"，约为{year_span(t0, t, lang)}年均{pace_word}（{seen_text}）的{format_number(speedup, lang, '倍', 1, fixed=True)}"
    return head + (f"；{rest}" if rest else "") + f"，{_verdict(status, lang)}。"


def _progress_en(row: Mapping[str, Any]) -> str:
    lang, name, status = "en", name_of(row, "en"), row.get("status")
    t0, t, target_year = int(_get(row, "base_year")), int(_get(row, "latest_year")), int(_get(row, "target_year"))
    down, share = row.get("direction") == "down", _is_share(row)
    gap = float(_get(row, "gap") or 0.0)
    goal = _goal_phrase(row, lang)
    head = (f"{name} was {value_text(row, _get(row, 'latest_value'), lang)} in {t}, "
            f"{diff_text(row, abs(gap), lang)} {'above' if down else 'short of'} {goal}")
    if t >= target_year:
        return head + "; the target year has passed without the target being met."
    need, seen, speedup, need_text, seen_text = _pace(row, lang)
    up_word = "rise" if share else "grow"
    rest = (f"it needs to {up_word if need >= 0 else 'fall'} by about {need_text} a year in "
            f"{year_span(t + 1, target_year, lang)}") if need is not None else ""
    if status == "moving_away" and seen is not None:
        moved = ("rose" if share else "grew") if seen >= 0 else "fell"
        return (head + f"; it {moved} by {seen_text} a year in {year_span(t0, t, lang)}, moving away from the target"
                + (f", and {rest}." if rest else "."))
    if rest and seen is not None and speedup is not None and speedup > 0:
        rest += f", {format_number(speedup, lang, 'times', 1, fixed=True)} the pace of {year_span(t0, t, lang)} ({seen_text} a year)"
    verdict = _verdict(status, lang)
    return head + (f"; {rest}, {verdict}." if rest else f", {verdict}.")


def _outlook(row: Mapping[str, Any], lang: str) -> str:
    projected, probability, target_year = _get(row, "projected_value"), _get(row, "probability"), _get(row, "target_year")
    parts: list[str] = []
    if lang == "zh":
        if projected is not None:
            parts.append(f"照目前速度，{int(target_year)}年约为{value_text(row, projected, lang)}")
        if probability is not None:
            parts.append(f"按历年波动估算，如期实现目标的概率约为{format_percent(probability, lang, 0)}")
        return "；".join(parts) + "。" if parts else ""
    if projected is not None:
        parts.append(f"at the current pace it would be about {value_text(row, projected, lang)} in {int(target_year)}")
    if probability is not None:
        parts.append(f"the chance of meeting the target on time, given past fluctuations, is about "
                     f"{format_percent(probability, lang, 0)}")
    text = "; ".join(parts)
    return text[:1].upper() + text[1:] + "." if parts else ""


def scenario_outlook(row: Mapping[str, Any], lang: str, label: str) -> str:
    """One sentence on a target under a scenario: its value in the target year and whether it is met."""
    value, status = _get(row, "scenario_value"), _get(row, "scenario_status")
    if value is None or status is None or _get(row, "target_year") is None:
        return ""
    year, met, growth = int(row["target_year"]), _get(row, "scenario_year_met"), _get(row, "scenario_growth")
    pace = "" if growth is None else (f"（年均{format_percent(growth, lang)}）" if lang == "zh"
                                      else f" ({format_percent(growth, lang)} a year)")
    shown = value_text(row, value, lang)
    verdict = status_label(str(status), lang)
    if lang == "zh":
        tail = f"，{int(met)}年达到" if met is not None else ""
        if status == "achieved":
            return f"按{label}{pace}，{year}年约为{shown}，可实现目标{tail}。"
        return f"按{label}{pace}，{year}年约为{shown}，{verdict}{tail}。"
    tail = f", met in {int(met)}" if met is not None else ""
    if status == "achieved":
        return f"Under {label}{pace} it would be about {shown} in {year}: the target is met{tail}."
    return f"Under {label}{pace} it would be about {shown} in {year}: {verdict.lower()}{tail}."


def _verdict(status: str, lang: str) -> str:
    """The closing words of a progress sentence: 需加快 / so it needs to speed up."""
    key = f"verdict.{status}"
    if key in labels.TEXT:
        return labels.label(key, lang)
    return status_label(status, lang) if lang == "zh" else status_label(status, lang).lower()


def judgement(row: Mapping[str, Any], lang: str, source: str | None = None) -> str:
    """One or two sentences judging an `assess` row.

    `source` names where a missing figure is published (no data) or the milestone's source (milestones).
    """
    _lang(lang)
    kind, status = row.get("kind"), row.get("status")
    if kind == "milestone":
        return _milestone(row, lang, source)
    if status == "not_assessable" or kind == "benchmark":
        return _not_assessable(row, lang)
    if kind in ("maintain", "flow"):
        return _maintain(row, lang)
    if status == "no_data" or any(_get(row, k) is None for k in ("latest_value", "latest_year", "target_value")):
        return _no_data(row, lang, source)
    if kind == "range" and _get(row, "value_high") is not None:
        return _range(row, lang)
    if status == "achieved":
        return _achieved(row, lang)
    if _get(row, "base_year") is None:
        return _no_data(row, lang, source)
    first = _progress_zh(row) if lang == "zh" else _progress_en(row)
    second = _outlook(row, lang) if status in ("needs_acceleration", "lagging", "moving_away") else ""
    return first + ("" if lang == "zh" or not second else " ") + second
