"""Draft a plan pack from a Chinese plan's text: its sections, dated figures and milestones, for a person to review."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from kzlib import files, paths
from kzlib.errors import KzError, PlanTextError, Problem, RegistryError
from kzlib.registry import SAFE_LOADER

PLACEHOLDER = "TODO"  # a field only a person can fill in (English names); REVIEW.md points at each
ENCODINGS = ("utf-8-sig", "gb18030")

# Heading markers, coarsest first. Sections are chosen among the first four; finer ones number the items.
LEVELS = ("篇", "章", "节", "一、", "（一）", "1.", "（1）")
SECTION_LEVELS = ("篇", "章", "一、", "（一）")
_CN = "〇零一二两三四五六七八九十百"
MARKERS = {
    "篇": re.compile(rf"第([{_CN}\d]+)篇[\s　]*"),
    "章": re.compile(rf"第([{_CN}\d]+)章[\s　]*"),
    "节": re.compile(rf"第([{_CN}\d]+)节[\s　]*"),
    "一、": re.compile(r"([一二三四五六七八九十]+)[、．][\s　]*"),
    "（一）": re.compile(r"[（(]([一二三四五六七八九十]+)[）)][\s　]*"),
    "1.": re.compile(r"(\d{1,3})[.．、](?!\d)[\s　]*"),
    "（1）": re.compile(r"[（(](\d{1,3})[）)][\s　]*"),
}
OPENERS, CLOSERS = "“‘「『《（(【〔[", "”’」』》）)】〕]"
QUOTES = {"“": "”", "‘": "’", "「": "」", "『": "』", "《": "》"}
SENTENCE_ENDS, CLAUSE_ENDS = "。；;！!？?", "，,：:"
LIST_MARKS = "、，,；;和及与并"
PUNCTUATION = "、，,；; 　"
ROMAN = "ⅠⅡⅢⅣⅤⅥⅦⅧⅨⅩⅪⅫ"
FULL_WIDTH = str.maketrans("０１２３４５６７８９．％：", "0123456789.%:")
NUMBER = re.compile(r"(?<![\d.])\d+(?:,\d{3})*(?:\.\d+)?")
CN_NUMBER = re.compile(r"[一二两三四五六七八九十百千]+")
RANGE_MARKS = "—–~～至到-"
RATIO = re.compile(r"\s*[:∶]\s*(\d+(?:\.\d+)?)")
TIME = re.compile(r"(?:到|至|截至|截止|在)?(\d{4})年(?:底前|末前|底|末|前)?")
TARGET_KINDS_WITH_INDICATOR = ("level", "share", "count", "growth", "change", "multiple", "ratio", "range",
                               "maintain", "flow")


# ----------------------------------------------------------------------------------------------------------
# Vocabulary


def _longest_first(words) -> tuple[str, ...]:
    return tuple(sorted(set(words), key=lambda w: (-len(w), w)))


@dataclass(frozen=True, eq=False)
class Phrases:
    """The vocabulary of plan texts (kzlib/data/plan_phrases.yaml), in the shapes the drafter matches."""

    doc: dict
    title_suffixes: tuple[str, ...]
    five_year_plans: dict[str, tuple[int, int]]
    frame: tuple[str, ...]
    section_words: dict[str, str]
    scales: dict[str, str]
    units: dict[str, tuple[str, str]]
    aliases: dict[str, str]
    unit_words: tuple[str, ...]
    name_counters: tuple[str, ...]
    idioms: tuple[str, ...]
    before: dict[str, dict]
    after: dict[str, str | None]
    multiples: dict[str, dict]
    cache: dict = field(default_factory=dict, repr=False)

    def words(self, *keys: str) -> tuple[str, ...]:
        """A word list of the vocabulary by its keys (kinds, growth), longest word first."""
        if keys not in self.cache:
            node = self.doc
            for key in keys:
                node = node[key]
            self.cache[keys] = _longest_first(node if not isinstance(node, list) or not node
                                              or not isinstance(node[0], dict) else
                                              [w for entry in node for w in entry["words"]])
        return self.cache[keys]

    def pattern(self, name: str) -> re.Pattern:
        """A compiled pattern of the vocabulary: count_verbs, milestone_verbs, multiples, change, benchmark."""
        if name not in self.cache:
            self.cache[name] = re.compile(_PATTERNS[name](self))
        return self.cache[name]

    def union(self, *paths: tuple[str, ...]) -> tuple[str, ...]:
        """The words of several lists together, longest first."""
        if paths not in self.cache:
            self.cache[paths] = _longest_first([w for keys in paths for w in self.words(*keys)])
        return self.cache[paths]


def _alternatives(words) -> str:
    return "|".join(map(re.escape, words))


_PATTERNS = {
    "count_verbs": lambda ph: _alternatives(ph.words("subjects", "count_verbs")),
    "milestone_verbs": lambda ph: _alternatives(ph.union(("milestones", "verbs"), ("milestones", "records", "verbs"))),
    "multiples": lambda ph: _alternatives(ph.words("kinds", "multiples")),
    "change": lambda ph: (rf"(?:{_alternatives(ph.words('kinds', 'change_against'))})(\d{{4}})年(?:末|底)?(?:相比)?"
                          rf"(?:的?基础上)?(?:累计)?"
                          rf"({_alternatives(ph.union(('kinds', 'change_down'), ('kinds', 'change_up')))})$"),
    "benchmark": lambda ph: (rf"({_alternatives(ph.words('benchmarks', 'comparators'))})"
                             rf"([^，。；]*?(?:{_alternatives(ph.words('benchmarks', 'references'))}))$"),
    "range": lambda ph: rf"((?:{'|'.join(ph.words('figures', 'scales'))})?)[{RANGE_MARKS}]{{1,2}}(\d+(?:\.\d+)?)",
}


def load_phrases(path: str | Path | None = None) -> Phrases:
    """The drafter's vocabulary, read from kzlib/data/plan_phrases.yaml (or another file of the same shape)."""
    return _load_phrases(str(path or paths.PLAN_PHRASES))


@lru_cache(maxsize=4)
def _load_phrases(path: str) -> Phrases:
    doc = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    fig, cmp = doc["figures"], doc["comparators"]
    before = {w: e for e in cmp["before"] for w in e["words"]}
    after = {w: e["comparator"] for e in cmp["after"] for w in e["words"]}
    units = {u: (v[0], v[1]) for u, v in fig["units"].items()}
    return Phrases(
        doc=doc, title_suffixes=_longest_first(doc["titles"]["suffixes"]),
        five_year_plans={k: (int(v[0]), int(v[1])) for k, v in doc["titles"]["five_year_plans"].items()},
        frame=tuple(doc["sections"]["frame"]), section_words=dict(doc["sections"]["words"]),
        scales=dict(fig["scales"]), units=units, aliases=dict(fig["aliases"]),
        unit_words=_longest_first([*units, *fig["aliases"]]), name_counters=_longest_first(fig["name_counters"]),
        idioms=_longest_first(fig["idioms"]), before=before, after=after, multiples=dict(doc["kinds"]["multiples"]),
    )


def _suffix(text: str, words) -> str | None:
    return next((w for w in words if text.endswith(w)), None)


def _prefix(text: str, words) -> str | None:
    return next((w for w in words if text.startswith(w)), None)


def cn_number(text: str) -> int | None:
    """The value of a Chinese or Arabic numeral (十二 → 12, 一百零五 → 105, 12 → 12); None if it is not one."""
    if text.isdigit():
        return int(text)
    digits = {c: i for i, c in enumerate("零一二三四五六七八九")} | {"两": 2, "〇": 0}
    units = {"十": 10, "百": 100, "千": 1000}
    total, current = 0, None
    for ch in text:
        if ch in "零〇" and current is None:
            continue
        if ch in digits:
            if current is not None:
                return None
            current = digits[ch]
        elif ch in units:
            total += (1 if current is None else current) * units[ch]
            current = None
        else:
            return None
    return total + (current or 0)


# ----------------------------------------------------------------------------------------------------------
# Reading the file


def read_plan_text(path: str | Path) -> str:
    """The plan's text as given (UTF-8, with or without BOM, or GBK/GB18030); PlanTextError if it cannot be read."""
    path = Path(path)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise PlanTextError([Problem(str(path), f"cannot be read: {exc.strerror or exc}")]) from exc
    if b"\x00" in data:
        raise PlanTextError([Problem(str(path), "is not a text file (a Word or PDF file?); save the plan as plain "
                                                "text (.txt, UTF-8) and draft from that")])
    for encoding in ENCODINGS:
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise PlanTextError([Problem(str(path), "is neither UTF-8 nor GBK text; save it as UTF-8 text")])
    if not text.strip():
        raise PlanTextError([Problem(str(path), "holds no text")])
    return text


def normalise_newlines(text: str) -> str:
    """The text with every line ending as \\n (as Python reads a text file)."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


# ----------------------------------------------------------------------------------------------------------
# Plan title and years


@dataclass(frozen=True)
class PlanInfo:
    """What the text says of the plan as a whole (plan.yaml), with how each figure was found."""

    id: str
    title_zh: str
    start_year: int | None
    end_year: int | None
    base_year: int | None
    section_zh: str
    section_en: str
    notes: dict[str, str] = field(default_factory=dict)


def _short_lines(text: str) -> list[str]:
    return [ln.strip().replace("　", "") for ln in text.split("\n")]


def plan_title(text: str, ph: Phrases) -> str:
    """The plan's title: a 《…》 title that the text also shows as a title block, else the first title-like line."""
    flat = re.sub(r"\s+", "", text)
    ends = "|".join(map(re.escape, ph.title_suffixes))
    years = r"(?:[（(][^（）()]{0,20}[）)])?"
    for m in re.finditer(rf"《([^《》]{{4,80}}(?:{ends}){years})》", text):
        title = re.sub(r"\s+", "", m.group(1))
        if flat.replace(f"《{title}》", "").count(title):
            return title
    lines = _short_lines(text)
    for i, line in enumerate(lines):
        if line and re.fullmatch(rf"[^。，；：]{{2,60}}(?:{ends}){years}", line) and not line.startswith("《"):
            parts = [line]
            for prev in reversed(lines[max(0, i - 3):i]):
                if not prev:
                    continue
                if re.search(r"[。，；：（）()《》]|通知|\d", prev) or len(prev) > 30:
                    break
                parts.insert(0, prev)
            return "".join(parts)
    first = next((ln for ln in lines if ln), "")
    return first if len(first) <= 40 and not re.search(r"[。，,；;：:]", first) else ""


