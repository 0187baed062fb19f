"""How long the scenario explorer takes from a slider change to redrawn outputs (median of 20 changes).

Run: .venv/bin/python bench/explore_speed.py [--action N] [--updates 20]
Each update sets a growth slider's value in code (as the browser would) and waits for the explorer's
observers to finish: the action re-assessed, status table, judgements and the changed charts redrawn.
Values are never repeated, so no chart comes from the explorer's PNG cache. Prints wall and CPU time.
"""

from __future__ import annotations

import argparse
import statistics
import time

from kzlib import explore


def main() -> None:
    """Build the explorer on the project's data and time slider updates."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--action", type=int, default=None, help="action (default: the first with a slider)")
    parser.add_argument("--updates", type=int, default=20)
    args = parser.parse_args()

    started = time.perf_counter()
    ex = explore.load(action=args.action or 1)
    if args.action is None:
        for n in ex.registry.actions["action"]:
            ex.action.value = int(n)
            if any(k.has_data for k in ex.knobs):
                break
    print(f"explorer built in {time.perf_counter() - started:.2f} s (action {ex.action.value})")
    knob = next((k for k in ex.knobs if k.has_data), None)
    if knob is None:
        print("no indicator with data in any action: nothing to time")
        return
    slider = ex.sliders[knob.indicator]
    centre = slider.value
    walls, cpus = [], []
    for i in range(args.updates):
        value = round(centre + (i + 1) * 0.1 * (1 if i % 2 else -1), 1)  # fresh values near the start
        wall, cpu = time.perf_counter(), time.process_time()
        slider.value = min(slider.max, max(slider.min, value))
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    charts = len(ex.chart_box.children)
    print(f"slider {knob.indicator!r}, {args.updates} updates, {charts} charts in the action")
    print(f"update time: median {1000 * statistics.median(walls):.0f} ms wall "
          f"(min {1000 * min(walls):.0f}, max {1000 * max(walls):.0f}), "
          f"median {1000 * statistics.median(cpus):.0f} ms CPU; goal < 200 ms")


if __name__ == "__main__":
    main()
