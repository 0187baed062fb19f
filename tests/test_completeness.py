"""Every number and quantity word of the plan's tasks is covered by a target's quote or excluded with a reason."""

from __future__ import annotations

import re
from dataclasses import dataclass

import pytest
import yaml

from kzlib import paths

EXCLUSIONS = paths.REGISTRY / "exclusions.yaml"
BODY_START, BODY_END = "二、重点任务", "三、组织保障"
CN_DIGITS = {c: i for i, c in enumerate("一二三四五六七八九十", start=1)}

# Arabic numbers with decimals, 万/亿 and ranges or ratios joined into one token: 3—5, 800万—1000万, 2.05:1, 3+2.
NUMBER = r"\d+(?:\.\d+)?[万亿]?(?:[—~～:：+]\d+(?:\.\d+)?[万亿]?)?"
# Chinese quantity words: multiples, firsts, full coverage, round scales (百万亩, 百亿级, 百个, 千亿方), spans of years,
# "all", and the grades of hospitals. Longer words first, so that 双倍增 is not read as 倍增.
QUANTITY = ("翻一番|翻番|零的突破|双倍增|倍增|全覆盖|双百|所有|[百千][万亿]?(?:亩|级|个|方|农民)"
            "|[一二两三四五六七八九十]+年|三甲|[二三]级")
TOKEN = re.compile(f"{NUMBER}|{QUANTITY}")
ITEM_NUMBER = re.compile(r"^\d+[.．]", re.M)  # the plan's item numbers at the start of a line: structure, not content
HEADING = re.compile(r"^（([一二三四五六七八九十]+)）", re.M)


@dataclass(frozen=True)
class Token:
    """One number or quantity word in the plan: its text and span."""

    text: str
    start: int
    end: int


def tokens(text: str, offset: int = 0) -> list[Token]:
    """The numbers and quantity words of a text, skipping item numbers at the start of a line."""
    items = {m.start() for m in ITEM_NUMBER.finditer(text)}
    return [Token(m.group(), m.start() + offset, m.end() + offset) for m in TOKEN.finditer(text) if m.start() not in items]


def occurrences(haystack: str, needle: str, lo: int = 0, hi: int | None = None) -> list[tuple[int, int]]:
    """Spans of every occurrence of needle in haystack[lo:hi]."""
    hi = len(haystack) if hi is None else hi
    spans, i = [], haystack.find(needle, lo, hi)
    while i != -1:
        spans.append((i, i + len(needle)))
        i = haystack.find(needle, i + 1, hi)
    return spans


def action_sections(plan: str) -> dict[int, tuple[int, int]]:
    """Span of each action's section in the plan, from its heading （N） to the next heading or 三、组织保障."""
    lo, hi = plan.index(BODY_START), plan.index(BODY_END)
    heads = [(CN_DIGITS[m.group(1)] if len(m.group(1)) == 1 else 10, m.start()) for m in HEADING.finditer(plan, lo, hi)]
    ends = [start for _, start in heads[1:]] + [hi]
    return {n: (start, end) for (n, start), end in zip(heads, ends, strict=True)}


def where(plan: str, pos: int, sections: dict[int, tuple[int, int]]) -> str:
    """'action N, item M' for a position in the plan (item 0 = the action's opening paragraph)."""
    action = next((n for n, (lo, hi) in sections.items() if lo <= pos < hi), None)
    lo = sections[action][0] if action else 0
    items = [int(plan[m.start():m.end() - 1]) for m in ITEM_NUMBER.finditer(plan, lo, pos)]
    return f"action {action}, item {items[-1] if items else 0}"


def snippet(plan: str, start: int, end: int, width: int = 20) -> str:
    """The token with its surrounding text, on one line."""
    left, right = plan[max(0, start - width):start], plan[end:end + width]
    return " ".join(f"…{left}[{plan[start:end]}]{right}…".split())


@pytest.fixture(scope="module")
def plan() -> str:
    return paths.PLAN.read_text(encoding="utf-8")


@pytest.fixture(scope="module")
def exclusions() -> list[dict]:
    return yaml.safe_load(EXCLUSIONS.read_text(encoding="utf-8"))["exclusions"]


def test_tokens_join_ranges_ratios_and_skip_item_numbers():
    text = "12. 共建800万—1000万人口，比缩小至2.05:1，“3+2”试点，培育3—5家，翻一番、双倍增和倍增计划，百万亩，5G"
    assert [t.text for t in tokens(text)] == [
        "800万—1000万", "2.05:1", "3+2", "3—5", "翻一番", "双倍增", "倍增", "百万亩", "5"]


def test_action_sections_cover_the_ten_actions_in_order(plan):
    sections = action_sections(plan)
    assert list(sections) == list(range(1, 11))
    assert plan[sections[6][0]:].startswith("（六）推进生态优先绿色发展行动")
    assert plan[sections[10][0]:].startswith("（十）实施高品质生活惠民富民行动")
    assert plan[sections[10][1]:].startswith(BODY_END)


def test_every_exclusion_has_a_reason_and_matches_a_token_of_the_plan(plan, exclusions):
    lo, hi = plan.index(BODY_START), plan.index(BODY_END)
    found = {(t.start, t.end, t.text) for t in tokens(plan[lo:hi], lo)}
    bad = []
    for ex in exclusions:
        if not str(ex.get("reason") or "").strip():
            bad.append(f"{ex}: no reason given")
            continue
        spans = occurrences(plan, str(ex["context"]), lo, hi)
        hits = [s for s in spans
                if any(a >= s[0] and b <= s[1] and t == str(ex["text"]) for a, b, t in found)]
        if not hits:
            bad.append(f"{ex['text']!r} in context {ex['context']!r}: the context is not in the plan's tasks or does "
                       f"not hold {ex['text']!r} as a number or quantity word")
    assert not bad, "stale or wrong entries in data/registry/exclusions.yaml:\n" + "\n".join(bad)


def test_every_number_is_covered_by_a_target_or_excluded(plan, exclusions, project_registry):
    reg = project_registry
    sections = action_sections(plan)
    covered: list[tuple[int, int]] = []
    for tg in reg.targets.itertuples():
        covered += occurrences(plan, tg.quote, *sections[tg.action])
    for ex in exclusions:
        spans = occurrences(plan, str(ex["context"]))
        covered += [(a, b) for s, e in spans for a, b in occurrences(plan, str(ex["text"]), s, e)]
    lo, hi = plan.index(BODY_START), plan.index(BODY_END)
    missing = [t for t in tokens(plan[lo:hi], lo) if not any(a <= t.start and t.end <= b for a, b in covered)]
    report = [f"  {where(plan, t.start, sections)}: {t.text!r} in {snippet(plan, t.start, t.end)}" for t in missing]
    assert not missing, (
        f"{len(missing)} number(s) of the plan are in no target's quote (within its action's section) and not in "
        "registry/exclusions.yaml of the plan; add a target quoting them, or an exclusion with the reason they are no "
        "target:\n" + "\n".join(report))