def plan_years(title: str, text: str, ph: Phrases) -> tuple[int | None, int | None, str]:
    """Start and end year of the plan, from the title (2023—2027年, 十四五) or else the text; and where from."""
    span = re.compile(r"((?:19|20)\d{2})\s*[—–\-~～至到]+\s*((?:19|20)\d{2})\s*年")
    for where, source in (("the title", title), ("the text", text)):
        m = span.search(source)
        if m and int(m.group(1)) < int(m.group(2)):
            return int(m.group(1)), int(m.group(2)), f"from {m.group(0)} in {where}"
        for name, (start, end) in ph.five_year_plans.items():
            if name in source:
                return start, end, f"from {name} in {where}"
    single = re.search(r"((?:19|20)\d{2})年", title) if _suffix(re.sub(r"[（(].*[）)]$", "", title),
                                                                  ph.title_suffixes) else None
    if single:
        return int(single.group(1)), int(single.group(1)), f"from {single.group(0)} in the title (a plan for one year)"
    years = [int(y) for y in re.findall(r"(?:到|至)((?:19|20)\d{2})年", text)]
    if years:
        end = max(set(years), key=years.count)
        return None, end, f"the year most often named after 到/至 ({end}); no start year found"
    return None, None, "no years found"


def section_word(titles: list[str], levels: list[str], ph: Phrases) -> tuple[str, str]:
    """The word the section headings end with (行动, 章, 领域 …) and its English name."""
    if levels and all(lv in ("章", "篇") for lv in levels):
        return levels[0], ph.section_words.get(levels[0], ph.doc["sections"]["default"][1])
    ends = [_suffix(t.rstrip("。"), ph.words("sections", "words")) for t in titles]
    found = [e for e in ends if e]
    if found and len(found) * 2 > len(titles):
        word = max(set(found), key=found.count)
        return word, ph.section_words[word]
    zh, en = ph.doc["sections"]["default"]
    return zh, en


# ----------------------------------------------------------------------------------------------------------
# Headings, sections and clauses


@dataclass(frozen=True)
class Heading:
    """A numbered heading at the start of a line: its level, number, title and span."""

    level: str
    number: int
    title: str
    start: int
    body: int
    end: int


def find_headings(text: str) -> list[Heading]:
    """Every numbered heading of the text (第一章, 一、, （一）, 1. …), with the span up to the next of its rank."""
    found = []
    offset = 0
    for line in text.split("\n"):
        stripped = line.lstrip(" \t　")
        lead = len(line) - len(stripped)
        for level, marker in MARKERS.items():
            m = marker.match(stripped)
            number = cn_number(m.group(1)) if m else None
            if m and number is not None:
                rest = stripped[m.end():]
                title = re.split(r"[。；;！？]", rest, maxsplit=1)[0].strip()
                found.append((level, number, title, offset, offset + lead + m.end()))
                break
        offset += len(line) + 1
    rank = {lv: i for i, lv in enumerate(LEVELS)}
    headings = []
    for i, (level, number, title, start, body) in enumerate(found):
        end = next((f[3] for f in found[i + 1:] if rank[f[0]] <= rank[level]), len(text))
        headings.append(Heading(level, number, title, start, body, end))
    return headings


def _is_frame(title: str, ph: Phrases) -> bool:
    return any(word in title for word in ph.frame) or _is_background(title, ph)


def _is_background(title: str, ph: Phrases) -> bool:
    return any(word in title for word in ph.doc["sections"]["background"])


def choose_sections(headings: list[Heading], ph: Phrases) -> list[Heading]:
    """The headings of the plan's sections: chapters if there are any, else the level below the frame headings."""
    chapters = [h for h in headings if h.level == "章"]
    if chapters:
        return [h for h in chapters if not _is_frame(h.title, ph)]
    lo, hi = 0, max((h.end for h in headings), default=0)
    for level in SECTION_LEVELS:
        here = [h for h in headings if h.level == level and lo <= h.start < hi]
        keep = [h for h in here if not _is_frame(h.title, ph)]
        if len(keep) == 1 and any(h.level in SECTION_LEVELS and keep[0].start < h.start < keep[0].end
                                  for h in headings):
            lo, hi = keep[0].start, keep[0].end
            continue
        if keep:
            return keep
    return []


@dataclass(frozen=True)
class Part:
    """A stretch of the text read as one section (or a frame part that becomes one if it holds dated figures)."""

    title: str
    start: int
    end: int
    heading: Heading | None
    chosen: bool


def plan_parts(text: str, headings: list[Heading], sections: list[Heading], title: str) -> list[Part]:
    """The chosen sections, and the frame parts around them split at their headings, in text order."""
    if not sections:
        return [Part(title, 0, len(text), None, True)]
    parts = [Part(h.title, h.start, h.end, h, True) for h in sections]
    covered = [(h.start, h.end) for h in sections]

    def inside(pos: int) -> bool:
        return any(a <= pos < b for a, b in covered)

    cuts = sorted({0, *(h.start for h in headings if h.level in SECTION_LEVELS and not inside(h.start))})
    limits = sorted({*(h.start for h in sections), len(text)})
    for cut in cuts:
        stop = min([c for c in cuts if c > cut] + [lim for lim in limits if lim > cut])
        if stop > cut and not inside(cut):
            head = next((h for h in headings if h.start == cut), None)
            parts.append(Part(head.title if head else "", cut, stop, head, False))
    return sorted(parts, key=lambda p: p.start)


@dataclass(frozen=True)
class Clause:
    """A comma-delimited stretch of a sentence: the unit a target's quote is drawn from."""

    start: int
    end: int
    sentence: int
    line: int
    item: int


def _split_points(text: str, start: int, end: int, marks: str) -> list[int]:
    """Offsets in text[start:end] of the marks outside brackets and quotation marks (not between two digits)."""
    points, depth, plain_quote = [], 0, False
    for i in range(start, end):
        ch = text[i]
        if ch in OPENERS:
            depth += 1
        elif ch in CLOSERS:
            depth = max(0, depth - 1)
        elif ch == '"':
            plain_quote = not plain_quote
        elif ch in marks and depth == 0 and not plain_quote:
            if ch in ",:：" and 0 < i < len(text) - 1 and text[i - 1].isdigit() and text[i + 1].isdigit():
                continue
            points.append(i)
    return points


def _pieces(start: int, end: int, points: list[int]) -> list[tuple[int, int]]:
    bounds = [start, *[p + 1 for p in points], end]
    return [(a, b) for a, b in zip(bounds, bounds[1:], strict=False) if b > a]


def _trim(text: str, a: int, b: int, chars: str = " \t　") -> tuple[int, int]:
    while a < b and (text[a] in chars):
        a += 1
    while b > a and (text[b - 1] in chars or text[b - 1] in SENTENCE_ENDS + CLAUSE_ENDS):
        b -= 1
    return a, b


def part_clauses(text: str, part: Part, headings: list[Heading]) -> list[Clause]:
    """The clauses of a part, each with the number of the item (1. 2. … or 0 for the opening text) it is in."""
    rank = {lv: i for i, lv in enumerate(LEVELS)}
    inner = [h for h in headings if part.start <= h.start < part.end and h is not part.heading]
    floor = rank[part.heading.level] if part.heading else -1
    item_level = next((lv for lv in LEVELS[floor + 1:] if any(h.level == lv for h in inner)), None)
    items = [h for h in inner if h.level == item_level]
    marker_end = {h.start: h.body for h in headings}
    clauses = []
    pos = part.start
    for line in text[part.start:part.end].split("\n"):
        a, b = pos, pos + len(line)
        pos = b + 1
        a = marker_end.get(a, a)
        item = next((h.number for h in reversed(items) if h.start <= a), 0)
        for sa, sb in _pieces(a, b, _split_points(text, a, b, SENTENCE_ENDS)):
            for ca, cb in _pieces(sa, sb, _split_points(text, sa, sb, CLAUSE_ENDS)):
                ca, cb = _trim(text, ca, cb)
                if cb > ca:
                    clauses.append(Clause(ca, cb, sa, a, item))
    return clauses


# ----------------------------------------------------------------------------------------------------------
# Figures


@dataclass(frozen=True)
class Figure:
    """A number in a clause with its unit, or a word that is a figure (翻一番); skip says why it is not one."""

    start: int
    end: int
    value: float | None = None
    value_high: float | None = None
    unit: str | None = None
    more: bool = False
    ratio: bool = False
    multiple: bool = False
    each: bool = False
    chinese: bool = False
    quoted: bool = False
    skip: str | None = None
    word: str = ""  # the word that is the figure (翻一番), for a multiple


def _quoted_spans(text: str, start: int, end: int) -> list[tuple[int, int]]:
    spans, stack = [], []
    for i in range(start, end):
        ch = text[i]
        if ch in QUOTES:
            stack.append((ch, i))
        elif stack and ch == QUOTES[stack[-1][0]]:
            spans.append((stack.pop()[1], i + 1))
    return spans


