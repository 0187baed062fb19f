"""kzlib.render and `kz render`: briefs match the assessment, are self-contained, fail in isolation, are cached."""

from __future__ import annotations

import csv
import hashlib
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest

from kzlib import assess, brief, charts, cli, context, files, kernels, labels, paths, render, text

ACTION = 1


def script_note_file(folder: Path) -> Path:
    """A real shipped observation re-stated with a note and a source title that carry <script>."""
    with paths.OBSERVATIONS.open(encoding="utf-8") as f:
        reader = csv.DictReader(f)
        row = next(reader)
        header = reader.fieldnames
    row["note"] = "<script>alert('note')</script> 初步核算"
    row["source_title"] = row["source_title"] + " <script>alert('title')</script>"
    path = folder / "script-note.csv"
    with path.open("w", encoding="utf-8", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=header)
        writer.writeheader()
        writer.writerow(row)
    return path


class Tables(HTMLParser):
    """Text of every cell of every table in a page, and the h2 that comes before each table."""

    def __init__(self) -> None:
        super().__init__()
        self.tables: list[tuple[str, list[list[str]]]] = []
        self._h2: list[str] | None = None
        self._last_h2 = ""
        self._cell: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag == "h2":
            self._h2 = []
        elif tag == "table":
            self.tables.append((self._last_h2, []))
        elif tag == "tr":
            self.tables[-1][1].append([])
        elif tag in ("td", "th"):
            self._cell = []

    def handle_endtag(self, tag):
        if tag == "h2":
            self._last_h2, self._h2 = "".join(self._h2), None
        elif tag in ("td", "th"):
            self.tables[-1][1][-1].append("".join(self._cell).strip())
            self._cell = None

    def handle_data(self, data):
        if self._h2 is not None:
            self._h2.append(data)
        if self._cell is not None:
            self._cell.append(data)


def tables_of(page: str) -> dict[str, list[list[str]]]:
    parser = Tables()
    parser.feed(page)
    return dict(parser.tables)


@pytest.fixture(scope="module")
def rendered(tmp_path_factory):
    """Action 1 and the overview in Chinese, rendered once through papermill with a <script> note in the data."""
    tmp = tmp_path_factory.mktemp("render")
    data = script_note_file(tmp)
    out = tmp / "out"
    lines: list[str] = []
    report = render.render([ACTION], ["zh"], data=[data], out=out, overview=True, jobs=2, progress=lines.append)
    return {"out": out, "data": data, "report": report, "lines": lines}


def page(rendered, name: str) -> str:
    return (rendered["out"] / "html" / "zh" / f"{name}.html").read_text(encoding="utf-8")


@pytest.mark.slow
def test_render_reports_each_brief(rendered):
    report = rendered["report"]
    assert report.failed == []
    assert sorted(report.rendered) == ["zh/action-01", "zh/overview"]
    assert rendered["lines"][0].startswith("rendering 2 briefs with 2 workers")
    assert len(rendered["lines"]) == 3 and all(" ok " in line for line in rendered["lines"][1:])
    assert "rendered 2, skipped-unchanged 0, failed 0" in report.summary()


@pytest.mark.slow
def test_status_table_matches_assessment(rendered):
    ctx = context.load([rendered["data"]])
    reg, obs, mil = ctx.registry, ctx.observations, ctx.milestones
    expected = assess.assess(reg, obs, scenario="trend", milestones=mil)
    expected = expected[(expected["action"] == ACTION) & (expected["kind"] != "milestone")]
    expected = expected[expected["status"].isin(brief.JUDGED)]  # the table lists the targets with figures
    assert len(expected) > 0
    rows = tables_of(page(rendered, "action-01"))["主要指标完成情况"][1:]
    assert len(rows) == len(expected)
    for cells, want in zip(rows, expected.to_dict("records"), strict=True):
        name, status, latest = cells[0], cells[1], cells[2]
        assert name.startswith(want["name_zh"])
        assert status == text.row_status(want, "zh")
        if want["latest_value"] is None or want["latest_value"] != want["latest_value"]:
            assert latest == "—"
        else:
            shown = float(re.match(r"-?[\d.]+", latest).group())
            assert shown == pytest.approx(want["latest_value"], abs=0.006)
            assert f"（{want['latest_year']}年）" in latest


