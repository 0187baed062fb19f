"""The words of the files people send (data/terms/input_terms.yaml, shared by every plan): headers, states, qualifiers, notes."""

from __future__ import annotations

import datetime as dt
import functools
import re
import unicodedata
from dataclasses import dataclass
from pathlib import Path

import yaml

from kzlib import paths, settings

SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when present
_YEAR = re.compile(r"((?:19|20)\d{2})(.*)")
_PUNCTUATION = re.compile(r"[\s()\[\]【】<>《》、,，.。:;：；/\\_\-—–~]+")
_CJK_SPACE = re.compile(r"(?<=[\u4e00-\u9fff])\s+(?=[\u4e00-\u9fff])")
_ENUMERATION = re.compile(r"^(?:[(（]?[一二三四五六七八九十]+[)）、.]|\d{1,2}[.、)]|[(（]\d{1,2}[)）])\s*")


def norm_text(value: object) -> str:
    """A cell as text to compare: full-width folded to half-width (NFKC), outer spaces dropped."""
    return unicodedata.normalize("NFKC", str(value)).strip()


@functools.lru_cache(maxsize=16384)
def norm_header(value: object) -> str:
    """A header cell as a key: NFKC, lower case, a trailing "(…)" dropped, spaces between Chinese characters
    dropped (项　目), other spaces and dashes as "_"."""
    text = re.sub(r"\(.*\)$", "", norm_text(value).lower()).strip()
    text = _CJK_SPACE.sub("", text)
    return re.sub(r"[\s\-]+", "_", text)


@dataclass(frozen=True)
class Terms:
    """The vocabulary of input files, with the lookups kzlib needs."""

    aliases: dict[str, tuple[str, ...]]  # canonical column -> header words, as the file writes them
    columns: dict[str, str]  # normalised header word -> canonical column
    informational: frozenset[str]
    states: dict[str, str]  # normalised state word -> state
    flag_words: dict[str, str]  # word -> flag
    year_words: tuple[str, ...]
    no_figure: frozenset[str]
    totals: frozenset[str]
    note_prefixes: tuple[str, ...]
    source_prefixes: tuple[str, ...]
    label_prefixes: tuple[str, ...]
    name_words: tuple[tuple[str, str], ...]  # (written word, registry word)

    def column(self, cell: object) -> str | None:
        """The canonical column a header cell names, or None."""
        return None if cell is None else self.columns.get(norm_header(cell))

    def is_informational(self, cell: object) -> bool:
        """Whether a header cell names a column kzlib writes for the reader and reads past."""
        return cell is not None and norm_header(cell) in self.informational

    def state(self, cell: object) -> str | None:
        """The milestone state a cell names (done, in_progress, not_started), or None."""
        return self.states.get(norm_header(cell or ""))

    def flags_in(self, *texts: object) -> list[str]:
        """The flags whose words occur in any of the texts, in vocabulary order."""
        joined = " ".join(norm_text(t) for t in texts if t is not None).lower()
        return list(dict.fromkeys(flag for word, flag in self.flag_words.items() if word in joined))

    def year_header(self, cell: object) -> tuple[int, list[str]] | None:
        """(year, flags) when a header cell heads one year's figures (2024, 2024年, 2025年预计), else None."""
        if isinstance(cell, bool) or cell is None or isinstance(cell, dt.date):
            return None
        if isinstance(cell, int | float):
            year, rest = (int(cell), "") if float(cell).is_integer() else (0, "")
        else:
            m = _YEAR.fullmatch(norm_text(cell))
            if m is None:
                return None
            year, rest = int(m.group(1)), m.group(2)
        flags = self.flags_in(rest)
        for word in (*self.flag_words, *self.year_words, "年度", "年"):
            rest = rest.replace(word, "")
        lo, hi = settings.YEAR_RANGE
        if _PUNCTUATION.sub("", rest) or not lo <= year <= hi:
            return None
        return year, flags

    def is_no_figure(self, cell: object) -> bool:
        """Whether a cell holds one of the marks of statistical tables for "no figure" (—, …, /)."""
        return isinstance(cell, str) and norm_text(cell) in self.no_figure

    def is_total(self, label: object) -> bool:
        """Whether a row label marks a totals row (合计, 总计, 小计)."""
        return isinstance(label, str) and _PUNCTUATION.sub("", norm_text(label)) in self.totals

    def note(self, cell: object) -> str | None:
        """The text of a note row (注：…, 说明：…, 资料来源：…) from its first cell, or None."""
        if not isinstance(cell, str):
            return None
        text = norm_text(cell)
        for prefix in self.note_prefixes:
            after = text[len(prefix):].lstrip() if text.startswith(prefix) else None
            if after is not None and (after.startswith(":") or after[:1].isdigit()):
                return text
        return None

    def source_of_note(self, text: str) -> str | None:
        """The source a note row names (资料来源：区统计局 -> 区统计局), or None."""
        for prefix in self.source_prefixes:
            if text.startswith(prefix) and text[len(prefix):].lstrip().startswith(":"):
                return text[len(prefix):].lstrip()[1:].strip(" 。.") or None
        return None

    def respelled(self, name: str) -> str:
        """A name with the words people write (GDP) put as the registry's names write them (地区生产总值)."""
        for written, word in self.name_words:
            name = re.sub(re.escape(written), word, name, flags=re.IGNORECASE)
        return name

    def label(self, text: object) -> str:
        """A row label as a name to match: sub-item prefixes (其中：), numbering (1.、（一）) and marks dropped."""
        label = norm_text(text)
        for prefix in self.label_prefixes:
            if label.startswith(prefix) and label[len(prefix):].lstrip().startswith(":"):
                label = label[len(prefix):].lstrip()[1:].strip()
        label = _ENUMERATION.sub("", label.lstrip("#*△▲ "))
        return label.strip()


def _words(values: object) -> tuple[str, ...]:
    return tuple(str(v) for v in values or ())


@functools.lru_cache(maxsize=4)
def _load(path: str, mtime_ns: int) -> Terms:
    doc = yaml.load(Path(path).read_text(encoding="utf-8"), Loader=SAFE_LOADER) or {}
    aliases = {canon: _words(words) for canon, words in doc.get("columns", {}).items()}
    return Terms(
        aliases=aliases,
        columns={norm_header(w): canon for canon, words in aliases.items() for w in words},
        informational=frozenset(norm_header(w) for w in _words(doc.get("informational"))),
        states={norm_header(w): state for state, words in doc.get("states", {}).items() for w in _words(words)},
        flag_words={norm_text(w).lower(): flag for flag, words in doc.get("flag_words", {}).items()
                    for w in _words(words)},
        year_words=tuple(sorted(map(norm_text, _words(doc.get("year_words"))), key=len, reverse=True)),
        no_figure=frozenset(norm_text(w) for w in _words(doc.get("no_figure"))),
        totals=frozenset(norm_text(w) for w in _words(doc.get("totals"))),
        note_prefixes=tuple(sorted(map(norm_text, _words(doc.get("note_prefixes"))), key=len, reverse=True)),
        source_prefixes=tuple(map(norm_text, _words(doc.get("source_prefixes")))),
        label_prefixes=tuple(map(norm_text, _words(doc.get("label_prefixes")))),
        name_words=tuple((norm_text(w), norm_text(word)) for word, words in (doc.get("name_words") or {}).items()
                         for w in _words(words)),
    )


def load_terms(path: str | Path | None = None) -> Terms:
    """The input vocabulary, read once per version of the file."""
    p = Path(path) if path is not None else paths.INPUT_TERMS
    return _load(str(p), p.stat().st_mtime_ns)