def _prefix_at(text: str, pos: int, words) -> str | None:
    return next((w for w in words if text.startswith(w, pos)), None)


def _unit_at(scan: str, pos: int, ph: Phrases) -> tuple[str | None, int, bool, str]:
    """The unit written at pos (with its scale word, 余/多, and a second unit after /): unit as kzlib writes it,
    where it ends, whether 余/多 said 'more than', and the scale word."""
    unit, end, more, scale = _simple_unit_at(scan, pos, ph)
    per = _prefix_at(scan, end, ph.doc["figures"]["per"]) if unit else None
    if per:
        second, end2, _, _ = _simple_unit_at(scan, end + len(per), ph)
        if second:
            return f"{unit}/{second}", end2, more, scale
    return unit, end, more, scale


def _simple_unit_at(scan: str, pos: int, ph: Phrases) -> tuple[str | None, int, bool, str]:
    best: tuple[str | None, int, bool, str] = (None, pos, False, "")
    for scale in ("", *ph.words("figures", "scales")):
        if not scan.startswith(scale, pos):
            continue
        q = pos + len(scale)
        more = q < len(scan) and scan[q] in ph.doc["figures"]["more"]
        q += more
        word = _prefix_at(scan, q, ph.unit_words)
        if word is None and scale and (pos + len(scale) > best[1]):
            best = (None, pos + len(scale), more, scale)
            continue
        if word is None:
            continue
        if q + len(word) > best[1] or best[0] is None:
            alias = ph.aliases.get(scale + word)
            unit = alias if alias else scale + ph.aliases.get(word, word)
            best = (unit, q + len(word), more, scale)
    return best


def _scan_number(text: str, scan: str, m: re.Match, quoted: bool, ph: Phrases) -> Figure:
    """The figure that starts with the Arabic number m: a range, a ratio, a value with its unit, or a skip."""
    a, b = m.start(), m.end()
    before = scan[a - 1] if a else ""
    after = scan[b] if b < len(scan) else ""
    value = float(m.group().replace(",", ""))
    if before == "第":
        return Figure(a, b, skip="an ordinal (第…)")
    if re.match(r"[A-Za-z+]", after or " ") or re.match(r"[A-Za-z+]", before or " "):
        return Figure(a, b, skip="part of a code or name (5G, G211, 3+2)")
    if quoted:
        return Figure(a, b, skip="inside quotation marks: part of a name")
    r = ph.pattern("range").match(scan, b)
    if r:
        if scan.startswith("年", r.end()) and value >= 1000:
            return Figure(a, r.end() + 1, skip="a span of years")
        unit, end, more, _ = _unit_at(scan, r.end(), ph)
        first_scale = r.group(1)
        if unit is not None and (not first_scale or unit.startswith(first_scale)):
            return Figure(a, end, value, float(r.group(2)), unit, more)
    ratio = RATIO.match(scan, b)
    if ratio:
        return Figure(a, ratio.end(), value / float(ratio.group(1)), unit="倍", ratio=True)
    if scan.startswith("年", b) and 1900 <= value <= 2100 and "." not in m.group():
        return Figure(a, b + 1, skip="a year")
    counter = _prefix_at(scan, b, ph.name_counters)
    if counter:
        return Figure(a, b + len(counter), skip=f"a number of a name, grade or date (…{counter})")
    unit, end, more, scale = _unit_at(scan, b, ph)
    works = _rated_works(scan, end, unit, ph)
    if works:
        return Figure(a, end, skip=f"a rating of the works it describes ({text[a:end]}{works}), not a target")
    return Figure(a, end, value, None, unit, more)


def _rated_works(scan: str, end: int, unit: str | None, ph: Phrases) -> str | None:
    """The works named right after a figure in unit that ends at end, if the figure is their rating (500千伏变电站);
    else None."""
    ratings = ph.doc["figures"]["ratings"]
    if _base_unit(unit, ph) not in ratings["units"]:
        return None
    rest = re.split(r"[\d\s、，,；;。：:（(]", scan[end:end + 16], maxsplit=1)[0]
    return rest if any(word in rest for word in ratings["facilities"]) else None


def _scan_chinese(scan: str, m: re.Match, ph: Phrases) -> Figure | None:
    """A figure written in Chinese numerals with a unit (百万亩, 百个); None if the numeral is no quantity."""
    a, b = m.start(), m.end()
    if not re.search("[十百千]", m.group()) or (a and scan[a - 1] == "第"):
        return None
    around = scan[max(0, a - 3):b + 4]
    if any(w in around for w in (*ph.idioms, *ph.five_year_plans)) or scan.startswith("分之", b):
        return None
    value = cn_number(m.group())
    if value is None:
        return None
    if _prefix_at(scan, b, ph.name_counters):
        return None
    unit, end, more, scale = _unit_at(scan, b, ph)
    if unit is None and not scale:
        return None
    return Figure(a, end, float(value), None, unit, more, chinese=True)


@lru_cache(maxsize=8)
def _scan_text(text: str) -> str:
    """The text with full-width digits, points and percent signs as ASCII (same length, for the number patterns)."""
    return text.translate(FULL_WIDTH)


def clause_figures(text: str, clause: Clause, ph: Phrases) -> list[Figure]:
    """The figures of a clause in text order: numbers with units, Chinese numerals, multiples and skipped numbers."""
    scan = _scan_text(text)
    quoted = _quoted_spans(text, clause.start, clause.end)

    def in_quotes(pos: int) -> bool:
        return any(a < pos < b for a, b in quoted)

    found: list[Figure] = []
    for m in NUMBER.finditer(scan, clause.start, clause.end):
        found.append(_scan_number(text, scan, m, in_quotes(m.start()), ph))
    for m in CN_NUMBER.finditer(scan, clause.start, clause.end):
        fig = None if in_quotes(m.start()) else _scan_chinese(scan, m, ph)
        if fig:
            found.append(fig)
    for m in ph.pattern("multiples").finditer(text, clause.start, clause.end):
        if m:
            spec = ph.multiples[m.group()]
            found.append(Figure(m.start(), m.end(), float(spec["value"]), None, "倍", multiple=True, word=m.group(),
                                each=bool(spec.get("each")), quoted=in_quotes(m.start())))
    for i in range(clause.start, clause.end):
        if text[i] in ROMAN:
            found.append(Figure(i, i + 1, None, None, None))
    found.sort(key=lambda f: (f.start, -(f.end - f.start)))
    kept: list[Figure] = []
    for f in found:
        if not kept or f.start >= kept[-1].end:
            kept.append(f)
    return [replace_end(f, clause.end) for f in kept]


def replace_end(fig: Figure, limit: int) -> Figure:
    """The figure with its end kept inside the clause."""
    if fig.end <= limit:
        return fig
    return Figure(**{**fig.__dict__, "end": limit})


# ----------------------------------------------------------------------------------------------------------
# Targets


@dataclass
class Target:
    """One drafted target, with the confidence of the reading and its reasons."""

    kind: str
    name_zh: str
    quote: str
    item: int
    target_year: int | None
    start: int
    subject: str = ""
    scope: str | None = None
    comparator: str | None = None
    value: float | None = None
    value_high: float | None = None
    unit: str | None = None
    base_year: int | None = None
    firmness: str = "firm"
    direction: str = "up"
    measure: str = "amount"
    confidence: str = "high"
    reasons: list[str] = field(default_factory=list)
    action: int = 0
    id: str = ""
    indicator: str | None = None
    suffix: str = ""  # what the name adds to the subject (年均增长, 较2020年下降, 翻一番)
    verb: str | None = None  # the count verb the figure was counted after (建成…1座)

    def rename(self, subject: str) -> None:
        """Give the target its subject, and the name that follows from it."""
        self.subject = subject
        self.name_zh = subject + self.suffix if subject else self.quote

    def lower(self, level: str, reason: str) -> None:
        """Record a reason, and lower the confidence to level if it is lower."""
        order = ("high", "medium", "low")
        if order.index(level) > order.index(self.confidence):
            self.confidence = level
        self.reasons.append(reason)


@dataclass(frozen=True)
class Unread:
    """A clause that holds a figure or a milestone verb the drafter could not read, for the reviewer."""

    quote: str
    item: int
    start: int
    reason: str
    action: int | None = None


@dataclass(frozen=True)
class Skipped:
    """A number read as a date, ordinal or name rather than a quantity."""

    text: str
    quote: str
    start: int
    reason: str
    action: int | None = None


@dataclass(frozen=True)
class Context:
    """What a clause's reading needs from around it: the plan's years and the text of its line and sentence."""

    text: str
    end_year: int | None
    base_year: int | None
    start_year: int | None

    def year_at(self, clause: Clause, pos: int, ph: Phrases) -> tuple[int | None, str | None]:
        """The year in force at pos: the last 到YYYY年 (or five-year plan named) before it in its line, else the
        plan's end year. A year before the plan's start marks a past figure."""
        against = "".join(ph.doc["kinds"]["change_against"]) + "以"
        found: list[tuple[int, int, str]] = []
        for m in TIME.finditer(self.text, clause.line, pos):
            prev = self.text[m.start() - 1] if m.start() else ""
            if m.group(0)[0] not in "到至截在" and (prev in "—–-~～" or prev in against):
                continue
            if not self.text.startswith(("—", "–", "-", "至"), m.end() - 1):
                found.append((m.start(), int(m.group(1)), m.group(0)))
        for name, (_, end) in ph.five_year_plans.items():
            at = self.text.rfind(name, clause.sentence, pos)
            if at >= 0:
                found.append((at, end, name))
        if not found:
            return self.end_year, None
        _, year, said = max(found)
        return year, said

    def aspiration_at(self, clause: Clause, pos: int, ph: Phrases) -> str | None:
        """The aspiration word (力争, 争取 …) before pos in the clause, or in an earlier clause of the sentence
        when this clause does not begin with a verb of its own."""
        words = ph.words("firmness", "aspiration")
        word = next((w for w in words if w in self.text[clause.start:pos]), None)
        if word or clause.sentence == clause.start:
            return word
        head = self.text[clause.start:clause.end]
        verbs = ph.union(("milestones", "verbs"), ("subjects", "count_verbs"))
        if _prefix(head, verbs) or _prefix(head, words):
            return None
        return next((w for w in words if w in self.text[clause.sentence:clause.start]), None)


