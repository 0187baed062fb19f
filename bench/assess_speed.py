"""Time assess() of every target with settings.SIMULATIONS paths each, and one action's re-assessment with overrides.

Run: .venv/bin/python bench/assess_speed.py [--targets N]

Two data sets are timed:
- the real registry and observations, when the registry holds targets;
- a synthetic set of the same size (or --targets N, default 150 when the registry is empty) in which every
  indicator has ten annual figures, so that every numeric target runs the full simulation. The synthetic figures
  exist only in memory for timing; they are never written anywhere.
Goal: a full assessment well under 1 s, one action's re-assessment under new overrides well under 100 ms.
"""

from __future__ import annotations

import argparse
import statistics
import time
from collections.abc import Callable

import numpy as np
import pandas as pd

from kzlib import assess, settings, trajectory
from kzlib.registry import TARGET_COLUMNS, Registry, load_registry

KINDS = ("level", "level", "share", "growth", "change", "multiple", "ratio", "range", "maintain", "milestone")


def median_seconds(run: Callable[[], object], repeat: int = 5, cold: bool = False) -> float:
    """Median wall time of `repeat` runs; cold runs forget cached simulations first."""
    times = []
    for _ in range(repeat):
        if cold:
            trajectory.clear_cache()
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def synthetic(n_targets: int, n_indicators: int) -> tuple[Registry, pd.DataFrame]:
    """A registry of n_targets over n_indicators, each indicator with ten years of a random walk (in memory only)."""
    rng = np.random.default_rng(1)
    years = np.arange(2015, 2025)
    ids = [f"ind{i:03d}" for i in range(n_indicators)]
    frames = []
    for ind in ids:
        values = 100 * np.exp(np.cumsum(rng.normal(0.06, 0.04, len(years))))
        frames.append(pd.DataFrame({"indicator": ind, "year": years, "value": values}))
    rows = []
    for i in range(n_targets):
        kind = KINDS[i % len(KINDS)]
        rows.append(dict(
            id=f"t{i:03d}", action=1 + i % 10, item=i, indicator=None if kind == "milestone" else ids[i % n_indicators],
            kind=kind, comparator="<=" if kind == "ratio" else ">=", value={"growth": 8, "change": 30, "multiple": 2,
                                                                           "maintain": 100}.get(kind, 250.0),
            value_high=300.0 if kind == "range" else None, unit="u", unit_en="u", target_year=2027,
            base_year=2020 if kind == "change" else None, direction="down" if kind == "ratio" else "up",
            firmness="firm", name_zh="目标", name_en="target", quote="q", note=None, repeat_of=None))
    targets = pd.DataFrame(rows, columns=TARGET_COLUMNS)
    targets["base_year"] = targets["base_year"].astype("Int64")
    targets["value_high"] = pd.to_numeric(targets["value_high"])
    indicators = pd.DataFrame({"id": ids, "direction": "up"})
    return Registry(pd.DataFrame(), indicators, targets), pd.concat(frames, ignore_index=True)


def report(label: str, reg: Registry, obs: pd.DataFrame, milestones: pd.DataFrame | None) -> None:
    """Print the timings of one data set."""
    full = assess.assess(reg, obs, milestones=milestones)
    simulated = int(full["probability"].notna().sum())
    print(f"\n{label}: {len(reg.targets)} targets on {reg.targets['indicator'].nunique()} indicators, "
          f"{len(obs)} observations; {simulated} targets simulated with {settings.SIMULATIONS:,} paths each")
    cold = median_seconds(lambda: assess.assess(reg, obs, milestones=milestones), cold=True)
    warm = median_seconds(lambda: assess.assess(reg, obs, milestones=milestones))
    print(f"  assess() all targets, cold (simulations drawn)  median of 5: {cold * 1000:8.1f} ms")
    print(f"  assess() all targets, warm (simulations cached) median of 5: {warm * 1000:8.1f} ms")
    action = int(reg.targets["action"].value_counts().idxmax())
    inds = reg.targets.loc[reg.targets["action"] == action, "indicator"].dropna().unique()
    rates = iter(np.linspace(-0.05, 0.15, 100))

    def slider() -> None:
        rate = float(next(rates))
        assess.assess(reg, obs, milestones=milestones, action=action, overrides=dict.fromkeys(inds, rate))

    n_action = int((reg.targets["action"] == action).sum())
    print(f"  one action ({action}, {n_action} targets) re-assessed with new overrides, median of 5: "
          f"{median_seconds(slider) * 1000:8.1f} ms")


def main() -> None:
    """Time the real data (if there are targets) and a synthetic set of the same size."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, help="size of the synthetic set (default: the registry's, or 150)")
    args = parser.parse_args()
    reg = load_registry()
    n = len(reg.targets)
    if n:
        from kzlib.observations import load_milestones, load_observations

        report("Real registry and observations", reg, load_observations(registry=reg), load_milestones(registry=reg))
    else:
        print("The real registry holds no targets yet: timing a synthetic set only.")
    size = args.targets or n or 150
    syn_reg, syn_obs = synthetic(size, max(1, min(len(reg.indicators), size)))
    report("Synthetic set of the same size (every indicator with 10 annual figures)", syn_reg, syn_obs, None)


if __name__ == "__main__":
    main()
