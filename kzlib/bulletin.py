"""Statistical bulletin text to draft observations, by its wording; every number it cannot place is listed."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from pathlib import Path

import pandas as pd
import yaml

from kzlib import files, paths, units
from kzlib.errors import DocumentError, Problem, RegistryError
from kzlib.registry import Registry
from kzlib.tables import spreadsheet_safe, xlsx_bytes

DRAFT_COLUMNS = ["indicator", "year", "value", "unit", "source_title", "source_link", "source_date", "flags",
                 "quote", "note"]
UNMAPPED_COLUMNS = ["figure", "value", "unit", "year", "reason", "line", "sentence"]

_CN_DIGITS = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"零": "0", "○": "0", "O": "0"}
_TITLE_YEAR = re.compile(r"(\d{4}|[〇零○一二三四五六七八九]{4})年")
_DATE = re.compile(r"\(?(\d{4})年(\d{1,2})月(\d{1,2})日\)?")
_ISSUER_END = ("局", "队", "办公室", "政府", "中心")
_HEADING = re.compile(r"^(?:[一二三四五六七八九十]+、|第[一二三四五六七八九十]+部分)")
_NOTE = re.compile(r"^(?:注|说明)\d*[:]")
_SENTENCE = re.compile(r"[^。;!?]+[。;!?]?")
_CLAUSE_DELIMITERS = ",:\t"
_SPACES = " \u3000\xa0\u200b\ufeff"
_RATIO = re.compile(r"(?<![\d.])\d+(?:\.\d+)?(?:[:∶]\d+(?:\.\d+)?)+(?![\d.])")
# Numbers that are not figures: years, dates, ranges, ordinals, captions, names such as 5G or PM2.5.
_NOT_FIGURES = re.compile("|".join([
    r"(?<![\d.])\d{4}年?(?:——|[-—–~至到])\d{4}年?",
    r"(?<![\d.])\d{4}年",
    r"(?<![\d.])(?:19|20)\d{2}[-/.]\d{1,2}(?:[-/.]\d{1,2})?(?![\d.])",
    r"\d{1,2}(?:——|[-—–~至到])\d{1,2}月",
    r"\d{1,2}月(?:\d{1,2}[日号])?",
    r"\d{1,2}[日号](?![\d])",
    r"第\d+",
    r"[图表]\d+(?:[-.]\d+)*",
    r"PM\d+(?:\.\d+)?|[A-Za-z]\d+(?:\.\d+)?(?![\d.])(?![%‰亿万千百元吨人户个家])",
    r"\d+(?:\.\d+)?[A-Z]",
    r"\d+(?:\.\d+)?[级类星档]",
    r"\d+(?:\.\d+)?(?:——|[-—–~至到])\d+(?:\.\d+)?",
    r"^\(?\d{1,2}[).、](?!\d)",
    r"(?<=:)\d{1,2}[.、](?!\d)",
    r"\[\d+\]",
]))
_NUMBER = re.compile(r"(?<![\d.])([-−])?(\d{1,3}(?:,\d{3})+(?![\d])(?:\.\d+)?|\d+(?:\.\d+)?)")
_OTHER_BASE = re.compile(r"(?:比|较|与|同)(\d{4})年")
_TIME_YEAR = re.compile(r"(?<![比较与同至到—\-~])(\d{4})年(?![—\-~至到以前])")
_TRAILING_COUNT = re.compile(r"数$")
POINTS = ("个百分点", "百分点", "个千分点", "千分点")  # units of a change in a rate, not of a rate


def fold(text: str) -> str:
    """Text as compared: full-width forms folded one character at a time, spaces dropped."""
    return "".join(_fold_char(c) for c in text if c not in _SPACES)


def _fold_char(c: str) -> str:
    f = unicodedata.normalize("NFKC", c)
    return f if len(f) == 1 else c


# ---------------------------------------------------------------- the wording vocabulary


@dataclass(frozen=True)
class Subject:
    """An indicator as bulletins name it, with the indicators of the figures that follow it."""

    id: str
    growth: str | None = None
    share: str | None = None
    parts: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class Terms:
    """The wording vocabulary of the plan's registry/bulletin_terms.yaml, with the registry's own names."""

    subjects: dict[str, Subject]
    phrases: dict[str, str]
    structures: dict[str, tuple[str, ...]]
    preliminary_words: tuple[str, ...]
    preliminary_covers: frozenset[str]
    up_words: tuple[str, ...]
    down_words: tuple[str, ...]
    share_words: tuple[str, ...]
    part_words: tuple[str, ...]
    average_words: tuple[str, ...]
    approximate_before: tuple[str, ...]
    approximate_after: tuple[str, ...]
    bounds: tuple[str, ...]
    part_year_words: tuple[str, ...]
    sub_area_words: tuple[str, ...]
    other_measures: tuple[str, ...]
    qualifiers_before: tuple[str, ...]
    earlier_words: tuple[str, ...]
    year_words: tuple[str, ...]
    units: tuple[str, ...]

    def match(self, text: str, table: dict[str, object] | None = None) -> list[tuple[int, int, str]]:
        """Non-overlapping phrase matches (start, end, phrase), the longest phrase first at each position."""
        table = self.phrases if table is None else table
        longest = max((len(p) for p in table), default=0)
        found: list[tuple[int, int, str]] = []
        i = 0
        while i < len(text):
            for n in range(min(longest, len(text) - i), 0, -1):
                if text[i:i + n] in table:
                    found.append((i, i + n, text[i:i + n]))
                    i += n
                    break
            else:
                i += 1
        return found


def _words(doc: dict, key: str, problems: list[Problem], file: str) -> tuple[str, ...]:
    value = doc
    for part in key.split("."):
        value = value.get(part) if isinstance(value, dict) else None
    if value is None:
        return ()
    if not isinstance(value, list) or not all(isinstance(v, str | int) for v in value):
        problems.append(Problem(file, "expected a list of words", entry=key))
        return ()
    return tuple(fold(str(v)) for v in value)


def _registry_phrases(reg: Registry) -> dict[str, str]:
    """The registry's Chinese names as phrasings (a name without brackets also without its trailing 数)."""
    out: dict[str, str] = {}
    for iid, name in zip(reg.indicators["id"], reg.indicators["name_zh"], strict=True):
        if not isinstance(name, str) or not name:
            continue
        name = fold(name)
        out.setdefault(name, iid)
        if "(" not in name and len(name) > 3:
            out.setdefault(_TRAILING_COUNT.sub("", name), iid)
    return out


