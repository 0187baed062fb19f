"""Offline installs: a folder of every wheel the lock needs, for chosen platforms and Python versions.

`python -m kzlib.wheelhouse DIR` (`make wheelhouse`) downloads, with pip and the lock's hashes, the wheels
for Linux x86_64 and Windows amd64 and every Python version pyproject.toml's classifiers name; a machine
without internet then installs with `pip install --no-index --find-links DIR --require-hashes -r
requirements.lock`.
"""

from __future__ import annotations

import argparse
import platform
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import default_environment

from kzlib import lock, paths
from kzlib.errors import KzError

# Linux wheels for glibc 2.28 and newer (Debian 10, Ubuntu 18.10, RHEL 8 onwards), in pip's platform tags.
MANYLINUX = tuple(f"manylinux_2_{minor}_x86_64" for minor in range(28, 4, -1)) + (
    "manylinux2014_x86_64", "manylinux2010_x86_64", "manylinux1_x86_64")

# What environment markers see on each target platform (PEP 508), and pip's platform tags for it.
PLATFORMS: dict[str, tuple[tuple[str, ...], dict[str, str]]] = {
    "linux": (MANYLINUX, {"os_name": "posix", "sys_platform": "linux", "platform_system": "Linux",
                          "platform_machine": "x86_64"}),
    "windows": (("win_amd64",), {"os_name": "nt", "sys_platform": "win32", "platform_system": "Windows",
                                 "platform_machine": "AMD64"}),
}
CURRENT = "current"  # the running interpreter's own platform and Python version
LATE_PATCH = 99  # markers are judged at a version's first and a late patch release, so both are covered


@dataclass(frozen=True)
class Target:
    """One platform and Python version to download wheels for; `tags` empty means the running interpreter."""

    platform: str
    python: str  # "3.12"
    tags: tuple[str, ...]
    markers: tuple[tuple[str, str], ...]

    def environments(self) -> list[dict[str, str]]:
        """The marker environments of this target's first and a late patch release."""
        if not self.tags:
            return [default_environment()]
        base = {**default_environment(), **dict(self.markers), "python_version": self.python,
                "platform_python_implementation": "CPython", "implementation_name": "cpython"}
        return [{**base, "python_full_version": f"{self.python}.{patch}", "implementation_version":
                 f"{self.python}.{patch}"} for patch in (0, LATE_PATCH)]

    def pip_options(self) -> list[str]:
        """pip download's options that select this target's wheels."""
        if not self.tags:
            return []
        return [*(f"--platform={tag}" for tag in self.tags), f"--python-version={self.python}",
                "--implementation=cp"]

    def __str__(self) -> str:
        return f"{self.platform} / Python {self.python}"


def targets(platforms: list[str], pythons: list[str]) -> list[Target]:
    """Every combination of the named platforms and Python versions (`current`: this interpreter only)."""
    found = []
    for name in platforms:
        if name == CURRENT:
            found.append(Target(CURRENT, platform.python_version().rsplit(".", 1)[0], (), ()))
            continue
        if name not in PLATFORMS:
            raise KzError(f"unknown platform {name!r}; expected one of {', '.join([*PLATFORMS, CURRENT])}")
        tags, markers = PLATFORMS[name]
        found += [Target(name, python, tags, tuple(markers.items())) for python in pythons]
    return found


def requirement_sets(pins: list[lock.Pin], target: Target) -> list[list[lock.Pin]]:
    """The pins a target needs, as sets pip can take at once (one version of each name per set)."""
    sets: list[list[lock.Pin]] = []
    for env in target.environments():
        chosen = [p for p in pins if p.applies(env)]
        if chosen not in sets:
            sets.append(chosen)
    return sets


def requirements_text(pins: list[lock.Pin]) -> str:
    """A requirements file pinning these distributions with their hashes, markers already judged."""
    return "".join(f"{p.name}=={p.version} " + " ".join(f"--hash={h}" for h in p.hashes) + "\n" for p in pins)


def download(pins: list[lock.Pin], target: Target, dest: Path) -> None:
    """Have pip download the wheels of these pins for the target into dest, checking every hash."""
    with tempfile.TemporaryDirectory(prefix="kz-wheelhouse-") as tmp:
        reqs = Path(tmp) / "requirements.txt"
        reqs.write_text(requirements_text(pins), encoding="utf-8")
        cmd = [sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--only-binary=:all:",
               "--require-hashes", "--dest", str(dest), "-r", str(reqs), *target.pip_options()]
        done = subprocess.run(cmd, capture_output=True, text=True, encoding="utf-8", errors="replace")
    if done.returncode != 0:
        tail = "\n".join((done.stderr or done.stdout).strip().splitlines()[-8:])
        raise KzError(f"pip could not download the wheels for {target} into {dest} "
                      f"(exit {done.returncode}):\n{tail}")


def build(dest: Path, platforms: list[str], pythons: list[str] | None = None,
          lock_file: Path = paths.LOCK, progress=print) -> list[Path]:
    """Download every wheel the lock needs for these platforms and Pythons into dest; the wheels there."""
    pins = lock.read(lock_file)
    dest.mkdir(parents=True, exist_ok=True)
    for target in targets(platforms, pythons or lock.supported_pythons()):
        for chosen in requirement_sets(pins, target):
            progress(f"{target}: {len(chosen)} wheels")
            download(chosen, target, dest)
    return sorted(dest.glob("*.whl"))


def main(argv: list[str] | None = None) -> int:
    """Build a wheelhouse from the command line."""
    parser = argparse.ArgumentParser(prog="python -m kzlib.wheelhouse", description=__doc__.splitlines()[0])
    parser.add_argument("dest", metavar="DIR", help="folder for the wheels (created; wheels there are kept)")
    parser.add_argument("--platform", action="append", choices=[*PLATFORMS, CURRENT], dest="platforms",
                        help="repeatable; default: linux and windows")
    parser.add_argument("--python", action="append", dest="pythons", metavar="X.Y",
                        help="repeatable; default: the versions in pyproject.toml's classifiers")
    args = parser.parse_args(argv)
    try:
        wheels = build(Path(args.dest), args.platforms or list(PLATFORMS), args.pythons)
    except KzError as exc:
        print(f"kzlib.wheelhouse: {exc}", file=sys.stderr)
        return 2
    size = sum(w.stat().st_size for w in wheels) / 1e6
    print(f"{len(wheels)} wheels ({size:.0f} MB) in {args.dest}; install without a network with\n"
          f"  python -m pip install --no-index --find-links {args.dest} --require-hashes "
          f"-r {paths.LOCK.name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
