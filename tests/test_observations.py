"""Observations and milestones: loading, validation messages and their locations, overrides, derived series."""

from __future__ import annotations

import hashlib
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from factories import registry_dir
from hypothesis import given
from hypothesis import strategies as st

from kzlib import load_registry, paths
from kzlib.errors import ObservationError
from kzlib.observations import (
    INPUT_FLAGS,
    gap_worksheet,
    gaps,
    load_milestones,
    load_observations,
    milestone_report,
    observation_report,
    parse_number,
    parse_year,
)

CORPUS = Path(__file__).parent / "data" / "obs"
GOOD_FILES = ["good_utf8.csv", "good_bom.csv", "good_gbk.csv", "good.xlsx"]


@pytest.fixture(scope="module")
def reg(tmp_path_factory):
    """The real indicators (every file: the shipped figures may measure any of them) with the tiny test targets
    of registry_targets.yaml."""
    indicators = {path.name: path.read_text(encoding="utf-8")
                  for path in sorted((paths.REGISTRY / "indicators").glob("*.yaml"))}
    targets = (CORPUS / "registry_targets.yaml").read_text(encoding="utf-8")
    return load_registry(registry_dir(tmp_path_factory.mktemp("registry"), indicators, targets))


@pytest.fixture(scope="module")
def shipped(reg):
    return load_observations(registry=reg)


@pytest.fixture(scope="module")
def no_milestones(tmp_path_factory):
    """An empty milestones file: the shipped one names the real targets, which the tiny test registry lacks."""
    path = tmp_path_factory.mktemp("milestones") / "milestones.csv"
    path.write_text("target,year,state,source_title,source_link,source_date,quote,note\n", encoding="utf-8")
    return path


def _series(df: pd.DataFrame, indicator: str) -> dict[int, float]:
    rows = df[df["indicator"] == indicator]
    return dict(zip(rows["year"], rows["value"], strict=True))


def _problems(name: str, reg) -> list:
    with pytest.raises(ObservationError) as exc:
        load_observations(CORPUS / name, registry=reg)
    return exc.value.problems


# ---------------------------------------------------------------- the shipped data


def test_every_shipped_observation_has_a_source_and_known_indicator(shipped, reg):
    # every row of the first reference file, none dropped, two zone stocks, and four 2024 figures of #12
    assert len(shipped) == 109
    assert (shipped["source_title"].str.len() > 0).all()
    assert shipped["source_link"].str.startswith("http").all()
    assert set(shipped["indicator"]) <= set(reg.indicators["id"])
    flags = {f for cell in shipped["flags"] for f in cell.split(";") if f}
    assert flags <= set(INPUT_FLAGS)
    assert (shipped["file"] == "data/plans/kaizhou-2023-2027/observations.csv").all()
    assert not shipped.duplicated(["indicator", "year"]).any()


def test_shipped_data_loads_with_the_full_registry():
    df = load_observations()
    assert len(df[df["file"] == "data/plans/kaizhou-2023-2027/observations.csv"]) == 109


def test_shipped_levels_growth_and_shares_are_kept_apart(shipped, reg):
    # Figures read off the bulletins (reference rows 2, 41, 60, 102 and 3, 24, 42).
    assert _series(shipped, "gdp") == {2019: 505.59, 2020: 535.81, 2023: 686.91, 2024: 721.44}
    assert _series(shipped, "gdp_real_growth") == {2020: 2.7, 2023: 6.7, 2024: 3.0}
    assert _series(shipped, "services_share") == {2020: 45.2, 2023: 47.8, 2024: 51.7}
    measure = dict(zip(reg.indicators["id"], reg.indicators["measure"], strict=True))
    rates = shipped[shipped["indicator"].map(measure) == "rate"]
    assert (rates["unit"] == "%").all()
    # 14th-FYP averages sit under 2025 in their own indicators, never under an annual one.
    averages = shipped[shipped["flags"].str.contains("average_period")]
    assert set(averages["year"]) == {2025}
    assert averages["indicator"].str.endswith("_avg_2021_2025").all()
    assert len(averages) == 4


def test_disagreeing_hukou_figures_are_both_kept(shipped):
    assert _series(shipped, "hukou_population") == {2020: 167.75, 2023: 164.96, 2024: 164.0}
    speech = shipped[shipped["indicator"] == "hukou_population_speech"]
    assert speech["value"].tolist() == [170.0]
    assert speech["flags"].tolist() == ["speech_rounded;secondary"]  # a press conference reposted by NetEase


