"""What a name in a file refers to: indicators and targets by id or by any name the briefs print."""

from __future__ import annotations

import difflib
import re
from collections.abc import Iterable
from dataclasses import dataclass

from kzlib.registry import Registry
from kzlib.terms import Terms, norm_text

_QUOTES = re.compile(r"[\s“”\"'‘’「」『』]")
_UNIT_IN_NAME = re.compile(r"(.+)\(([^()]+)\)")


def _key(text: object) -> str:
    """A name as a lookup key: NFKC, case and spaces folded, quotation marks dropped."""
    return _QUOTES.sub("", norm_text(text)).casefold()


@dataclass(frozen=True)
class Names:
    """Ids and printed names (Chinese and English) of indicators or targets, and what each names."""

    what: str  # "indicator" or "target"
    ids: frozenset[str]
    names: dict[str, frozenset[str]]  # key -> ids it names
    choices: dict[str, str]  # name as printed -> id, for "did you mean"

    @classmethod
    def build(cls, what: str, named: list[tuple[str, object]], extra: Iterable[tuple[str, object]] = ()) -> Names:
        """Names from (id, name) pairs; `extra` pairs (target names of an indicator) only where unambiguous."""
        names: dict[str, set[str]] = {}
        choices: dict[str, str] = {}
        for iid, name in named:
            if isinstance(name, str) and name.strip():
                names.setdefault(_key(name), set()).add(iid)
                choices[norm_text(name)] = iid
        ids = {iid for iid, _ in named}
        more: dict[str, set[str]] = {}
        for iid, name in extra:
            if isinstance(name, str) and name.strip() and _key(name) not in names:
                more.setdefault(_key(name), set()).add(iid)
                choices.setdefault(norm_text(name), iid)
        names.update({k: v for k, v in more.items() if len(v) == 1})
        return cls(what, frozenset(ids), {k: frozenset(v) for k, v in names.items()}, choices)

    def find(self, text: str) -> frozenset[str]:
        """The ids a text names exactly (as an id or a name)."""
        if text.strip() in self.ids:
            return frozenset([text.strip()])
        return self.names.get(_key(text), frozenset())

    def suggest(self, text: str) -> str:
        """'; did you mean …?' listing the ids whose id or name is closest to the text."""
        choices = {**self.choices, **{i: i for i in self.ids}}
        hits = difflib.get_close_matches(norm_text(text), list(choices), n=6, cutoff=0.5)
        ids = list(dict.fromkeys(choices[h] for h in hits))[:3]
        return f"; did you mean {', '.join(ids)}?" if ids else ""

    def resolve(self, text: str, terms: Terms) -> tuple[str, str | None]:
        """(id, unit written in the name) for an id or a printed name, 地区生产总值（亿元） and 其中：… included.

        Raises LookupError (unknown) or ValueError (ambiguous) with the message to show."""
        label = terms.label(text)
        respelled = terms.respelled(label)
        for candidate, unit in ((text, None), (label, None), *self._unit_split(label), (respelled, None),
                                *self._unit_split(respelled)):
            hits = self.find(candidate)
            if len(hits) == 1:
                return next(iter(hits)), unit
            if hits:
                raise ValueError(f"'{text}' names several {self.what}s ({', '.join(sorted(hits))}); use the id")
        raise LookupError(f"unknown {self.what} '{text}'{self.suggest(label)}")

    @staticmethod
    def _unit_split(label: str) -> list[tuple[str, str]]:
        m = _UNIT_IN_NAME.fullmatch(norm_text(label))
        return [(m.group(1).strip(), m.group(2).strip())] if m else []


def _pairs(frame, key: str, columns: tuple[str, ...]) -> list[tuple[str, object]]:
    """(key, name) for every row and name column of a registry frame."""
    return [pair for c in columns if c in frame for pair in zip(frame[key], frame[c], strict=True)]


def indicator_names(reg: Registry) -> Names:
    """Every id and printed name of the registry's indicators, target names mapped to their indicator."""
    tgt = reg.targets.dropna(subset=["indicator"])
    return Names.build("indicator", _pairs(reg.indicators, "id", ("id", "name_zh", "name_en")),
                       _pairs(tgt, "indicator", ("name_zh", "name_en")))


def target_names(reg: Registry) -> Names:
    """Every target by id and printed name."""
    return Names.build("target", _pairs(reg.targets, "id", ("id", "name_zh", "name_en")))
