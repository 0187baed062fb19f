"""kz data draft: bulletin wording -> draft observations; what cannot be mapped is listed with its reason."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest
from factories import registry_dir

from kzlib import load_registry, paths
from kzlib.bulletin import draft, load_terms, read_header, write_draft
from kzlib.cli import main
from kzlib.documents import read_document
from kzlib.errors import DocumentError, RegistryError
from kzlib.observations import observation_report

HERE = Path(__file__).parent
FIXTURES = HERE / "data" / "bulletins"
SHIPPED = paths.OBSERVATIONS
TITLE = "2025年示例县国民经济和社会发展统计公报（测试用例，非真实数据）"
P, D, C = "preliminary", "derived", "converted"

# shapes.txt, worked by hand from make_fixtures.py: indicator -> (value in the indicator's unit, flags).
SHAPES = {
    "gdp": (123.4567, {P, C}),                            # 1234567万元 = 123.4567亿元
    "gdp_real_growth": (5.6, {P}),
    "primary_value_added": (20.5, {P}), "primary_value_added_growth": (3.1, {P}),
    "secondary_value_added": (40.2, {P}), "secondary_value_added_growth": (-1.5, {P}),   # 下降1.5%
    "tertiary_value_added": (62.7567, {P}), "tertiary_value_added_growth": (8.0, {P}),
    "primary_share": (16.6, {P, D}), "secondary_share": (32.6, {P, D}),                  # 调整为16.6：32.6：50.8
    "services_share": (50.8, {P, D}),
    "gdp_per_capita": (48000, {P}), "gdp_per_capita_growth": (6.1, {P}),
    "private_value_added": (80.1, {P}), "private_value_added_growth": (5.0, {P}), "private_economy_share": (64.9, {P}),
    "hukou_population": (52.3, set()),
    "resident_population": (41.2, set()), "urban_resident_population": (22.0, set()),  # 其中，城镇人口 of 常住人口
    "urbanisation_rate": (53.4, set()),
    "new_urban_jobs": (5321, set()), "surveyed_unemployment_rate": (5.2, set()),
    "grain_area": (32.4, {C}),                            # 2.16万公顷 x 15 = 32.4万亩
    "grain_output": (14.23, {C}),                         # 142300吨 = 14.23万吨
    "resident_income_growth": (6.5, set()),               # nominal, the first rate after the level
    "urban_income": (41000, set()), "rural_income": (19500, set()),
    "retail_sales": (45.6, set()), "budget_revenue": (9.87, set()), "budget_revenue_growth": (2.3, set()),
    "tourist_arrivals": (1500, set()), "tourist_arrivals_growth": (120.0, set()),       # 增长1.2倍 = +120%
    "tourism_revenue": (85.5, set()),
}
# The table of shapes.html and shapes.docx: 53000万元 = 5.3亿元.
TABLE = {"import_export": (5.3, {C}), "five_g_stations": (812, set()), "forest_cover": (55.3, set())}
# shapes.txt: figure as written -> what the reason must say.
SHAPES_UNMAPPED = {
    "17.0:33.5:49.5": "before the change",                # 由…调整为…
    "4.0%": "average",                                    # 两年平均增长
    "20.1万人": "part (其中)",                            # 城镇人口 of the hukou population
    "1.2个百分点": "points; no indicator",
    "0.5%": "no growth indicator is known for grain_area",
    "1.8%": "no growth indicator is known for grain_output",
    "28000元": "resident_income is not an indicator of the registry",
    "5.8%": "second change rate",                         # 扣除价格因素，实际增长
    "5.1%": "no growth indicator is known for urban_income",
    "7.2%": "no growth indicator is known for rural_income",
    "24000元": "another measure",                         # 中位数
    "6.0%": "wording is not known",
    "7.7%": "retail_sales_growth is not an indicator of the registry",
    "6.1亿元": "part (其中)", "4.2%": "wording is not known",   # 其中，税收收入…，下降4.2%
    "300万人次": "approximate",                           # 约300万人次
    "15.0%": "a change on 2019",
    "56家": "part of the area",                           # 示例高新区
}


@pytest.fixture(scope="module")
def reg(project_registry):
    return project_registry


@pytest.fixture(scope="module")
def terms(reg):
    return load_terms(reg)


def _draft_file(name: str, reg, terms, **kw):
    doc = read_document(FIXTURES / name)
    return draft(doc.text, reg, terms, title=doc.title, file=name, **kw)


def _rows(result) -> dict[str, tuple[float, set[str]]]:
    obs = result.observations
    return {r.indicator: (r.value, set(filter(None, r.flags.split(";")))) for r in obs.itertuples()}


def _assert_rows(got: dict, expected: dict) -> None:
    assert set(got) == set(expected)
    for iid, (value, flags) in expected.items():
        assert got[iid][0] == pytest.approx(value, abs=1e-9), iid
        assert got[iid][1] == flags, iid


# ---------------------------------------------------------------- the Kaizhou bulletins


def _shipped_from(opening: str, title_start: str) -> pd.DataFrame:
    """Shipped rows of this bulletin whose quote (spaces aside) is in the opening."""
    rows = pd.read_csv(SHIPPED, dtype=str, keep_default_na=False, encoding="utf-8")
    text = re.sub(r"\s", "", opening)
    mine = rows[rows["source_title"].str.startswith(title_start)]
    return mine[[re.sub(r"\s", "", q) in text for q in mine["quote"]]]


@pytest.mark.parametrize(("name", "title_start", "n_shipped"), [
    ("kaizhou_2020_opening.txt", "2020年开州区", 19),
    ("kaizhou_2023_opening.txt", "2023年开州区", 21),
])
def test_kaizhou_openings_reproduce_every_shipped_figure(reg, terms, name, title_start, n_shipped):
    result = _draft_file(name, reg, terms)
    shipped = _shipped_from((FIXTURES / name).read_text(encoding="utf-8"), title_start)
    assert len(shipped) == n_shipped
    got = result.observations.set_index("indicator")
    assert sorted(got.index) == sorted(shipped["indicator"])     # nothing more, nothing less
    for row in shipped.itertuples():
        mine = got.loc[row.indicator]
        assert mine["value"] == pytest.approx(float(row.value)), row.indicator
        assert (mine["unit"], int(mine["year"])) == (row.unit, int(row.year)), row.indicator
        # secondary says where the page was read (a repost), which the bulletin's own text cannot tell
        held = set(filter(None, row.flags.split(";"))) - {"secondary"}
        assert set(filter(None, mine["flags"].split(";"))) == held, row.indicator


def test_kaizhou_2020_lists_every_other_number(reg, terms):
    # Read off the opening by hand: every quantity that is not one of the 19 shipped figures.
    expected = {"63.9万人", "103.84万人", "0.36个百分点", "29.62万人", "17.66%", "10234人", "6.09‰", "1.71‰",
                "5.8亿元", "9145名", "5111名", "3.2%", "10.3%", "2.5%", "14.71亿元", "3.5%", "25.68亿元", "60.3%",
                "6亿元", "50%", "97.24亿元", "0.6%"}
    result = _draft_file("kaizhou_2020_opening.txt", reg, terms)
    assert set(result.unmapped["figure"]) == expected
    assert result.unmapped["reason"].str.len().gt(0).all()
    hukou_parts = result.unmapped[result.unmapped["figure"] == "63.9万人"].iloc[0]
    assert "part (其中)" in hukou_parts["reason"]        # 城镇人口 of the hukou population is not the resident one


def test_head_of_the_bulletin_gives_title_offices_year_and_date():
    text = (FIXTURES / "kaizhou_2023_opening.txt").read_text(encoding="utf-8")
    head = read_header(text)
    assert head.title == ("2023年开州区国民经济和社会发展统计公报（重庆市开州区统计局、国家统计局开州调查队）")
    assert (head.year, head.date) == (2023, "2024-04-29")
    assert read_header("二〇二四年某县国民经济和社会发展统计公报\n正文").year == 2024


# ---------------------------------------------------------------- sentence shapes and formats


@pytest.mark.parametrize("name", ["shapes.txt", "shapes_bom.txt", "shapes_gbk.txt"])
def test_every_sentence_shape_of_the_plain_text(reg, terms, name):
    result = _draft_file(name, reg, terms)
    _assert_rows(_rows(result), SHAPES)
    assert set(result.observations["year"]) == {2025}
    assert set(result.observations["source_date"]) == {"2026-03-20"}
    assert set(result.observations["source_title"]) == {f"{TITLE}（示例县统计局、国家统计局示例调查队）"}
    missed = dict(zip(result.unmapped["figure"], result.unmapped["reason"], strict=True))
    assert set(missed) == set(SHAPES_UNMAPPED)
    for figure, words in SHAPES_UNMAPPED.items():
        assert words in missed[figure], figure


@pytest.mark.parametrize("name", ["shapes.html", "shapes.docx"])
def test_html_and_word_read_paragraphs_and_table_rows(reg, terms, name):
    result = _draft_file(name, reg, terms)
    _assert_rows(_rows(result), SHAPES | TABLE)
    quotes = dict(zip(result.observations["indicator"], result.observations["quote"], strict=True))
    assert quotes["import_export"] == "进出口总额 | 万元 | 53000 | -3.2"
    missed = dict(zip(result.unmapped["figure"], result.unmapped["reason"], strict=True))
    assert "import_export_growth is not an indicator" in missed["-3.2%"]     # never guessed


@pytest.mark.parametrize("name", ["shapes.pdf", "restricted.pdf"])
def test_pdf_text_layer_is_read_with_its_lines_rejoined(reg, terms, name):
    result = _draft_file(name, reg, terms)
    first = {k: v for k, v in SHAPES.items() if k in {
        "gdp", "gdp_real_growth", "primary_value_added", "primary_value_added_growth", "secondary_value_added",
        "secondary_value_added_growth", "tertiary_value_added", "tertiary_value_added_growth", "primary_share",
        "secondary_share", "services_share", "gdp_per_capita", "gdp_per_capita_growth", "private_value_added",
        "private_value_added_growth", "private_economy_share"}}
    _assert_rows(_rows(result), first)


def test_quotes_are_exact_fragments_of_the_document(reg, terms):
    for name in ["shapes.txt", "shapes_gbk.txt", "kaizhou_2020_opening.txt", "kaizhou_2023_opening.txt",
                 "tianzhu_2015_excerpt.txt"]:
        text = read_document(FIXTURES / name).text
        result = _draft_file(name, reg, terms)
        for quote in result.observations["quote"]:
            assert quote and quote in text, (name, quote)
        for sentence in result.unmapped["sentence"]:
            assert sentence in text, (name, sentence)


# ---------------------------------------------------------------- units, years, preliminary


@pytest.mark.parametrize(("sentence", "indicator", "value"), [
    ("全年粮食播种面积21.6千公顷。", "grain_area", 32.4),          # 21.6千公顷 = 21600公顷 = 324000亩
    ("全年粮食播种面积324000亩。", "grain_area", 32.4),
    ("全年粮食总产量9.3亿斤。", "grain_output", 46.5),             # 4.65亿千克
    ("全年实现地区生产总值6869100万元。", "gdp", 686.91),
    ("年末常住人口1185600人。", "resident_population", 118.56),
    ("全年接待游客2.5亿人次。", "tourist_arrivals", 25000),
    ("森林覆盖率55.3%。", "forest_cover", 55.3),
    ("全年地区生产总值（GDP）686.91亿元，比上年增长6.7%。", "gdp", 686.91),
    ("全年地区生产总值686.91亿元，按可比价格计算，比上年增长6.7%。", "gdp_real_growth", 6.7),
    ("全年人均地区生产总值比上年下降0.4%。", "gdp_per_capita_growth", -0.4),   # growth without its level
    ("第一产业占GDP比重为13.9%。", "primary_share", 13.9),
    ("全年城镇新增就业1，234人。", "new_urban_jobs", 1234),
    ("全年常住人均生产总值为98094元。", "gdp_per_capita", 98094),
    ("粮食总产量 46695 吨 1.2", "grain_output", 4.6695),                 # a PDF table row: numbers kept apart
])
def test_one_sentence_one_figure(reg, terms, sentence, indicator, value):
    result = draft(f"2024年某县国民经济和社会发展统计公报\n{sentence}", reg, terms)
    rows = _rows(result)
    assert indicator in rows
    assert rows[indicator][0] == pytest.approx(value)


@pytest.mark.parametrize(("sentence", "reason"), [
    ("全年户籍人均生产总值为141647元。", "another measure than gdp_per_capita (户籍…)"),
    ("全年城市居民人均可支配收入28892元。", "another measure than resident_income (城市…)"),
    ("年末农村常住人口20.3万人。", "another measure than resident_population (农村…)"),
    ("年末户籍人口218.7万人，比上年增加8630人，增长0.4%。", "no growth indicator is known for hukou_population"),
    ("全年人口出生率11.69‰，比上年下降0.75个千分点。", "points; no indicator takes it"),
    ("一季度地区生产总值增长4.0%。", "part of the year"),
    ("全年粮食总产量约46.7万吨。", "approximate"),
])
def test_figures_that_are_not_the_indicator_are_listed(reg, terms, sentence, reason):
    result = draft(f"2024年某县国民经济和社会发展统计公报\n{sentence}", reg, terms)
    assert result.observations["indicator"].isin(["gdp_per_capita", "resident_income_growth",
                                                  "resident_population", "gdp_real_growth", "grain_output"]).sum() == 0
    assert any(reason in r for r in result.unmapped["reason"]), result.unmapped["reason"].tolist()


@pytest.fixture(scope="module")
def permille_reg(tmp_path_factory):
    """The real core and observed indicators plus a rate per 1000 (‰)."""
    extra = ("indicators:\n  - {id: birth_rate, name_zh: 人口出生率, name_en: Birth rate, unit: ‰, unit_en: per mille,"
             " direction: up, measure: rate, scope: 全区, source_zh: 统计公报, source_en: Statistical bulletin}\n")
    files = {n: (paths.REGISTRY / "indicators" / n).read_text(encoding="utf-8") for n in ("core.yaml", "observed.yaml")}
    targets = (HERE / "data" / "obs" / "registry_targets.yaml").read_text(encoding="utf-8")
    return load_registry(registry_dir(tmp_path_factory.mktemp("reg"), {**files, "test.yaml": extra}, targets))


def test_per_mille_and_percent_are_kept_apart(permille_reg):
    terms = load_terms(permille_reg)
    head = "2024年某县国民经济和社会发展统计公报\n"
    kept = draft(head + "全年人口出生率6.09‰。", permille_reg, terms)
    assert _rows(kept)["birth_rate"][0] == 6.09
    refused = draft(head + "全年人口出生率0.609%。", permille_reg, terms)
    assert refused.observations.empty
    assert "unit '%' does not fit birth_rate (‰)" in refused.unmapped["reason"].iloc[0]


def test_year_comes_from_the_title_the_sentence_or_the_option(reg, terms):
    with pytest.raises(DocumentError, match="--year"):
        draft("全年实现地区生产总值686.91亿元。", reg, terms, source_title="某县统计公报摘录")
    told = draft("全年实现地区生产总值686.91亿元。", reg, terms, year=2024, source_title="某县统计公报摘录")
    assert told.observations["year"].tolist() == [2024]
    stated = draft("2024年某县国民经济和社会发展统计公报\n2023年末常住人口118.56万人。年末户籍总人口164万人。", reg, terms)
    assert dict(zip(stated.observations["indicator"], stated.observations["year"], strict=True)) == {
        "resident_population": 2023, "hukou_population": 2024}
    with pytest.raises(DocumentError, match="--source-title"):
        draft("全年实现地区生产总值686.91亿元。", reg, terms, year=2024)


def test_preliminary_covers_its_sentence_and_the_accounts_of_its_section(reg, terms):
    text = ("2024年某县国民经济和社会发展统计公报\n一、综合\n初步核算，全年实现地区生产总值700亿元。\n"
            "年末常住人口118万人。全年人均地区生产总值59000元。\n二、财政\n全年一般公共预算收入26亿元。"
            "全年民营经济增加值530亿元。\n三、旅游\n全年旅游综合收入90亿元（初步核算）。全年接待游客1600万人次。")
    flags = {k: v[1] for k, v in _rows(draft(text, reg, terms)).items()}
    assert flags["gdp"] == {P} and flags["gdp_per_capita"] == {P}          # accounts of the 综合 section
    assert flags["resident_population"] == set()                          # same section, not an accounts figure
    assert flags["budget_revenue"] == set() and flags["private_value_added"] == set()   # another section
    assert flags["tourism_revenue"] == {P} and flags["tourist_arrivals"] == set()      # its own sentence only
    noted = draft("2024年某县国民经济和社会发展统计公报\n二、经济\n全年民营经济增加值530亿元。\n"
                  "注：本公报中地区生产总值等数据为初步核算数。", reg, terms)
    assert _rows(noted)["private_value_added"][1] == {P}                  # a note covers the whole document


# ---------------------------------------------------------------- other counties and years


def test_danzhai_2015_county_bulletin(reg, terms):
    result = _draft_file("danzhai_2015_excerpt.txt", reg, terms, year=2015, source_title="丹寨县2015年统计公报摘录")
    _assert_rows(_rows(result), {
        "gdp": (24.4394, {P, C}), "gdp_real_growth": (13.1, {P}),           # 244394万元, 初步测算
        "primary_value_added": (6.2857, {P, C}), "primary_value_added_growth": (6.3, {P}),
        "secondary_value_added": (6.5585, {P, C}), "secondary_value_added_growth": (9.5, {P}),
        "tertiary_value_added": (11.5952, {P, C}), "tertiary_value_added_growth": (18.0, {P}),
        "gdp_per_capita": (19967, {P}), "gdp_per_capita_growth": (13.1, {P}),
        "primary_share": (25.72, {P, D}), "secondary_share": (26.84, {P, D}), "services_share": (47.44, {P, D}),
        "grain_area": (19.4715, {C}),                                       # 12981公顷 x 15 / 10000
        "grain_output": (4.6695, {C}),                                      # 46695吨
    })
    missed = set(result.unmapped["figure"])
    assert {"40653万元", "24932万元", "2.16", "1.66个百分点", "7327吨"} <= missed   # 工业, 建筑业, 分别, 夏粮


def test_tianzhu_2015_county_bulletin(reg, terms):
    result = _draft_file("tianzhu_2015_excerpt.txt", reg, terms)
    _assert_rows(_rows(result), {
        "gdp": (44.66, {P}), "gdp_real_growth": (8.8, {P}),
        "primary_value_added": (6.4, {P}), "primary_value_added_growth": (6.1, {P}),
        "secondary_value_added": (20.69, {P}), "secondary_value_added_growth": (6.5, {P}),
        "tertiary_value_added": (17.5, {P}), "tertiary_value_added_growth": (11.9, {P}),
        "budget_revenue": (3.951, {C}), "budget_revenue_growth": (14.85, set()),   # 公共财政预算收入39510万元
    })
    missed = dict(zip(result.unmapped["figure"], result.unmapped["reason"], strict=True))
    assert "before the change" in missed["13.88:53.06:33.06"]
    assert "does not fit gdp" in missed["7.45%"]          # 对生产总值的贡献率 is not GDP


# ---------------------------------------------------------------- the vocabulary


def test_terms_naming_unknown_indicators_are_listed_never_guessed(reg, tmp_path):
    path = tmp_path / "terms.yaml"
    path.write_text(paths.BULLETIN_TERMS.read_text(encoding="utf-8").replace(
        "subjects:\n", "subjects:\n  no_such_indicator:\n    phrases: [规模以上工业增加值]\n", 1), encoding="utf-8")
    result = draft("2024年某县国民经济和社会发展统计公报\n全年规模以上工业增加值120亿元。", reg, load_terms(reg, path))
    assert result.observations.empty
    assert "no_such_indicator is not an indicator of the registry" in result.unmapped["reason"].iloc[0]


def test_a_phrase_given_to_two_indicators_is_an_error(reg, tmp_path):
    path = tmp_path / "terms.yaml"
    path.write_text("subjects:\n  gdp: {phrases: [生产总值]}\n  gdp_per_capita: {phrases: [生产总值]}\n",
                    encoding="utf-8")
    with pytest.raises(RegistryError, match="given for both gdp and gdp_per_capita"):
        load_terms(reg, path)


# ---------------------------------------------------------------- writing and the command


def test_draft_goes_through_data_check(reg, terms, tmp_path):
    result = _draft_file("shapes.html", reg, terms)
    for suffix in (".csv", ".xlsx"):
        out, side = write_draft(result, tmp_path / f"draft{suffix}")
        assert side.name == f"draft.unmapped{suffix}"
        report = observation_report(out, registry=reg, strict=True)
        assert len(report.added) + len(report.overridden) == len(SHAPES) + len(TABLE)
    raw = (tmp_path / "draft.csv").read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf")                  # UTF-8 with BOM, for Excel
    header = next(csv.reader(io.StringIO(raw.decode("utf-8-sig"))))
    assert header == ["indicator", "year", "value", "unit", "source_title", "source_link", "source_date", "flags",
                      "quote", "note"]


def test_kz_data_draft_writes_the_draft_and_the_unmapped_list(tmp_path, capsys):
    out = tmp_path / "draft.csv"
    code = main(["data", "draft", str(FIXTURES / "kaizhou_2023_opening.txt"), "-o", str(out),
                 "--source-link", "https://example.org/b2023"])
    printed = capsys.readouterr().out
    assert code == 0
    assert "21 figures drafted for 2023" in printed and "15 numbers not mapped" in printed
    draft_rows = pd.read_csv(out, encoding="utf-8-sig")
    assert len(draft_rows) == 21 and set(draft_rows["source_link"]) == {"https://example.org/b2023"}
    assert len(pd.read_csv(tmp_path / "draft.unmapped.csv", encoding="utf-8-sig")) == 15
    assert main(["data", "check", str(out)]) == 0


@pytest.mark.parametrize(("name", "words"), [
    ("scanned.pdf", "no text layer"), ("locked.pdf", "password"), ("empty.txt", "empty"),
])
def test_kz_data_draft_refuses_unreadable_documents(name, words, capsys):
    assert main(["data", "draft", str(FIXTURES / name)]) == 2
    err = capsys.readouterr().err
    assert name in err and words in err and "Traceback" not in err


def test_kz_data_draft_fails_when_nothing_is_known(tmp_path, capsys):
    path = tmp_path / "notes.txt"
    path.write_text("2024年某县国民经济和社会发展统计公报\n全年造林面积19800亩。\n", encoding="utf-8")
    assert main(["data", "draft", str(path), "-o", str(tmp_path / "d.csv")]) == 2
    assert "no figure could be drafted" in capsys.readouterr().err
    assert (tmp_path / "d.unmapped.csv").exists()
