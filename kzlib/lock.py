"""The lock (requirements.lock): read, checked against pyproject.toml, matched to an environment, refreshed.

`python -m kzlib.lock` refreshes the lock with uv (`make lock`); `python -m kzlib.lock --check` lists where
the lock and pyproject.toml disagree.
"""

from __future__ import annotations

import argparse
import hashlib
import subprocess
import sys
import tomllib
from dataclasses import dataclass
from pathlib import Path

from packaging.markers import Marker
from packaging.requirements import InvalidRequirement, Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

from kzlib import paths
from kzlib.errors import KzError, Problem, RequirementsLockError

REFRESH_COMMAND = "make lock"  # what the lock's header tells a reader to run


@dataclass(frozen=True)
class Pin:
    """One distribution pinned in the lock: exact version, environments it is for, hashes, who needs it."""

    name: str  # canonical (PEP 503): lower case, runs of -_. as one -
    version: str
    marker: Marker | None
    hashes: tuple[str, ...]
    via: tuple[str, ...]  # canonical names of the pinned distributions (or the project) that require it
    line: int

    def applies(self, environment: dict[str, str] | None = None) -> bool:
        """Whether this pin is for the environment (default: the running interpreter)."""
        return self.marker is None or self.marker.evaluate(environment)


@dataclass(frozen=True)
class Wanted:
    """One requirement of pyproject.toml and where it is stated."""

    requirement: Requirement
    where: str  # "dependencies", "optional-dependencies.test", "build-system.requires"


def digest(path: Path = paths.LOCK) -> str:
    """A short hash of the lock's text, the same whatever line endings a checkout gave it."""
    text = path.read_bytes().replace(b"\r\n", b"\n")
    return hashlib.sha256(text).hexdigest()[:10]


def _logical_lines(text: str) -> list[tuple[int, str]]:
    """The lock's lines with backslash continuations joined, each with the number of its first line."""
    joined: list[tuple[int, str]] = []
    pending: tuple[int, str] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.rstrip()
        if pending is not None:
            line = pending[1] + " " + line.strip()
            number = pending[0]
        if line.endswith("\\"):
            pending = (number, line[:-1].rstrip())
            continue
        pending = None
        joined.append((number, line))
    if pending is not None:
        joined.append(pending)
    return joined


def _via_names(comment: str) -> list[str]:
    """Names in one `# via` annotation line: `# via a`, `#   b`, `# via kzlib (pyproject.toml)`, `-r file`."""
    body = comment.lstrip("#").strip()
    if body == "via" or body.startswith("via "):
        body = body[3:].strip()
    if not body or body.startswith("-"):
        return []
    return [canonicalize_name(body.split()[0])]


def parse(text: str, file: str = "requirements.lock") -> list[Pin]:
    """The pins of a lock in pip's requirements format with hashes (as uv and pip-tools write it)."""
    pins: list[dict] = []
    problems: list[Problem] = []
    for number, line in _logical_lines(text):
        stripped = line.strip()
        if not stripped:
            continue
        if stripped.startswith("#"):
            if pins and line.startswith((" ", "\t")):
                pins[-1]["via"].extend(_via_names(stripped))
            continue
        words = stripped.split()
        hashes = tuple(w.removeprefix("--hash=") for w in words if w.startswith("--hash="))
        spec = " ".join(w for w in words if not w.startswith("--hash="))
        try:
            req = Requirement(spec)
        except InvalidRequirement as exc:
            problems.append(Problem(file, f"expected name==version ; marker --hash=...: {exc}", row=number))
            continue
        pinned = [s.version for s in req.specifier if s.operator == "==" and "*" not in s.version]
        if len(req.specifier) != 1 or not pinned:
            problems.append(Problem(file, f"expected one exact version (name==version), found {spec!r}",
                                    row=number, entry=req.name))
            continue
        if not hashes:
            problems.append(Problem(file, "no --hash: pip's --require-hashes would refuse the lock",
                                    row=number, entry=req.name))
        pins.append({"name": canonicalize_name(req.name), "version": pinned[0], "marker": req.marker,
                     "hashes": hashes, "via": [], "line": number})
    if problems:
        raise RequirementsLockError(problems)
    return [Pin(**{**p, "via": tuple(dict.fromkeys(p["via"]))}) for p in pins]


def read(path: Path = paths.LOCK) -> list[Pin]:
    """The pins of the lock file."""
    return parse(path.read_text(encoding="utf-8"), str(path))


def _pyproject(path: Path) -> dict:
    return tomllib.loads(path.read_text(encoding="utf-8"))


def wanted(pyproject: Path = paths.PYPROJECT) -> list[Wanted]:
    """Every requirement pyproject.toml states: dependencies, every extra, and the build requirements."""
    doc = _pyproject(pyproject)
    project = doc.get("project", {})
    groups = {"dependencies": project.get("dependencies", [])}
    for extra, reqs in project.get("optional-dependencies", {}).items():
        groups[f"optional-dependencies.{extra}"] = reqs
    groups["build-system.requires"] = doc.get("build-system", {}).get("requires", [])
    return [Wanted(Requirement(r), where) for where, reqs in groups.items() for r in reqs]