def _strip_subject(subject: str, ph: Phrases) -> tuple[str, str | None, bool]:
    """A subject without leading modifiers, time phrases and trailing 分别/均; its scope word; whether distributive."""
    subject = re.sub(r"(?:到|至|截至|截止)\d{4}年(?:底前|末前|底|末|前)?", "", subject)
    scope, distributive = None, False
    changed = True
    while changed and subject:
        changed = False
        stripped = subject.lstrip(PUNCTUATION + CLOSERS.replace("）", "").replace(")", ""))
        if stripped != subject:
            subject, changed = stripped, True
        for word in ph.words("kinds", "flow_words"):
            if subject.startswith(word):
                subject, changed = subject[len(word):], True
        word = _prefix(subject, ph.words("subjects", "scopes"))
        if word:
            scope, subject, changed = word, subject[len(word):], True
        word = _prefix(subject, ph.words("subjects", "leading"))
        if word and len(subject) > len(word):
            subject, changed = subject[len(word):], True
        word = _suffix(subject, ph.words("subjects", "trailing"))
        if word and len(subject) > len(word):
            distributive = distributive or word in ph.doc["subjects"]["distributive"]
            subject, changed = subject[:-len(word)], True
    return subject.strip(PUNCTUATION + "：:").rstrip(OPENERS), scope, distributive


def _verb_noun(text: str, pos: int, ph: Phrases) -> bool:
    """Whether the verb at pos begins a noun (建成区面积) rather than being a verb (建成区域…中心)."""
    return bool(_prefix(text[pos:], ph.words("subjects", "verb_nouns"))
                and not _prefix(text[pos:], ph.words("subjects", "not_nouns")))


def _count_verb(pre: str, ph: Phrases) -> tuple[str, int] | None:
    """The last count verb in pre and its offset, skipping nouns that begin with a verb (建成区)."""
    found = [m for m in ph.pattern("count_verbs").finditer(pre) if not _verb_noun(pre, m.start(), ph)]
    return (found[-1].group(), found[-1].start()) if found else None


@dataclass
class Reading:
    """What the words before a figure say: subject, comparator, kind and base year, with the reasons."""

    subject: str
    scope: str | None = None
    comparator: str | None = None
    word: str | None = None
    kind: str | None = None
    base_year: int | None = None
    sign: int = 1
    distributive: bool = False
    verb: str | None = None
    weak: bool = False
    reasons: list[str] = field(default_factory=list)


def read_before(pre: str, fig: Figure, ph: Phrases) -> Reading:
    """Read the words before a figure: 较2020年下降, 超过, 年均增长, a count verb, and the subject they leave."""
    down, up = ph.words("kinds", "change_down"), ph.words("kinds", "change_up")
    change = ph.pattern("change").search(pre)
    r = Reading(pre)
    if fig.multiple:
        r.kind, r.comparator, r.word = "multiple", ">=", fig.word
    elif change and not fig.ratio:
        r.kind, r.base_year = "change", int(change.group(1))
        r.sign = -1 if change.group(2) in down else 1
        r.word, r.subject = change.group(0), pre[:change.start()]
    else:
        word = _suffix(pre, ph.union(("comparators", "before")))
        if word:
            spec = ph.before[word]
            r.word, r.comparator, r.kind, r.weak = word, spec["comparator"], spec.get("kind"), bool(spec.get("weak"))
            r.subject = pre[:-len(word)]
        growth = _suffix(r.subject, ph.words("kinds", "growth"))
        unstated = _suffix(r.subject, (*down, *up)) if fig.unit in ("%", "百分点") and not word else None
        if growth and r.kind in (None, "maintain"):
            r.kind, r.subject = "growth", r.subject[:-len(growth)]
            r.word = growth + (f"…{word}" if word else "")
        elif unstated and unstated == "增长" and fig.unit == "%":
            r.kind, r.word, r.subject = "growth", unstated, r.subject[:-len(unstated)]
            r.reasons.append("增长 without 年均 is read as average annual growth")
        elif unstated:
            r.kind, r.sign, r.word = "change", (-1 if unstated in down else 1), unstated
            r.subject = r.subject[:-len(unstated)]
    if r.comparator is None and r.kind != "change" or r.kind == "multiple":
        verb = _count_verb(r.subject, ph)
        if verb and (r.kind != "multiple" or verb[1] == 0):
            r.verb = verb[0]
            keep = verb[0] in ph.doc["subjects"]["keep_verbs"]
            r.subject = r.subject if keep else r.subject[verb[1] + len(verb[0]):]
    r.subject, r.scope, r.distributive = _strip_subject(r.subject, ph)
    return r


def _after_word(text: str, pos: int, limit: int, ph: Phrases) -> tuple[int, str | None, str | None]:
    """The word right after a figure (以上, 左右, 以内 …): the position after it, the comparator and the word."""
    word = _prefix(text[pos:limit], ph.union(("comparators", "after")))
    if word is None:
        return pos, None, None
    return pos + len(word), ph.after[word], word


def _split_names(subject: str, k: int, distributive: bool, ph: Phrases) -> list[str]:
    """One name per figure of a run (A、B…分别达到x、y) or per subject named before a distributive word."""
    def split(s: str, marks: str) -> list[str]:
        points = _split_points(s, 0, len(s), marks)
        return [s[a:b].strip(marks) for a, b in _pieces(0, len(s), points) if s[a:b].strip(marks)]

    parts = split(subject, "、")
    if (k > 1 and len(parts) != k) or (k == 1 and distributive and len(parts) == 1):
        more = [p for part in parts for p in split(part, "和及与")]
        parts = more if (len(more) == k or (k == 1 and len(more) > 1)) else parts
    if k > 1 and len(parts) != k:
        return [subject] * k
    if k == 1 and not distributive:
        return [subject]
    return _complete_names(parts, ph)


def _complete_names(parts: list[str], ph: Phrases) -> list[str]:
    """Give A of 'A、B增加值' the head it shares with the last name: A增加值."""
    last = parts[-1]
    stems = ph.words("subjects", "stems")
    starts = [s for s in stems if len(s) > 1] + list(ph.words("subjects", "tail_starts"))
    hits = [last.find(s, 1) for s in starts if last.find(s, 1) > 0]
    tail = last[min(hits):] if hits else None
    names = []
    for p in parts[:-1]:
        if any(s in p for s in stems):
            names.append(p)
        elif tail:
            names.append(p + tail)
        elif len(p) < len(last):
            names.append(p + last[len(p):])
        else:
            names.append(p)
    return [*names, last]


def _kind_of(fig: Figure, r: Reading, subject: str, pre: str, ph: Phrases) -> tuple[str, str]:
    """The target kind and the indicator's measure of a figure."""
    unit_measure = "ratio" if fig.unit and "/" in fig.unit else ph.units.get(_base_unit(fig.unit, ph) or "",
                                                                             (None, "amount"))[1]
    per_capita = any(w in subject for w in ph.words("kinds", "per_capita"))
    measure = "ratio" if (fig.ratio or per_capita) else unit_measure
    if fig.value_high is not None:
        return "range", measure
    if fig.ratio:
        return "ratio", "ratio"
    if r.kind in ("growth", "change", "multiple"):
        return r.kind, "amount"
    if r.kind == "maintain" or any(w in subject for w in ph.words("kinds", "maintain_subjects")):
        return "maintain", measure
    if any(w in pre for w in ph.words("kinds", "flow_words")):
        return "flow", measure
    if measure == "share":
        return "share", measure
    if measure == "count" and not per_capita:
        return "count", measure
    return "level", measure


def _base_unit(unit: str | None, ph: Phrases) -> str | None:
    if unit is None:
        return None
    scale = _prefix(unit, ph.words("figures", "scales"))
    rest = unit[len(scale):] if scale and unit != scale else unit
    return rest if rest in ph.units else (unit if unit in ph.units else None)


def unit_en(unit: str | None, ph: Phrases) -> str:
    """The English name of a unit as kzlib writes it (亿元 → 100 million yuan); the placeholder if unknown."""
    if unit and "/" in unit:
        names = [unit_en(part, ph) for part in unit.split("/", 1)]
        return PLACEHOLDER if PLACEHOLDER in names else " per ".join(names)
    base = _base_unit(unit, ph)
    if base is None:
        return PLACEHOLDER
    scale = unit[:len(unit) - len(base)]
    name = ph.units[base][0]
    return f"{ph.scales[scale]} {name}" if scale else name


def _direction(comparator: str | None, value: float | None, kind: str, subject: str, ph: Phrases) -> str:
    if comparator in ("<", "<=") or (kind == "change" and (value or 0) < 0):
        return "down"
    if any(w in subject for w in ph.words("kinds", "lower_is_better")):
        return "down"
    return "up"


