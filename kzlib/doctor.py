"""`kz doctor`: is this environment the one requirements.lock describes, and what to do if it is not."""

from __future__ import annotations

import functools
import hashlib
import importlib.metadata as metadata
import os
import platform
import shutil
import sys
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name
from packaging.version import InvalidVersion, Version

from kzlib import lock, paths, settings
from kzlib.errors import KzError

SHOWN = ("pandas", "matplotlib", "papermill", "nbconvert")  # libraries whose versions change what briefs show
CHROMIUM = ("chromium", "chromium-browser")  # the browser the print check in the tests runs
NOT_LOCKED = ("pip", "kzlib")  # installed in every environment, pinned by nobody
LISTED = 6  # mismatches named one by one before "and N more"


@dataclass(frozen=True)
class Finding:
    """One line of the report: what was checked, what was found, and what to do when it is off."""

    what: str
    found: str
    state: str  # "ok"; "off" (kz doctor exits 1); "note" (optional, told but not failed)
    advice: str = ""


def installed() -> dict[str, str]:
    """Version of every distribution this interpreter sees, by canonical name (the first on sys.path wins)."""
    versions: dict[str, str] = {}
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        if name:
            versions.setdefault(canonicalize_name(name), dist.version)
    return versions


def _same(installed_version: str | None, pinned: str) -> bool:
    if installed_version is None:
        return False
    try:
        return Version(installed_version) == Version(pinned)
    except InvalidVersion:
        return installed_version == pinned


def drift(pins: list[lock.Pin], versions: dict[str, str],
          environment: dict[str, str] | None = None) -> list[tuple[str, str | None, str]]:
    """Pins for this environment not installed as locked: (name, installed version or None, pinned one)."""
    return [(p.name, versions.get(p.name), p.version) for p in pins
            if p.applies(environment) and not _same(versions.get(p.name), p.version)]


def unlocked(pins: list[lock.Pin], versions: dict[str, str]) -> list[str]:
    """Installed distributions the lock does not pin at all (other than pip and kzlib)."""
    pinned = {p.name for p in pins}
    return sorted(n for n in versions if n not in pinned and n not in NOT_LOCKED)


def _kzlib_version() -> str | None:
    try:
        return metadata.version("kzlib")
    except metadata.PackageNotFoundError:
        return None


def stamp_parts(lock_file: Path = paths.LOCK, versions: dict[str, str] | None = None) -> tuple[str, str, str]:
    """kzlib's version, a short hash of the lock ('' without a readable lock) and, where the installed
    distributions differ from the lock, a short hash of what is installed ('' otherwise)."""
    version = _kzlib_version() or "-"
    if not lock_file.exists():
        return version, "", ""
    digest = lock.digest(lock_file)
    try:
        pins = lock.read(lock_file)
    except KzError:
        return version, digest, ""
    versions = installed() if versions is None else versions
    if not drift(pins, versions):
        return version, digest, ""
    seen = "\n".join(sorted(f"{p.name}=={versions.get(p.name, '-')}" for p in pins if p.applies()))
    return version, digest, hashlib.sha256(seen.encode()).hexdigest()[:10]


@functools.lru_cache(maxsize=1)
def installed_stamp() -> tuple[str, str, str]:
    """stamp_parts() of this environment, worked out once per process (reading every distribution is slow)."""
    return stamp_parts()


def environment_stamp(lock_file: Path = paths.LOCK, versions: dict[str, str] | None = None) -> str:
    """kzlib's version and a short hash of the lock as installed: 'kzlib 0.1.0, lock f403d4c8d3'; where the
    installed distributions differ from the lock, ', env <hash of what is installed>' follows."""
    version, digest, env = stamp_parts(lock_file, versions)
    stamp = f"kzlib {version}" + (f", lock {digest}" if digest else ", no lock")
    return stamp + (f", env {env}" if env else "")


def install_advice() -> str:
    """The command that puts this environment back on the lock."""
    return (f"reinstall from the lock: `make setup`, or `{sys.executable} -m pip install --require-hashes -r "
            f"{paths.LOCK}` (add `--no-index --find-links DIR` to install from a wheelhouse)")


def check_python(pyproject: Path = paths.PYPROJECT, version: str | None = None) -> Finding:
    """Whether the running Python is one the project supports."""
    version = version or platform.python_version()
    found = f"{version} ({sys.executable})"
    supported = lock.supported_pythons(pyproject)
    if not SpecifierSet(f">={lock.python_floor(pyproject)}").contains(version):
        advice = f"kzlib needs Python {supported[0]} or newer (tested on {', '.join(supported)}): install one"
        return Finding("Python", found, "off", advice + " and run `make setup` again")
    if version.rsplit(".", 1)[0] not in supported:
        advice = f"not among the versions the lock and the wheelhouse cover ({', '.join(supported)})"
        return Finding("Python", found, "note", advice + "; use one of them if the install fails")
    return Finding("Python", found, "ok")


def check_kzlib() -> Finding:
    """Whether kzlib is installed, and from this folder."""
    version = _kzlib_version()
    if version is None:
        advice = f"`{sys.executable} -m pip install --no-deps --no-build-isolation -e {paths.ROOT}`"
        return Finding("kzlib", f"not installed (imported from {paths.ROOT})", "off", advice)
    return Finding("kzlib", f"{version} ({paths.ROOT})", "ok")


