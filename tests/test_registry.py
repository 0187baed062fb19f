"""The target registry: the loader's errors on broken copies, and properties of the shipped registry."""

from __future__ import annotations

import csv
import io
import re
import shutil
from pathlib import Path

import pytest
import yaml

from kzlib import load_registry, paths, settings
from kzlib.cli import main
from kzlib.errors import Problem, RegistryError

REQUIRED_CSV_COLUMNS = ("id,action,item,indicator,kind,comparator,value,value_high,unit,target_year,base_year,"
                        "direction,firmness,name_zh,name_en,quote").split(",")
SECTION_HEADS = ["（一）", "（二）", "（三）", "（四）", "（五）", "（六）", "（七）", "（八）", "（九）", "（十）", "三、组织保障"]


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    """A copy of data/registry in a temporary folder, to break one thing in."""
    root = tmp_path / "registry"
    shutil.copytree(paths.REGISTRY, root)
    return root


@pytest.fixture(scope="module")
def registry(project_registry):
    return project_registry


def edit(root: Path, file: str, key: str, entry_id: str, **changes: object) -> None:
    """Change fields of one entry (a value of None removes the field) in a registry YAML file."""
    path = root / file
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    entry = next(e for e in doc[key] if e.get("id") == entry_id)
    for name, value in changes.items():
        if value is None:
            entry.pop(name, None)
        else:
            entry[name] = value
    path.write_text(yaml.safe_dump(doc, allow_unicode=True, sort_keys=False), encoding="utf-8")


def load_error(root: Path) -> RegistryError:
    """The RegistryError that loading the registry at root raises."""
    with pytest.raises(RegistryError) as info:
        load_registry(root)
    return info.value


def only_problem(err: RegistryError, entry: str, file: str) -> Problem:
    """The one problem the error reports about an entry, after checking that the message names file and entry."""
    about = [p for p in err.problems if p.entry == entry]
    assert len(about) == 1, f"expected one problem about {entry}, got: {about}"
    assert about[0].file.endswith(file)
    assert f"entry {entry}" in str(err) and file in str(err)
    return about[0]


def test_unknown_kind(broken):
    edit(broken, "targets/action-06.yaml", "targets", "a6_forest_cover", kind="percentage")
    p = only_problem(load_error(broken), "a6_forest_cover", "targets/action-06.yaml")
    assert p.column == "kind" and "'percentage'" in p.message and "milestone" in p.message


def test_unknown_comparator(broken):
    edit(broken, "targets/action-06.yaml", "targets", "a6_forest_cover", comparator="≥")
    p = only_problem(load_error(broken), "a6_forest_cover", "targets/action-06.yaml")
    assert p.column == "comparator" and "'≥'" in p.message and ">=" in p.message


def test_missing_unit(broken):
    edit(broken, "targets/action-10.yaml", "targets", "a10_life_expectancy", unit=None)
    p = only_problem(load_error(broken), "a10_life_expectancy", "targets/action-10.yaml")
    assert p.column == "unit" and "missing" in p.message


def test_duplicate_id_names_both_files(broken):
    edit(broken, "targets/action-07.yaml", "targets", "a7_hidden_barrier_ledger", id="a6_forest_cover")
    err = load_error(broken)
    p = only_problem(err, "a6_forest_cover", "targets/action-07.yaml")
    assert "duplicate target id" in p.message and "action-06.yaml" in p.message


def test_quote_not_in_plan(broken):
    # a full-width percent sign where the plan has "%": looks the same, is not the plan's text
    edit(broken, "targets/action-06.yaml", "targets", "a6_forest_cover", quote="全区森林覆盖率提升至57％以上")
    p = only_problem(load_error(broken), "a6_forest_cover", "targets/action-06.yaml")
    assert p.column == "quote" and "exact substring" in p.message


def test_undefined_indicator(broken):
    edit(broken, "targets/action-09.yaml", "targets", "a9_grain_area", indicator="grain_sown_area")
    p = only_problem(load_error(broken), "a9_grain_area", "targets/action-09.yaml")
    assert p.column == "indicator" and "'grain_sown_area'" in p.message


