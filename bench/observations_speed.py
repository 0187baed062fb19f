"""Print how long loading the observations takes: registry, first load, cached load, with extra files, with
the data request workbook (22 department sheets, wide layout), and the related evidence."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from kzlib import load_registry, settings
from kzlib.datarequest import write_request
from kzlib.observations import _CACHE, load_milestones, load_observations
from kzlib.related import load_related

CORPUS = Path(__file__).resolve().parent.parent / "tests" / "data" / "obs"
REPEAT = 20


def timed(label: str, fn, repeat: int = 1) -> None:
    """Run fn `repeat` times and print the mean wall time in milliseconds."""
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    print(f"{label:<46} {(time.perf_counter() - start) / repeat * 1000:8.1f} ms")


def main() -> None:
    """Print the timings."""
    reg = load_registry()
    timed("load_registry()", load_registry, 5)
    _CACHE.clear()
    timed("load_observations(), cold cache", lambda: load_observations(registry=reg))
    timed("load_observations(), cached", lambda: load_observations(registry=reg), REPEAT)
    timed("load_observations(registry=None)", load_observations, 5)
    extra = [CORPUS / "good_utf8.csv", CORPUS / "good_gbk.csv", CORPUS / "good.xlsx"]
    _CACHE.clear()
    timed("+ 2 CSV + 1 xlsx extra files, cold cache", lambda: load_observations(*extra, registry=reg))
    timed("+ 2 CSV + 1 xlsx extra files, cached", lambda: load_observations(*extra, registry=reg), REPEAT)
    timed("load_milestones()", lambda: load_milestones(registry=reg), REPEAT)
    obs = load_observations(registry=reg)
    with tempfile.TemporaryDirectory() as tmp:
        request = Path(tmp) / "request.xlsx"
        timed("write the data request workbook", lambda: write_request(
            request, reg, obs, range(settings.GAP_FIRST_YEAR, settings.PLAN_END - 1)))
        _CACHE.clear()
        timed("+ the data request workbook, cold cache", lambda: load_observations(request, registry=reg))
        timed("+ the data request workbook, cached", lambda: load_observations(request, registry=reg), REPEAT)
    timed("load_related()", lambda: load_related(registry=reg, observations=obs), REPEAT)
    print(f"rows: {len(load_observations(registry=reg))} shipped observations")


if __name__ == "__main__":
    main()
