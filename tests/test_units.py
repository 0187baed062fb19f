"""kzlib.units: scale units convert exactly; units of different families never do."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from kzlib import units


@pytest.mark.parametrize(("value", "unit", "target", "expected"), [
    (721440, "万元", "亿元", 72.144),          # 72.144亿元
    (9.02, "万公顷", "万亩", 135.3),            # 1 公顷 = 15 亩
    (46695, "吨", "万吨", 4.6695),
    (1, "平方公里", "亩", 1500),                # 100 公顷
    (1, "千公顷", "万亩", 1.5),
    (2.5, "公斤", "吨", 0.0025),
    (3, "千米", "公里", 3),
    (35, "亿立方米", "万立方米", 350000),
    (9.3, "亿斤", "万吨", 46.5),                # 1 斤 = 0.5 千克: 9.3亿斤 = 4.65亿千克 = 46.5万吨
    (142300, "斤", "吨", 71.15),
    (2.5, "亿人次", "万人次", 25000),
])
def test_hand_worked_conversions(value, unit, target, expected):
    assert units.convert(value, unit, target) == expected


@pytest.mark.parametrize(("unit", "target"), [("万元", "万美元"), ("亩", "万人"), ("%", "‰"), ("个", "家")])
def test_different_families_do_not_convert(unit, target):
    assert not units.convertible(unit, target)
    with pytest.raises(ValueError, match="cannot convert"):
        units.convert(1.0, unit, target)


def test_spellings_fold_to_one_unit():
    assert units.same("万 元", "万元")
    assert units.same("ｋｍ", "公里")
    assert units.normalise("平方千米") == "平方公里"
    assert "万亩" in units.family("公顷") and "亿元" not in units.family("公顷")


@given(st.decimals(min_value=0, max_value=10**7, places=4, allow_nan=False))
def test_conversion_round_trips(x):
    there = units.convert(float(x), "万元", "亿元")
    assert there == pytest.approx(float(x) / 10_000)
    assert units.convert(there, "亿元", "万元") == pytest.approx(float(x))
