"""Print how well `kz plan draft` reads the Kaizhou plan: recall and precision of its numeric targets and milestones
against the hand-made registry of its pack, data/plans/kaizhou-2023-2027/registry (the answer key), and every
miss with its cause; --plan and --registry measure another pack (Liangping: data/plans/liangping-2023-2027/).

The drafter reads the plan.txt alone; only this comparison looks at the registry. A numeric target counts as
read when a drafted target of the same section and item, with a quote overlapping the hand target's quote, has the same
value (after a change of scale: 2万件 = 20000件), unit, comparator and target year (and upper value for a range).
A milestone counts as read when a drafted milestone of the same section and item has an overlapping quote. Matching is
one to one.

    .venv/bin/python bench/plan_draft_recall.py [--plan FILE] [--registry DIR] [--show-matches]
"""

from __future__ import annotations

import argparse
import math
import time
from difflib import SequenceMatcher
from pathlib import Path

import pandas as pd

from kzlib import load_registry, paths, plandraft, units
from kzlib.registry import NUMERIC_KINDS

SCALES = {"万亿": 10**12, "亿": 10**8, "千万": 10**7, "百万": 10**6, "万": 10**4}
MIN_OVERLAP = 4  # characters two quotes must share to be about the same clause


def scaled(value: float, unit: str) -> tuple[float, str]:
    """A value and unit with any scale word folded into the value (2, 万件 → 20000, 件)."""
    unit = units.normalise(unit or "")
    for word, factor in SCALES.items():
        rest = unit[len(word):]
        if unit.startswith(word) and rest and not units.convertible(unit, rest) and rest not in ("元", "人"):
            return value * factor, rest
    if unit in units.SCALES:
        base, size = units.SCALES[unit]
        return value * float(size), base
    return value, unit


def overlap(a: str, b: str) -> int:
    """Length of the longest stretch two quotes share."""
    m = SequenceMatcher(None, a, b, autojunk=False).find_longest_match(0, len(a), 0, len(b))
    return m.size


def about_same(a: str, b: str) -> bool:
    """Whether two quotes are about the same clause."""
    return a in b or b in a or overlap(a, b) >= MIN_OVERLAP


def same_place(d: plandraft.Target, h: pd.Series) -> bool:
    """Whether a drafted and a hand target come from the same section, item and clause."""
    return d.action == h["action"] and d.item == h["item"] and about_same(d.quote, h["quote"])


def differences(hand: pd.Series, draft: plandraft.Target) -> list[str]:
    """Which of value, unit, comparator, year and upper value differ between a hand target and a drafted one."""
    out = []
    hv, hu = scaled(float(hand["value"]), hand["unit"])
    dv, du = scaled(float(draft.value), draft.unit or "")
    if hu != du:
        out.append(f"unit {draft.unit} (hand: {hand['unit']})")
    elif not math.isclose(hv, dv, rel_tol=1e-9):
        out.append(f"value {draft.value:g} (hand: {hand['value']:g})")
    if draft.comparator != hand["comparator"]:
        out.append(f"comparator {draft.comparator} (hand: {hand['comparator']})")
    if int(draft.target_year or 0) != int(hand["target_year"]):
        out.append(f"year {draft.target_year} (hand: {hand['target_year']})")
    high = hand["value_high"]
    if pd.notna(high) and (draft.value_high is None or not math.isclose(
            scaled(float(high), hand["unit"])[0], scaled(float(draft.value_high), draft.unit or "")[0])):
        out.append(f"upper value {draft.value_high} (hand: {high:g})")
    return out


def match_numeric(hand: pd.DataFrame, drafted: list[plandraft.Target]) -> tuple[dict, list]:
    """One-to-one matches of hand numeric targets to drafted ones (hand id → drafted target), and the rest."""
    free = list(drafted)
    matches = {}
    for _, h in hand.iterrows():
        fits = [d for d in free if same_place(d, h) and not differences(h, d)]
        if fits:
            best = max(fits, key=lambda d: (overlap(d.quote, h["quote"]), SequenceMatcher(None, d.name_zh,
                                                                                            h["name_zh"]).ratio()))
            matches[h["id"]] = best
            free.remove(best)
    return matches, free


def match_milestones(hand: pd.DataFrame, drafted: list[plandraft.Target]) -> tuple[dict, list]:
    """One-to-one matches of hand milestones to drafted ones of the same section with an overlapping quote."""
    free = list(drafted)
    matches = {}
    for _, h in hand.iterrows():
        fits = [d for d in free if same_place(d, h)]
        if fits:
            best = max(fits, key=lambda d: SequenceMatcher(None, d.name_zh, h["name_zh"]).ratio())
            matches[h["id"]] = best
            free.remove(best)
    return matches, free


def miss_cause(h: pd.Series, draft: plandraft.Draft) -> str:
    """Why a hand numeric target was not read."""
    near = [d for d in draft.targets if same_place(d, h) and d.kind in NUMERIC_KINDS]
    same_value = [d for d in near if not any(x.startswith(("unit", "value")) for x in differences(h, d))]
    if same_value:
        return "read with another " + ", ".join(x.split(" (")[0].split(" ")[0] for x in differences(h, same_value[0]))
    if any(about_same(u.quote, h["quote"]) and u.action == h["action"] for u in draft.unread):
        return "listed for review, not read"
    if near:
        return "the clause read with another value or unit (" + "; ".join(
            f"{d.comparator} {d.value:g} {d.unit}" for d in near) + ")"
    if any(same_place(d, h) for d in draft.targets):
        return "drafted as a milestone or benchmark"
    return "not drafted and not listed"


