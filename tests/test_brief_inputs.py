"""What a brief rests on: related evidence beside a target, the digest of exactly the rows a brief shows, and
the figures a --data file adds or overrides (for the lead's trial banner and per-brief cache keys)."""

from __future__ import annotations

import re

import pandas as pd
import pytest

from kzlib import load_registry, paths
from kzlib.briefdata import data_digest, extra_changes
from kzlib.cells import INPUT_FLAGS
from kzlib.errors import ObservationError
from kzlib.observations import load_milestones, load_observations
from kzlib.related import RELATED_COLUMNS, load_related

CJK = re.compile(r"[\u4e00-\u9fff]")
SRC = "测试用例（非真实数据）"


@pytest.fixture(scope="module")
def reg():
    return load_registry()


@pytest.fixture(scope="module")
def obs(reg):
    return load_observations(registry=reg)


@pytest.fixture(scope="module")
def related(reg, obs):
    return load_related(registry=reg, observations=obs)


# ---------------------------------------------------------------- related evidence


def test_related_figures_are_sourced_and_scoped_in_both_languages(related, reg):
    assert list(related.columns) == RELATED_COLUMNS
    assert related["target"].isin(reg.targets["id"]).all()
    assert (related["source_title"].str.len() > 0).all()
    assert (related["scope_zh"].str.len() > 0).all() and not related["scope_en"].str.contains(CJK).any()
    flags = {f for cell in related["flags"] for f in cell.split(";") if f}
    assert flags <= set(INPUT_FLAGS)
    assert not related.duplicated(["target", "indicator", "year"]).any()


def test_figures_only_related_are_never_in_the_observations_judged(related, obs):
    own = related[related["file"] == "data/plans/kaizhou-2023-2027/related.csv"]
    judged = set(zip(obs["indicator"], obs["year"], strict=True))
    assert own.shape[0] == 16
    assert not [k for k in zip(own["indicator"], own["year"], strict=True) if k in judged]


def test_zone_figure_for_a_district_target_is_related_evidence(related):
    rows = related[(related["target"] == "a3_listed_companies")]
    assert rows[["indicator", "year", "value"]].values.tolist() == [["zone_listed_companies", 2025, 1.0]]
    assert "高新区" in rows["scope_zh"].iloc[0] and "zone_scope" in rows["flags"].iloc[0]


def test_shipped_figures_shown_nowhere_appear_beside_a_target(related):
    gdp = related[related["target"] == "a1_gdp"]
    assert ("gdp_growth_avg_2021_2025", 2025, 4.8) in set(zip(gdp["indicator"], gdp["year"], gdp["value"], strict=True))
    air = related[related["target"] == "a6_air_good_days"]
    assert ("air_good_days_urban", 2025, 346.0) in set(zip(air["indicator"], air["year"], air["value"], strict=True))


def test_doubtful_reference_rows_are_left_out(related):
    assert "scenic_spots_4a_stock" not in set(related["indicator"])  # undated, unofficial encyclopedia text
    air = related[related["indicator"] == "air_good_days_urban"]
    assert 340.0 not in set(air["value"])  # a spun repost's lower bound; the exact 2025 count is shipped


def test_related_evidence_follows_the_observations_given(reg, obs):
    # related.yaml links pm25_urban to a6_air_good_days: a new figure of it shows beside the target
    extra = pd.DataFrame([{**obs.iloc[0].to_dict(), "indicator": "pm25_urban", "year": 2026, "value": 30.0,
                           "unit": "微克/立方米", "file": "new.xlsx"}])
    rows = load_related(registry=reg, observations=pd.concat([obs, extra]))
    got = rows[(rows["target"] == "a6_air_good_days") & (rows["year"] == 2026)]
    assert got[["indicator", "value", "file"]].values.tolist() == [["pm25_urban", 30.0, "new.xlsx"]]


def test_related_file_problems_name_row_and_column(tmp_path, reg, obs):
    path = tmp_path / "related.csv"
    path.write_text("target,scope_zh,scope_en,indicator,year,value,unit,source_title\n"
                    f"a1_gdpp,口径不同,different scope,gdp_real_growth,2025,5.0,%,{SRC}\n"
                    f"a1_gdp,,,gdp_real_growth,2025,5.0,%,{SRC}\n", encoding="utf-8")
    with pytest.raises(ObservationError) as exc:
        load_related(registry=reg, observations=obs, related=path)
    got = {(p.row, p.column, p.message.split(";")[0]) for p in exc.value.problems}
    assert got == {(2, "target", "unknown target 'a1_gdpp'"),
                   (3, "scope_zh", "'scope_zh' is missing: say how the figure differs from the target's"),
                   (3, "scope_en", "'scope_en' is missing: say how the figure differs from the target's")}