def _make_target(fig: Figure, r: Reading, post: tuple[str | None, str | None], name: str, clause: Clause,
                 ctx: Context, pre: str, ph: Phrases, inherited: str | None = None) -> Target:
    """A target from a figure, the reading of the words before it and the word after it."""
    text = ctx.text
    quote = text[clause.start:clause.end]
    kind, measure = _kind_of(fig, r, name, pre, ph)
    year, said = ctx.year_at(clause, fig.start, ph)
    t = Target(kind=kind, name_zh=quote, quote=quote, item=clause.item, target_year=year, start=fig.start,
               scope=r.scope, value=fig.value, value_high=fig.value_high, unit=fig.unit, base_year=r.base_year,
               measure=measure)
    t.reasons.extend(r.reasons)
    post_cmp, post_word = post
    if kind == "range":
        t.comparator = "between"
        t.reasons.append("a range of two figures")
    elif post_word and post_cmp:
        t.comparator = post_cmp
        t.reasons.append(f"{post_word} after the figure → {post_cmp!r}")
    elif fig.more:
        t.comparator = ">"
        t.reasons.append("余/多 after the figure → '>'")
    elif r.comparator:
        t.comparator = r.comparator
        t.reasons.append(f"{r.word} → {r.comparator!r}")
        if r.weak:
            t.lower("medium", f"{r.word} does not say floor or exact value; read as a floor")
    elif kind == "change":
        t.comparator = "<=" if r.sign < 0 else ">="
        t.reasons.append(f"{r.word} → {t.comparator!r} (a change of at least the figure)")
    elif r.verb or inherited:
        t.verb = r.verb or inherited
        t.comparator = ">="
        t.reasons.append(f"counted after {r.verb or inherited}: a floor ('>=')")
    else:
        t.comparator = ">="
        t.lower("medium", "no comparator word: a bare figure read as a floor ('>=')")
    if kind == "change":
        t.value = -abs(fig.value) if r.sign < 0 else abs(fig.value)
        if t.comparator == ">=" and r.sign < 0:
            t.comparator = "<="
        if r.base_year is None:
            t.base_year = ctx.base_year
            t.lower("low", f"no base year stated; the plan's base year {ctx.base_year} assumed")
        if fig.unit == "百分点":
            t.lower("low", "a change in percentage points: kzlib's change kind is relative; check the kind")
    if kind == "growth":
        t.reasons.append(f"{r.word}: average annual growth in percent")
    if kind == "multiple":
        t.reasons.append(f"{text[fig.start:fig.end]} → {fig.value:g} times the base-year level")
    if said:
        t.reasons.append(f"year from {said}")
    else:
        t.reasons.append("no year in the line: the plan's end year")
    if fig.unit is None:
        t.unit = PLACEHOLDER
        t.lower("low", "no unit after the figure")
    if fig.chinese:
        t.lower("low", f"written in Chinese numerals ({text[fig.start:fig.end]}); check value and unit")
    if fig.quoted:
        t.lower("low", "inside quotation marks: it may be the name of a programme rather than a target")
    aspiration = ctx.aspiration_at(clause, fig.start, ph)
    if aspiration:
        t.firmness = "aspiration"
        t.reasons.append(f"{aspiration} → aspiration")
    t.direction = _direction(t.comparator, t.value, kind, name, ph)
    t.suffix = {"growth": "年均增长", "multiple": text[fig.start:fig.end], "change": r.word or ""}.get(kind, "")
    t.rename(name)
    return t


@dataclass
class ClauseDraft:
    """Everything drafted from one clause."""

    targets: list[Target] = field(default_factory=list)
    unread: list[Unread] = field(default_factory=list)
    skipped: list[Skipped] = field(default_factory=list)


def _subject_end(text: str, pos: int, limit: int) -> int:
    """Where the thing counted after a figure ends: the next 、 outside brackets, or the limit."""
    points = _split_points(text, pos, limit, "、")
    return points[0] if points else limit


def read_clause(clause: Clause, ctx: Context, ph: Phrases) -> ClauseDraft:
    """Draft the targets of one clause: its figures, then its milestones and benchmarks; list what is not read."""
    text = ctx.text
    quote = text[clause.start:clause.end]
    out = ClauseDraft()
    figures = clause_figures(text, clause, ph)
    live = [f for f in figures if not f.skip]
    for f in figures:
        if f.skip:
            out.skipped.append(Skipped(text[f.start:f.end], quote, f.start, f.skip))
    cursor, layout = clause.start, None
    runs: list[tuple[list[tuple[Target, Figure]], Reading]] = []
    unused: list[Figure] = []
    group_verb = None
    for i, f in enumerate(live):
        limit = live[i + 1].start if i + 1 < len(live) else clause.end
        pos, post_cmp, post_word = _after_word(text, f.end, limit, ph)
        rest = text[pos:limit].lstrip("”’」』》")
        pre = text[cursor:f.start]
        pre_clean = pre.lstrip(PUNCTUATION).rstrip(PUNCTUATION)
        if cursor > clause.start:
            pre_clean = pre_clean.lstrip(LIST_MARKS + " 　")
        closing = f.multiple or not rest.strip() or rest[0] in LIST_MARKS + "等"
        if f.value is None or (f.unit is None and not closing):
            unused.append(f)
            continue
        if not closing:
            verb = _count_verb(pre_clean, ph)
            at_end = verb and pre_clean.endswith(verb[0])
            if at_end or (not pre_clean and layout == "B"):
                stop = _subject_end(text, pos, limit)
                thing = text[pos:stop].strip().rstrip("和及与并")
                r = read_before("", f, ph)
                r.verb = verb[0] if verb else group_verb
                group_verb = r.verb
                name, scope, _ = _strip_subject(thing, ph)
                t = _make_target(f, r, (post_cmp, post_word), name, clause, ctx, pre, ph)
                out.targets.append(t)
                cursor, layout = stop, "B"
                continue
            unused.append(f)
            continue
        if not pre_clean and runs and layout == "A":
            run, r = runs[-1]
            name = run[0][0].subject
            t = _make_target(f, r, (post_cmp, post_word), name, clause, ctx, pre, ph)
            run.append((t, f))
        else:
            r = read_before(pre_clean, f, ph)
            inherited = group_verb if (r.verb is None and r.comparator is None and pre.lstrip().startswith("、")) \
                else None
            group_verb = r.verb or group_verb
            t = _make_target(f, r, (post_cmp, post_word), r.subject, clause, ctx, pre, ph, inherited)
            runs.append(([(t, f)], r))
        cursor, layout = pos, "A"
    for run, r in runs:
        out.targets.extend(_finish_run(run, r, ctx, clause, ph))
    for t in out.targets:
        if t.kind == "count" and t.value == 1 and t.verb and _named(t.subject, ph):
            _one_named_work(t, ph)
    out.targets.sort(key=lambda t: t.start)
    tail = text[cursor:clause.end] if out.targets else quote
    offset = cursor if out.targets else clause.start
    milestones, why_not = read_milestones(tail, offset, clause, ctx, ph)
    out.targets.extend(milestones)
    if ctx.start_year:
        past = [t for t in out.targets if t.target_year and t.target_year < ctx.start_year]
        for t in past:
            out.unread.append(Unread(quote, clause.item, t.start, f"a figure of {t.target_year}, before the plan "
                                     f"starts: a past value, not a target ({t.name_zh})"))
        out.targets = [t for t in out.targets if t not in past]
    names = "".join(t.name_zh for t in out.targets)
    unread = [text[f.start:f.end] for f in unused if text[f.start:f.end] not in names]
    if unread:
        out.unread.append(Unread(quote, clause.item, clause.start, f"figure {'、'.join(unread)} not read as a "
                                 "target (it describes something, or has no unit)"))
    if not out.targets:
        bench = read_benchmarks(quote, clause, ctx, ph)
        out.targets.extend(bench)
        if not bench and why_not:
            out.unread.append(Unread(quote, clause.item, clause.start, why_not))
    return out


def _named(thing: str, ph: Phrases) -> bool:
    """Whether a counted thing has a name of its own: a name before its grade (汉丰湖国家级旅游度假区) or the place or
    body it belongs to (海螺水泥厂储能电站), not a kind of thing (国家级孵化器, 乡镇卫生院, 垃圾焚烧发电厂)."""
    named = ph.doc["milestones"]["named"]
    verb = _prefix(thing, ph.words("subjects", "count_verbs"))
    thing = thing[len(verb):] if verb else thing
    for word in (*named["grades"], *named["owners"]):
        at = thing.find(word)
        end = at + len(word)
        if at >= 2 and len(thing) - end >= 2 and not _suffix(thing[:end], named["generic"]):
            return True
    return False


def _one_named_work(t: Target, ph: Phrases) -> None:
    """Turn the count of one named work (建成汉丰湖国家级旅游度假区1个) into the milestone it is."""
    verb = t.verb or ""
    t.kind, t.name_zh = "milestone", (t.subject if t.subject.startswith(verb) else verb + t.subject)
    t.comparator = t.value = t.value_high = t.unit = None
    t.reasons = [f"{verb}: one named work ({t.subject}), read as a milestone rather than a count of 1",
                 "check that it is a deliverable the plan commits to"]
    t.confidence = "medium"


def _finish_run(run: list[tuple[Target, Figure]], r: Reading, ctx: Context, clause: Clause,
                ph: Phrases) -> list[Target]:
    """Name each target of a run of figures sharing one subject, and apply a trailing 以上/左右 to all of them."""
    targets = [t for t, _ in run]
    last = targets[-1]
    post = next((why for why in last.reasons if "after the figure" in why), None)
    if post and len(targets) > 1:
        for t in targets[:-1]:
            if not any("after the figure" in why for why in t.reasons) and t.kind != "range":
                t.comparator = last.comparator
                t.reasons.append(f"{post} (said after the last figure of the list)")
    each = any(f.each for _, f in run)
    names = _split_names(r.subject, len(targets), r.distributive or each, ph)
    if len(targets) == 1 and len(names) > 1:
        template = targets[0]
        copies = []
        for name in names:
            t = Target(**{**template.__dict__, "reasons": [*template.reasons]})
            t.rename(name)
            t.reasons.append("one figure for each of the subjects named before it")
            copies.append(t)
        return copies
    for t, name in zip(targets, names, strict=True):
        t.rename(name)
    if len(targets) > 1:
        shared = len(set(names)) == 1
        for t in targets:
            if shared:
                t.lower("medium", "several figures share one subject: check which thing each one measures")
            else:
                t.reasons.append("one of a list of figures, matched to the subjects in order")
    return targets


