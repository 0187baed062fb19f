"""kzlib.doctor and `kz doctor`: the environment against the lock, and a stamp that changes when it does."""

from __future__ import annotations

import importlib.metadata as metadata
import re
import textwrap

import pytest

from kzlib import doctor, lock
from kzlib.cli import main

H = "sha256:" + "b" * 64
LOCK = textwrap.dedent(f"""\
    numpy==2.4.6 --hash={H}
    pandas==3.1.1 --hash={H}
        # via kzlib (pyproject.toml)
    pywinpty==3.1.2 ; os_name == 'nt' --hash={H}
    """)
AS_LOCKED = {"numpy": "2.4.6", "pandas": "3.1.1", "pywinpty": "3.1.2", "pip": "26.3", "kzlib": "0.1.0"}


@pytest.fixture
def lock_file(tmp_path):
    path = tmp_path / "requirements.lock"
    path.write_text(LOCK, encoding="utf-8")
    return path


def test_drift_names_what_is_missing_or_at_another_version():
    pins = lock.parse(LOCK)
    assert doctor.drift(pins, AS_LOCKED) == []
    assert doctor.drift(pins, {"numpy": "2.5.0", "pip": "1"}) == [("numpy", "2.5.0", "2.4.6"),
                                                                  ("pandas", None, "3.1.1")]
    assert doctor.drift(pins, {**AS_LOCKED, "numpy": "2.4.6.0"}) == []  # the same version, spelt longer


def test_a_pin_for_another_platform_is_not_missing():
    pins = lock.parse(LOCK)
    posix_only = {k: v for k, v in AS_LOCKED.items() if k != "pywinpty"}
    assert doctor.drift(pins, posix_only, {"os_name": "posix"}) == []
    assert doctor.drift(pins, posix_only, {"os_name": "nt"}) == [("pywinpty", None, "3.1.2")]


def test_distributions_no_pin_covers_are_listed_apart_from_pip_and_kzlib():
    assert doctor.unlocked(lock.parse(LOCK), {**AS_LOCKED, "uv": "0.13.9", "zzz": "1"}) == ["uv", "zzz"]


def test_the_stamp_is_the_kzlib_version_and_the_lock_hash(lock_file):
    stamp = doctor.environment_stamp(lock_file, AS_LOCKED)
    assert stamp == f"kzlib {metadata.version('kzlib')}, lock {lock.digest(lock_file)}"


def test_the_stamp_tells_an_environment_that_left_the_lock_and_which_one(lock_file):
    one = doctor.environment_stamp(lock_file, {**AS_LOCKED, "numpy": "2.5.0"})
    two = doctor.environment_stamp(lock_file, {**AS_LOCKED, "numpy": "2.5.1"})
    again = doctor.environment_stamp(lock_file, {**AS_LOCKED, "numpy": "2.5.0"})
    assert re.fullmatch(rf"kzlib \S+, lock {lock.digest(lock_file)}, env [0-9a-f]{{10}}", one)
    assert one == again != two


def test_a_changed_lock_changes_the_stamp(lock_file, tmp_path):
    before = doctor.environment_stamp(lock_file, AS_LOCKED)
    lock_file.write_text(LOCK + f"six==1.17.0 --hash={H}\n", encoding="utf-8")
    assert doctor.environment_stamp(lock_file, {**AS_LOCKED, "six": "1.17.0"}) != before
    assert doctor.environment_stamp(tmp_path / "none.lock", AS_LOCKED).endswith(", no lock")


PYPROJECT = """[project]\nrequires-python = ">=3.11"\nclassifiers = ["Programming Language :: Python :: 3.11",
"Programming Language :: Python :: 3.12"]\n"""


@pytest.mark.parametrize(("version", "state"), [("3.10.4", "off"), ("3.11.0", "ok"), ("3.12.7", "ok"),
                                                ("3.15.0", "note")])
def test_python_versions_outside_the_supported_ones(tmp_path, version, state):
    pyproject = tmp_path / "pyproject.toml"
    pyproject.write_text(PYPROJECT, encoding="utf-8")
    finding = doctor.check_python(pyproject, version)
    assert finding.state == state
    assert (finding.advice == "") == (state == "ok")


def test_a_library_at_another_version_is_off_with_the_command_that_fixes_it():
    pins = lock.parse(LOCK)
    assert doctor.check_library("pandas", pins, AS_LOCKED).state == "ok"
    off = doctor.check_library("pandas", pins, {"pandas": "2.2.0"})
    assert off.state == "off" and off.found == "2.2.0 (lock 3.1.1)" and "--require-hashes" in off.advice
    assert doctor.check_library("pandas", pins, {}).found == "missing (lock 3.1.1)"


def test_the_report_lists_what_to_put_right_and_the_notes():
    found = [doctor.Finding("Python", "3.11.7", "ok"),
             doctor.Finding("pandas", "2.2.0 (lock 3.1.1)", "off", "fix A"),
             doctor.Finding("Chromium", "not found", "note", "optional B")]
    text = doctor.report(found)
    assert "  off   pandas    2.2.0 (lock 3.1.1)" in text.splitlines()
    assert "1 thing to put right:\n  - pandas: fix A" in text and "(note) Chromium: optional B" in text
    assert "All is well" in doctor.report(found[:1])


def test_kz_doctor_prints_every_check_and_exits_1_exactly_when_something_is_off(capsys):
    code = main(["doctor"])
    out = capsys.readouterr().out
    assert out.startswith(f"kz doctor: kzlib {metadata.version('kzlib')}, lock {lock.digest()}")
    for what in ("Python", "kzlib", "kernel", "pandas", "matplotlib", "papermill", "nbconvert", "CJK font",
                 "lock file", "installed", "Chromium"):
        assert re.search(rf"^  (ok|off|note)\s+{what} ", out, re.M), what
    assert code == (1 if re.search(r"^  off ", out, re.M) else 0)