def check_kernel() -> Finding:
    """Whether the Jupyter kernel the briefs run in starts this environment's Python."""
    try:
        from jupyter_client.kernelspec import KernelSpecManager, NoSuchKernel
    except ImportError as exc:  # a broken environment is what the doctor is for: report it, do not crash
        return Finding("kernel", f"jupyter_client cannot be imported ({exc})", "off", install_advice())

    advice = (f"register this environment's kernel: `{sys.executable} -m ipykernel install --sys-prefix "
              f"--name {settings.KERNEL_NAME}` (make setup does it)")
    try:
        spec = KernelSpecManager().get_kernel_spec(settings.KERNEL_NAME)
    except NoSuchKernel:
        return Finding("kernel", f"no Jupyter kernel named {settings.KERNEL_NAME}", "off", advice)
    program = shutil.which(spec.argv[0]) or spec.argv[0]
    found = f"{settings.KERNEL_NAME} runs {program} ({spec.resource_dir})"
    if os.path.normcase(os.path.abspath(program)) != os.path.normcase(os.path.abspath(sys.executable)):
        return Finding("kernel", found, "off", advice)
    return Finding("kernel", found, "ok")


def check_library(name: str, pins: list[lock.Pin], versions: dict[str, str]) -> Finding:
    """One library's installed version against its pin."""
    have = versions.get(name)
    pinned = [p.version for p in pins if p.name == name and p.applies()]
    found = f"{have or 'missing'}" + (f" (lock {pinned[0]})" if pinned else " (not in the lock)")
    if pinned and _same(have, pinned[0]):
        return Finding(name, found, "ok")
    return Finding(name, found, "off", install_advice())


def check_font(versions: dict[str, str]) -> Finding:
    """The CJK font file charts draw Chinese with."""
    try:
        path = Path(str(resources.files(settings.FONT_PACKAGE).joinpath(settings.FONT_FILE)))
    except ModuleNotFoundError:
        return Finding("CJK font", f"{settings.FONT_PACKAGE} is not installed", "off", install_advice())
    if not path.is_file():
        return Finding("CJK font", f"{path} is missing", "off", install_advice())
    size = path.stat().st_size / 1e6
    package = canonicalize_name(settings.FONT_PACKAGE)
    return Finding("CJK font", f"{path} ({size:.1f} MB, {package} {versions.get(package, '?')})", "ok")


def check_lock(pins: list[lock.Pin], versions: dict[str, str], lock_file: Path = paths.LOCK,
               pyproject: Path = paths.PYPROJECT) -> list[Finding]:
    """The lock against pyproject.toml, and every pin for this platform against what is installed."""
    findings = []
    problems = lock.disagreements(pins, lock.wanted(pyproject), str(lock_file))
    if problems:
        found = (f"{lock_file.name} {lock.digest(lock_file)}: {len(problems)} disagreement(s) with "
                 f"{pyproject.name}, e.g. {problems[0]}")
        findings.append(Finding("lock file", found, "off",
                                "refresh it: `make lock` (or `python -m kzlib.lock`), then `make setup`"))
    else:
        findings.append(Finding("lock file", f"{lock_file.name} {lock.digest(lock_file)}, agrees with "
                                             f"{pyproject.name}", "ok"))
    wrong = drift(pins, versions)
    applicable = sum(p.applies() for p in pins)
    if wrong:
        named = ", ".join(f"{n} {have or 'missing'} (lock {want})" for n, have, want in wrong[:LISTED])
        more = f" and {len(wrong) - LISTED} more" if len(wrong) > LISTED else ""
        findings.append(Finding("installed", f"{len(wrong)} of {applicable} locked distributions differ: "
                                             f"{named}{more}", "off", install_advice()))
    else:
        findings.append(Finding("installed", f"all {applicable} pins for this platform as locked", "ok"))
    extra = unlocked(pins, versions)
    if extra:
        findings.append(Finding("not locked", ", ".join(extra), "note",
                                "installed by hand, not by the lock: harmless unless a brief imports them"))
    return findings


def check_chromium() -> Finding:
    """Whether Chromium is there for the print check (a screenshot of a brief in the tests)."""
    found = next((path for name in CHROMIUM if (path := shutil.which(name))), None)
    if found:
        return Finding("Chromium", found, "ok")
    advice = "only the print check in the tests needs it (skipped without it): `apt-get install chromium`"
    return Finding("Chromium", "not found", "note", advice)


def findings(lock_file: Path = paths.LOCK, pyproject: Path = paths.PYPROJECT) -> list[Finding]:
    """Everything `kz doctor` checks, in the order it prints them."""
    versions = installed()
    result = [check_python(pyproject), check_kzlib(), check_kernel()]
    try:
        pins = lock.read(lock_file)
    except (KzError, OSError) as exc:
        pins = []
        result.append(Finding("lock file", f"{lock_file}: {exc}", "off",
                              "restore it from the repository: `git checkout requirements.lock`"))
    result += [check_library(name, pins, versions) for name in SHOWN]
    result.append(check_font(versions))
    if pins:
        result += check_lock(pins, versions, lock_file, pyproject)
    result.append(check_chromium())
    return result


def report(found: list[Finding]) -> str:
    """The report as printed: one line per check, then what to do."""
    width = max(len(f.what) for f in found)
    lines = [f"  {f.state:<4}  {f.what:<{width}}  {f.found}" for f in found]
    todo = [f for f in found if f.state == "off"]
    notes = [f for f in found if f.state == "note" and f.advice]
    if todo:
        lines += ["", f"{len(todo)} thing{'s' if len(todo) != 1 else ''} to put right:"]
        lines += [f"  - {f.what}: {f.advice}" for f in todo]
    else:
        lines += ["", "All is well: this environment is the one requirements.lock describes."]
    lines += [f"  (note) {f.what}: {f.advice}" for f in notes]
    return "\n".join(lines)


def run() -> int:
    """Print the report; 0 when nothing is off, 1 otherwise."""
    found = findings()
    print(f"kz doctor: {environment_stamp()}")
    print(report(found))
    return 1 if any(f.state == "off" for f in found) else 0