# Pages that are reposts (a forum, a document site, a mirror, a portal carrying a newspaper's story) or not an
# official outlet at all: every figure read from them is flagged secondary, and only those.
REPOSTS = {
    "https://qinglite.cn/doc/8240670e11c8e76b8",  # the 2020 bulletin on a document site
    "https://m.163.com/news/article/JF3BCMJC054128W4.html?clickfrom=subscribe",  # press conference, NetEase
    "http://news.25948.com/gundong/2022/0901/40232.html",  # Chongqing Daily story on a finance portal
    "http://dykz66.com/forum.php?extra=page%3D1&mod=viewthread&tid=117460",  # S&T bureau release on a forum
    "http://dykz66.com/forum.php?mod=viewthread&tid=144115",  # forum post
    "http://tech.jiangsulong.com/a/2019/0415/223561_11.html",  # Economic Daily story on another site
    "http://www.fhm8.cn/shengshimingchen/1417949.html",  # unofficial aggregator
    "http://www.infqj.cn/dy/article/KAI3KSLR053469M5.html?f=post2020_dy_recommends",  # NetEase post, mirror
    "https://chujupifa.com/read/-dy-article-JR6OHFJO0514R9OJ.html",  # Farmers' Daily story, NetEase post, mirror
}


def test_secondary_sources_are_flagged(shipped):
    secondary = shipped["flags"].str.split(";").map(lambda flags: "secondary" in flags)
    assert set(shipped.loc[secondary, "source_link"]) == REPOSTS
    assert secondary[shipped["source_link"].isin(REPOSTS)].all()
    assert ("gdp", 2020) in set(zip(shipped.loc[secondary, "indicator"], shipped.loc[secondary, "year"], strict=True))


def test_source_titles_are_the_documents_own():
    # Where the page used is a repost, the title is still the document's; the repost is told in the note.
    for path in (paths.OBSERVATIONS, paths.MILESTONES, paths.RELATED):
        titles = pd.read_csv(path, dtype=str, keep_default_na=False)["source_title"]
        assert not titles.str.contains("转载|镜像|非官方|载2024").any(), path
        # Chinese titles shown in Chinese briefs: no site names in Latin letters (those go in the note)
        assert not titles.str.contains("[A-Za-z]").any(), path


def test_shipped_milestones_file_is_valid():
    df = load_milestones()
    assert list(df.columns[:3]) == ["target", "year", "state"]


# ---------------------------------------------------------------- good files in every encoding


@pytest.mark.parametrize("name", GOOD_FILES)
def test_good_file_loads_in_every_encoding(name, reg):
    df = load_observations(CORPUS / name, registry=reg)
    mine = df[df["file"].str.endswith(name)]
    got = {(r.indicator, r.year): r.value for r in mine.itertuples()}
    assert got == {
        ("gdp", 2025): 760.5,  # full-width ７６０．５ in the CSVs
        ("urban_income", 2023): 40000.0,  # "40,000"
        ("rural_income", 2023): 20000.0,
        ("resident_population", 2025): 118.0,  # 1,180,000 人 / 10,000 = 118 万人
    }
    # Sorted by indicator: gdp (row 2), resident_population (5), rural_income (4), urban_income (3).
    assert mine["row"].tolist() == [2, 5, 4, 3]


def test_good_files_give_identical_frames(reg):
    cols = ["indicator", "year", "value", "unit", "source_title", "source_link", "flags", "note", "row"]
    frames = [load_observations(CORPUS / n, registry=reg)[cols] for n in GOOD_FILES]
    for other in frames[1:]:
        pd.testing.assert_frame_equal(frames[0], other)


def test_scale_unit_is_converted_and_flagged(reg):
    report = observation_report(CORPUS / "good_utf8.csv", registry=reg)
    row = report.frame.query("indicator == 'resident_population' and year == 2025").iloc[0]
    assert row["unit"] == "万人"
    assert "converted" in row["flags"].split(";")
    assert any("converted from 1180000 人 to 118 万人" in n.message and n.row == 5 for n in report.notes)