def load_terms(reg: Registry, path: str | Path | None = None) -> Terms:
    """The wording vocabulary; raises RegistryError listing every malformed entry."""
    path = Path(path) if path is not None else paths.BULLETIN_TERMS
    file = str(path.relative_to(paths.ROOT)) if path.is_relative_to(paths.ROOT) else str(path)
    problems: list[Problem] = []
    try:
        doc = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, UnicodeDecodeError, yaml.YAMLError) as exc:
        raise RegistryError([Problem(file, f"cannot be read as UTF-8 YAML: {exc}")]) from exc
    if not isinstance(doc, dict):
        raise RegistryError([Problem(file, "expected a mapping with subjects, structures, preliminary, ...")])
    subjects: dict[str, Subject] = {}
    phrases = _registry_phrases(reg)
    own: dict[str, str] = {}
    for iid, entry in (doc.get("subjects") or {}).items():
        if not isinstance(entry, dict) or not isinstance(entry.get("phrases", []), list):
            problems.append(Problem(file, "expected phrases (a list), growth, share, parts", entry=str(iid)))
            continue
        parts = entry.get("parts") or {}
        if not isinstance(parts, dict):
            problems.append(Problem(file, "parts must map a wording to an indicator id", entry=str(iid)))
            parts = {}
        subjects[str(iid)] = Subject(str(iid), entry.get("growth"), entry.get("share"),
                                     {fold(str(k)): str(v) for k, v in parts.items()})
        for phrase in entry.get("phrases", []):
            key = fold(str(phrase))
            if key in own and own[key] != iid:
                problems.append(Problem(file, f"phrase '{phrase}' is given for both {own[key]} and {iid}",
                                        entry=str(iid)))
            own[key] = str(iid)
    phrases.update(own)
    for iid in set(phrases.values()) - set(subjects):
        subjects[iid] = Subject(iid)
    structures: dict[str, tuple[str, ...]] = {}
    for entry in doc.get("structures") or []:
        if not isinstance(entry, dict) or not entry.get("phrases") or not entry.get("indicators"):
            problems.append(Problem(file, "a structure needs phrases and indicators", entry="structures"))
            continue
        for phrase in entry["phrases"]:
            structures[fold(str(phrase))] = tuple(map(str, entry["indicators"]))
    scale_units = [*units.SCALES, *units.ALIASES, *(u for u in reg.indicators["unit"] if isinstance(u, str))]
    all_units = {fold(u) for u in [*scale_units, *_words(doc, "count_units", problems, file), "%", "‰"] if u}
    terms = Terms(
        subjects=subjects, phrases=phrases, structures=structures,
        preliminary_words=_words(doc, "preliminary.words", problems, file),
        preliminary_covers=frozenset(_words(doc, "preliminary.covers", problems, file)),
        up_words=_words(doc, "change_words.up", problems, file),
        down_words=_words(doc, "change_words.down", problems, file),
        share_words=_words(doc, "share_words", problems, file),
        part_words=_words(doc, "part_words", problems, file),
        average_words=_words(doc, "average_words", problems, file),
        approximate_before=_words(doc, "approximate.before", problems, file),
        approximate_after=_words(doc, "approximate.after", problems, file),
        bounds=_words(doc, "bounds", problems, file),
        part_year_words=_words(doc, "part_year_words", problems, file),
        sub_area_words=_words(doc, "sub_area_words", problems, file),
        other_measures=_words(doc, "other_measures", problems, file),
        qualifiers_before=_words(doc, "qualifiers_before", problems, file),
        earlier_words=_words(doc, "structures_earlier", problems, file),
        year_words=_words(doc, "year_words", problems, file),
        units=tuple(sorted(all_units, key=len, reverse=True)),
    )
    if problems:
        raise RegistryError(problems)
    return terms


