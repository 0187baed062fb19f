"""Departments: who publishes or holds each figure, defined once and named by indicators and milestones."""

from __future__ import annotations

import shutil

import pytest
import yaml

from kzlib import load_registry, paths
from kzlib.departments import SHEET_NAME_LIMIT, load_departments
from kzlib.errors import RegistryError
from kzlib.registry import departments_of


@pytest.fixture(scope="module")
def reg():
    return load_registry()


def test_every_indicator_and_every_milestone_names_a_known_department(reg):
    known = set(load_departments()["id"])
    assert reg.indicators["department"].isin(known).all()
    unindicated = reg.targets[reg.targets["indicator"].isna()]  # milestones and benchmarks without an indicator
    assert len(unindicated) > 0 and unindicated["department"].isin(known).all()


def test_departments_of_every_target(reg):
    table = departments_of(reg).set_index("target")
    assert len(table) == len(reg.targets)
    assert (table["department_zh"] != "").all()
    assert table.loc["a1_gdp", "department_zh"] == "区统计局"  # by its indicator
    assert table.loc["a9_urban_rural_income_ratio", "department_zh"] == "国家统计局开州调查队"
    assert table.loc["a2_expwy_wuyunkai", "department_zh"] == "区交通局"  # the milestone's own
    assert table.loc["a6_carbon_stage_goals", "department_en"] == "Development & Reform Commission"


def test_department_names_can_name_excel_sheets():
    deps = load_departments()
    for name in (*deps["name_zh"], *deps["name_en"]):
        assert len(name) <= SHEET_NAME_LIMIT and not set("[]:*?/\\") & set(name)
    assert not deps["id"].duplicated().any() and not deps["name_zh"].duplicated().any()


def test_district_departments_are_named_as_the_district_writes_them():
    # The district's own departments carry 区 (区统计局, 区发展改革委); the survey office and the zone's committee
    # are named in full.
    names = set(load_departments()["name_zh"])
    assert {"区统计局", "区发展改革委", "区科技局", "区经济信息委", "国家统计局开州调查队", "开州高新区管委会"} <= names
    assert all(n.startswith("区") for n in names - {"国家统计局开州调查队", "开州高新区管委会"})


@pytest.fixture
def registry_copy(tmp_path):
    root = tmp_path / "registry"
    shutil.copytree(paths.REGISTRY, root)
    return root


def test_unknown_department_is_a_registry_problem(registry_copy):
    path = registry_copy / "indicators" / "core.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["indicators"][0]["department"] = "tax_office"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(RegistryError) as info:
        load_registry(registry_copy)
    (problem,) = info.value.problems
    assert (problem.entry, problem.column) == ("gdp", "department")
    assert "unknown department 'tax_office'" in problem.message


def test_a_department_name_too_long_for_a_sheet_is_a_registry_problem(registry_copy):
    path = registry_copy / "departments.yaml"
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    doc["departments"][0]["name_en"] = "District Bureau of Statistics of Kaizhou"
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(RegistryError) as info:
        load_registry(registry_copy)
    assert any(p.entry == "stats" and p.column == "name_en" and "cannot name an Excel sheet" in p.message
               for p in info.value.problems)