def test_excel_percentage_cell_is_read_as_percent(reg):
    df = load_observations(CORPUS / "percent.xlsx", registry=reg)
    row = df.query("indicator == 'services_share' and year == 2025").iloc[0]
    assert row["value"] == pytest.approx(51.7)  # cell 0.517 shown as 51.7%
    assert "converted" in row["flags"]


def test_derived_ratio_is_computed_from_both_sources(reg):
    df = load_observations(CORPUS / "good_utf8.csv", registry=reg)
    ratio = df[df["indicator"] == "urban_rural_income_ratio"]
    assert ratio["year"].tolist() == [2023]
    assert ratio["value"].iloc[0] == pytest.approx(40000 / 20000)  # = 2.0
    assert ratio["flags"].iloc[0].split(";")[0] == "derived"
    assert "城镇住户调查" in ratio["source_title"].iloc[0] and "农村住户调查" in ratio["source_title"].iloc[0]
    assert ratio["file"].iloc[0] == "derived"


def test_no_ratio_without_both_incomes(shipped):
    assert shipped[shipped["indicator"] == "urban_rural_income_ratio"].empty  # rural 2023 only


# ---------------------------------------------------------------- overrides


def test_later_file_overrides_and_the_override_is_reported(reg):
    report = observation_report(CORPUS / "override_a.csv", CORPUS / "override_b.csv", registry=reg)
    assert [(c.key, c.year, c.value) for c in report.added] == [("gdp", 2025, 750.0)]
    (change,) = report.overridden
    assert (change.key, change.year, change.old_value, change.value) == ("gdp", 2025, 750.0, 760.0)
    assert change.old_file.endswith("override_a.csv") and change.old_row == 2
    assert change.file.endswith("override_b.csv") and change.row == 2
    row = report.frame.query("indicator == 'gdp' and year == 2025").iloc[0]
    assert row["value"] == 760.0
    assert "overridden" in row["flags"].split(";")
    assert "overrides 750" in row["note"]


def test_figure_far_from_its_neighbour_year_is_pointed_out(reg):
    report = observation_report(CORPUS / "magnitude.csv", registry=reg)
    # 7600 against the 2024 figure 721.44: 7600 / 721.44 = 10.5, shown as 11 times.
    (note,) = [n for n in report.jumps if "check the unit" in n.message]
    assert (note.row, note.column) == (2, "value")
    assert "gdp 2025 = 7600 is 11 times above the 2024 figure (721.44)" in note.message


def test_extra_file_overrides_shipped_figure(reg):
    report = observation_report(CORPUS / "good_utf8.csv", registry=reg)
    (change,) = report.overridden
    assert (change.key, change.year, change.old_value, change.value) == ("rural_income", 2023, 21036.0, 20000.0)
    assert change.old_file == "data/plans/kaizhou-2023-2027/observations.csv"


# ---------------------------------------------------------------- broken files: message and location

BROKEN = [
    # file, row, column, fragment of the message
    ("unknown_indicator.csv", 3, "指标", "unknown indicator 'gpd'; did you mean gdp"),
    ("nonnumeric_value.csv", 2, "数值", "'abc' is not a number"),
    ("approximate_value.csv", 2, "数值", "'约5.5' is an approximate"),
    ("approximate_value.csv", 3, "数值", "'5.5左右' is an approximate"),
    ("wrong_unit.csv", 2, "单位", "unit '美元' does not fit indicator gdp; expected 亿元"),
    ("duplicate.csv", 4, "指标", "gdp 2025 is given twice in this file (also row 2)"),
    ("bad_year.csv", 2, "年份", "year 2040 has not come yet"),
    ("bad_year.csv", 3, "年份", "'2023.5' is not a year"),
    ("bad_year.csv", 4, "年份", "'二〇二三' is not a year"),
    ("share_range.csv", 2, "数值", "a share must be between 0 and 100"),
    ("negative.csv", 2, "数值", "-5 is negative; an amount cannot be below zero"),
    ("negative.csv", 3, "数值", "-100 is negative; a count cannot be below zero"),
    ("missing_source.csv", 2, "来源", "the source is missing"),
    ("missing_column.csv", 1, "year", "required column 'year' is missing"),
    ("derived_typed.csv", 2, "指标", "urban_rural_income_ratio is computed by kzlib from urban_income and rural_income"),
    ("bad_flags.csv", 2, "flags", "unknown flag 'prelim'"),
    ("broken.xlsx", 4, "指标", "unknown indicator '地区生产总植'; did you mean gdp"),
    ("broken.xlsx", 5, "数值", "'n/a' is not a number"),
    ("empty.csv", None, None, "the file is empty"),
    ("undecodable.csv", None, None, "Save As > 'CSV UTF-8"),
    ("utf16.csv", None, None, "UTF-16"),
]


