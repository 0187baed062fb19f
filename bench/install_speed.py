"""Print how long installs from the lock take: a wheelhouse for this machine, a fresh environment installed
from it with the index off, and the environment checks (`environment_stamp()`, `kz doctor`).

    python bench/install_speed.py [--wheelhouse DIR]   (a DIR that already holds the wheels is reused)
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
import venv
from pathlib import Path

from kzlib import doctor, lock, paths, wheelhouse

REPEAT = 10


def timed(label: str, fn, repeat: int = 1) -> None:
    """Run fn `repeat` times and print the mean wall time."""
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    seconds = (time.perf_counter() - start) / repeat
    print(f"{label:<58} {seconds * 1000:10.0f} ms" if seconds < 10 else f"{label:<58} {seconds:10.1f} s")


def run(args: list, env: dict[str, str]) -> None:
    """Run a command in the project folder; stop with its output if it fails."""
    done = subprocess.run([str(a) for a in args], cwd=paths.ROOT, env=env, capture_output=True, text=True,
                          encoding="utf-8", errors="replace")
    if done.returncode != 0:
        raise SystemExit(f"failed: {' '.join(map(str, args))}\n{done.stdout[-2000:]}\n{done.stderr[-2000:]}")


def main() -> None:
    """Print the timings."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--wheelhouse", type=Path, help="reuse (or fill) this folder instead of a temporary one")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="kz-install-bench-") as tmp:
        wheels = args.wheelhouse or Path(tmp) / "wheelhouse"
        timed("wheelhouse for this machine (pip's cache may help)",
              lambda: wheelhouse.build(wheels, [wheelhouse.CURRENT], progress=lambda _: None))
        found = sorted(wheels.glob("*.whl"))
        print(f"  {len(found)} wheels, {sum(w.stat().st_size for w in found) / 1e6:.0f} MB")
        env_dir = Path(tmp) / "env"
        python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
        offline = {**{k: v for k, v in os.environ.items() if not k.startswith("PIP_")},
                   "PIP_CONFIG_FILE": os.devnull}
        timed("python -m venv (with pip)", lambda: venv.EnvBuilder(with_pip=True).create(env_dir))
        timed("pip install --no-index --require-hashes -r requirements.lock",
              lambda: run([python, "-m", "pip", "install", "--quiet", "--no-index", "--find-links", wheels,
                           "--require-hashes", "-r", paths.LOCK], offline))
        timed("pip install --no-index --no-deps --no-build-isolation -e .",
              lambda: run([python, "-m", "pip", "install", "--quiet", "--no-index", "--no-deps",
                           "--no-build-isolation", "-e", paths.ROOT], offline))
    timed("lock.read() of requirements.lock", lock.read, REPEAT)
    timed("doctor.environment_stamp() in this environment", doctor.environment_stamp, REPEAT)
    timed("doctor.findings() in this environment", doctor.findings, REPEAT)
    print(f"stamp: {doctor.environment_stamp()}")


if __name__ == "__main__":
    main()