@pytest.mark.slow
def test_overview_counts_match_assessment(rendered):
    ctx = context.load([rendered["data"]])
    reg, obs, mil = ctx.registry, ctx.observations, ctx.milestones
    table = assess.counted(assess.assess(reg, obs, scenario="trend", milestones=mil))  # each target once
    rows = tables_of(page(rendered, "overview"))[labels.label("brief.matrix", "zh")]
    totals = {next(n for n in range(1, 11) if r[0].startswith(labels.action(n, "zh"))): int(r[-1]) for r in rows[1:]}
    assert totals == {a: int((table["action"] == a).sum()) for a in range(1, 11)}
    assert sum(totals.values()) == len(reg.targets) - reg.targets["repeat_of"].notna().sum() > 0
    assert 'href="action-01.html"' in page(rendered, "overview")


@pytest.mark.parametrize("name", ["action-01", "overview"])
@pytest.mark.slow
def test_brief_is_one_offline_file_without_code(rendered, name):
    html = page(rendered, name)
    lower = html.lower()
    assert "data:image/png;base64," in html
    assert "<script" not in lower  # no script at all, inline or loaded
    assert "<link" not in lower and "@import" not in lower
    assert not re.search(r"""(src|href)\s*=\s*["']?(https?:)?//[^"']*\.(js|css)""", lower)
    assert not re.search(r"""<img[^>]+src\s*=\s*["']?https?:""", lower)
    assert "traceback" not in lower and "output_error" not in lower and "output_stderr" not in lower
    assert "from kzlib import" not in html and "brief.load(" not in html and "In&nbsp;[" not in html
    assert len(html.encode("utf-8")) < 1_000_000
    assert '<html lang="zh">' in html


def printed_pages(html: Path, tmp: Path) -> int:
    """The pages headless Chromium prints the brief on (A4, as the brief's @page asks), with the bundled CJK font."""
    fonts = tmp / "fonts.conf"
    fonts.write_text(f'''<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>
<include ignore_missing="yes">/etc/fonts/fonts.conf</include><dir>{charts.font_file().parent}</dir>
<cachedir>{tmp / "fc-cache"}</cachedir></fontconfig>''', encoding="utf-8")
    pdf = tmp / (html.stem + ".pdf")
    subprocess.run([CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                    f"--user-data-dir={tmp / 'profile'}", "--no-pdf-header-footer", f"--print-to-pdf={pdf}",
                    html.as_uri()], env=dict(os.environ, FONTCONFIG_FILE=str(fonts)), capture_output=True,
                   timeout=180, check=True)
    return len(re.findall(rb"/Type\s*/Page(?!s)", pdf.read_bytes()))


CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.mark.slow
@pytest.mark.skipif(CHROMIUM is None, reason="headless Chromium is not installed")
@pytest.mark.parametrize(("name", "most"), [("action-01", 4), ("overview", 6)])
def test_a_brief_prints_on_a_few_a4_pages(rendered, tmp_path, name, most):
    pages = printed_pages(rendered["out"] / "html" / "zh" / f"{name}.html", tmp_path)
    assert 1 <= pages <= most


@pytest.mark.slow
def test_text_from_data_is_escaped(rendered):
    html = page(rendered, "action-01")
    assert "<script" not in html.lower()
    # the title is shown as text (quotes may or may not be written as entities); the note is English, so a
    # Chinese brief leaves it out
    assert re.search(r"&lt;script&gt;alert\((&#x27;|')title(&#x27;|')\)&lt;/script&gt;", html)
    assert "alert('note')" not in html and "alert(&#x27;note&#x27;)" not in html


@pytest.mark.slow
def test_outputs_besides_the_briefs(rendered, project_registry):
    out = rendered["out"]
    executed = json.loads((out / "notebooks" / "zh" / "action-01.ipynb").read_text(encoding="utf-8"))
    injected = [c for c in executed["cells"] if "injected-parameters" in c["metadata"].get("tags", [])]
    assert len(injected) == 1 and "action = 1" in "".join(injected[0]["source"])
    assert not any(o.get("name") == "stderr" for c in executed["cells"] for o in c.get("outputs", []))
    index = (out / "html" / "index.html").read_text(encoding="utf-8")
    assert 'href="zh/action-01.html"' in index and 'href="zh/overview.html"' in index
    assert 'href="en/action-01.html"' not in index  # not rendered, so not linked
    with (out / "status.csv").open(encoding="utf-8") as f:
        assert sum(1 for _ in csv.DictReader(f)) == len(project_registry.targets)
    assert (out / "status.xlsx").stat().st_size > 0


@pytest.mark.slow
def test_nothing_changed_nothing_rendered(rendered):
    out = rendered["out"]
    before = {p: p.stat().st_mtime_ns for p in (out / "html").rglob("*.html")}
    report = render.render([ACTION], ["zh"], data=[rendered["data"]], out=out, overview=True, progress=print)
    assert report.rendered == [] and report.failed == []
    assert sorted(report.unchanged) == ["zh/action-01", "zh/overview"]
    assert {p: p.stat().st_mtime_ns for p in before} == before