@pytest.mark.parametrize(("name", "row", "column", "fragment"), BROKEN)
def test_broken_file_names_file_row_column_and_expectation(name, row, column, fragment, reg):
    problems = _problems(name, reg)
    hits = [p for p in problems if p.file.endswith(name) and p.row == row and p.column == column
            and fragment in p.message]
    assert hits, f"expected {fragment!r} at row {row}, column {column}; got {[str(p) for p in problems]}"


@pytest.mark.parametrize(("name", "count"), [("bad_year.csv", 3), ("approximate_value.csv", 2), ("broken.xlsx", 2)])
def test_all_problems_are_reported_at_once(name, count, reg):
    assert len(_problems(name, reg)) == count


def test_good_rows_of_a_broken_file_still_count_when_not_strict(reg):
    report = observation_report(CORPUS / "unknown_indicator.csv", registry=reg, strict=False)
    assert [(c.key, c.year) for c in report.added] == [("gdp", 2025)]
    assert len(report.problems) == 1


def test_input_files_are_never_written(reg, no_milestones):
    files = sorted(CORPUS.glob("*.csv")) + sorted(CORPUS.glob("*.xlsx"))
    before = {f: hashlib.sha256(f.read_bytes()).hexdigest() for f in files}
    for f in files:
        observation_report(f, registry=reg, strict=False)
        milestone_report(f, registry=reg, strict=False, shipped=no_milestones)
    assert {f: hashlib.sha256(f.read_bytes()).hexdigest() for f in files} == before


def test_cache_sees_a_changed_file(tmp_path, reg):
    f = tmp_path / "one.csv"
    f.write_text("indicator,year,value,unit,source_title\ngdp,2025,760,亿元,测试用例\n", encoding="utf-8")
    assert _series(load_observations(f, registry=reg), "gdp")[2025] == 760.0
    f.write_text("indicator,year,value,unit,source_title\ngdp,2025,770.5,亿元,测试用例\n", encoding="utf-8")
    assert _series(load_observations(f, registry=reg), "gdp")[2025] == 770.5


def test_header_below_a_title_row_keeps_excel_row_numbers(tmp_path, reg):
    book = openpyxl.Workbook()
    for r in (["标题：测试用例"], [], ["indicator", "year", "value", "source"], ["gdp", 2025, "x", "测试用例"]):
        book.active.append(r)
    book.save(tmp_path / "t.xlsx")
    (problem,) = _problems_at(tmp_path / "t.xlsx", reg)
    assert (problem.row, problem.column) == (4, "value")


def _problems_at(path: Path, reg) -> list:
    with pytest.raises(ObservationError) as exc:
        load_observations(path, registry=reg)
    return exc.value.problems


# ---------------------------------------------------------------- milestones


def test_milestone_states_load_with_chinese_state_names(reg, no_milestones):
    df = milestone_report(CORPUS / "milestones_good.csv", registry=reg, shipped=no_milestones).frame
    assert df[["target", "year", "state"]].values.tolist() == [["t_airport", 2024, "in_progress"]]


def test_milestone_problems_name_row_and_column(reg, no_milestones):
    with pytest.raises(ObservationError) as exc:
        milestone_report(CORPUS / "milestones_bad.csv", registry=reg, shipped=no_milestones)
    got = {(p.row, p.column, p.message.split(";")[0]) for p in exc.value.problems}
    assert got == {
        (2, "目标", "unknown target 'no_such_target'"),
        (3, "状态", "unknown state 'half done'"),
        (4, "目标", "target t_gdp is a level target, not a milestone"),
    }