# ----------------------------------------------------------------------------------------------------------
# Milestones and benchmarks


def _object_parts(obj: str, ph: Phrases) -> list[str]:
    """The things a milestone verb names (A、B和C; A以及B): one each, a bare place name given the works of the last
    one (聚奎镇、铁门乡35千伏变电站 → 聚奎镇35千伏变电站)."""
    points = _split_points(obj, 0, len(obj), "、")
    parts = [obj[a:b].strip("、 ") for a, b in _pieces(0, len(obj), points) if obj[a:b].strip("、 ")]
    lists = ph.doc["milestones"]["lists"]
    split = []
    for i, part in enumerate(parts):
        words = lists["always"] + (lists["last"] if len(parts) > 1 and i == len(parts) - 1 else [])
        split += _split_conjunctions(part, words, lists["bound"])
    return _complete_places(split, ph)


def _split_conjunctions(part: str, words: list[str], bound: list[str]) -> list[str]:
    """A part split at its conjunctions (outside brackets, not inside a word such as 和美), each side two characters
    or more."""
    if not words:
        return [part]
    conjunction = re.compile("|".join(map(re.escape, _longest_first(words))))

    def in_word(i: int) -> bool:
        return any(part.startswith(w, j) for w in bound for j in range(max(0, i - len(w) + 1), i + 1))

    out, start, depth, i = [], 0, 0, 0
    while i < len(part):
        ch = part[i]
        depth += ch in OPENERS
        depth -= ch in CLOSERS and depth > 0
        m = conjunction.match(part, i) if depth == 0 else None
        if m and not in_word(i) and i - start >= 2 and len(part) - m.end() >= 2:
            out.append(part[start:i])
            start = i = m.end()
            continue
        i += 1
    out.append(part[start:])
    return [p for p in out if p]


def _complete_places(parts: list[str], ph: Phrases) -> list[str]:
    """Give each bare place name of a list (聚奎镇) the works that follow the place of the last name (…35千伏变电站)."""
    if len(parts) < 2:
        return parts
    suffixes = "|".join(map(re.escape, ph.words("milestones", "lists", "places")))
    place = re.compile(rf"[\u4e00-\u9fff]{{1,6}}?(?:{suffixes})")
    head = place.match(parts[-1])
    tail = parts[-1][head.end():] if head else ""
    if not tail:
        return parts
    return [p + tail if place.fullmatch(p) else p for p in parts[:-1]] + [parts[-1]]


def read_milestones(tail: str, offset: int, clause: Clause, ctx: Context, ph: Phrases
                    ) -> tuple[list[Target], str | None]:
    """Milestones in the text of a clause (建成X、Y; X实现零的突破); else why a milestone verb was not read."""
    ms = ph.doc["milestones"]
    quote = ctx.text[clause.start:clause.end]
    end = len(tail.rstrip(PUNCTUATION))
    for word in ph.words("milestones", "phrases"):
        if tail.endswith(word, 0, end):
            at = end - len(word)
            obj, _, _ = _strip_subject(tail[:at], ph)
            parts = _object_parts(obj, ph) or [""]
            return [_milestone(part + word, quote, clause, offset + end, ctx, ph, word, "an achievement")
                    for part in parts], None
    m = re.search(r"进入[^，。；]{1,16}行列", tail)
    if m:
        return [_milestone(m.group(0), quote, clause, offset + m.end(), ctx, ph, "进入…行列", "an achievement")], None
    hit = _milestone_verb(tail, ph)
    if hit is None:
        return [], None
    verb, at = hit
    before, after = tail[:at], tail[at + len(verb):end].strip()
    final = not after.strip("等")
    if verb in ms["records"]["verbs"] and not any(n in (before if final else after) for n in ms["records"]["objects"]):
        return [], None
    prev = _suffix(before, ph.words("milestones", "not_after"))
    if prev:
        return [], f"milestone verb {verb} after {prev}: read as a purpose, not a deliverable"
    if not final and verb in ms["final_verbs"] or final and verb in ms["initial_verbs"]:
        return [], None
    process = next((w for w in ph.words("milestones", "process") if w in before), None)
    if not final and process:
        return [], f"milestone verb {verb} follows {process}: part of a process, not a deliverable"
    obj, _, _ = _strip_subject(before if final else after, ph)
    for ending in ph.words("milestones", "trailing"):
        if obj.endswith(ending) and len(obj) > len(ending):
            obj = obj[:-len(ending)]
            break
    if verb in ms["records"]["verbs"] and not any(obj.endswith(n) for n in ms["records"]["objects"]):
        return [], None
    if final and _prefix(obj, ph.words("milestones", "process")):
        return [], f"milestone verb {verb} after a process ({obj[:4]}…): not a deliverable"
    if _prefix(obj, ph.words("milestones", "self_reference")):
        return [], None
    if len(obj) < 2 or _prefix(obj, ph.words("milestones", "vague")):
        return [], f"milestone verb {verb} with no definite object"
    if _suffix(obj, ph.words("milestones", "abstract")):
        return [], f"milestone verb {verb} with an abstract object (…{obj[-4:]}): a process, not a deliverable"
    targets = []
    for part in _object_parts(obj, ph):
        own = _prefix(part, ph.words("milestones", "verbs"))
        name = part if own else (part + verb if final else verb + part)
        targets.append(_milestone(name, quote, clause, offset + at + len(verb), ctx, ph, verb, "a milestone verb"))
    return targets, None


def _milestone_verb(text: str, ph: Phrases) -> tuple[str, int] | None:
    """The first milestone verb in text (longest at its place), skipping nouns such as 建成区."""
    for m in ph.pattern("milestone_verbs").finditer(text):
        if not _verb_noun(text, m.start(), ph):
            return m.group(), m.start()
    return None


def _milestone(name: str, quote: str, clause: Clause, pos: int, ctx: Context, ph: Phrases, word: str,
               what: str) -> Target:
    """A milestone target; read with high confidence after a verb of completion or start of works."""
    year, said = ctx.year_at(clause, pos, ph)
    why = f"{word}: {what}"
    sure = word in ph.words("milestones", "sure")
    t = Target(kind="milestone", name_zh=name, quote=quote, item=clause.item, target_year=year, start=pos,
               confidence="high" if sure else "medium",
               reasons=[why] if sure else [why, "check that it is a deliverable the plan commits to"])
    if said:
        t.reasons.append(f"year from {said}")
    aspiration = ctx.aspiration_at(clause, pos, ph)
    if aspiration:
        t.firmness = "aspiration"
        t.reasons.append(f"{aspiration} → aspiration")
    return t


def read_benchmarks(quote: str, clause: Clause, ctx: Context, ph: Phrases) -> list[Target]:
    """Comparisons with a reference the plan does not quantify (增速高于全市平均水平): one per reference."""
    m = ph.pattern("benchmark").search(quote)
    if not m or re.search(r"\d", quote):
        return []
    subject, _, _ = _strip_subject(quote[:m.start()], ph)
    refs = [p for p in re.split("[和及与]", m.group(2)) if p]
    year, said = ctx.year_at(clause, clause.start + m.start(), ph)
    out = []
    for r in refs:
        t = Target(kind="benchmark", name_zh=f"{subject}{m.group(1)}{r}", quote=quote, item=clause.item,
                   target_year=year, start=clause.start + m.start(), confidence="low",
                   reasons=[f"{m.group(1)} a reference the plan does not quantify: not assessable"])
        if said:
            t.reasons.append(f"year from {said}")
        out.append(t)
    return out


# ----------------------------------------------------------------------------------------------------------
# The whole plan


@dataclass
class Section:
    """A section of the draft: number, title and goals sentence (exact quote), with where they came from."""

    action: int
    title_zh: str
    goals_zh: str
    start: int
    end: int
    chosen: bool


@dataclass
class Draft:
    """A draft pack: the plan, its sections, targets and indicators, and the review list."""

    plan: PlanInfo
    sections: list[Section]
    targets: list[Target]
    indicators: list[dict]
    unread: list[Unread]
    skipped: list[Skipped]
    reused: list[str]  # ids of the known indicators copied into the draft (matched by name, and their sources)


def _goals(text: str, part: Part, first_item: int | None) -> str:
    """The goals sentence of a section: from 到YYYY年 to the end of the line of its opening text, else its title."""
    start = part.heading.body if part.heading else part.start
    stop = first_item if first_item is not None else part.end
    opening = text[start:stop]
    m = re.search(r"(?:到|至)(?:19|20)\d{2}年", opening)
    if m:
        line_end = opening.find("\n", m.start())
        return opening[m.start():line_end if line_end >= 0 else len(opening)].strip()
    lines = [ln.strip() for ln in opening.split("\n") if ln.strip()]
    if lines:
        return lines[1] if len(lines) > 1 and lines[0] == part.title else lines[0]
    return part.title or text[part.start:part.end].strip().split("\n")[0].strip()


def _carry_subject(new: list[Target], before: list[Target], clause: Clause) -> None:
    """Give a target without a subject (…，年均增长6%) the subject of the target before it in the sentence."""
    last = next((t for t in reversed(before) if t.subject and t.kind in TARGET_KINDS_WITH_INDICATOR), None)
    for t in new:
        if t.subject or t.kind not in TARGET_KINDS_WITH_INDICATOR:
            continue
        if last is not None and last.start >= clause.sentence:
            t.scope = t.scope or last.scope
            t.rename(last.subject)
            t.reasons.append("subject carried over from the figure before it in the sentence")
        else:
            t.lower("low", "no subject found before the figure; the indicator is named after the whole clause")
            t.subject = t.quote


