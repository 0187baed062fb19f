"""Time `kz data draft` on the bulletin fixtures and on a long bulletin made of them; print figures per second."""

from __future__ import annotations

import argparse
import time
from pathlib import Path

from kzlib import load_registry
from kzlib.bulletin import draft, load_terms
from kzlib.documents import read_document

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "data" / "bulletins"
FILES = ["kaizhou_2020_opening.txt", "kaizhou_2023_opening.txt", "shapes.html", "shapes.docx", "shapes.pdf",
         "tianzhu_2015_excerpt.txt"]


def _best(runs: int, job) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        job()
        times.append(time.perf_counter() - start)
    return min(times)


def main() -> None:
    """Print, per fixture, reading and drafting times and what was drafted; then a 100-fold bulletin."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    start = time.perf_counter()
    reg = load_registry()
    terms = load_terms(reg)
    print(f"registry and wording vocabulary loaded in {time.perf_counter() - start:.3f} s "
          f"({len(terms.phrases)} phrasings)")
    print(f"{'file':28} {'read ms':>8} {'draft ms':>9} {'drafted':>8} {'unmapped':>9}")
    for name in FILES:
        read = _best(args.runs, lambda n=name: read_document(FIXTURES / n))
        doc = read_document(FIXTURES / name)
        result = draft(doc.text, reg, terms, title=doc.title)
        took = _best(args.runs, lambda d=doc: draft(d.text, reg, terms, title=d.title))
        print(f"{name:28} {read * 1000:8.1f} {took * 1000:9.1f} {len(result.observations):8} "
              f"{len(result.unmapped):9}")
    text = read_document(FIXTURES / "kaizhou_2023_opening.txt").text
    head, body = text.split("\n", 3)[:3], text.split("\n", 3)[3]
    long = "\n".join([*head, *[body] * 100])
    took = _best(max(1, args.runs // 2), lambda: draft(long, reg, terms))
    result = draft(long, reg, terms)
    n = len(result.observations) + len(result.unmapped)
    print(f"100 x the 2023 opening ({len(long):,} characters, {n:,} numbers): {took:.2f} s, "
          f"{n / took:,.0f} numbers per second")


if __name__ == "__main__":
    main()