def test_milestone_flags_are_read_as_written(reg, no_milestones, tmp_path):
    path = tmp_path / "states.csv"
    path.write_text("目标,年份,状态,来源,标记\n"
                    "t_airport,2024,推进中,测试用例：论坛帖（非真实数据）,转载\n"  # not a flag word: refused
                    "t_airport,2025,已完成,测试用例：预计2026年通车的报道（非真实数据）,secondary\n", encoding="utf-8")
    with pytest.raises(ObservationError) as exc:
        milestone_report(path, registry=reg, shipped=no_milestones)
    assert [(p.row, p.column) for p in exc.value.problems] == [(2, "标记")]
    path.write_text(path.read_text(encoding="utf-8").replace(",转载", ","), encoding="utf-8")
    df = milestone_report(path, registry=reg, shipped=no_milestones).frame
    # 预计 in the title qualifies figures, not a milestone's state: only the flags written are kept.
    assert df[["year", "flags"]].values.tolist() == [[2024, ""], [2025, "secondary"]]


def test_each_loader_skips_the_other_kind_of_file(reg, shipped, no_milestones):
    report = observation_report(CORPUS / "milestones_good.csv", registry=reg)
    assert len(report.skipped) == 1 and report.skipped[0].endswith("milestones_good.csv")
    assert len(report.frame) == len(shipped)
    assert milestone_report(CORPUS / "good_utf8.csv", registry=reg, shipped=no_milestones).frame.empty


# ---------------------------------------------------------------- data gaps


def test_gaps_list_missing_years_per_indicator(reg, shipped):
    g = gaps(reg, shipped).set_index("indicator")
    assert g.loc["gdp", "have"] == "2020 2023 2024"
    assert g.loc["gdp", "missing"] == "2021 2022 2025 2026 2027"
    assert g.loc["urbanisation_rate", "targets"] == "t_urb_a, t_urb_b"
    # The derived ratio is asked for through its inputs, which are what a statistician can find.
    assert "urban_rural_income_ratio" not in g.index
    assert g.loc["rural_income", "have"] == "2023 2024"
    assert g.loc["urban_income", "unit"] == "元"


def test_filled_worksheet_loads_back(tmp_path, reg, shipped):
    sheet = gap_worksheet(reg, shipped)
    assert not sheet.duplicated(["indicator", "year"]).any()
    assert sheet[sheet["indicator"] == "gdp"]["year"].tolist() == [2021, 2022, 2025, 2026, 2027]
    sheet.loc[(sheet["indicator"] == "gdp") & (sheet["year"] == 2025), ["value", "source_title"]] = [
        "800", "测试用例：2025年统计公报"]
    path = tmp_path / "filled.csv"
    path.write_text(sheet.to_csv(index=False), encoding="utf-8-sig")
    report = observation_report(path, registry=reg)
    assert [(c.key, c.year, c.value) for c in report.added] == [("gdp", 2025, 800.0)]
    assert any("without a value skipped" in n.message for n in report.notes)


# ---------------------------------------------------------------- parsing


@given(st.decimals(min_value=0, max_value=10**9, places=2, allow_nan=False))
def test_thousands_separators_parse_to_the_same_number(x):
    assert parse_number(f"{x:,.2f}") == pytest.approx(float(x))


@given(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False))
def test_full_width_digits_parse_to_the_same_number(x):
    text = f"{x:.2f}".translate(str.maketrans("0123456789.", "０１２３４５６７８９．"))
    assert parse_number(text) == pytest.approx(float(x))


@pytest.mark.parametrize("text", ["约5.5", "5.5左右", "5.5以上", "~5.5", "近200"])
def test_approximate_figures_are_rejected(text):
    with pytest.raises(ValueError, match="approximate"):
        parse_number(text)


def test_number_with_unit_says_where_the_unit_goes():
    with pytest.raises(ValueError, match="'亿元' in the unit column"):
        parse_number("721.44亿元")


@pytest.mark.parametrize(("cell", "year"), [(2024, 2024), (2024.0, 2024), ("2024", 2024), ("２０２４年", 2024)])
def test_year_forms(cell, year):
    assert parse_year(cell) == year


def test_the_2024_farm_figures_of_kaizhou_daily_are_shipped_as_printed(shipped):
    # 开州日报 2025-03-26, page 3: 耕地保有量达112.85万亩 … 粮食播种面积稳定在173.04万亩,产量58.47万吨.
    assert _series(shipped, "grain_output")[2024] == 58.47
    assert _series(shipped, "cultivated_land") == {2024: 112.85}
    # The sown area of 2024: the district paper's 173.04 is taken over a news feature's 173.4, which the note keeps.
    area = shipped[(shipped["indicator"] == "grain_area") & (shipped["year"] == 2024)]
    assert area["value"].tolist() == [173.04] and "173.4万亩" in area["note"].iloc[0]
