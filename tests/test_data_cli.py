"""The `kz data` commands: check, gaps and add, through kzlib.cli.main."""

from __future__ import annotations

import argparse
import shutil
from pathlib import Path

import openpyxl
import pytest

from kzlib import files, load_registry, observations, paths
from kzlib.cli import add_data_argument, main
from kzlib.errors import ObservationError, WriteError

CORPUS = Path(__file__).parent / "data" / "obs"
SHIPPED = paths.OBSERVATIONS
SHIPPED_MILESTONES = paths.MILESTONES


@pytest.fixture
def project(project):
    """A temporary project: the real indicators, tiny test targets, the shipped observations and an empty
    milestones file."""
    registry = project.data / "registry"
    shutil.rmtree(registry / "targets")
    (registry / "targets").mkdir()
    shutil.copy(CORPUS / "registry_targets.yaml", registry / "targets" / "action-01.yaml")
    # the shipped milestones name the real targets, which the tiny registry lacks
    header = SHIPPED_MILESTONES.read_text(encoding="utf-8").splitlines()[0]
    (project.data / "milestones.csv").write_text(header + "\n", encoding="utf-8")
    for name in ("related.csv", "registry/related.yaml"):  # they speak of the real targets
        (project.data / name).unlink()
    return project.data


def leftovers(data: Path) -> list[str]:
    """Temporary files a write left behind in the data folder."""
    return sorted(p.name for p in data.iterdir() if p.name.startswith(".") or p.suffix == ".tmp")


# ---------------------------------------------------------------- check


def test_check_clean_file_exits_0_and_lists_changes(project, capsys):
    assert main(["data", "check", str(CORPUS / "good_utf8.csv")]) == 0
    out, err = capsys.readouterr()
    assert "109 figures shipped" in out
    assert "Would add 3 figures" in out
    assert "Would override 1 figure" in out and "rural_income" in out and "21036" in out
    assert "converted from 1180000 人 to 118 万人" in out
    assert "No problems" in out
    assert err == ""


def test_check_broken_file_exits_2_with_located_problems(project, capsys):
    assert main(["data", "check", str(CORPUS / "unknown_indicator.csv"), str(CORPUS / "bad_year.csv")]) == 2
    out, err = capsys.readouterr()
    assert "Rejected: 4 problems" in out
    assert "unknown_indicator.csv, row 3, column 指标: unknown indicator 'gpd'; did you mean gdp?" in err
    assert "bad_year.csv, row 2, column 年份: year 2040 has not come yet" in err
    assert "Traceback" not in err


def test_check_unreadable_file_is_reported_once(project, capsys):
    assert main(["data", "check", str(CORPUS / "undecodable.csv")]) == 2
    out, err = capsys.readouterr()
    assert err.count("cannot be decoded") == 1
    assert out.count("undecodable.csv: 0 rows read") == 1


def test_check_reports_override_between_files(project, capsys):
    assert main(["data", "check", str(CORPUS / "override_a.csv"), str(CORPUS / "override_b.csv")]) == 0
    out = capsys.readouterr().out
    line = next(x for x in out.splitlines() if "override_b.csv row 2" in x and "override_a.csv row 2" in x)
    assert line.split()[:4] == ["gdp", "2025", "750", "760"]


def test_check_milestone_file(project, capsys):
    assert main(["data", "check", str(CORPUS / "milestones_good.csv")]) == 0
    out = capsys.readouterr().out
    assert "Would add 1 milestone state" in out and "t_airport" in out and "in_progress" in out


# ---------------------------------------------------------------- gaps


def test_gaps_table(project, capsys):
    assert main(["data", "gaps"]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("gdp "))
    assert "2020 2023 2024" in line and "2021 2022 2025 2026 2027" in line


def test_gaps_see_extra_data(project, capsys):
    assert main(["data", "gaps", "--data", str(CORPUS / "good_utf8.csv")]) == 0
    line = next(x for x in capsys.readouterr().out.splitlines() if x.startswith("gdp "))
    assert "2020 2023 2024 2025" in line


def test_gaps_csv_worksheet_has_bom_and_loads_back(project, tmp_path):
    out = tmp_path / "gaps.csv"
    assert main(["data", "gaps", "--format", "csv", "-o", str(out)]) == 0
    assert out.read_bytes().startswith(b"\xef\xbb\xbf")
    report = observations.observation_report(out, registry=load_registry())
    assert report.added == [] and report.problems == []


def test_gaps_xlsx_request_filled_in_loads_back(project, tmp_path):
    out = tmp_path / "gaps.xlsx"
    assert main(["data", "gaps", "--format", "xlsx", "-o", str(out), "--to", "2025"]) == 0
    book = openpyxl.load_workbook(out)
    sheet = book["区统计局"]  # urbanisation_rate is the statistics bureau's
    head = [c.value for c in sheet[3]]
    row = next(r for r in range(4, sheet.max_row + 1) if sheet.cell(r, 1).value == "urbanisation_rate")
    sheet.cell(row, head.index("2025年") + 1).value = 54.5
    sheet.cell(row, head.index("资料来源") + 1).value = "测试用例：2025年统计公报（非真实数据）"
    book.save(out)
    report = observations.observation_report(out, registry=load_registry())
    assert [(c.key, c.year, c.value, c.row, c.sheet) for c in report.added] == [
        ("urbanisation_rate", 2025, 54.5, row, "区统计局")]


