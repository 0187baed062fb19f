"""Fault drills (#14): a failure is never reported as success, and no figure is lost.

Each drill is small: a temporary project (tests/conftest.py), a few rows, tiny notebooks where kernels run
(marked slow). The exit codes: 0 only when everything asked for was done, 1 when something failed, 2 for bad
data, 130 on Ctrl-C.
"""

from __future__ import annotations

import csv
import errno
import json
import multiprocessing
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import nbformat
import openpyxl
import pytest

from kzlib import briefdata, cli, context, files, kernels, paths, render, shipped, tables
from kzlib.errors import SHOWN_PROBLEMS, DataError, LockError, ObservationError, Problem, WriteError
from kzlib.observations import merge_file, observation_report

HEADER = "indicator,year,value,unit,source_title,source_link\n"
SOURCE = "2024年开州区国民经济和社会发展统计公报"
INJECTIONS = ["=HYPERLINK(\"http://x\",\"点我\")", "+cmd|' /C calc'!A0", "-2+3+cmd|' /C calc'!A0", "@SUM(1+1)*cmd",
              "\t=1+1", "\r=1+1"]


def kz(*args: str, root: Path, **kw) -> subprocess.CompletedProcess:
    """Run `python -m kzlib` in a child process on the project at `root`."""
    env = dict(os.environ, KZ_ROOT=str(root))
    return subprocess.run([sys.executable, "-m", "kzlib", *args], capture_output=True, text=True, env=env,
                          timeout=kw.pop("timeout", 120), **kw)


def one_figure(folder: Path, name: str, row: str) -> Path:
    """A CSV of new figures in the long layout."""
    path = folder / name
    path.write_text(HEADER + row + "\n", encoding="utf-8")
    return path


