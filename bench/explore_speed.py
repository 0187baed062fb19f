"""How fast the scenario explorer answers: action and language switches, slider changes (median and worst).

Run: .venv/bin/python bench/explore_speed.py [--rounds 2] [--nudges 6]

The explorer runs as in a kernel: on a running asyncio event loop, charts deferred (explore.show's setting), each
control set in code as the browser would set it. For a switch of action or language it times the usable view
(the handler returns: controls, sliders, status table and judgements shown) and the complete view (every chart
drawn, the event loop run until none is left), the first visit of each action apart from the later ones. For
a slider change it times the answer (the handler and the moved indicator's chart: the first image shown after
the change) and the complete view, on every slider of every action: nudges of one grid step (the y range
mostly stays), jumps between the ends of the slider and its middle (the y range moves), and each action's
first change apart (every chart then names the current assumptions). Between changes the event loop runs
until the explorer is idle, as it is while a person looks (it draws the start view's charts unseen under the
current assumptions' name then). Values are fresh, so no chart comes from the explorer's image cache. Prints wall times; the goals are 0.5 s to a
usable view and 200 ms for a slider change. The machine's load average is printed first: other processes on
its cores stretch wall times, not CPU times.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import statistics
import time
from collections.abc import Callable

from kzlib import explore

GOAL_SWITCH = 0.5  # seconds to a usable view
GOAL_SLIDER = 0.2  # seconds to the answer of a slider change


class Clock:
    """Times one change: handler return, first chart image shown after it, every chart drawn."""

    def __init__(self, ex: explore.Explorer):
        self.ex = ex
        self.first_image: tuple[float, float] | None = None  # wall and CPU time
        self.armed = False
        self.cpu: list[float] = []  # CPU seconds of each answer

    def image_changed(self, _change: dict) -> None:
        if self.armed and self.first_image is None:
            self.first_image = time.perf_counter(), time.process_time()

    def watch(self) -> None:
        """Listen to every image widget the explorer has (new ones appear with bigger actions)."""
        for image in self.ex._image_widgets(0) + list(self.ex.chart_box.children):
            if not getattr(image, "_bench_watched", False):
                image.observe(self.image_changed, names="value")
                image._bench_watched = True

    async def time(self, change: Callable[[], None]) -> tuple[float, float, float]:
        """Usable (handler returned), answer (first chart shown, else usable) and complete, in seconds."""
        self.watch()
        self.first_image, self.armed = None, True
        started, cpu = time.perf_counter(), time.process_time()
        change()
        usable, used = time.perf_counter() - started, time.process_time() - cpu
        while self.ex.drawing:
            await asyncio.sleep(0)
        complete = time.perf_counter() - started
        self.armed = False
        while not self.ex.idle:  # a person looks before the next change: the unseen charts get drawn
            await asyncio.sleep(0.01)
        if self.first_image is None:
            answer = usable
        else:
            answer, used = self.first_image[0] - started, self.first_image[1] - cpu
        self.cpu.append(used)
        return usable, max(usable, answer), complete


def line(name: str, values: list[float], goal: float | None = None) -> str:
    """Median and worst of a list of seconds, in milliseconds."""
    if not values:
        return f"  {name:<46} (none)"
    verdict = "" if goal is None else ("  meets" if max(values) <= goal else "  MISSES") + f" {1000 * goal:.0f} ms"
    return (f"  {name:<46} n={len(values):<3} median {1000 * statistics.median(values):6.0f} ms   "
            f"worst {1000 * max(values):6.0f} ms{verdict}")


def set_value(control, value) -> Callable[[], None]:
    def change() -> None:
        control.value = value
    return change


async def run(rounds: int, nudges: int) -> None:
    if hasattr(os, "getloadavg"):
        print(f"load average {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")
    started = time.perf_counter()
    ex = explore.load(action=1, defer=True)
    print(f"explorer built in {time.perf_counter() - started:.2f} s (action 1, all charts drawn, start view kept as HTML)")
    while not ex.idle:
        await asyncio.sleep(0.01)
    clock = Clock(ex)
    actions = [int(n) for n in ex.registry.actions["action"]]
    switch: dict[str, list[float]] = {"first usable": [], "first complete": [], "again usable": [], "again complete": []}
    for r in range(rounds):
        for n in [*actions[1:], actions[0]]:
            usable, _answer, complete = await clock.time(set_value(ex.action, n))
            which = "first" if r == 0 and n != actions[0] else "again"
            switch[f"{which} usable"].append(usable)
            switch[f"{which} complete"].append(complete)
    langs: dict[str, list[float]] = {"first usable": [], "first complete": [], "again usable": [], "again complete": []}
    for n in actions:
        await clock.time(set_value(ex.action, n))
        for i, lang in enumerate(("en", "zh", "en", "zh")):
            usable, _answer, complete = await clock.time(set_value(ex.lang, lang))
            which = "first" if i == 0 else "again"
            langs[f"{which} usable"].append(usable)
            langs[f"{which} complete"].append(complete)
    sliders: dict[str, list[float]] = {"first answer": [], "first complete": [], "nudge": [], "jump": [],
                                       "nudge cpu": [], "jump cpu": []}
    counted = 0
    for n in actions:
        await clock.time(set_value(ex.action, n))
        for ind in list(ex.sliders):
            slider = ex.sliders[ind]
            step, low, high = slider.step, slider.min, slider.max
            middle = round(low + round((high - low) / 2 / step) * step, 6)
            plan = [("jump", high), ("jump", low), ("jump", middle)]
            plan += [("nudge", round(middle + (i // 2 + 1) * step * (1 if i % 2 else -1), 6)) for i in range(nudges)]
            for kind, value in plan:
                first = not ex.overrides and not ex.steps
                _usable, answer, complete = await clock.time(set_value(slider, min(high, max(low, value))))
                if first:
                    sliders["first answer"].append(answer)
                    sliders["first complete"].append(complete)
                else:
                    sliders[kind].append(answer)
                    sliders[f"{kind} cpu"].append(clock.cpu[-1])
                counted += 1
    print(f"action switches ({len(actions)} actions, {rounds} rounds):")
    print(line("usable view, first visit", switch["first usable"], GOAL_SWITCH))
    print(line("usable view, later visits", switch["again usable"], GOAL_SWITCH))
    print(line("every chart drawn, first visit", switch["first complete"]))
    print(line("every chart drawn, later visits", switch["again complete"]))
    print("language switches (each action, zh -> en -> zh -> en -> zh):")
    print(line("usable view, first switch", langs["first usable"], GOAL_SWITCH))
    print(line("usable view, later switches", langs["again usable"], GOAL_SWITCH))
    print(line("every chart drawn, first switch", langs["first complete"]))
    print(line("every chart drawn, later switches", langs["again complete"]))
    print(f"slider changes ({counted} on every slider of every action):")
    print(line("nudge of one grid step: answer", sliders["nudge"], GOAL_SLIDER))
    print(line("nudge: CPU time of the answer", sliders["nudge cpu"]))
    print(line("jump to an end or the middle (y range moves)", sliders["jump"], GOAL_SLIDER))
    print(line("jump: CPU time of the answer", sliders["jump cpu"]))
    print(line("first change of an action: answer", sliders["first answer"], GOAL_SLIDER))
    print(line("first change of an action: every chart drawn", sliders["first complete"]))


def main() -> None:
    """Build the explorer on the project's data and time its switches and slider changes."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=2, help="rounds of action switches (the first is cold)")
    parser.add_argument("--nudges", type=int, default=6, help="nudges of one grid step per slider")
    args = parser.parse_args()
    asyncio.run(run(args.rounds, args.nudges))


if __name__ == "__main__":
    main()