# ---------------------------------------------------------------- the document's head


@dataclass(frozen=True)
class Header:
    """What a bulletin says about itself: title (with the issuing offices), year, date."""

    title: str = ""
    year: int | None = None
    date: str = ""


def _year_of(text: str) -> int | None:
    hit = _TITLE_YEAR.search(text)
    if hit is None:
        return None
    return int("".join(_CN_DIGITS.get(c, c) for c in hit.group(1)))


def read_header(text: str, title_hint: str = "", head_lines: int = 40) -> Header:
    """The title line (a 公报 among the first lines), the offices below it, the year and the date."""
    lines = [line.strip() for line in text.splitlines() if line.strip()][:head_lines]
    title, year, date, issuers = "", None, "", []
    for i, line in enumerate(lines):
        if not title and "公报" in line and _year_of(fold(line)) is not None:
            title, year = line, _year_of(fold(line))
            for after in lines[i + 1:i + 3]:
                if after.endswith(_ISSUER_END) and not re.search(r"\d", after):
                    issuers.append("、".join(after.split()))
        hit = _DATE.fullmatch(fold(line))
        if hit and not date:
            date = f"{int(hit.group(1)):04d}-{int(hit.group(2)):02d}-{int(hit.group(3)):02d}"
    if not title and "公报" in title_hint and _year_of(fold(title_hint)) is not None:
        title = re.split(r"\s*[_|]\s*|\s+-\s+", title_hint)[0]
        year = _year_of(fold(title))
    if title and issuers:
        title = f"{title}（{'；'.join(issuers)}）"
    return Header(title, year, date)


# ---------------------------------------------------------------- reading figures


@dataclass
class _Token:
    """A figure or a stated ratio found in a sentence (offsets in the folded sentence)."""

    start: int
    end: int
    text: str
    values: tuple[float, ...]
    unit: str = ""

    @property
    def is_ratio(self) -> bool:
        return len(self.values) > 1


@dataclass
class _Figure:
    """One figure as read: where it is, what it was mapped to, or why not."""

    token: _Token
    line: int
    sentence: int
    section: int
    year: int
    indicator: str | None = None
    value: float | None = None
    unit: str | None = None
    out_unit: str = ""
    notes: list[str] = field(default_factory=list)
    flags: list[str] = field(default_factory=list)
    reason: str = ""
    statement: int = 0
    attached: bool = False
    quote: str = ""
    sentence_text: str = ""
    raw: tuple[str, list[int], int] | None = None  # the line as written, its folded positions, sentence offset


def _number(text: str) -> float:
    return float(text.replace(",", ""))