def test_gaps_xlsx_needs_output_file(project, capsys):
    assert main(["data", "gaps", "--format", "xlsx"]) == 2
    assert "-o" in capsys.readouterr().err


# ---------------------------------------------------------------- add


def test_add_merges_and_keeps_other_rows_byte_for_byte(project, capsys):
    before = (project / "observations.csv").read_text(encoding="utf-8").splitlines()
    assert main(["data", "add", str(CORPUS / "good_utf8.csv")]) == 0
    out = capsys.readouterr().out
    assert "Added 3 figures" in out and "Replaced 1 figure" in out
    after = (project / "observations.csv").read_text(encoding="utf-8").splitlines()
    assert len(after) == len(before) + 3
    changed = [i for i, (a, b) in enumerate(zip(before, after, strict=False)) if a != b]
    assert changed == [91]  # CSV line 92: rural_income 2023, replaced in place
    assert after[91].startswith("rural_income,2023,20000,元,")
    df = observations.load_observations(registry=load_registry())
    got = df.set_index(["indicator", "year"])["value"]
    assert got[("gdp", 2025)] == 760.5 and got[("resident_population", 2025)] == 118.0
    assert got[("urban_rural_income_ratio", 2023)] == pytest.approx(2.0)


def test_add_broken_file_changes_nothing(project, capsys):
    before = (project / "observations.csv").read_bytes()
    assert main(["data", "add", str(CORPUS / "broken.xlsx")]) == 2
    assert "broken.xlsx, row 4, column 指标" in capsys.readouterr().err
    assert (project / "observations.csv").read_bytes() == before
    assert leftovers(project) == []


def test_add_is_atomic_when_the_final_rename_fails(project, monkeypatch):
    before = (project / "observations.csv").read_bytes()

    def fail(*_args):
        raise OSError("disk full")

    monkeypatch.setattr(files.os, "replace", fail)
    with pytest.raises(WriteError, match="observations.csv: disk full; the previous file is unchanged"):
        observations.merge_file(CORPUS / "good_utf8.csv")
    assert (project / "observations.csv").read_bytes() == before
    assert leftovers(project) == []


def test_add_refuses_a_result_that_would_not_validate(project, monkeypatch):
    before = (project / "observations.csv").read_bytes()
    broken = {"indicator": "nope", "year": "2025", "value": "1", "source_title": "测试用例"}
    monkeypatch.setattr(observations, "_shipped_text", lambda rec, kind: broken)
    with pytest.raises(ObservationError, match="unknown indicator 'nope'"):
        observations.merge_file(CORPUS / "override_a.csv")
    assert (project / "observations.csv").read_bytes() == before
    monkeypatch.setattr(observations, "_shipped_text", lambda rec, kind: {"indicator": "gdp", "year": "2025"})
    with pytest.raises(ObservationError, match="would not keep every row"):
        observations.merge_file(CORPUS / "override_a.csv")
    assert (project / "observations.csv").read_bytes() == before
    assert leftovers(project) == []


def test_add_milestones_goes_to_milestones_csv(project, capsys):
    assert main(["data", "add", str(CORPUS / "milestones_good.csv")]) == 0
    text = (project / "milestones.csv").read_text(encoding="utf-8").splitlines()
    assert text[1].startswith("t_airport,2024,in_progress,")
    assert "Added 1 milestone state" in capsys.readouterr().out


# ---------------------------------------------------------------- --data helper


def test_add_data_argument_is_repeatable():
    parser = argparse.ArgumentParser()
    add_data_argument(parser)
    assert parser.parse_args([]).data == []
    assert parser.parse_args(["--data", "a.csv", "--data", "b.xlsx"]).data == ["a.csv", "b.xlsx"]


def test_check_names_the_sheet_and_row_of_each_figure(tmp_path, capsys):
    book = openpyxl.Workbook()
    book.active.title = "区统计局"
    head = ["indicator", "year", "value", "unit", "source_title"]
    for row in (head, ["gdp", 2025, 760.2, "亿元", "某公报"]):
        book.active.append(row)
    other = book.create_sheet("区科技局")  # a workbook of two departments: a row number alone is ambiguous
    for row in (head, ["zone_tech_smes", 2025, 290, "家", "某通报"], ["zone_high_tech_enterprises", 2025, 95, "家", "某通报"]):
        other.append(row)
    path = tmp_path / "filled.xlsx"
    book.save(path)
    assert main(["data", "check", str(path)]) == 0
    out = capsys.readouterr().out
    assert "filled.xlsx, sheet 区统计局, row 2" in out and "filled.xlsx, sheet 区科技局, row 3" in out
