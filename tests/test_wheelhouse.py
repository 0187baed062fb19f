"""kzlib.wheelhouse: the wheels each platform needs, and an install that works with the package index off."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import textwrap
import venv
from pathlib import Path

import pytest

from kzlib import load_registry, lock, paths, wheelhouse
from kzlib.errors import KzError

H = "sha256:" + "a" * 64
LOCK = textwrap.dedent(f"""\
    colorama==0.4.6 ; sys_platform == 'win32' --hash={H}
    pexpect==4.9.0 ; sys_platform != 'emscripten' and sys_platform != 'win32' --hash={H}
    pywinpty==3.1.2 ; os_name == 'nt' --hash={H}
    aiohttp==3.14.5 ; python_full_version == '3.12.*' --hash={H}
    soupsieve==2.10 ; python_full_version < '3.11.5' --hash={H}
    soupsieve==4.1.3 ; python_full_version >= '3.11.5' --hash={H}
    numpy==2.4.6 --hash={H}
    """)


def names(pins):
    return sorted(f"{p.name}=={p.version}" for p in pins)


def test_targets_cross_platforms_with_python_versions():
    found = wheelhouse.targets(["linux", "windows"], ["3.11", "3.12"])
    assert [str(t) for t in found] == ["linux / Python 3.11", "linux / Python 3.12", "windows / Python 3.11",
                                       "windows / Python 3.12"]
    windows = found[3]
    assert windows.pip_options() == ["--platform=win_amd64", "--python-version=3.12", "--implementation=cp"]
    assert "--platform=manylinux2014_x86_64" in found[0].pip_options()


def test_the_current_platform_is_this_interpreter():
    [current] = wheelhouse.targets(["current"], ["3.99"])
    assert current.pip_options() == []
    assert current.python == f"{sys.version_info.major}.{sys.version_info.minor}"


def test_an_unknown_platform_is_refused():
    with pytest.raises(KzError, match="unknown platform 'mac'"):
        wheelhouse.targets(["mac"], ["3.12"])


def test_windows_gets_its_own_packages_and_not_the_posix_ones():
    [target] = wheelhouse.targets(["windows"], ["3.13"])
    [chosen] = wheelhouse.requirement_sets(lock.parse(LOCK), target)
    assert names(chosen) == ["colorama==0.4.6", "numpy==2.4.6", "pywinpty==3.1.2", "soupsieve==4.1.3"]


def test_linux_python_312_gets_the_packages_only_312_needs():
    [target] = wheelhouse.targets(["linux"], ["3.12"])
    [chosen] = wheelhouse.requirement_sets(lock.parse(LOCK), target)
    assert names(chosen) == ["aiohttp==3.14.5", "numpy==2.4.6", "pexpect==4.9.0", "soupsieve==4.1.3"]


def test_a_pin_split_within_a_python_version_downloads_both_sides_separately():
    # soupsieve changes at 3.11.5: a 3.11 wheelhouse serves 3.11.0 and 3.11.9 alike, one version per pip call.
    [target] = wheelhouse.targets(["linux"], ["3.11"])
    sets = wheelhouse.requirement_sets(lock.parse(LOCK), target)
    assert [[n for n in names(s) if n.startswith("soupsieve")] for s in sets] == [
        ["soupsieve==2.10"], ["soupsieve==4.1.3"]]


def test_the_requirements_handed_to_pip_carry_hashes_and_no_markers():
    text = wheelhouse.requirements_text(lock.parse(LOCK)[:1])
    assert text == f"colorama==0.4.6 --hash={H}\n"


# ---------------------------------------------------------------- offline install, end to end


def _project_copy(dst: Path) -> Path:
    """The project's files as a fresh clone has them (no environment, outputs, caches or wheelhouse)."""
    ignore = shutil.ignore_patterns(".venv", ".git", "outputs", "wheelhouse", "*.egg-info", "__pycache__",
                                    ".pytest_cache", ".ruff_cache", ".hypothesis", "build")
    shutil.copytree(paths.ROOT, dst, ignore=ignore)
    (dst / "outputs").mkdir()
    return dst


def _offline_env() -> dict[str, str]:
    """The environment without this machine's pip configuration (indexes, find-links, constraints)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PIP_", "VIRTUAL_ENV", "PYTHONPATH"))}
    return {**env, "PIP_CONFIG_FILE": os.devnull, "PIP_NO_INDEX": "1"}


def _run(args: list, cwd: Path, env: dict[str, str], timeout: int = 900) -> subprocess.CompletedProcess:
    done = subprocess.run([str(a) for a in args], cwd=cwd, env=env, capture_output=True, text=True,
                          encoding="utf-8", errors="replace", timeout=timeout)
    command = " ".join(map(str, args))
    assert done.returncode == 0, f"{command} failed:\n{done.stdout[-3000:]}\n{done.stderr[-3000:]}"
    return done


def _bin(env_dir: Path, name: str) -> Path:
    return env_dir / ("Scripts" if os.name == "nt" else "bin") / (name + (".exe" if os.name == "nt" else ""))


@pytest.fixture(scope="module")
def wheels(tmp_path_factory) -> Path:
    """A wheelhouse for this platform and Python, downloaded once (skipped where the index is unreachable)."""
    dest = tmp_path_factory.mktemp("wheelhouse")
    pins = lock.read()
    probe = next(p for p in pins if p.applies())
    try:
        with pytest.MonkeyPatch.context() as env:
            env.setenv("PIP_NO_CACHE_DIR", "1")  # ask the index itself, not pip's cache of it
            wheelhouse.download([probe], wheelhouse.targets(["current"], [])[0], dest)
    except KzError as exc:
        pytest.skip(f"the wheelhouse cannot be built here: the package index is not reachable ({exc})")
    wheelhouse.build(dest, ["current"], progress=lambda _: None)
    return dest


@pytest.mark.slow
def test_a_fresh_environment_installs_from_the_wheelhouse_alone_and_renders_every_brief(wheels, tmp_path):
    project = _project_copy(tmp_path / "kzlib")
    env_dir = tmp_path / "env"
    venv.EnvBuilder(with_pip=True).create(env_dir)
    python, env = _bin(env_dir, "python"), _offline_env()
    # The README's path without make, index off: the lock with its hashes, kzlib itself, the briefs' kernel.
    _run([python, "-m", "pip", "install", "--no-index", "--find-links", wheels, "--require-hashes", "-r",
          "requirements.lock"], project, env)
    _run([python, "-m", "pip", "install", "--no-index", "--no-deps", "--no-build-isolation", "-e", "."],
         project, env)
    _run([python, "-m", "ipykernel", "install", "--sys-prefix", "--name", "python3"], project, env)

    doctor = subprocess.run([str(_bin(env_dir, "kz")), "doctor"], cwd=project, env=env, capture_output=True,
                            text=True, encoding="utf-8")
    assert doctor.returncode == 0, doctor.stdout + doctor.stderr
    stamp = doctor.stdout.splitlines()[0]
    assert stamp.endswith(f", lock {lock.digest()}"), stamp  # no ", env ...": installed exactly as locked

    done = _run([_bin(env_dir, "kz"), "render", "--all", "--lang", "both"], project, env, timeout=1800)
    assert "failed 0" in done.stdout
    briefs = sorted((project / "outputs" / paths.DEFAULT_PLAN / "html").glob("*/*.html"))
    assert len(briefs) == 2 * (len(load_registry().actions) + 1)  # every action and the overview, zh and en
    assert (project / "outputs" / paths.DEFAULT_PLAN / "html" / "index.html").stat().st_size > 0