def draft_plan(text: str, plan_id: str = "draft", known: list[dict] | None = None,
               phrases: Phrases | None = None) -> Draft:
    """Draft a plan pack from a plan's text alone; known indicators (dicts with id, name_zh) are reused by name."""
    ph = phrases or load_phrases()
    text = normalise_newlines(text)
    title = plan_title(text, ph)
    start_year, end_year, years_from = plan_years(title, text, ph)
    base_year = start_year - 1 if start_year else None
    headings = find_headings(text)
    chosen = choose_sections(headings, ph)
    parts = plan_parts(text, headings, chosen, title)
    ctx = Context(text, end_year, base_year, start_year)
    drafted: list[tuple[Part, list[Target], list[Unread], list[Skipped]]] = []
    for part in parts:
        targets, unread, skipped = [], [], []
        for clause in part_clauses(text, part, headings):
            got = read_clause(clause, ctx, ph)
            _carry_subject(got.targets, targets, clause)
            targets += got.targets
            unread += got.unread
            skipped += got.skipped
        drafted.append((part, targets, unread, skipped))
    sections, targets, unread, skipped = [], [], [], []
    for part, ts, us, ss in drafted:
        numeric = [t for t in ts if t.kind in TARGET_KINDS_WITH_INDICATOR]
        background = part.heading is not None and _is_background(part.title, ph)
        if part.chosen or (part.heading and numeric and not background):
            n = len(sections) + 1
            rank = {lv: i for i, lv in enumerate(LEVELS)}
            floor = rank[part.heading.level] if part.heading else -1
            first = next((h.start for h in headings if part.start < h.start < part.end and rank[h.level] > floor),
                         None)
            sections.append(Section(n, part.title or title or PLACEHOLDER, _goals(text, part, first), part.start, part.end,
                                    part.chosen))
            for t in ts:
                t.action = n
            targets += ts
            unread += [Unread(u.quote, u.item, u.start, u.reason, n) for u in us]
            skipped += [Skipped(s.text, s.quote, s.start, s.reason, n) for s in ss]
        else:
            where = f"outside the sections ({part.title})" if part.title else "outside the sections"
            if background:
                where = f"in the review of the past ({part.title}): a past value, not a target"
            for t in ts:
                what = "milestone" if t.kind == "milestone" else "figure"
                unread.append(Unread(t.quote, t.item, t.start, f"{what} {where}: {t.name_zh}"))
            unread += us
            skipped += ss
    if not sections:
        whole = Part(title, 0, len(text), None, True)
        sections.append(Section(1, title or PLACEHOLDER, _goals(text, whole, None), 0, len(text), True))
    titles = [s.title_zh for s in sections if s.chosen] if chosen else []
    zh, en = section_word(titles, [h.level for h in chosen], ph)
    notes = {"years": years_from}
    if base_year is not None:
        notes["base_year"] = "the year before start_year; the text names no base year"
    info = PlanInfo(plan_id, title or PLACEHOLDER, start_year, end_year, base_year, zh, en, notes)
    indicators, reused = assign_ids(targets, known or [], ph)
    return Draft(info, sections, targets, indicators, unread, skipped, reused)


RATE_KINDS = ("growth", "change", "multiple")  # kinds whose unit is not the indicator's unit


def assign_ids(targets: list[Target], known: list[dict], ph: Phrases) -> tuple[list[dict], list[str]]:
    """Give every target its indicator and an id; return the draft's indicators and the ids copied from known."""
    by_name = {str(k.get("name_zh")): k for k in known if k.get("id") and k.get("name_zh")}
    proposed: dict[tuple[str, str], dict] = {}
    matched: list[str] = []
    counts: dict[str, int] = {}
    ordered = sorted(targets, key=lambda t: (t.action, t.start))
    measured = [t for t in ordered if t.kind in TARGET_KINDS_WITH_INDICATOR and t.kind not in RATE_KINDS]
    for t in measured + [t for t in ordered if t.kind in RATE_KINDS]:
        unit = PLACEHOLDER if t.kind in RATE_KINDS else (t.unit or PLACEHOLDER)
        found = by_name.get(t.subject)
        same_name = [ind for (name, _), ind in proposed.items() if name == t.subject]
        if found and _unit_fits(t, found):
            t.indicator = str(found["id"])
            matched += [t.indicator] if t.indicator not in matched else []
            t.reasons.append(f"indicator {t.indicator}: the known indicator named {t.subject}")
        elif (t.subject, unit) in proposed:
            t.indicator = proposed[(t.subject, unit)]["id"]
        elif t.kind in RATE_KINDS and same_name:
            t.indicator = same_name[0]["id"]
        else:
            counts[t.measure] = counts.get(t.measure, 0) + 1
            t.indicator = f"{t.measure}_{counts[t.measure]:02d}"
            proposed[(t.subject, unit)] = {
                "id": t.indicator, "name_zh": t.subject, "name_en": PLACEHOLDER, "unit": unit,
                "unit_en": unit_en(unit, ph), "direction": t.direction if t.direction != "band" else "up",
                "measure": t.measure, **({"scope": t.scope} if t.scope else {}),
            }
    _target_ids(ordered, set(matched))
    copied = _with_sources(matched, known)
    return copied + list(proposed.values()), [str(k["id"]) for k in copied]


def _target_ids(targets: list[Target], known_ids: set[str]) -> None:
    """Ids a{section}_{known indicator}, or a{section}_t01 / _m01 / _b01 in plan order; unique."""
    used: set[str] = set()
    counts: dict[tuple[int, str], int] = {}
    for t in targets:
        letter = {"milestone": "m", "benchmark": "b"}.get(t.kind, "t")
        if t.indicator in known_ids:
            tid = f"a{t.action}_{t.indicator}"
        else:
            n = counts[(t.action, letter)] = counts.get((t.action, letter), 0) + 1
            tid = f"a{t.action}_{letter}{n:02d}"
        base, k = tid, 1
        while tid in used:
            k += 1
            tid = f"{base}_{k}"
        used.add(tid)
        t.id = tid


def _with_sources(ids: list[str], known: list[dict]) -> list[dict]:
    """The known indicators of the ids, with every indicator they are derived from (derived_from), in order."""
    by_id = {str(k.get("id")): k for k in known}
    wanted, queue = [], list(ids)
    while queue:
        iid = queue.pop(0)
        if iid in by_id and iid not in wanted:
            wanted.append(iid)
            queue += [str(src) for src in by_id[iid].get("derived_from") or []]
    return [dict(by_id[iid]) for iid in wanted]


def _unit_fits(t: Target, indicator: dict) -> bool:
    from kzlib import units

    if t.kind in ("growth", "change", "multiple"):
        return True
    unit = str(indicator.get("unit", ""))
    return units.same(unit, t.unit or "") or units.convertible(t.unit or "", unit)


def known_indicators(folder: str | Path | None) -> list[dict]:
    """The indicators of a registry folder (indicators/*.yaml or the folder's own *.yaml), to reuse by name."""
    if folder is None:
        return []
    folder = Path(folder)
    files = sorted(folder.glob("*.yaml")) if folder.is_dir() else [folder]
    out, problems = [], []
    for path in files:
        try:
            doc = yaml.safe_load(path.read_text(encoding="utf-8"))
        except (OSError, yaml.YAMLError, UnicodeDecodeError) as exc:
            problems.append(Problem(str(path), f"cannot be read as UTF-8 YAML: {exc}"))
            continue
        items = doc.get("indicators") if isinstance(doc, dict) else doc
        if not isinstance(items, list):
            problems.append(Problem(str(path), "expected a list of indicators under 'indicators'"))
            continue
        out += [dict(e) for e in items if isinstance(e, dict)]
    if problems:
        raise RegistryError(problems)
    return out


# ----------------------------------------------------------------------------------------------------------
# Writing the pack


def _scalar(value: object) -> str:
    dumped = yaml.safe_dump(value, allow_unicode=True, width=10_000, default_flow_style=True)
    return dumped.removesuffix("\n").removesuffix("\n...").strip()


def _entry(entry: dict, comments: list[str]) -> str:
    body = yaml.safe_dump([entry], allow_unicode=True, sort_keys=False, width=10_000)
    lines = [f"  # {c}" for c in comments] + ["  " + ln for ln in body.rstrip("\n").split("\n")]
    return "\n".join(lines)


def _target_entry(t: Target, ph: Phrases) -> dict:
    e: dict[str, object] = {"id": t.id, "item": t.item}
    if t.kind in TARGET_KINDS_WITH_INDICATOR:
        e |= {"indicator": t.indicator, "kind": t.kind, "comparator": t.comparator, "value": _number(t.value)}
        if t.value_high is not None:
            e["value_high"] = _number(t.value_high)
        e |= {"unit": t.unit, "unit_en": unit_en(t.unit, ph)}
    else:
        e["kind"] = t.kind
    e["target_year"] = t.target_year
    if t.base_year is not None:
        e["base_year"] = t.base_year
    if t.firmness != "firm":
        e["firmness"] = t.firmness
    e |= {"name_zh": t.name_zh, "name_en": PLACEHOLDER, "quote": t.quote}
    return e


def _number(x: float | None) -> float | int | None:
    if x is None:
        return None
    return int(x) if float(x).is_integer() else round(float(x), 10)


