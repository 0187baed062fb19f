"""Time rendering the briefs of one language: (a) the naive pipeline, (b) `kz render --force`, (c) `kz render` again,
(d) `kz render` after one new figure.

(b') is (b) with kernels started fresh instead of forked from a warm helper (KZ_KERNELS=fresh).

(a) runs the papermill CLI and then `jupyter nbconvert --to html --no-input`, one brief after another, for the
ten action briefs and the overview; (b) renders the same eleven briefs with `kz render --all --lang L --force`
into a fresh output folder; (c) repeats (b) without --force, when nothing has changed; (d) renders again with one
new GDP figure in a --data file, which re-renders only the briefs that show GDP (and the overview), and counts
them. Each is timed as a
command a user would type, medians of --runs runs. Prints each time, the ratios b/a and c/a and each brief's
size; --check-identical also renders with --jobs 1 and compares the pages byte for byte.

    .venv/bin/python bench/render_speed.py [--runs 3] [--lang zh] [--jobs N] [--check-identical]
"""

from __future__ import annotations

import argparse
import csv
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from kzlib import paths

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
NOTEBOOKS = ROOT / "notebooks"
GOAL_RATIO, GOAL_NOOP_S, GOAL_KB = 0.12, 1.0, 400


def run(cmd: list[str], env: dict[str, str] | None = None) -> float:
    """Run a command, fail loudly if it fails, return its wall time in seconds."""
    return timed(cmd, env)[0]


def timed(cmd: list[str], env: dict[str, str] | None = None) -> tuple[float, str]:
    """Run a command, fail loudly if it fails; its wall time in seconds and what it printed."""
    start = time.perf_counter()
    done = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, encoding="utf-8",
                          env={**os.environ, **(env or {})})
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        sys.exit(f"failed ({done.returncode}): {' '.join(cmd)}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")
    return elapsed, done.stdout


def new_gdp_figure(folder: Path) -> Path:
    """A --data file with one GDP figure for the year after the latest shipped one, 6 % above it."""
    with paths.OBSERVATIONS.open(encoding="utf-8") as f:  # the default plan's figures
        year, value = max((int(r["year"]), float(r["value"])) for r in csv.DictReader(f) if r["indicator"] == "gdp")
    path = folder / "one-new-figure.csv"
    path.write_text("indicator,year,value,unit,source_title,source_link\n"
                    f"gdp,{year + 1},{value * 1.06:.2f},亿元,bench: one new figure,https://example.org\n",
                    encoding="utf-8")
    return path


def after_one_new_figure(lang: str, out: Path, data: Path) -> tuple[float, int, int]:
    """(d) kz render again with one new figure: seconds, briefs rendered, briefs unchanged."""
    seconds, printed = timed([str(BIN / "kz"), "render", "--all", "--lang", lang, "--out", str(out), "--data",
                              str(data)])
    counts = re.search(r"rendered (\d+), skipped-unchanged (\d+)", printed)
    return seconds, int(counts.group(1)), int(counts.group(2))


def naive(lang: str, work: Path) -> float:
    """(a) papermill CLI then nbconvert CLI, brief by brief."""
    total = 0.0
    jobs = [(f"action-{n:02d}", "action.ipynb", ["-p", "action", str(n)]) for n in range(1, 11)]
    jobs.append(("overview", "overview.ipynb", []))
    for name, notebook, params in jobs:
        executed = work / f"{name}.ipynb"
        total += run([str(BIN / "papermill"), str(NOTEBOOKS / notebook), str(executed), *params, "-p", "lang", lang,
                      "-k", "python3", "--no-progress-bar", "--log-level", "ERROR"])
        total += run([str(BIN / "jupyter"), "nbconvert", "--to", "html", "--no-input", "--log-level", "ERROR",
                      str(executed)])
    return total