def test_missing_english_name(broken):
    edit(broken, "targets/action-08.yaml", "targets", "a8_import_export", name_en=None)
    p = only_problem(load_error(broken), "a8_import_export", "targets/action-08.yaml")
    assert p.column == "name_en" and "missing" in p.message


def test_misspelt_field_is_not_silently_dropped(broken):
    edit(broken, "targets/action-10.yaml", "targets", "a10_sports_area", firmness=None, firmnes="aspiration")
    p = only_problem(load_error(broken), "a10_sports_area", "targets/action-10.yaml")
    assert p.column == "firmnes" and "unknown field" in p.message


def test_item_that_is_not_a_whole_number(broken):
    edit(broken, "targets/action-10.yaml", "targets", "a10_sports_area", item="四十六")
    p = only_problem(load_error(broken), "a10_sports_area", "targets/action-10.yaml")
    assert p.column == "item" and "whole number" in p.message


def test_several_problems_are_reported_at_once(broken):
    edit(broken, "targets/action-06.yaml", "targets", "a6_forest_cover", kind="percentage")
    edit(broken, "targets/action-10.yaml", "targets", "a10_life_expectancy", unit=None)
    edit(broken, "indicators/actions-06-10.yaml", "indicators", "cultivated_land", measure="area")
    err = load_error(broken)
    only_problem(err, "a6_forest_cover", "targets/action-06.yaml")
    only_problem(err, "a10_life_expectancy", "targets/action-10.yaml")
    assert only_problem(err, "cultivated_land", "indicators/actions-06-10.yaml").column == "measure"
    assert str(err).startswith(f"{len(err.problems)} problems found")


def test_the_shipped_registry_loads(registry):
    assert len(registry.targets) > 0 and registry.targets["id"].is_unique


def test_every_action_has_targets(registry):
    counts = registry.targets.groupby("action").size()
    assert [a for a in range(1, 11) if counts.get(a, 0) == 0] == []


def test_every_quote_is_in_its_actions_section_of_the_plan(registry):
    plan = registry.plan_text
    bounds = [plan.index(h) for h in SECTION_HEADS]
    wrong = [tg.id for tg in registry.targets.itertuples()
             if tg.quote not in plan[bounds[tg.action - 1]:bounds[tg.action]]]
    assert wrong == []


def test_ids_name_their_action(registry):
    wrong = [tg.id for tg in registry.targets.itertuples() if not re.fullmatch(rf"a{tg.action}_[a-z0-9_]+", tg.id)]
    assert wrong == []


def test_milestones_and_benchmarks_carry_no_value_and_numeric_targets_do(registry):
    t = registry.targets
    yes_no = t[t["kind"].isin(["milestone", "benchmark"])]
    assert yes_no["value"].isna().all() and yes_no["unit"].isna().all()
    assert t[t["kind"] == "milestone"]["indicator"].isna().all()
    numeric = registry.numeric()
    assert numeric[["indicator", "comparator", "value", "unit"]].notna().all().all()


def test_a_repeated_target_shares_its_originals_indicator(registry):
    t = registry.targets.set_index("id").fillna({"indicator": ""})
    repeats = t[t["repeat_of"].notna()]
    assert len(repeats) > 0
    assert [i for i, r in repeats.iterrows() if r["indicator"] != t.loc[r["repeat_of"], "indicator"]] == []


def test_a_targets_unit_is_its_indicators_or_percent_for_rates_of_change(registry):
    t = registry.numeric().merge(registry.indicators[["id", "unit"]], left_on="indicator", right_on="id",
                                 suffixes=("", "_indicator"))
    expected = t["kind"].map({"growth": "%", "change": "%", "multiple": "倍"}).fillna(t["unit_indicator"])
    assert t.loc[t["unit"] != expected, "id"].tolist() == []