@pytest.mark.slow
def test_noop_cli_imports_nothing_heavy(rendered):
    args = ["render", "--action", str(ACTION), "--lang", "zh", "--data", str(rendered["data"]),
            "--out", str(rendered["out"])]
    heavy = ("pandas.core.frame", "matplotlib.pyplot", "papermill", "nbconvert", "jupyter_client", "kzlib.assess")
    code = (f"import sys, types; from kzlib import cli; rc = cli.main({args!r}); "  # lazy modules do not count
            f"heavy = [m for m in {heavy!r} if type(sys.modules.get(m)) is types.ModuleType]; print('RESULT', rc, heavy)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, encoding="utf-8",
                          check=True)
    assert "RESULT 0 []" in done.stdout
    assert "rendered 0, skipped-unchanged 1" in done.stdout


def copy_tree(src: Path, dst: Path) -> Path:
    shutil.copytree(src, dst)
    return dst


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.slow
def test_changed_notebook_rerenders_only_its_briefs(rendered, tmp_path):
    notebooks = copy_tree(paths.NOTEBOOKS, tmp_path / "notebooks")
    nb = json.loads((notebooks / "action.ipynb").read_text(encoding="utf-8"))
    nb["cells"][1]["source"] = ["from kzlib import brief  # changed\n"]
    (notebooks / "action.ipynb").write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    out = copy_tree(rendered["out"], tmp_path / "out")
    report = render.render([ACTION], ["zh"], data=[rendered["data"]], out=out, overview=True,
                           notebooks=notebooks, progress=print)
    assert report.rendered == ["zh/action-01"] and report.unchanged == ["zh/overview"]


@pytest.mark.slow
def test_failed_brief_keeps_the_last_good_one(rendered, tmp_path, project, capsys):
    notebooks = project.root / "notebooks"
    nb = json.loads((notebooks / "action.ipynb").read_text(encoding="utf-8"))
    nb["cells"][3]["source"] = ["assert action != 1, 'broken on purpose'"]
    (notebooks / "action.ipynb").write_text(json.dumps(nb, ensure_ascii=False, indent=1), encoding="utf-8")
    out = copy_tree(rendered["out"], tmp_path / "out")
    good = (out / "html" / "zh" / "action-01.html").read_bytes()

    code = cli.main(["render", "--action", "1", "2", "--lang", "zh", "--data", str(rendered["data"]),
                     "--out", str(out)])

    assert code != 0
    err = capsys.readouterr().err
    assert "zh/action-01" in err and "cell 4 of action.ipynb" in err
    assert "AssertionError: broken on purpose" in err and "zh/action-02" not in err
    assert (out / "html" / "zh" / "action-01.html").read_bytes() == good
    assert (out / "html" / "zh" / "action-02.html").stat().st_size > 0
    assert not list(out.rglob("*.tmp"))


