"""Any plan, not just Kaizhou's: a pack built here (a made-up county outline, 2021-2025, in chapters) is
assessed, briefed, rendered and explored with nothing of the Kaizhou plan showing; one chapter or twelve."""

from __future__ import annotations

import io
import re
from contextlib import redirect_stdout
from pathlib import Path

import pandas as pd
import pytest
from factories import plan_pack

import kzlib
from kzlib import brief, cli, explore, labels, paths, plans

KAIZHOU = paths.PACKAGE_ROOT / "data" / "plans" / paths.DEFAULT_PLAN


def kz(*args: str) -> tuple[int, str]:
    """Run `kz ARGS`; the exit code and what it printed."""
    out = io.StringIO()
    with redirect_stdout(out):
        code = cli.main(list(args))
    return code, out.getvalue()


def assessed(pack: Path) -> pd.DataFrame:
    code, out = kz("--plan", str(pack), "assess", "--format", "csv")
    assert code == 0, out
    return pd.read_csv(io.StringIO(out)).set_index("id")


def test_a_pack_built_here_is_assessed_against_the_time_elapsed(tmp_path):
    table = assessed(plan_pack(tmp_path / "county-2021-2025"))
    assert list(table.index) == ["c_output", "c_services", "c_plant", "c_parks", "c_rd"]
    # 2020-2025 plan, data to 2022: 2 of 5 years gone (40 %).
    # Output 60 -> 80 of a 100 target: 50 % of the task done, ahead of the time elapsed.
    assert table.loc["c_output", ["time_progress", "task_progress"]].tolist() == pytest.approx([0.4, 0.5])
    assert table.loc["c_output", "status"] == "on_track"
    # Services share 40 -> 42 of 50: 20 % of the task in 40 % of the time, half the pace needed.
    assert table.loc["c_services", "task_progress"] == pytest.approx(0.2)
    assert table.loc["c_services", "status"] == "lagging"
    assert table.loc["c_plant", "status"] == "achieved"  # recorded done in 2022
    assert table.loc["c_parks", "status"] == "insufficient_data"  # one figure: no pace
    assert table.loc["c_rd", "status"] == "no_data"
    assert set(table["target_year"]) == {2025}


def test_kz_targets_works_on_the_pack_and_on_both_shipped_ones(tmp_path):
    for pack in (plan_pack(tmp_path / "county-2021-2025"), "kaizhou-2023-2027", "liangping-2023-2027"):
        code, out = kz("--plan", str(pack), "targets", "--format", "csv")
        assert code == 0, out
        ids = set(pd.read_csv(io.StringIO(out))["id"])
        assert ids == set(assessed(paths.find_plan(pack)).index)


@pytest.mark.parametrize("sections", [1, 12])
def test_a_plan_of_one_chapter_or_twelve_reads_as_chapters(tmp_path, sections):
    pack = plan_pack(tmp_path / f"county-{sections}", sections)
    table = assessed(pack)
    assert sorted(set(table["action"])) == list(range(1, sections + 1))
    overview = brief.load("zh", plan=pack)
    html = brief.action_counts(overview)
    assert re.findall(r"第[一二三四五六七八九十]+章", html) == [labels.action(n, "zh") for n in range(1, sections + 1)]
    assert labels.action(sections, "zh") == ("第一章" if sections == 1 else "第十二章")
    last = brief.load("zh", action=sections, plan=pack)
    assert last.rows["action"].eq(sections).all() and len(last.rows) == (3 if sections == 1 else 1)


def test_nothing_of_the_kaizhou_plan_shows_in_another_plans_brief(tmp_path):
    pack = plan_pack(tmp_path / "county-2021-2025")
    for lang in ("zh", "en"):
        b = brief.load(lang, action=1, plan=pack)
        html = "".join(str(part(b)) for part in (brief.status_table, brief.action_counts) if part)
        html += brief.judgement_list(b) + labels.label("brief.matrix", lang)
        assert "开州" not in html and "Kaizhou" not in html and "2027" not in html
        assert "行动" not in html  # the county's sections are chapters (章) of an outline (规划)


def test_a_pack_reads_the_figures_of_another_for_an_indicator_they_share(tmp_path):
    pack = plan_pack(tmp_path / "county-gdp", observations_from=("kaizhou-2023-2027",), output="gdp")
    row = assessed(pack).loc["c_output"]
    kaizhou = pd.read_csv(KAIZHOU / "observations.csv")
    gdp = kaizhou[kaizhou["indicator"] == "gdp"].set_index("year")["value"]
    assert (row["latest_year"], row["latest_value"]) == (gdp.index.max(), gdp[gdp.index.max()])  # theirs
    assert row["base_value"] == 60  # its own figure for 2020 wins over theirs
    assert gdp[2020] != 60