def snapshot(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def data_rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


# ---------------------------------------------------------------- the shipped files


def test_a_shipped_file_cut_mid_line_stops_every_command_and_touches_no_brief(project, tmp_path):
    text = (project.data / "observations.csv").read_text(encoding="utf-8")
    cut = text[: len(text) // 2]  # cut in the middle of a line (between characters: a torn one is undecodable)
    assert not cut.endswith("\n")
    (project.data / "observations.csv").write_text(cut, encoding="utf-8")
    out = tmp_path / "out"
    (out / "html" / "zh").mkdir(parents=True)
    (out / "html" / "zh" / "action-01.html").write_text("<p>the last good brief</p>", encoding="utf-8")
    before = snapshot(out)

    for args in (["render", "--all", "--out", str(out)], ["assess"], ["data", "gaps"], ["data", "check", __file__]):
        done = kz(*args, root=project.root)
        assert done.returncode == 2, (args, done.stderr)
        assert "data/plans/kaizhou-2023-2027/observations.csv" in done.stderr and "Traceback" not in done.stderr
        assert "cut off" in done.stderr or "cut short" in done.stderr, done.stderr
    assert snapshot(out) == before


@pytest.mark.parametrize(("cut", "expected"), [
    ('gdp,2023,686.91,亿元,"公报,https://x\n', "unbalanced quote"),
    ("gdp,2023,686.91\n", "3 cells where the header has 10: the row is cut short"),
])
def test_a_malformed_shipped_row_is_named(project, cut, expected):
    path = project.data / "observations.csv"
    path.write_text(path.read_text(encoding="utf-8") + cut, encoding="utf-8")
    with pytest.raises(ObservationError) as caught:
        context.load()
    (problem,) = caught.value.problems
    assert problem.file == "data/plans/kaizhou-2023-2027/observations.csv" and expected in problem.message
    assert problem.row == len(data_rows(project.data / "observations.csv")) + 1 or expected.startswith("unbalanced")


def test_fewer_rows_than_kz_data_add_wrote_is_caught(project, tmp_path):
    new = one_figure(tmp_path, "new.csv", f"gdp,2024,721.44,亿元,{SOURCE},https://example.org/2024")
    merge_file(new)
    written = len(data_rows(project.data / "observations.csv"))
    state = json.loads((project.data / shipped.STATE_NAME).read_text(encoding="utf-8"))
    assert state["files"]["observations.csv"]["rows"] == written
    lines = (project.data / "observations.csv").read_text(encoding="utf-8").splitlines(keepends=True)
    (project.data / "observations.csv").write_text("".join(lines[:-3]), encoding="utf-8")  # whole lines lost

    with pytest.raises(ObservationError) as caught:
        context.load()
    message = str(caught.value)
    assert f"holds {written - 3} rows, but kz data add wrote {written}" in message and "rows were lost" in message


# ---------------------------------------------------------------- two writers at once


def _add(path: str, root: str, start: multiprocessing.synchronize.Event) -> None:
    os.environ[paths.ENV_ROOT] = root
    start.wait()
    merge_file(path)


def test_two_data_adds_racing_lose_no_row(project, tmp_path):
    reg = context.load_registry()
    held = {r["indicator"] for r in data_rows(project.data / "observations.csv")}
    free = [r["id"] for r in reg.indicators.to_dict("records") if r["measure"] == "count" and r["id"] not in held
            and not r.get("derived_from")][:40]
    assert len(free) == 40
    before = len(data_rows(project.data / "observations.csv"))
    fork = multiprocessing.get_context("fork")
    for trial in range(20):
        pair = []
        for side in (0, 1):
            iid = free[2 * trial + side]
            unit = reg.indicator(iid)["unit"]
            pair.append(one_figure(tmp_path, f"t{trial}-{side}.csv", f"{iid},2024,{trial + 1},{unit},{SOURCE},https://x"))
        start = fork.Event()
        workers = [fork.Process(target=_add, args=(str(p), str(project.root), start)) for p in pair]
        for w in workers:
            w.start()
        start.set()
        for w in workers:
            w.join(60)
        assert [w.exitcode for w in workers] == [0, 0], trial
    rows = data_rows(project.data / "observations.csv")
    assert len(rows) == before + 40
    assert {r["indicator"] for r in rows} >= set(free)
    state = json.loads((project.data / shipped.STATE_NAME).read_text(encoding="utf-8"))
    assert state["files"]["observations.csv"]["rows"] == before + 40
    assert not [p.name for p in project.data.iterdir() if p.name.startswith(".kz-")]


def test_a_second_writer_waits_then_fails_clearly(tmp_path, monkeypatch):
    said: list[str] = []
    with files.locked(tmp_path, "kz data add first.csv"):
        start = time.monotonic()
        with pytest.raises(LockError, match=r"kz data add first.csv \(process \d+\); gave up after 0.3 s"):
            with files.locked(tmp_path, "kz data add second.csv", timeout=0.3, say=said.append):
                pass
        assert time.monotonic() - start >= 0.3
    assert len(said) == 1 and "waiting for kz data add first.csv" in said[0]
    with files.locked(tmp_path, "third", timeout=0):  # released: taken at once
        pass
    assert not (tmp_path / ".kz.lock").exists()


def test_a_lock_left_by_a_dead_process_is_taken_over(tmp_path):
    dead = subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True, text=True)
    (tmp_path / ".kz.lock").write_text(f"{dead.stdout.strip()} kz data add\n", encoding="utf-8")
    with files.locked(tmp_path, "kz data add", timeout=0):
        assert (tmp_path / ".kz.lock").read_text(encoding="utf-8").startswith(str(os.getpid()))


def test_leftovers_of_killed_runs_are_cleaned_at_the_next_start(project, tmp_path):
    dead = int(subprocess.run([sys.executable, "-c", "import os; print(os.getpid())"], capture_output=True,
                              text=True).stdout)
    (project.data / f".kz-{dead}-abc123-observations.csv").write_text("half", encoding="utf-8")
    (project.data / ".observations-x1y2.csv").write_text("half", encoding="utf-8")  # an older kzlib's temp file
    mine = project.data / f".kz-{os.getpid()}-abc123-observations.csv"  # a live writer's: kept
    mine.write_text("being written", encoding="utf-8")
    kernel_dir = Path(tempfile.gettempdir()) / f"{kernels.FOLDER_PREFIX}{dead}-zz9"
    kernel_dir.mkdir(exist_ok=True)

    merge_file(one_figure(tmp_path, "new.csv", f"gdp,2024,721.44,亿元,{SOURCE},https://x"))
    kernels.clean_folders()

    assert sorted(p.name for p in project.data.iterdir() if p.name.startswith(".")) == [mine.name, shipped.STATE_NAME]
    assert not kernel_dir.exists()


# ---------------------------------------------------------------- bad values


@pytest.mark.parametrize("text", INJECTIONS)
def test_each_formula_prefix_is_refused_before_it_reaches_a_file(project, tmp_path, text):
    path = tmp_path / "inject.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        csv.writer(f).writerows([HEADER.strip().split(","), ["gdp", "2024", "721.44", "亿元", text, "https://x"]])
    before = (project.data / "observations.csv").read_bytes()
    assert cli.main(["data", "add", str(path)]) == 2
    assert (project.data / "observations.csv").read_bytes() == before
    report = observation_report(path, strict=False)
    (problem,) = report.problems
    assert (problem.row, problem.column) == (2, "source_title")
    assert "runs as a formula" in problem.message


def test_tables_written_for_spreadsheets_neutralise_formulas(tmp_path):
    import pandas as pd

    frame = pd.DataFrame({"note": [*INJECTIONS, "-0.2", "普通文字"], "value": range(8)})
    tables.write_table(frame, "csv", tmp_path / "t.csv")
    tables.write_table(frame, "xlsx", tmp_path / "t.xlsx")
    notes = [r["note"] for r in data_rows(tmp_path / "t.csv")]
    assert notes[:6] == ["'" + t.replace("\r", "\n") if t.startswith("\r") else "'" + t for t in INJECTIONS]
    assert notes[6:] == ["-0.2", "普通文字"]
    sheet = openpyxl.load_workbook(tmp_path / "t.xlsx").active
    cells = [sheet.cell(r, 1) for r in range(2, 10)]
    assert all(c.data_type == "s" for c in cells)
    assert [c.value for c in cells[:5]] == ["'" + t for t in INJECTIONS[:5]]


@pytest.mark.parametrize(("row", "column", "expected"), [
    ("gdp,2031,721.44,亿元", "year", "year 2031 has not come yet"),
    ("gdp,2009,721.44,亿元", "year", "year 2009 is before 2015"),
    ("gdp,2024,1e308,亿元", "value", "1e+308 亿元 is not a plausible amount of indicator gdp"),
    ("gdp,2024,1e309,亿元", "value", "inf is not a finite number"),
    ("gdp,2024,72\u200b1.44,亿元", "value", "zero-width space (U+200B) at character 3"),
    ("gdp,2024,721.44\x07,亿元", "value", "control character (U+0007)"),
])
def test_impossible_values_are_refused_with_their_row(tmp_path, row, column, expected):
    path = one_figure(tmp_path, "bad.csv", f"{row},{SOURCE},https://x")
    (problem,) = observation_report(path, strict=False).problems
    assert (problem.row, problem.column) == (2, column) and expected in problem.message, str(problem)


def test_a_jump_is_refused_unless_accepted(project, tmp_path, capsys):
    path = one_figure(tmp_path, "jump.csv", f"gdp,2024,7214.4,亿元,{SOURCE},https://x")  # 721.44 typed as 7214.4
    assert cli.main(["data", "check", str(path)]) == 2
    # 7214.4 / 686.91 = 10.5, said as 11 times
    assert "is 11 times above the 2023 figure (686.91); check the unit" in capsys.readouterr().err
    assert cli.main(["assess", "--data", str(path)]) == 2
    assert cli.main(["data", "add", str(path)]) == 2
    assert "7214.4" not in (project.data / "observations.csv").read_text(encoding="utf-8")
    assert cli.main(["data", "check", "--accept-jumps", str(path)]) == 0
    assert cli.main(["data", "add", "--accept-jumps", str(path)]) == 0
    assert "7214.4" in (project.data / "observations.csv").read_text(encoding="utf-8")


def test_a_long_cell_is_refused_not_a_traceback(project, tmp_path):
    path = one_figure(tmp_path, "long.csv", f'gdp,2024,721.44,亿元,"{"长" * 200_000}",https://x')
    done = kz("data", "check", str(path), root=project.root)
    assert done.returncode == 2 and "Traceback" not in done.stderr
    assert "long.csv, row 2, column source_title: the cell is 200,000 characters long" in done.stderr
    shipped_path = project.data / "observations.csv"  # the same cell in a shipped file
    with shipped_path.open("a", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerow(["gdp", 2024, 721.44, "亿元", "长" * 200_000, "", "", "", "", ""])
    done = kz("assess", root=project.root)
    assert done.returncode == 2 and "Traceback" not in done.stderr and "200,000 characters" in done.stderr


def test_many_bad_rows_print_fifty_then_a_count_per_column(tmp_path):
    path = tmp_path / "many.csv"
    rows = [f"gdp,20x{i % 10},721.44,亿元,{SOURCE},https://x" if i % 3 else f"gdp,2024,abc{i},亿元,{SOURCE},https://x"
            for i in range(3000)]
    path.write_text(HEADER + "\n".join(rows) + "\n", encoding="utf-8")
    report = observation_report(path, strict=False)
    text = DataError(report.problems).report()
    lines = text.splitlines()
    assert lines[0] == "3,000 problems found in the data:"
    assert len(lines) == 1 + SHOWN_PROBLEMS + 1
    # rows i = 0..2999: a bad value when i % 3 == 0 (1,000), else a bad year (2,000); the first 50 problems are
    # rows 0..49, 17 values and 33 years, so 983 values and 1,967 years are left
    assert lines[-1] == "  … and 2,950 more: 1,967 in column year, 983 in column value"


def test_a_damaged_manifest_means_render_again_not_a_traceback(tmp_path):
    page = tmp_path / "html" / "zh" / "action-01.html"
    files.write_atomic(page, "<p>brief</p>")
    for damaged in ('{"version": 2, "entries": []}', '{"version": 2, "entries": {"zh/action-01": "x"}}', "[1, 2]",
                    '{"version": 2, "entries": {"zh/action-01": {"digest": 5, "files": []}}}', "{not json"):
        files.write_atomic(tmp_path / "cache" / "manifest.json", damaged)
        manifest = render.Manifest(tmp_path)
        assert not manifest.fresh("zh/action-01", "d", [page]) and not manifest.fresh_quick("zh/action-01", "d", [page])


# ---------------------------------------------------------------- messages that say the real cause


def test_an_unbalanced_quote_is_called_so(tmp_path):
    path = tmp_path / "quote.csv"
    path.write_text(HEADER + f'gdp,2024,"721.44,亿元,{SOURCE},https://x\ngdp,2023,686.91,亿元,{SOURCE},https://x\n',
                    encoding="utf-8")
    (problem,) = observation_report(path, strict=False).problems
    assert "row 2: unbalanced quote" in problem.message and "mixes" not in problem.message


def test_a_formula_without_a_value_is_called_so(tmp_path):
    book = openpyxl.Workbook()
    book.active.append(["indicator", "year", "value", "unit", "source_title"])
    book.active.append(["gdp", 2024, "=700+21.44", "亿元", SOURCE])  # openpyxl stores no calculated value
    book.save(tmp_path / "formula.xlsx")
    (problem,) = observation_report(tmp_path / "formula.xlsx", strict=False).problems
    assert (problem.row, problem.column) == (2, "value")
    assert "formula =700+21.44 but no value" in problem.message


def test_an_encrypted_workbook_is_called_so(tmp_path):
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 504 + "EncryptedPackage".encode("utf-16-le") + b"\0" * 512
    (tmp_path / "locked.xlsx").write_bytes(ole)
    (problem,) = observation_report(tmp_path / "locked.xlsx", strict=False).problems
    assert "encrypted (protected with a password)" in problem.message


def test_a_folder_given_as_a_file_is_called_so(tmp_path, capsys):
    (tmp_path / "figures.csv").mkdir()
    assert cli.main(["data", "check", str(tmp_path / "figures.csv")]) == 2
    assert "is a folder, not a file" in capsys.readouterr().err
    assert cli.main(["data", "draft", str(tmp_path / "figures.csv")]) == 2
    assert "is a folder, not a file" in capsys.readouterr().err
    assert cli.main(["assess", "--format", "csv", "-o", str(tmp_path)]) == 1
    assert "is a folder; give a file name" in capsys.readouterr().err


def test_a_failed_write_keeps_the_old_file_and_names_the_cause(tmp_path, monkeypatch):
    target = tmp_path / "status.csv"
    target.write_text("old", encoding="utf-8")

    def full(*_args):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(files.os, "fsync", full)
    with pytest.raises(WriteError, match=r"status.csv: the disk is full .*; the previous file is unchanged"):
        files.write_atomic(target, "new")
    assert target.read_text(encoding="utf-8") == "old" and [p.name for p in tmp_path.iterdir()] == ["status.csv"]


@pytest.fixture
def small_disk(tmp_path):
    """A 256 KiB tmpfs, where the machine lets this process mount one."""
    mount = tmp_path / "small"
    mount.mkdir()
    done = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=256k", "tmpfs", str(mount)], capture_output=True)
    if done.returncode != 0:
        pytest.skip("cannot mount a small tmpfs here")
    yield mount
    subprocess.run(["umount", str(mount)], check=False)


def test_a_full_disk_is_named_and_leaves_the_old_file(small_disk, project):
    old = kz("assess", "--format", "csv", "-o", str(small_disk / "a.csv"), root=project.root)
    assert old.returncode == 0
    good = (small_disk / "a.csv").read_bytes()
    try:
        with (small_disk / "filler").open("wb") as f:
            while True:
                f.write(b"\0" * 4096)
                f.flush()
    except OSError:
        pass
    for fmt in ("csv", "xlsx"):
        out = small_disk / f"a.{fmt}"
        before = out.read_bytes() if out.exists() else None
        done = kz("assess", "--format", fmt, "-o", str(out), root=project.root)
        assert done.returncode == 1, done.stderr
        assert "the disk is full" in done.stderr and str(out) in done.stderr and "Traceback" not in done.stderr
        assert (out.read_bytes() if out.exists() else None) == before
    assert (small_disk / "a.csv").read_bytes() == good
    assert sorted(p.name for p in small_disk.iterdir()) == ["a.csv", "filler"]


# ---------------------------------------------------------------- exit codes


def test_a_closed_output_is_quiet_only_for_listings(project):
    env = dict(os.environ, KZ_ROOT=str(project.root))
    listing = subprocess.run(f"'{sys.executable}' -m kzlib targets | head -1", shell=True, capture_output=True,
                             text=True, env=env)
    assert listing.returncode == 0 and listing.stderr == "" and listing.stdout.startswith("id")
    checking = subprocess.Popen([sys.executable, "-m", "kzlib", "data", "check", str(project.data / "observations.csv")],
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    checking.stdout.close()  # nobody reads the report: the check must not say it passed
    err = checking.stderr.read()
    assert checking.wait(60) == 1
    assert err.strip() == "kz data check: standard output was closed before the command finished"


# ---------------------------------------------------------------- kernels: the helper killed, Ctrl-C


def tiny_notebooks(folder: Path, seconds: float) -> None:
    """action.ipynb and overview.ipynb that only wait `seconds` and print their parameters."""
    folder.mkdir(exist_ok=True)
    nb = nbformat.v4.new_notebook()
    params = nbformat.v4.new_code_cell('action = 1\nlang = "zh"\nscenario = "trend"\ndata = []\nas_of = None')
    params.metadata["tags"] = ["parameters"]
    nb.cells = [params, nbformat.v4.new_code_cell(f"import time\ntime.sleep({seconds})\nprint(lang, action)")]
    for name in ("action.ipynb", "overview.ipynb"):
        nbformat.write(nb, str(folder / name))


def helpers_of(parent: int) -> list[int]:
    """Process ids of the kernel helpers (zygotes) that `parent` started."""
    found = []
    for entry in Path("/proc").iterdir():
        try:
            cmd = (entry / "cmdline").read_bytes()
            ppid = int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1])
        except (OSError, ValueError, IndexError):
            continue
        if b"zygote_main" in cmd and ppid == parent:
            found.append(int(entry.name))
    return found


def render_killing_helpers(root: Path, kills: int) -> tuple[int, str, str]:
    """`kz render` of four briefs, killing its kernel helper after the first brief (each time a new one runs)."""
    env = dict(os.environ, KZ_ROOT=str(root), KZ_KERNELS="fork")
    proc = subprocess.Popen([sys.executable, "-m", "kzlib", "render", "--action", "1", "2", "3", "4", "--lang", "zh",
                             "--jobs", "2"], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    killed: list[int] = []
    out = []
    for line in proc.stdout:
        out.append(line)
        while " ok " in line and len(killed) < kills:
            deadline = time.monotonic() + 30
            new = []
            while not new and time.monotonic() < deadline:
                new = [p for p in helpers_of(proc.pid) if p not in killed]
                time.sleep(0.05)
            for pid in new:
                os.kill(pid, signal.SIGKILL)
            killed += new
            line = ""
    proc.wait(120)
    return proc.returncode, "".join(out), proc.stderr.read()


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds the helper through /proc")
@pytest.mark.slow
def test_a_killed_kernel_helper_is_restarted_once(project):
    tiny_notebooks(project.root / "notebooks", 1.5)
    code, out, err = render_killing_helpers(project.root, kills=1)
    assert code == 0, out + err
    assert "rendered 4, skipped-unchanged 0, failed 0" in out


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="finds the helper through /proc")
@pytest.mark.slow
def test_a_kernel_helper_that_dies_twice_fails_the_rest_by_name(project):
    tiny_notebooks(project.root / "notebooks", 1.5)
    code, out, err = render_killing_helpers(project.root, kills=2)
    assert code == 1, out + err
    failed = [line for line in err.splitlines() if line.startswith("kz render: FAILED")]
    assert failed and all("the kernel helper process stopped again (killed by signal 9)" in line for line in failed)
    assert f"failed {len(failed)} in" in out


@pytest.mark.parametrize("target", ["group", "kz alone"])
@pytest.mark.slow
def test_ctrl_c_exits_130_saying_what_was_and_was_not_rendered(project, tmp_path, target):
    tiny_notebooks(project.root / "notebooks", 300)
    out = tmp_path / "out"
    (out / "html" / "zh").mkdir(parents=True)
    (out / "html" / "zh" / "action-02.html").write_text("<p>the last good brief</p>", encoding="utf-8")
    before = snapshot(out)
    env = dict(os.environ, KZ_ROOT=str(project.root))
    proc = subprocess.Popen([sys.executable, "-m", "kzlib", "render", "--action", "1", "2", "--lang", "zh", "--out",
                             str(out)], stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                            start_new_session=True)
    assert proc.stdout.readline().startswith("rendering 2 briefs")
    time.sleep(2)  # the kernels are running their 300-second cells
    if target == "group":
        os.killpg(proc.pid, signal.SIGINT)
    else:
        os.kill(proc.pid, signal.SIGINT)
    _, err = proc.communicate(timeout=60)  # a guard against a hang, not a timing assertion
    assert proc.returncode == 130
    assert "kz render: interrupted; rendered 0; not rendered 2 (zh/action-01, zh/action-02): their last good " \
           "versions are kept" in err
    assert "Traceback" not in err
    assert snapshot(out) == before
    assert not helpers_of(proc.pid)


# ---------------------------------------------------------------- only what changed is re-rendered (#13 part 5)


def keys(langs=("zh", "en"), data=()) -> dict[str, str]:
    """Every brief's cache key on the current project."""
    actions = render.plan_actions()
    briefs = render.plan_briefs(actions, langs, "trend", [Path(d) for d in data], None, True, paths.NOTEBOOKS)
    ctx = context.load(data)
    tree = render.data_tree_digest([Path(d) for d in data], skip=(render.COMMENTARY,))
    return render.brief_keys(briefs, ctx, "code", tree)


def changed(before: dict[str, str], after: dict[str, str]) -> set[str]:
    return {k for k in before if before[k] != after[k]}


def test_one_new_gdp_figure_changes_the_gdp_briefs_and_the_overview_only(project, tmp_path):
    # GDP (indicator gdp) is the measure of one target, a1_gdp in data/registry/targets/action-01.yaml; no
    # derived indicator is computed from it, and no other target names it as its reference.
    before = keys()
    path = project.data / "observations.csv"
    with path.open("a", encoding="utf-8", newline="") as f:
        csv.writer(f, lineterminator="\n").writerow(["gdp", 2025, 760.5, "亿元", SOURCE, "https://x", "", "", "", ""])
    after = keys()
    assert changed(before, after) == {"zh/action-01", "en/action-01", "zh/overview", "en/overview"}
    trial = one_figure(tmp_path, "trial.csv", f"gdp,2026,790.1,亿元,{SOURCE},https://x")  # the same through --data
    assert changed(after, keys(data=[trial])) == {"zh/action-01", "en/action-01", "zh/overview", "en/overview"}


def test_a_commentary_file_changes_its_own_brief_only(project):
    before = keys()
    commentary = briefdata.commentary_file("zh", "action-03")
    commentary.parent.mkdir(parents=True, exist_ok=True)
    commentary.write_text("三季度以来项目推进加快。\n", encoding="utf-8")  # its appearance is a change
    appeared = keys()
    assert changed(before, appeared) == {"zh/action-03"}
    commentary.write_text("三季度以来项目推进明显加快。\n", encoding="utf-8")
    edited = keys()
    assert changed(appeared, edited) == {"zh/action-03"}
    overview = briefdata.commentary_file("en", "overview")
    overview.parent.mkdir(parents=True, exist_ok=True)
    overview.write_text("Projects sped up in the third quarter.\n", encoding="utf-8")
    assert changed(edited, keys()) == {"en/overview"}


@pytest.mark.slow
def test_render_after_one_new_figure_renders_exactly_the_affected_briefs(project, tmp_path):
    tiny_notebooks(project.root / "notebooks", 0)
    out = tmp_path / "out"
    first = render.render(out=out, progress=lambda line: None)
    assert first.failed == [] and len(first.rendered) == 2 * (len(render.plan_actions()) + 1)
    trial = one_figure(tmp_path, "trial.csv", f"gdp,2026,790.1,亿元,{SOURCE},https://x")
    again = render.render(out=out, data=[trial], progress=lambda line: None)
    assert sorted(again.rendered) == ["en/action-01", "en/overview", "zh/action-01", "zh/overview"]
    assert again.failed == [] and len(again.unchanged) == len(first.rendered) - 4
    assert render.render(out=out, data=[trial], progress=lambda line: None).rendered == []


def test_problem_lists_name_where(tmp_path):
    assert str(Problem("a.csv", "bad", row=3, column="value")) == "a.csv, row 3, column value: bad"