def test_link_to_an_unknown_indicator_is_a_problem(tmp_path, reg, obs):
    links = tmp_path / "related.yaml"
    links.write_text("links:\n  - {target: a1_gdp, indicator: gdp_nominal_growth, scope_zh: 增速, scope_en: growth}\n",
                     encoding="utf-8")
    with pytest.raises(ObservationError, match="unknown indicator 'gdp_nominal_growth'"):
        load_related(registry=reg, observations=obs, links=links)


# ---------------------------------------------------------------- the digest of a brief's rows


def frames():
    obs = pd.DataFrame({"indicator": ["gdp", "gdp", "grain_output"], "year": [2023, 2024, 2023],
                        "value": [686.91, 721.44, 58.24], "flags": ["preliminary", "preliminary", ""],
                        "file": "data/plans/kaizhou-2023-2027/observations.csv", "row": [2, 60, 90], "sheet": ""})
    mil = pd.DataFrame({"target": ["a2_airport_general"], "year": [2022], "state": ["not_started"],
                        "file": "data/plans/kaizhou-2023-2027/milestones.csv", "row": [2], "sheet": ""})
    return obs, mil


def test_digest_is_stable_and_ignores_row_order_row_numbers_and_other_indicators():
    obs, mil = frames()
    base = data_digest(obs, mil, ["gdp"], ["a2_airport_general"])
    assert data_digest(obs.iloc[::-1], mil, ["gdp"], ["a2_airport_general"]) == base
    assert data_digest(obs.assign(row=[5, 6, 7]), mil, ["gdp"], ["a2_airport_general"]) == base
    other = obs.copy()
    other.loc[2, "value"] = 59.0  # grain output: not this brief's
    assert data_digest(other, mil, ["gdp"], ["a2_airport_general"]) == base


@pytest.mark.parametrize("change", ["value", "flags", "file", "state"])
def test_digest_changes_with_any_shown_field_of_its_rows(change):
    obs, mil = frames()
    base = data_digest(obs, mil, ["gdp"], ["a2_airport_general"])
    if change == "state":
        mil = mil.assign(state="in_progress")
    else:
        obs = obs.copy()
        obs.loc[1, change] = {"value": 721.45, "flags": "", "file": "new.xlsx"}[change]
    assert data_digest(obs, mil, ["gdp"], ["a2_airport_general"]) != base


def test_digest_of_a_derived_indicator_covers_its_inputs(reg):
    obs = pd.DataFrame({"indicator": ["urban_income", "rural_income"], "year": [2023, 2023],
                        "value": [40000.0, 20000.0], "file": "x", "row": [2, 3]})
    mil = pd.DataFrame({"target": [], "year": [], "state": []})
    base = data_digest(obs, mil, ["urban_rural_income_ratio"], registry=reg)
    moved = obs.assign(value=[40000.0, 21036.0])
    assert data_digest(moved, mil, ["urban_rural_income_ratio"], registry=reg) != base


# ---------------------------------------------------------------- what a --data file changes


def test_extra_changes_lists_additions_and_overrides_of_both_kinds(tmp_path, reg, monkeypatch):
    path = tmp_path / "trial.csv"
    path.write_text("指标,年份,数值,来源\n"
                    f"gdp,2025,760.5,{SRC}\n"
                    f"gdp,2024,722.0,{SRC}\n",
                    encoding="utf-8")
    table = extra_changes(path, registry=reg)
    table = table.astype({"old_value": object}).where(table.notna(), None)
    assert table[["kind", "key", "year", "value", "old_value", "change", "row"]].values.tolist() == [
        ["observation", "gdp", 2024, 722.0, 721.44, "overridden", 3],
        ["observation", "gdp", 2025, 760.5, None, "added", 2],
    ]
    assert extra_changes(registry=reg).empty


def test_shipped_milestones_are_read_with_their_quotes(reg):
    df = load_milestones(registry=reg)
    done = df[df["target"] == "a2_expwy_wuyunkai"]
    assert done[["year", "state"]].values.tolist() == [[2025, "done"]]
    assert "全线建成投用" in done["quote"].iloc[0]
    assert (df["source_link"].str.startswith("http")).all()
    assert paths.MILESTONES.read_text(encoding="utf-8").splitlines()[0] == (
        "target,year,state,source_title,source_link,source_date,flags,quote,note")
