"""kzlib.plans: a plan pack's plan.yaml read and checked; which plan is in use."""

from __future__ import annotations

from pathlib import Path

import pytest

from kzlib import labels, plans, settings
from kzlib.errors import RegistryError

CHAPTERS = """\
id: county-2021-2025
title_zh: 某县国民经济和社会发展第十四个五年规划和二〇三五年远景目标纲要
title_en: Outline of the 14th Five-Year Plan of a county
start_year: 2021
end_year: 2025
base_year: 2020
section_zh: 章
section_en: Chapter
numbering_zh: 第{n}章
document_zh: 规划
"""


def pack(folder: Path, text: str = CHAPTERS) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "plan.yaml").write_text(text, encoding="utf-8")
    return folder


def test_a_pack_names_its_sections_and_years(tmp_path):
    plan = plans.use(pack(tmp_path / "county"))
    assert (plan.id, plan.start_year, plan.end_year, plan.base_year) == ("county-2021-2025", 2021, 2025, 2020)
    assert labels.action(3, "zh") == "第三章" and labels.action(12, "zh") == "第十二章"
    assert labels.action(3, "en") == "Chapter 3"
    assert labels.label("chart.plan_period", "zh") == "规划实施期"  # the plan calls itself 规划
    assert (settings.PLAN_START, settings.PLAN_END, settings.DEFAULT_BASE_YEAR) == (2021, 2025, 2020)
    assert plan.text("short", "zh") == plan.title_zh  # no short name: the title
    assert (plan.first_data_year, plan.first_gap_year) == (2013, 2018)  # base year − 7, − 2


def test_every_problem_of_a_plan_file_is_named_with_its_field(tmp_path):
    bad = CHAPTERS.replace("start_year: 2021", "start_year: soon").replace("section_en: Chapter\n", "") + \
        "sections: 12\nnumbering_en: Chapter\n"
    with pytest.raises(RegistryError) as err:
        plans.load(pack(tmp_path / "bad", bad))
    columns = {p.column for p in err.value.problems}
    assert {"start_year", "section_en", "sections", "numbering_en"} <= columns
    assert all(p.file.endswith("plan.yaml") for p in err.value.problems)


def test_years_out_of_order_are_refused(tmp_path):
    with pytest.raises(RegistryError, match="base_year < start_year <= end_year"):
        plans.load(pack(tmp_path / "p", CHAPTERS.replace("base_year: 2020", "base_year: 2022")))


def test_a_folder_that_is_no_pack_says_what_was_expected(tmp_path):
    with pytest.raises(RegistryError, match="no plan pack here: expected a folder with plan.yaml"):
        plans.folder_of(tmp_path)


def test_use_makes_a_plan_current_for_this_process_and_its_children(tmp_path, monkeypatch):
    monkeypatch.delenv(plans.ENV_PLAN, raising=False)
    folder = pack(tmp_path / "county")
    assert plans.use(folder).id == "county-2021-2025"
    assert plans.current().folder == folder.resolve()
    import os

    assert os.environ[plans.ENV_PLAN] == str(folder.resolve())  # a kernel started now reads the same plan


def test_an_edited_plan_file_is_read_again(tmp_path):
    folder = pack(tmp_path / "county")
    assert plans.load(folder).end_year == 2025
    pack(folder, CHAPTERS.replace("end_year: 2025", "end_year: 2026 "))
    assert plans.load(folder).end_year == 2026