def test_the_explorer_switches_between_plans(tmp_path):
    pack = plan_pack(tmp_path / "county-2021-2025")
    ex = explore.load(action=2, lang="zh", plan=pack, user_file=tmp_path / "user.yaml")
    assert [n for _, n in ex.action.options] == [1, 2]
    assert ex.action.options[0][0] == "1. 第1项任务"
    assert "2025年目标" in ex.title.value  # the plan's own end year
    assert ex.plan.value == str(pack.resolve()) and ex.plan.label == "某县十四五规划纲要"
    ex.plan.value = str(KAIZHOU.resolve())
    assert plans.current().id == "kaizhou-2023-2027"
    assert len(ex.action.options) == 10 and ex.action.value == 1
    assert "gdp" in ex.sliders and "2027年目标" in ex.title.value
    assert ex.assessment["id"].str.startswith("a1_").all()
    ex.plan.value = str(pack.resolve())  # and back: the county's first chapter, its own figures
    assert list(ex.assessment["id"]) == ["c_output", "c_services", "c_plant"]
    assert set(ex.sliders) == {"output", "services_share"}


@pytest.mark.slow
def test_a_pack_built_here_renders_every_brief_with_its_own_words(tmp_path):
    pack = plan_pack(tmp_path / "county-2021-2025")
    out = tmp_path / "out"
    code, said = kz("--plan", str(pack), "render", "--all", "--lang", "both", "--out", str(out))
    assert code == 0, said
    pages = {p.relative_to(out / "html").as_posix(): p.read_text(encoding="utf-8") for p in out.rglob("*.html")}
    assert {"zh/action-01.html", "zh/action-02.html", "zh/overview.html", "en/action-02.html", "index.html"} \
        <= set(pages)
    zh = pages["zh/action-01.html"]
    assert "第一章" in zh and "地区生产总值" in zh and "某县国民经济和社会发展第十四个五年规划纲要" in zh
    assert "本章明确目标任务" in zh and "规划明确目标任务" in pages["zh/overview.html"]  # 章 and 规划, not 行动/方案
    for name, page in pages.items():
        assert "开州" not in page and "Kaizhou" not in page, name
    assert "Chapter 2" in pages["en/action-02.html"]


def test_kz_plan_list_names_every_pack_and_the_one_in_use(tmp_path):
    pack = plan_pack(tmp_path / "county-2021-2025", 12)
    code, out = kz("plan", "list", "--plan", str(pack))
    assert code == 0
    lines = {line.split()[1] if line.startswith("*") else line.split()[0]: line for line in out.splitlines()[1:]
             if line.strip() and not line.startswith("* in use")}
    assert set(paths.plan_ids()) | {"county-2021-2025"} <= set(lines)
    assert lines["county-2021-2025"].startswith("*") and " 2021-2025 " in lines["county-2021-2025"]
    assert lines["county-2021-2025"].split()[4:6] == ["12", "15"]  # 12 chapters; 3 + 2 + 10 targets


def test_load_registry_takes_a_pack_by_id_or_folder_without_changing_the_plan_in_use(tmp_path):
    pack = plan_pack(tmp_path / "county-2021-2025")
    assert list(kzlib.load_registry(plan=pack).targets["id"]) == ["c_output", "c_services", "c_plant", "c_parks",
                                                                  "c_rd"]
    assert kzlib.load_registry(plan="liangping-2023-2027").targets["id"].str.startswith("lp_").all()
    assert plans.current().id == paths.DEFAULT_PLAN


def test_a_plan_that_cannot_be_read_is_said_in_the_explorer_which_stays_on_its_plan(tmp_path):
    broken = plan_pack(tmp_path / "county-2021-2025")
    (broken / "registry" / "targets" / "action-02.yaml").write_text("action: 2\ntargets: [", encoding="utf-8")
    ex = explore.load(action=1, lang="zh", user_file=tmp_path / "user.yaml")
    ex.plan.options = [*ex.plan.options, ("broken", str(broken))]
    ex.plan.value = str(broken)
    assert "action-02.yaml" in ex.message.value  # the file named, no traceback
    assert plans.current().id == paths.DEFAULT_PLAN and ex.plan.value == str(KAIZHOU.resolve())
    assert len(ex.action.options) == 10


def test_a_section_whose_numeric_targets_lack_figures_says_so_not_that_it_has_none(tmp_path):
    ex = explore.load(action=1, lang="zh", plan="liangping-2023-2027", user_file=tmp_path / "user.yaml")
    assert not ex.sliders and not ex.slider_box.children  # no figures yet: no slider, and no "no numeric target"
    assert "暂无数据，未设滑块" in ex.missing.value and "电力总装机容量" in ex.missing.value
    assert ex.headings["charts"].layout.display == "none" and not ex.chart_box.children
    assert "目标走势" not in ex.static_html()


def test_kz_plan_list_names_a_pack_that_does_not_load_and_fails(project, capsys):
    broken = plan_pack(project.root / "data" / "plans" / "county-2021-2025")
    (broken / "registry" / "targets" / "action-01.yaml").write_text("action: 1\ntargets: [", encoding="utf-8")
    assert cli.main(["plan", "list"]) == 2
    out, err = capsys.readouterr()
    assert "kaizhou-2023-2027" in out and "liangping-2023-2027" in out  # the others still listed
    assert "county-2021-2025" in out and "does not load" in out
    assert "action-01.yaml" in err and "Traceback" not in err