def kz_render(lang: str, out: Path, force: bool, jobs: int | None, kernels: str = "fork") -> float:
    """(b)/(c) the kz command, with kernels forked from a warm helper or started fresh (KZ_KERNELS)."""
    cmd = [str(BIN / "kz"), "render", "--all", "--lang", lang, "--out", str(out)]
    return run(cmd + (["--force"] if force else []) + (["--jobs", str(jobs)] if jobs else []),
               env={"KZ_KERNELS": kernels})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--lang", choices=("zh", "en"), default="zh")
    parser.add_argument("--jobs", type=int, help="passed to kz render (default: its own, one per core)")
    parser.add_argument("--check-identical", action="store_true", help="compare with a --jobs 1 render")
    args = parser.parse_args()

    times: dict[str, list[float]] = {"a": [], "b": [], "f": [], "c": [], "d": []}
    counts: list[tuple[int, int]] = []
    with tempfile.TemporaryDirectory(prefix="kz-bench-") as tmp:
        tmp_path = Path(tmp)
        for i in range(args.runs):
            work = tmp_path / f"naive-{i}"
            work.mkdir()
            times["a"].append(naive(args.lang, work))
            out = tmp_path / f"out-{i}"
            times["b"].append(kz_render(args.lang, out, force=True, jobs=args.jobs))
            times["f"].append(kz_render(args.lang, tmp_path / f"fresh-{i}", force=True, jobs=args.jobs, kernels="fresh"))
            times["c"].append(kz_render(args.lang, out, force=False, jobs=args.jobs))
            seconds, rendered, unchanged = after_one_new_figure(args.lang, out, new_gdp_figure(tmp_path))
            times["d"].append(seconds)
            counts.append((rendered, unchanged))
            print(f"run {i + 1}/{args.runs}: a {times['a'][-1]:6.2f} s   b {times['b'][-1]:6.2f} s   "
                  f"b' {times['f'][-1]:6.2f} s   c {times['c'][-1]:5.2f} s   d {seconds:5.2f} s "
                  f"({rendered} re-rendered)", flush=True)

        a, b, f, c, d = (statistics.median(times[k]) for k in "abfcd")
        print(f"\nmedians of {args.runs} run(s), 11 briefs in '{args.lang}', {len(os.sched_getaffinity(0))}"
              " cores")
        print(f"(a) naive papermill + nbconvert CLIs, sequential : {a:6.2f} s")
        print(f"(b) kz render --all --lang {args.lang} --force             : {b:6.2f} s   b/a = {b / a:.3f}"
              f"   (goal <= {GOAL_RATIO})")
        print(f"(b') the same with KZ_KERNELS=fresh (no fork)    : {f:6.2f} s   b'/a = {f / a:.3f}"
              f"   (forked kernels save {100 * (1 - b / f):.0f} %)")
        print(f"(c) kz render again, nothing changed          : {c:6.2f} s   c/a = {c / a:.3f}"
              f"   (goal c <= {GOAL_NOOP_S} s)")
        rendered, unchanged = counts[0]
        print(f"(d) kz render after one new GDP figure (--data) : {d:6.2f} s   re-rendered {rendered} of "
              f"{rendered + unchanged} briefs (those showing GDP, and the overview)")

        pages = sorted((tmp_path / "out-0" / "html" / args.lang).glob("*.html"))
        print("\nbrief sizes:")
        for page in pages:
            kb = page.stat().st_size / 1024
            print(f"  {page.name:<16} {kb:6.0f} KB{'' if kb <= GOAL_KB else '   OVER ' + str(GOAL_KB) + ' KB'}")
        naive_sizes = [p.stat().st_size / 1024 for p in (tmp_path / "naive-0").glob("*.html")]
        print(f"  (naive nbconvert pages: {min(naive_sizes):.0f}–{max(naive_sizes):.0f} KB, CDN scripts not counted)")

        if args.check_identical:
            seq = tmp_path / "sequential"
            kz_render(args.lang, seq, force=True, jobs=1)
            differ = [p.name for p in pages if p.read_bytes() != (seq / "html" / args.lang / p.name).read_bytes()]
            print("\nparallel vs --jobs 1: " + ("identical" if not differ else f"DIFFER: {', '.join(differ)}"))


if __name__ == "__main__":
    main()
