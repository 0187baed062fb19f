"""How long `kz render` takes to stop after Ctrl-C, sent to its process group (a terminal) or to it alone.

Renders two briefs from notebooks that only wait (a temporary copy of the project), sends SIGINT once the
kernels run, and prints the seconds until the command exited, its exit code and its last line (#14 asks for
130, "interrupted" and what was and was not rendered, within 2 seconds).

    .venv/bin/python bench/interrupt_latency.py [--runs 3]
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat

ROOT = Path(__file__).resolve().parent.parent


def waiting_project(folder: Path) -> Path:
    """A copy of data/ with notebooks whose only cell waits five minutes."""
    shutil.copytree(ROOT / "data", folder / "data", ignore=shutil.ignore_patterns("scenarios.user.yaml", ".kz*"))
    (folder / "notebooks").mkdir()
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('action = 1\nlang = "zh"\nscenario = "trend"\ndata = []\nas_of = None')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell("import time\ntime.sleep(300)")]
    for name in ("action.ipynb", "overview.ipynb"):
        nbformat.write(nb, str(folder / "notebooks" / name))
    return folder


def one(root: Path, group: bool) -> tuple[float, int, str]:
    """Seconds from SIGINT to exit, the exit code and the last line on standard error."""
    env = dict(os.environ, KZ_ROOT=str(root))
    proc = subprocess.Popen([sys.executable, "-m", "kzlib", "render", "--action", "1", "2", "--lang", "zh",
                             "--force"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)
    proc.stdout.readline()  # "rendering 2 briefs ..."
    time.sleep(2)
    start = time.perf_counter()
    if group:
        os.killpg(proc.pid, signal.SIGINT)
    else:
        os.kill(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    return time.perf_counter() - start, proc.returncode, (err.strip().splitlines() or [""])[-1]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kz-bench-") as tmp:
        root = waiting_project(Path(tmp))
        for group, label in ((True, "SIGINT to the process group (Ctrl-C)"), (False, "SIGINT to kz alone")):
            runs = [one(root, group) for _ in range(args.runs)]
            print(f"{label}: median {statistics.median(r[0] for r in runs):.2f} s, worst "
                  f"{max(r[0] for r in runs):.2f} s over {args.runs} run(s); exit codes {sorted({r[1] for r in runs})}")
            print(f"  last line: {runs[-1][2]}")


if __name__ == "__main__":
    main()