def tokens(sentence: str, terms: Terms) -> list[_Token]:
    """The figures and ratios of a folded sentence, in order; years, dates, bounds and names left out."""
    taken = [False] * len(sentence)
    found: list[_Token] = []
    for m in _NOT_FIGURES.finditer(sentence):
        taken[m.start():m.end()] = [True] * (m.end() - m.start())
    for m in _RATIO.finditer(sentence):
        if any(taken[m.start():m.end()]):
            continue
        parts = re.split(r"[:∶]", m.group())
        found.append(_Token(m.start(), m.end(), m.group(), tuple(float(p) for p in parts)))
        taken[m.start():m.end()] = [True] * (m.end() - m.start())
    for m in _NUMBER.finditer(sentence):
        if any(taken[m.start():m.end()]):
            continue
        end = m.end()
        unit = next((u for u in terms.units if sentence.startswith(u, end)), "")
        end += len(unit)
        if sentence.startswith(terms.bounds, end):
            continue
        value = _number(m.group(2)) * (-1 if m.group(1) else 1)
        found.append(_Token(m.start(), end, sentence[m.start():end], (value,), unit))
    return sorted(found, key=lambda t: t.start)


def _last_before(matches: list[tuple[int, int, str]], pos: int) -> tuple[int, int, str] | None:
    before = [m for m in matches if m[1] <= pos]
    return before[-1] if before else None


def _find_any(text: str, words: tuple[str, ...]) -> int:
    """Position of the first of the words in text, -1 if none."""
    hits = [text.find(w) for w in words if w in text]
    return min(hits) if hits else -1


def _change_at(text: str, terms: Terms) -> tuple[int, int]:
    """Position of a change word in text (-1 if none) and its sign; 增加值 and 提高到 are not changes."""
    best = (-1, 1)
    for words, sign in ((terms.up_words, 1), (terms.down_words, -1)):
        for w in words:
            for m in re.finditer(re.escape(w), text):
                after = text[m.end():m.end() + 1]
                if (w == "增加" and after == "值") or after in ("到", "至"):
                    continue
                if best[0] < 0 or m.start() < best[0]:
                    best = (m.start(), sign)
    return best


def _fit(value: float, unit: str, info: dict) -> tuple[float, str | None]:
    """The value in the indicator's unit and a conversion note; ValueError saying why it does not fit."""
    target = str(info["unit"])
    if units.same(unit, target) or (unit == "" and target in ("倍", "")):
        return value, None
    if unit and units.convertible(unit, target):
        converted = units.convert(value, unit, target)
        return converted, f"converted from {_plain(value)} {unit} to {_plain(converted)} {target}"
    raise ValueError(f"unit '{unit or 'none'}' does not fit {info['id']} ({target})")