def review_rows(draft: Draft) -> list[dict]:
    """Every row of the review list: each target with its confidence, each unread clause, placeholder and skip."""
    rows = []
    p = draft.plan
    if p.start_year is None or p.end_year is None:
        rows.append(_row("placeholder", "plan.yaml", "start_year/end_year", None, None, "low",
                         f"plan years not found ({p.notes.get('years')}); fill them in", ""))
    if p.title_zh == PLACEHOLDER:
        rows.append(_row("placeholder", "plan.yaml", "title_zh", None, None, "low", "the plan's title was not found",
                         ""))
    rows.append(_row("placeholder", "plan.yaml", "title_en", None, None, "", "English title", p.title_zh))
    for s in draft.sections:
        rows.append(_row("placeholder", "registry/actions.yaml", str(s.action), s.action, None, "",
                         "title_en and goals_en: English title and goals", s.title_zh))
    for ind in draft.indicators:
        if ind.get("name_en") == PLACEHOLDER:
            what = "name_en" + (", unit and unit_en" if ind.get("unit") == PLACEHOLDER else
                                ", unit_en" if ind.get("unit_en") == PLACEHOLDER else "")
            rows.append(_row("placeholder", "registry/indicators/draft.yaml", ind["id"], None, None, "",
                             f"{what} of a proposed indicator; rename its id if you like", ind["name_zh"]))
    for t in draft.targets:
        what = {"milestone": "milestone", "benchmark": "benchmark"}.get(t.kind, "target")
        rows.append(_row(what, f"registry/targets/action-{t.action:02d}.yaml", t.id, t.action, t.item, t.confidence,
                         "; ".join(t.reasons), t.quote))
    for u in draft.unread:
        rows.append(_row("unread", "plan.txt", "", u.action, u.item, "", u.reason, u.quote))
    for s in draft.skipped:
        rows.append(_row("skipped", "plan.txt", s.text, s.action, None, "", s.reason, s.quote))
    return rows


def _row(what: str, file: str, entry: str, action: int | None, item: int | None, confidence: str, reason: str,
         quote: str) -> dict:
    return {"what": what, "file": file, "entry": entry, "action": "" if action is None else action,
            "item": "" if item is None else item, "confidence": confidence, "reason": reason, "quote": quote}


REVIEW_COLUMNS = ["what", "file", "entry", "action", "item", "confidence", "reason", "quote"]


def review_markdown(draft: Draft, rows: list[dict]) -> str:
    """REVIEW.md: what to fill in, the targets to check (low and medium confidence) and the clauses not read."""
    def table(rs: list[dict], cols: list[str]) -> list[str]:
        out = ["| " + " | ".join(cols) + " |", "|" + "---|" * len(cols)]
        for r in rs:
            out.append("| " + " | ".join(str(r[c]).replace("|", "\\|") for c in cols) + " |")
        return out

    kinds = {}
    for t in draft.targets:
        kinds[t.kind] = kinds.get(t.kind, 0) + 1
    lines = [f"# Review of the draft of {draft.plan.title_zh or draft.plan.id}", "",
             f"Drafted by `kz plan draft` from plan.txt: {len(draft.sections)} sections, "
             f"{sum(v for k, v in kinds.items() if k not in ('milestone', 'benchmark'))} numeric targets, "
             f"{kinds.get('milestone', 0)} milestones, {kinds.get('benchmark', 0)} benchmarks, "
             f"{len(draft.indicators)} indicators ({len(draft.reused)} copied from the known registry). "
             "Every target's confidence and reasons are in the comment above it in "
             "registry/targets/ and in review.csv (one row each, with the unread clauses and skipped numbers).",
             "", "Check every target against its quote, correct the YAML, and delete what is not a target. "
             f"Fields only a person can fill in say `{PLACEHOLDER}`.", ""]
    fill = [r for r in rows if r["what"] == "placeholder"]
    lines += [f"## 1. To fill in ({len(fill)})", ""] + table(fill, ["file", "entry", "reason", "quote"]) + [""]
    check = [r for r in rows if r["what"] in ("target", "milestone", "benchmark") and r["confidence"] != "high"]
    check.sort(key=lambda r: ({"low": 0, "medium": 1}.get(r["confidence"], 2), r["action"] or 0))
    lines += [f"## 2. Targets to check: low and medium confidence ({len(check)})", ""]
    lines += table(check, ["confidence", "entry", "what", "reason", "quote"]) + [""]
    unread = [r for r in rows if r["what"] == "unread"]
    lines += [f"## 3. Clauses with a figure or a milestone verb that were not read ({len(unread)})", "",
              "Add a target by hand where one of these is a target.", ""]
    lines += table(unread, ["action", "item", "reason", "quote"]) + [""]
    skipped = [r for r in rows if r["what"] == "skipped"]
    lines += [f"## 4. Numbers read as dates, ordinals or names ({len(skipped)})", ""]
    lines += table(skipped, ["entry", "reason", "quote"]) + [""]
    return "\n".join(lines)


def pack_files(draft: Draft, plan_text: str) -> dict[str, str]:
    """The files of the draft pack (relative path → content)."""
    ph = load_phrases()
    p = draft.plan
    files: dict[str, str] = {"plan.txt": plan_text}
    notes = p.notes
    plan_lines = [
        "# Plan pack drafted by `kz plan draft` from plan.txt: check every field (REVIEW.md lists what to do).",
        f"id: {_scalar(p.id)}", f"title_zh: {_scalar(p.title_zh)}", f"title_en: {PLACEHOLDER}",
        f"start_year: {_scalar(p.start_year)}  # {notes.get('years', '')}", f"end_year: {_scalar(p.end_year)}",
        f"base_year: {_scalar(p.base_year)}" + (f"  # {notes['base_year']}" if "base_year" in notes else ""),
        f"section_zh: {_scalar(p.section_zh)}  # the word the section headings end with",
        f"section_en: {_scalar(p.section_en)}", ""]
    files["plan.yaml"] = "\n".join(plan_lines)
    actions = ["# The plan's sections: number, title and the goals sentence of the opening text (an exact quote).",
               f"# title_en and goals_en say {PLACEHOLDER} until a person writes them.", "actions:"]
    for s in draft.sections:
        comment = [] if s.chosen else ["a frame part of the plan that holds dated figures"]
        actions.append(_entry({"action": s.action, "title_zh": s.title_zh, "title_en": PLACEHOLDER,
                               "goals_zh": s.goals_zh, "goals_en": PLACEHOLDER}, comment))
    files["registry/actions.yaml"] = "\n".join(actions) + "\n"
    inds = ["# Indicators of the draft. Reused ones are copied from the known registry (same name_zh); the others",
            f"# are proposed: give them an English name, a unit where it says {PLACEHOLDER}, and a better id.",
            "indicators:"]
    for ind in draft.indicators:
        comment = ["reused from the known registry"] if ind["id"] in draft.reused else ["proposed"]
        inds.append(_entry({k: v for k, v in ind.items() if v is not None}, comment))
    files["registry/indicators/draft.yaml"] = "\n".join(inds) + "\n"
    for s in draft.sections:
        mine = sorted((t for t in draft.targets if t.action == s.action), key=lambda t: t.start)
        lines = [f"# Section {s.action}: {s.title_zh}. Drafted targets, each with its confidence and why.",
                 f"action: {s.action}", "targets:" if mine else "targets: []"]
        for t in mine:
            lines.append(_entry(_target_entry(t, ph), [f"confidence: {t.confidence} — " + "; ".join(t.reasons)]))
        files[f"registry/targets/action-{s.action:02d}.yaml"] = "\n".join(lines) + "\n"
    rows = review_rows(draft)
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=REVIEW_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    files["review.csv"] = buffer.getvalue()
    files["REVIEW.md"] = review_markdown(draft, rows)
    return files


OWN_FILES = ("plan.yaml", "plan.txt", "REVIEW.md", "review.csv", "registry/actions.yaml",
             "registry/indicators/draft.yaml")


def write_pack(draft: Draft, plan_text: str, out: str | Path, force: bool = False) -> list[Path]:
    """Write the draft pack to the folder out; refuse a folder that is not empty unless force."""
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise KzError(f"{out} is a file; give a folder for the draft pack")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise KzError(f"{out} is not empty; choose an empty folder, or use --force to replace the draft in it")
    if force:
        for name in OWN_FILES:
            (out / name).unlink(missing_ok=True)
        for old in (out / "registry" / "targets").glob("action-*.yaml"):
            old.unlink()
    written = []
    for rel, content in pack_files(draft, plan_text).items():
        written.append(files.write_atomic(out / rel, content))
    return written


def summary(draft: Draft, loaded_targets: int, source: str | Path, out: str | Path) -> str:
    """What `kz plan draft` says when it is done: what was drafted and what is left to review."""
    kinds: dict[str, int] = {}
    for t in draft.targets:
        kinds[t.kind] = kinds.get(t.kind, 0) + 1
    numeric = sum(v for k, v in kinds.items() if k in TARGET_KINDS_WITH_INDICATOR)
    rows = review_rows(draft)
    doubt = {c: sum(r["confidence"] == c and r["what"] != "placeholder" for r in rows) for c in ("low", "medium")}
    fill = sum(r["what"] == "placeholder" for r in rows)
    return "\n".join([
        f"Drafted {source} into {out}: {len(draft.sections)} sections ({draft.plan.section_zh}), {numeric} numeric "
        f"targets, {kinds.get('milestone', 0)} milestones, {kinds.get('benchmark', 0)} benchmarks, "
        f"{len(draft.indicators)} indicators ({len(draft.reused)} copied from the known registry).",
        f"The draft loads as written ({loaded_targets} targets). To review: {doubt['low']} targets of low and "
        f"{doubt['medium']} of medium confidence, {len(draft.unread)} clauses not read, {fill} fields to fill in "
        f"({PLACEHOLDER}); see {Path(out) / 'REVIEW.md'} and review.csv.",
    ])