def test_cli_targets_csv_lists_every_target_with_the_required_columns(registry, capsys):
    assert main(["targets", "--format", "csv"]) == 0
    rows = list(csv.reader(io.StringIO(capsys.readouterr().out)))
    assert rows[0][:len(REQUIRED_CSV_COLUMNS)] == REQUIRED_CSV_COLUMNS
    assert len(rows) - 1 == len(registry.targets)
    assert sorted(r[0] for r in rows[1:]) == sorted(registry.targets["id"])


def test_cli_targets_csv_filters_one_action(registry, capsys):
    assert main(["targets", "--format", "csv", "--action", "6"]) == 0
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert {r["action"] for r in rows} == {"6"}
    assert [r["id"] for r in rows] == registry.by_action(6)["id"].tolist()
    forest = next(r for r in rows if r["id"] == "a6_forest_cover")
    assert (forest["comparator"], float(forest["value"]), forest["unit"], forest["quote"]) == (
        ">=", 57.0, "%", "全区森林覆盖率提升至57%以上")
    assert forest["target_year"] == str(settings.PLAN_END) and forest["direction"] == "up"


def test_a_ratio_target_has_a_ratio_unit_and_a_comparison_names_its_reference(registry):
    targets = registry.targets
    ratios = targets[targets["kind"] == "ratio"]
    assert not ratios.empty and set(ratios["unit"]) <= {"倍"}, ratios[["id", "unit"]]
    compare = targets[targets["kind"] == "compare"]
    assert not compare.empty
    assert compare["reference"].notna().all() and compare["reference"].isin(registry.indicators["id"]).all()
    # 每万人口发明专利拥有量达到2件: a level in 件, not a ratio
    assert registry.target("a4_patents_per_10k")[["kind", "unit"]].tolist() == ["level", "件"]


def test_per_capita_densities_and_shares_are_measured_on_a_line(registry):
    info = registry.indicators.set_index("id")["measure"]
    assert info["invention_patents_per_10k"] == "density" and info["childcare_places_per_1000"] == "density"
    assert info["urbanisation_rate"] == "share" and info["gdp"] == "amount"


# Latin letters a Chinese planning office writes in Chinese names: grades (4A级), 5G, PM2.5, road numbers
# (G211, S202), 保税物流中心（B型）. Anything else (GDP above all) is English in Chinese text.
NAMES_IN_LATIN = re.compile(r"[34]A级|5G|PM2\.5|[GS]\d{3}|（B型）")


def test_chinese_names_carry_no_english(registry):
    names = [*registry.targets["name_zh"], *registry.indicators["name_zh"]]
    assert not [n for n in names if re.search("[A-Za-z]", NAMES_IN_LATIN.sub("", n))]
    assert registry.target("a1_services_share")["name_zh"] == "服务业增加值占地区生产总值比重"  # the plan's phrase
    assert registry.target("a10_income_growth_vs_gdp")["name_zh"] == "居民收入增速高于全区地区生产总值增速"


def test_related_scopes_are_plain_and_invite_no_comparison():
    links = yaml.safe_load(paths.RELATED_LINKS.read_text(encoding="utf-8"))["links"]
    with paths.RELATED.open(encoding="utf-8", newline="") as f:
        scopes = [e["scope_zh"] for e in links] + [r["scope_zh"] for r in csv.DictReader(f)]
    assert not [s for s in scopes if re.search("[A-Za-z]", NAMES_IN_LATIN.sub("", s))]
    assert not [s for s in scopes if "可与" in s or "比较基准" in s]
    assert all(len(s) <= 40 for s in scopes)  # a scope, not an explanation
    # A nominal figure is never set beside a comparison of real growth rates (the review of #12): the income
    # multiple of 2020 (现价) stands beside no compare target.
    kinds = yaml.safe_load((paths.REGISTRY / "targets" / "action-10.yaml").read_text(encoding="utf-8"))["targets"]
    compares = {t["id"] for t in kinds if t["kind"] == "compare"}
    assert compares and not [e for e in links if e["target"] in compares
                             and e["indicator"] == "resident_income_multiple_of_2020"]