def python_floor(pyproject: Path = paths.PYPROJECT) -> str:
    """The lowest Python version pyproject.toml's requires-python admits (the lock is resolved from it)."""
    stated = _pyproject(pyproject).get("project", {}).get("requires-python", "")
    floors = [s.version for s in SpecifierSet(stated) if s.operator in (">=", "~=", "==")]
    if not floors:
        raise KzError(f"{pyproject}: requires-python should give a lower bound such as '>=3.11', "
                      f"found {stated!r}")
    return floors[0]


def supported_pythons(pyproject: Path = paths.PYPROJECT) -> list[str]:
    """The Python versions pyproject.toml's classifiers name ("Programming Language :: Python :: 3.12")."""
    classifiers = _pyproject(pyproject).get("project", {}).get("classifiers", [])
    prefix = "Programming Language :: Python :: "
    versions = [c.removeprefix(prefix) for c in classifiers if c.startswith(prefix)]
    found = [v for v in versions if v.count(".") == 1]
    if not found:
        raise KzError(f"{pyproject}: no classifier 'Programming Language :: Python :: 3.X' names a Python "
                      "version")
    return found


def disagreements(pins: list[Pin], wants: list[Wanted], file: str = "requirements.lock") -> list[Problem]:
    """Where the lock and pyproject.toml disagree: a requirement unpinned or pinned outside its bounds, or a
    pin that nothing in pyproject.toml needs any more (judged from the lock's `# via` annotations)."""
    by_name: dict[str, list[Pin]] = {}
    for pin in pins:
        by_name.setdefault(pin.name, []).append(pin)
    problems = []
    for want in wants:
        name = canonicalize_name(want.requirement.name)
        if name not in by_name:
            message = f"not pinned: pyproject.toml {want.where} asks for {want.requirement}"
            problems.append(Problem(file, message, entry=name))
        for pin in by_name.get(name, []):
            if not want.requirement.specifier.contains(pin.version, prereleases=True):
                message = (f"pinned at {pin.version}, outside what pyproject.toml {want.where} asks for "
                           f"({want.requirement})")
                problems.append(Problem(file, message, row=pin.line, entry=name))
    reachable = {canonicalize_name(w.requirement.name) for w in wants} & set(by_name)
    grown = True
    while grown:
        more = {p.name for p in pins if p.name not in reachable and reachable.intersection(p.via)}
        reachable |= more
        grown = bool(more)
    for pin in pins:
        if pin.name not in reachable:
            problems.append(Problem(file, "pinned, but nothing in pyproject.toml needs it any more",
                                    row=pin.line, entry=pin.name))
    return problems


def check(lock: Path = paths.LOCK, pyproject: Path = paths.PYPROJECT) -> list[Problem]:
    """Problems with the lock file as it stands next to pyproject.toml (empty when they agree)."""
    try:
        pins = read(lock)
    except RequirementsLockError as exc:
        return exc.problems
    return disagreements(pins, wanted(pyproject), str(lock))


def compile_command(pyproject: Path, output: Path) -> list[str]:
    """The uv command that resolves pyproject.toml (with every extra) into a universal lock with hashes."""
    return [sys.executable, "-m", "uv", "pip", "compile", pyproject.name, "-", "--all-extras", "--universal",
            "--python-version", python_floor(pyproject), "--fork-strategy", "fewest", "--generate-hashes",
            "--custom-compile-command", REFRESH_COMMAND, "--quiet", "--output-file", str(output)]


def refresh(pyproject: Path = paths.PYPROJECT, output: Path = paths.LOCK) -> list[Pin]:
    """Resolve pyproject.toml again into the lock (the build requirements come in on standard input)."""
    build = "\n".join(str(w.requirement) for w in wanted(pyproject) if w.where == "build-system.requires")
    try:
        subprocess.run(compile_command(pyproject, output.resolve()), input=build + "\n", text=True,
                       encoding="utf-8", cwd=pyproject.parent, check=True)
    except FileNotFoundError as exc:
        raise KzError(f"cannot run {sys.executable}: {exc}") from exc
    except subprocess.CalledProcessError as exc:
        raise KzError(f"uv could not resolve {pyproject} (exit {exc.returncode}); is uv installed "
                      f"({sys.executable} -m pip install uv) and the package index reachable?") from exc
    return read(output)


def main(argv: list[str] | None = None) -> int:
    """Refresh the lock, or with --check list where it and pyproject.toml disagree."""
    parser = argparse.ArgumentParser(prog="python -m kzlib.lock", description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only check the lock against pyproject.toml")
    args = parser.parse_args(argv)
    try:
        if args.check:
            problems = check()
            if problems:
                raise RequirementsLockError(problems)
            print(f"{paths.LOCK.name} agrees with {paths.PYPROJECT.name}.")
            return 0
        pins = refresh()
    except KzError as exc:
        print(f"kzlib.lock: {exc}", file=sys.stderr)
        return 2
    print(f"{paths.LOCK.name}: {len(pins)} pins ({len({p.name for p in pins})} distributions), "
          f"hash {digest()}.")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