def _plain(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


@dataclass
class _State:
    """What a sentence has said so far: the figure the next growth or share belongs to, the 其中 parent."""

    subject_id: str | None = None
    top_id: str | None = None
    parent_id: str | None = None
    in_parts: bool = False
    structure: tuple[str, ...] | None = None
    structure_name: str = ""
    statement: int = 0
    subject_at: int = -1
    listing: bool = False
    grown: set = field(default_factory=set)


class _Reader:
    """Reads the figures of one bulletin text against the registry and the wording vocabulary."""

    def __init__(self, reg: Registry, terms: Terms, year: int):
        self.terms = terms
        self.year = year
        self.info = {r["id"]: r for r in reg.indicators.to_dict("records")}
        self.figures: list[_Figure] = []
        self.statements = 0
        self.starts: dict[int, int] = {}
        self.row_quotes: dict[int, str] = {}

    # -- helpers

    def _target(self, fig: _Figure, iid: str | None, why: str) -> None:
        """Map the figure to indicator iid (converting its unit), or record why it cannot be."""
        if fig.reason:
            return
        if iid is None:
            fig.reason = why
            return
        info = self.info.get(iid)
        if info is None:
            fig.reason = f"{iid} is not an indicator of the registry"
            return
        derived = info.get("derived_from")
        if isinstance(derived, list) and derived:
            fig.reason = f"{iid} is computed by kzlib from {' and '.join(derived)}"
            return
        value = fig.value if fig.value is not None else fig.token.values[0]
        try:
            value, note = _fit(value, fig.token.unit if fig.unit is None else fig.unit, info)
        except ValueError as exc:
            fig.reason = str(exc)
            return
        fig.indicator, fig.value, fig.out_unit = iid, value, str(info["unit"])
        if note:
            fig.notes.append(note)
            fig.flags.append("converted")

    def _new_statement(self, sentence: str, at: int, state: _State) -> None:
        cut = max(sentence.rfind(d, 0, at) for d in _CLAUSE_DELIMITERS)
        self.statements += 1
        state.statement = self.statements
        self.starts[state.statement] = cut + 1

    def _year(self, before: str) -> int:
        """The year a sentence states for its figures (2023年末, 2023年，…), else the bulletin's."""
        hits = [int(m.group(1)) for m in _TIME_YEAR.finditer(before)
                if m.start() == 0 or before.startswith(self.terms.year_words, m.end())
                or before[m.end():m.end() + 1] in _CLAUSE_DELIMITERS]
        return hits[-1] if hits else self.year

    # -- one sentence

    def sentence(self, text: str, line: int, index: int, section: int) -> list[_Figure]:
        """Map every figure of one folded sentence; returns them in order."""
        state = _State()
        prev = 0
        out: list[_Figure] = []
        self._new_statement(text, 0, state)
        for tok in tokens(text, self.terms):
            label = text[prev:tok.start]
            fig = _Figure(tok, line, index, section, self._year(text[:tok.start]))
            if _find_any(label, self.terms.part_words) >= 0 and not state.in_parts:
                state.in_parts, state.parent_id = True, state.top_id
            extra = self._ratio(fig, label, text, state) if tok.is_ratio else []
            if not tok.is_ratio:
                self._figure(fig, label, text, state)
            fig.statement = state.statement
            out += [fig, *extra]
            prev = tok.end
        return out

    def _ratio(self, fig: _Figure, label: str, text: str, state: _State) -> list[_Figure]:
        """The shares of a stated structure (a:b:c); returns the figures after the first."""
        hits = self.terms.match(label, self.terms.structures)
        if hits:
            state.structure_name = hits[-1][2]
            state.structure = self.terms.structures[state.structure_name]
            self._new_statement(text, fig.token.start - len(label) + hits[-1][0], state)
        fig.attached = True
        values = fig.token.values
        if state.structure is None:
            fig.reason = "a ratio whose wording is not known"
        elif _find_any(label, self.terms.earlier_words) >= 0:
            fig.reason = "the structure before the change (由…调整为…), not this year's"
        elif len(values) != len(state.structure):
            fig.reason = f"{len(values)} terms where {state.structure_name} has {len(state.structure)}"
        elif abs(sum(values) - 100) > 0.5:
            fig.reason = f"the terms add up to {_plain(round(sum(values), 6))}, not 100"
        if fig.reason:
            return []
        extra = []
        for k, (iid, value) in enumerate(zip(state.structure, values, strict=True)):
            part = fig if k == 0 else _Figure(fig.token, fig.line, fig.sentence, fig.section, fig.year)
            part.value, part.unit = value, "%"
            self._target(part, iid, "")
            part.flags.append("derived")
            part.notes.append(f"term {k + 1} of {len(values)} of the stated {state.structure_name}")
            part.statement = state.statement
            extra += [part] if k else []
        return extra

    def _figure(self, fig: _Figure, label: str, text: str, state: _State) -> None:
        t = self.terms
        tok = fig.token
        label_at = tok.start - len(label)
        matches = t.match(label)
        tail_from = matches[-1][1] if matches else 0
        change, sign = _change_at(label[tail_from:], t)
        share = _find_any(label[tail_from:], t.share_words)
        share_at = _find_any(label, t.share_words)
        if label.endswith(t.approximate_before) or text.startswith(t.approximate_after, tok.end):
            fig.reason = "an approximate figure or a bound, not an exact one"
        elif _find_any(text[:tok.start], t.part_year_words) >= 0:
            fig.reason = "covers part of the year only"
        elif "分别" in label or (state.listing and not any(d in label for d in _CLAUSE_DELIMITERS)):
            state.listing = True
            fig.reason = "one of several figures stated together (分别); map them by hand"
        else:
            state.listing = False
        if change >= 0:
            self._change(fig, label, text, state, matches, tail_from + change, sign)
        elif share >= 0:
            owner = _last_before(matches, share_at)
            if owner is not None:
                state.subject_id, state.subject_at = t.phrases[owner[2]], label_at + owner[0]
                self._new_statement(text, label_at + owner[0], state)
            subject = t.subjects.get(state.subject_id) if state.subject_id else None
            self._target(fig, subject.share if subject else None,
                         "a share of a figure whose wording is not known" if subject is None
                         else f"no share indicator is known for {subject.id}")
        else:
            self._level(fig, label, text, state, matches, label_at)

    def _change(self, fig: _Figure, label: str, text: str, state: _State, matches: list, at: int,
                sign: int) -> None:
        t = self.terms
        owner = _last_before(matches, at)
        if owner is not None:
            state.subject_id, state.subject_at = t.phrases[owner[2]], fig.token.start - len(label) + owner[0]
            self._new_statement(text, state.subject_at, state)
        base = _OTHER_BASE.search(label)
        subject = t.subjects.get(state.subject_id) if state.subject_id else None
        unit = fig.token.unit
        value = abs(fig.token.values[0]) * sign if sign < 0 else fig.token.values[0]
        if fig.reason:
            pass
        elif base and int(base.group(1)) != fig.year - 1:
            fig.reason = f"a change on {base.group(1)}, not on the previous year"
        elif _find_any(label, t.average_words) >= 0:
            fig.reason = "an average rate over several years, not the change on the previous year"
        elif unit in POINTS:
            fig.reason = "a change in percentage (or per-mille) points; no indicator takes it"
        elif unit not in ("%", "倍"):
            fig.reason = f"a change stated in '{unit or 'no unit'}'; no indicator takes it"
        elif subject is None:
            fig.reason = "a change of a figure whose wording is not known"
        elif state.subject_at in state.grown:
            fig.reason = "a second change rate for the same figure (only the first is drafted)"
        if unit == "倍":
            fig.notes.append(f"增长{_plain(fig.token.values[0])}倍 read as {_plain(value * 100)} %")
            value *= 100
        fig.value, fig.unit = value, "%" if unit in ("%", "倍") else unit
        if unit in ("%", "倍"):
            state.grown.add(state.subject_at)
        self._target(fig, subject.growth if subject else None,
                     "a change of a figure whose wording is not known" if subject is None
                     else f"no growth indicator is known for {subject.id}")

    def _level(self, fig: _Figure, label: str, text: str, state: _State, matches: list, label_at: int) -> None:
        t = self.terms
        if matches:
            start, end, phrase = matches[-1]
            iid = t.phrases[phrase]
            self._new_statement(text, label_at + start, state)
            before = label[:start]
            clause = before[max(before.rfind(d) for d in _CLAUSE_DELIMITERS) + 1:]
            scope = str(self.info.get(iid, {}).get("scope") or "")
            if label[end:].startswith(t.other_measures):
                fig.reason = f"another measure than {iid} ({label[end:end + 3]})"
            elif before.endswith(t.qualifiers_before):
                fig.reason = f"another measure than {iid} ({next(q for q in t.qualifiers_before if before.endswith(q))}…)"
            elif "全区" in scope and _find_any(clause, t.sub_area_words) >= 0:
                fig.reason = f"a figure for part of the area; {iid} covers the whole district"
            fig.attached = True
            known = None if fig.reason else iid
            state.subject_id, state.top_id, state.in_parts, state.subject_at = known, known, False, fig.token.start
            self._target(fig, iid, "")
        elif state.in_parts:
            parent = t.subjects.get(state.parent_id) if state.parent_id else None
            hits = t.match(label, parent.parts) if parent else []
            state.subject_id = parent.parts[hits[-1][2]] if hits else None
            state.subject_at = fig.token.start
            self._target(fig, state.subject_id, "a part (其中) whose wording is not known")
        else:
            self._new_statement(text, label_at + len(label), state)
            fig.attached = True
            state.subject_id, state.top_id, state.subject_at = None, None, fig.token.start
            self._target(fig, None, "wording not known")


# ---------------------------------------------------------------- the whole document


@dataclass
class Draft:
    """The draft observations and the numbers that could not be mapped, with the document's head."""

    observations: pd.DataFrame
    unmapped: pd.DataFrame
    header: Header


def _sentences(text: str) -> list[tuple[int, int]]:
    return [(m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.group().strip("。;!?")]


def _folded(raw: str) -> tuple[str, list[int]]:
    """The line folded for reading, and for each folded character its position in the line as written."""
    chars, pos = [], []
    for i, c in enumerate(raw):
        if c not in _SPACES:
            chars.append(_fold_char(c))
            pos.append(i)
        elif chars and chars[-1] not in _CLAUSE_DELIMITERS and _ends_number(chars[-1]) and _starts_number(raw, i):
            chars.append("\t")  # spaces between two numbers (a PDF table row) keep them apart
            pos.append(i)
    return "".join(chars), pos


def _ends_number(c: str) -> bool:
    return c.isdigit() or c in "%‰"


def _starts_number(raw: str, i: int) -> bool:
    rest = raw[i:].lstrip(_SPACES)
    return bool(rest) and (_fold_char(rest[0]).isdigit() or (rest[0] in "-−" and rest[1:2].isdigit()))


def _table_rows(rows: list[tuple[int, str]], terms: Terms) -> list[tuple[int, str, str]]:
    """Table rows as sentences (line, text, the row as quoted): each cell worded after its column's header."""
    out: list[tuple[int, str, str]] = []
    header: list[str] | None = None
    for number, raw in rows:
        cells = [c.strip() for c in raw.split("\t")]
        quote = " | ".join(cells)
        folded = [fold(c) for c in cells]
        if not any(_NUMBER.search(c) and not _NOT_FIGURES.fullmatch(c) for c in folded[1:]):
            header = folded
            continue
        if header is None:
            out.append((number, ",".join(cells), quote))
            continue
        unit = next((c for name, c in zip(header[1:], folded[1:], strict=False) if name in ("单位", "计量单位")), "")
        label = re.sub(r"\(([^)]*)\)$", "", folded[0])
        label_unit = re.search(r"\(([^)]*)\)$", folded[0])
        parts = []
        for name, cell in zip(header[1:], folded[1:], strict=False):
            if name in ("单位", "计量单位") or not _NUMBER.fullmatch(cell.rstrip("%")):
                continue
            stated = re.search(r"\(([^)]*)\)", name)
            cell_unit = "" if cell.endswith("%") else (stated.group(1) if stated else unit or (
                label_unit.group(1) if label_unit else ""))
            title = re.sub(r"\(.*?\)", "", name)
            if _change_at(title, terms)[0] >= 0 or _find_any(title, terms.share_words) >= 0:
                parts.append(f"{title}{cell}{cell_unit or '%'}")
            else:
                year = _TITLE_YEAR.search(title)
                parts.append(f"{label}{year.group() if year else ''}{cell}{cell_unit}")
        out.append((number, ",".join(parts), quote))
    return out


def draft(text: str, registry: Registry, terms: Terms | None = None, *, year: int | None = None,
          title: str = "", source_title: str | None = None, source_link: str = "", source_date: str | None = None,
          file: str = "bulletin") -> Draft:
    """Draft observations from a bulletin's text; every number not mapped is listed with its reason."""
    terms = terms if terms is not None else load_terms(registry)
    header = read_header(text, title)
    year = year or header.year
    if year is None:
        raise DocumentError([Problem(file, "the year of the bulletin is not stated in its title; give it with "
                                           "--year (e.g. --year 2024)")])
    src_title = source_title or header.title
    if not src_title:
        raise DocumentError([Problem(file, "no title line naming the 统计公报 was found among the first lines; "
                                           "give the source with --source-title")])
    reader = _Reader(registry, terms, year)
    work: list[tuple[int, str, str]] = []
    table: list[tuple[int, str]] = []
    for number, raw in enumerate(text.splitlines(), start=1):
        if "\t" in raw.strip():
            table.append((number, raw))
            continue
        work += _table_rows(table, terms)
        table = []
        work.append((number, raw, ""))
    work += _table_rows(table, terms)
    section, marks = 0, []
    for number, raw, row_quote in work:
        folded, pos = _folded(raw)
        if not folded:
            continue
        if _HEADING.match(folded):
            section += 1
        note_line = bool(_NOTE.match(folded))
        for k, (a, b) in enumerate(_sentences(folded)):
            sentence = folded[a:b]
            for fig in reader.sentence(sentence, number, k, section):
                fig.sentence_text, fig.raw = sentence, (raw, pos, a)
                reader.figures.append(fig)
            word = next((w for w in terms.preliminary_words if w in sentence), None)
            if word is not None:
                marks.append((None if note_line else section, number, k, word))
        if row_quote:
            reader.row_quotes[number] = row_quote
    _quotes(reader)
    _preliminary(reader.figures, marks, terms)
    return _result(reader.figures, header, src_title, source_link, source_date or header.date)


def _quotes(reader: _Reader) -> None:
    """Each figure's quote: from its statement's first clause to the last figure that belongs to it."""
    ends: dict[int, int] = {}
    for fig in reader.figures:
        if fig.attached or fig.indicator is not None:
            ends[fig.statement] = max(ends.get(fig.statement, 0), fig.token.end)
    for fig in reader.figures:
        start = reader.starts.get(fig.statement, fig.token.start)
        end = max(ends.get(fig.statement, fig.token.end), fig.token.end)
        raw, pos, offset = fig.raw
        while start < end and fig.sentence_text[start] in _CLAUSE_DELIMITERS:
            start += 1
        fig.quote = raw[pos[offset + start]:pos[offset + end - 1] + 1]
        fig.sentence_text = raw[pos[offset]:pos[offset + len(fig.sentence_text) - 1] + 1].strip()
        if fig.line in reader.row_quotes:
            fig.quote = fig.sentence_text = reader.row_quotes[fig.line]


def _preliminary(figures: list[_Figure], marks: list[tuple[int | None, int, int, str]], terms: Terms) -> None:
    """初步核算: the figures of its sentence, and the accounts figures after it in its section (or document)."""
    for fig in figures:
        if fig.indicator is None:
            continue
        for section, line, k, word in marks:
            same_sentence = (fig.line, fig.sentence) == (line, k)
            covered = fig.indicator in terms.preliminary_covers and (
                section is None or (fig.section == section and (fig.line, fig.sentence) >= (line, k)))
            if same_sentence or covered:
                fig.flags.insert(0, "preliminary")
                fig.notes.insert(0, f"{word} (preliminary)")
                break


def _result(figures: list[_Figure], header: Header, title: str, link: str, date: str) -> Draft:
    rows, unmapped, seen = [], [], {}
    for fig in sorted(figures, key=lambda f: (f.line, f.sentence, f.token.start)):
        if fig.indicator is not None:
            key = (fig.indicator, fig.year)
            if key in seen:
                same = seen[key]["value"] == fig.value
                fig.reason = (f"{fig.indicator} {fig.year} is already drafted from line {seen[key]['line']}"
                              + ("" if same else f" with another value ({_plain(seen[key]['value'])})"))
            else:
                seen[key] = {"value": fig.value, "line": fig.line}
                rows.append({
                    "indicator": fig.indicator, "year": fig.year, "value": fig.value, "unit": fig.out_unit,
                    "source_title": title, "source_link": link, "source_date": date,
                    "flags": ";".join(dict.fromkeys(fig.flags)), "quote": fig.quote,
                    "note": "; ".join(dict.fromkeys(fig.notes)),
                })
                continue
        unmapped.append({"figure": fig.token.text, "value": fig.token.values[0] if len(fig.token.values) == 1
                         else None, "unit": fig.token.unit, "year": fig.year, "reason": fig.reason,
                         "line": fig.line, "sentence": fig.sentence_text})
    obs = pd.DataFrame(rows, columns=DRAFT_COLUMNS)
    return Draft(obs, pd.DataFrame(unmapped, columns=UNMAPPED_COLUMNS), header)


def unmapped_path(out: str | Path) -> Path:
    """Where the list of unmapped numbers goes beside a draft: draft.csv -> draft.unmapped.csv."""
    out = Path(out)
    return out.with_name(f"{out.stem}.unmapped{out.suffix}")


def write_draft(result: Draft, out: str | Path) -> tuple[Path, Path]:
    """Write the draft (.csv in UTF-8 with BOM, or .xlsx) and the unmapped list beside it; returns both paths."""
    out = Path(out)
    suffix = out.suffix.lower()
    if suffix not in (".csv", ".xlsx"):
        raise DocumentError([Problem(str(out), "the draft is written as .csv or .xlsx; name the output e.g. "
                                               "draft.csv")])
    side = unmapped_path(out)
    obs = result.observations.copy()
    for frame, path in ((obs, out), (result.unmapped, side)):
        frame = spreadsheet_safe(frame)
        if suffix == ".xlsx":
            files.write_atomic(path, xlsx_bytes(frame))
        else:
            text = frame.assign(value=frame["value"].map(lambda v: "" if pd.isna(v) else _plain(round(v, 10))))
            files.write_atomic(path, text.to_csv(index=False), encoding="utf-8-sig")
    return out, side