@pytest.mark.slow
def test_bad_data_is_rejected_before_any_kernel(rendered, tmp_path, monkeypatch, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text("indicator,year,value,unit,source_title\ngdp,20x4,abc,亿元,test\n", encoding="utf-8")
    out = copy_tree(rendered["out"], tmp_path / "out")
    before = snapshot(out)

    def no_kernel(*args, **kwargs):
        raise AssertionError("a kernel was started")

    monkeypatch.setattr(kernels, "KernelPool", no_kernel)
    code = cli.main(["render", "--action", "1", "--lang", "zh", "--data", str(bad), "--out", str(out)])

    assert code == 2
    err = capsys.readouterr().err
    assert "bad.csv" in err and "row 2" in err
    assert snapshot(out) == before


@pytest.mark.slow
def test_missing_data_file_is_rejected(tmp_path, capsys):
    code = cli.main(["render", "--action", "1", "--data", str(tmp_path / "nope.csv"), "--out", str(tmp_path / "o")])
    assert code == 2 and "nope.csv" in capsys.readouterr().err
    assert not (tmp_path / "o").exists()


# ---------------------------------------------------------------- the cache, without kernels


def briefs_for(notebooks: Path, scenario: str = "trend", data: tuple = ()) -> list[render.Brief]:
    return render.plan_briefs([1, 2], ["zh", "en"], scenario, list(data), None, True, notebooks)


def test_plan_names_each_brief_once():
    briefs = briefs_for(paths.NOTEBOOKS)
    assert [b.key for b in briefs] == ["zh/action-01", "zh/action-02", "zh/overview",
                                       "en/action-01", "en/action-02", "en/overview"]
    assert briefs[0].params() == {"action": 1, "lang": "zh", "plan": str(paths.PLAN_DIR), "scenario": "trend",
                                  "data": [], "as_of": None}
    assert "action" not in briefs[2].params()
    json.dumps([b.params() for b in briefs])  # papermill passes JSON-like parameters only


def digests(briefs, shared):
    return {b.key: render.brief_digest(b, shared) for b in briefs}


def test_digest_follows_every_input(tmp_path):
    data = copy_tree(paths.PLAN_DIR, tmp_path / "plan")
    source = copy_tree(render.PACKAGE, tmp_path / "kzlib")
    notebooks = copy_tree(paths.NOTEBOOKS, tmp_path / "notebooks")
    extra = script_note_file(tmp_path)
    briefs = briefs_for(notebooks, data=(extra,))

    def current():
        return digests(briefs, render.inputs_digest([extra], data_dir=data, source=source))

    first = current()
    assert current() == first  # nothing changed: nothing to render
    assert len(set(first.values())) == len(first)

    for path in (extra, data / "observations.csv", data / "scenarios.yaml", source / "text.py"):
        before = current()
        path.write_bytes(path.read_bytes() + b"\n")
        after = current()
        assert all(after[k] != before[k] for k in after), path

    before = current()
    nb = notebooks / "overview.ipynb"
    nb.write_text(nb.read_text(encoding="utf-8").replace("brief.overview_appendix(b)", "brief.overview_appendix(b)  # edited"),
                  encoding="utf-8")
    after = current()
    assert {k for k in after if after[k] != before[k]} == {"zh/overview", "en/overview"}


def test_parameters_change_the_digest():
    shared = "x" * 64
    trend = digests(briefs_for(paths.NOTEBOOKS, "trend"), shared)
    plan = digests(briefs_for(paths.NOTEBOOKS, "plan"), shared)
    assert all(trend[k] != plan[k] for k in trend)


def test_manifest_notices_a_touched_output(tmp_path):
    out = tmp_path / "out"
    page_ = out / "html" / "zh" / "action-01.html"
    files.write_atomic(page_, "<p>brief</p>")
    manifest = render.Manifest(out)
    manifest.record("zh/action-01", "d1", [page_])
    reread = render.Manifest(out)
    assert reread.fresh("zh/action-01", "d1", [page_])
    assert not reread.fresh("zh/action-01", "d2", [page_])
    page_.write_text("<p>edited by hand</p>", encoding="utf-8")
    assert not reread.fresh("zh/action-01", "d1", [page_])
    page_.unlink()
    assert not reread.fresh("zh/action-01", "d1", [page_])


def test_write_atomic_leaves_no_partial_file(tmp_path):
    target = tmp_path / "a" / "page.html"
    files.write_atomic(target, "old")

    with pytest.raises(UnicodeEncodeError):
        files.write_atomic(target, "new \ud800")  # cannot be encoded: fails after the temp file exists
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in target.parent.iterdir()] == ["page.html"]


# ---------------------------------------------------------------- what a browser sees


@pytest.mark.skipif(shutil.which("chromium") is None, reason="chromium is not installed")
@pytest.mark.slow
def test_headless_chromium_screenshot(rendered, tmp_path):
    brief = rendered["out"] / "html" / "zh" / "action-01.html"
    html = brief.read_text(encoding="utf-8").lower()
    assert not re.search(r"""<(script|link|img|iframe|video|audio|source)[^>]+(src|href)\s*=\s*["']?https?:""", html)
    assert not re.search(r"url\(\s*[\"']?https?:", html)
    shot = tmp_path / "brief.png"
    # Chinese text needs a CJK font; CI machines have none installed, so lend Chromium the one kzlib ships.
    from kzlib import charts

    fonts = tmp_path / "fonts.conf"
    fonts.write_text(
        '<?xml version="1.0"?><!DOCTYPE fontconfig SYSTEM "fonts.dtd"><fontconfig>'
        '<include ignore_missing="yes">/etc/fonts/fonts.conf</include>'
        f"<dir>{charts.font_file().parent}</dir><cachedir>{tmp_path / 'fc-cache'}</cachedir></fontconfig>",
        encoding="utf-8")
    subprocess.run(
        ["chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         f"--user-data-dir={tmp_path / 'profile'}", f"--screenshot={shot}", "--window-size=1200,2000",
         brief.as_uri()],
        check=True, capture_output=True, timeout=120, env={**os.environ, "FONTCONFIG_FILE": str(fonts)},
    )
    data = shot.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    assert len(data) > 20_000  # a blank page compresses to a few KB