def extra_cause(d: plandraft.Target, reg) -> str:
    """Why a drafted numeric target has no hand target."""
    near = reg.targets[(reg.targets["action"] == d.action) & (reg.targets["item"] == d.item)
                       & reg.targets["quote"].map(lambda q: about_same(q, d.quote))]
    if not near.empty and (near["kind"] == "milestone").all():
        return "the hand registry reads the clause as a milestone"
    if not near.empty:
        return "the hand registry reads the clause otherwise"
    return "no hand target (the hand registry excludes it)"


def pct(n: int, d: int) -> str:
    """n/d as a count and a percentage."""
    return f"{n}/{d} = {100 * n / d:.1f} %" if d else f"{n}/0"


def show(title: str, rows: list[tuple[str, str]]) -> None:
    """Print rows grouped by cause."""
    if not rows:
        return
    print(f"\n{title}")
    causes: dict[str, list[str]] = {}
    for cause, line in rows:
        causes.setdefault(cause, []).append(line)
    for cause, lines in sorted(causes.items(), key=lambda kv: -len(kv[1])):
        print(f"  {cause} ({len(lines)}):")
        for line in lines:
            print(f"    {line}")


def main() -> None:
    """Draft the plan, compare with the registry and print the figures."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--plan", type=Path, default=paths.PLAN)
    parser.add_argument("--registry", type=Path, default=paths.REGISTRY)
    parser.add_argument("--show-matches", action="store_true", help="also list every matched pair")
    args = parser.parse_args()

    text = plandraft.read_plan_text(args.plan)
    start = time.perf_counter()
    draft = plandraft.draft_plan(text, "bench")
    took = time.perf_counter() - start
    reg = load_registry(root=args.registry, plan=args.plan)

    hand_num = reg.numeric()
    hand_ms = reg.targets[reg.targets["kind"] == "milestone"]
    hand_bm = reg.targets[reg.targets["kind"] == "benchmark"]
    d_num = [t for t in draft.targets if t.kind in NUMERIC_KINDS]
    d_ms = [t for t in draft.targets if t.kind == "milestone"]
    d_bm = [t for t in draft.targets if t.kind == "benchmark"]
    num, num_extra = match_numeric(hand_num, d_num)
    ms, ms_extra = match_milestones(hand_ms, d_ms)
    bm, bm_extra = match_milestones(hand_bm, d_bm)
    same_kind = sum(num[h["id"]].kind == h["kind"] for _, h in hand_num.iterrows() if h["id"] in num)

    print(f"Drafted {args.plan} ({len(text):,} characters) in {took:.2f} s: {len(draft.sections)} sections, "
          f"{len(d_num)} numeric targets, {len(d_ms)} milestones, {len(d_bm)} benchmarks, "
          f"{len(draft.unread)} clauses listed for review.")
    print(f"Answer key: {args.registry} ({len(hand_num)} numeric targets, {len(hand_ms)} milestones, "
          f"{len(hand_bm)} benchmarks).\n")
    print(f"numeric targets  recall {pct(len(num), len(hand_num)):>16}   precision {pct(len(num), len(d_num)):>16}"
          "   (value, unit, comparator and year all right)")
    print(f"  kind agrees for {pct(same_kind, len(num))} of the numeric targets read")
    print(f"milestones       recall {pct(len(ms), len(hand_ms)):>16}   precision {pct(len(ms), len(d_ms)):>16}"
          "   (same section, overlapping quote)")
    print(f"benchmarks       recall {pct(len(bm), len(hand_bm)):>16}   precision {pct(len(bm), len(d_bm)):>16}")

    def line(t) -> str:
        if isinstance(t, plandraft.Target):
            value = "" if t.value is None else f" {t.comparator} {t.value:g} {t.unit}"
            return f"{t.id:<10} {t.kind:<9}{value}  {t.quote[:50]}"
        value = "" if pd.isna(t["value"]) else f" {t['comparator']} {t['value']:g} {t['unit']}"
        return f"{t['id']:<28} {t['kind']:<9}{value}  {t['quote'][:50]}"

    show("Numeric targets missed, by cause:",
         [(miss_cause(h, draft), line(h)) for _, h in hand_num.iterrows() if h["id"] not in num])
    show("Drafted numeric targets with no hand target, by cause:", [(extra_cause(d, reg), line(d)) for d in num_extra])
    show("Milestones missed:", [("not drafted as a milestone", line(h)) for _, h in hand_ms.iterrows()
                                if h["id"] not in ms])
    show("Drafted milestones with no hand milestone:", [("extra", line(d)) for d in ms_extra])
    if args.show_matches:
        show("Matched numeric targets:", [("read", f"{hid:<28} ← {line(d)}") for hid, d in num.items()])


if __name__ == "__main__":
    main()
