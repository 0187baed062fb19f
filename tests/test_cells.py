"""One cell as a value: numbers as statisticians write them, ratios x:1, values with their unit, flag words."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kzlib.cells import INPUT_FLAGS, parse_flags, parse_number, split_quantity
from kzlib.errors import Problem
from kzlib.terms import load_terms


@pytest.mark.parametrize(("cell", "number", "unit"), [
    ("2.12:1", 2.12, None),
    ("2.12∶1", 2.12, None),  # U+2236 RATIO, as Word and WPS type it
    ("２．１２：１", 2.12, None),  # full width
    ("53.9%", 53.9, "%"),
    ("５３．９％", 53.9, "%"),
    ("721.44亿元", 721.44, "亿元"),
    ("7,214,400 万元", 7214400.0, "万元"),
    ("7.2万亩", 7.2, "万亩"),
    ("−0.2", -0.2, None),  # U+2212 MINUS SIGN
    ("1,180,000", 1180000.0, None),
    (8285, 8285.0, None),
])
def test_quantity_forms(cell, number, unit):
    assert split_quantity(cell) == (pytest.approx(number), unit)


@pytest.mark.parametrize(("cell", "fragment"), [
    ("13.4:34.9:51.7", "ratio of several parts"),
    ("1:2.12", "ratio of several parts"),
    ("约2.1:1", "approximate"),
    ("5.5万亩以上", "approximate"),
    ("n/a", "is not a number"),
])
def test_quantities_that_are_refused(cell, fragment):
    with pytest.raises(ValueError, match=fragment):
        split_quantity(cell)


def test_parse_number_reads_ratios_but_still_wants_units_in_their_column():
    assert parse_number("2.12:1") == pytest.approx(2.12)
    with pytest.raises(ValueError, match="'万亩' in the unit column"):
        parse_number("7.2万亩")


@given(st.decimals(min_value=0, max_value=10**6, places=2, allow_nan=False))
def test_a_ratio_to_one_is_its_first_term(x):
    assert split_quantity(f"{x:,.2f}:1") == (pytest.approx(float(x)), None)


@pytest.mark.parametrize(("cell", "flags"), [
    ("preliminary", ["preliminary"]),
    ("初步核算", ["preliminary"]),
    ("快报；预计", ["flash", "estimated"]),
    ("secondary, zone_scope", ["secondary", "zone_scope"]),
])
def test_flags_column_takes_ids_and_the_words_of_the_bulletins(cell, flags):
    assert parse_flags(cell) == flags


def test_every_flag_word_names_an_input_flag():
    assert set(load_terms().flag_words.values()) <= set(INPUT_FLAGS)


@pytest.mark.parametrize(("texts", "flags"), [
    (["2025年开州区国民经济和社会发展统计公报（初步核算）"], ["preliminary"]),
    (["统计公报", "初步核算"], ["preliminary"]),
    (["1—12月主要经济指标快报"], ["flash"]),
    (["政府工作报告", "2025年预计完成"], ["estimated"]),
    (["2024年开州区国民经济和社会发展统计公报"], []),
])
def test_flags_from_source_and_note_text(texts, flags):
    assert load_terms().flags_in(*texts) == flags


@pytest.mark.parametrize(("cell", "expected"), [
    (2024, (2024, [])), (2024.0, (2024, [])), ("2024", (2024, [])), ("2024年", (2024, [])),
    ("２０２４年", (2024, [])), ("2024年实际", (2024, [])), ("2024年度", (2024, [])),
    ("2025年（预计）", (2025, ["estimated"])), ("2025年快报数", (2025, ["flash"])),
    ("2025年(初步核算)", (2025, ["preliminary"])),
    ("2027年目标", None), ("2024年1—6月", None), ("2024年增长%", None), ("增长%", None), ("1999年", None),
])
def test_year_column_headers(cell, expected):
    assert load_terms().year_header(cell) == expected


def test_a_problem_names_the_sheet_when_there_is_one():
    where = Problem("数据征集表.xlsx", "'abc' is not a number", row=5, column="2025年", sheet="统计局")
    assert str(where) == "数据征集表.xlsx, sheet 统计局, row 5, column 2025年: 'abc' is not a number"
    assert str(Problem("a.csv", "m", row=2, column="数值")) == "a.csv, row 2, column 数值: m"
