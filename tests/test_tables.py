"""kzlib.tables: what goes to a console that cannot show every character (a Chinese Windows console, GBK)."""

from __future__ import annotations

import io

import pandas as pd
from hypothesis import given
from hypothesis import strategies as st

from kzlib import tables


def test_a_character_gbk_lacks_becomes_its_plain_form_and_chinese_stays():
    assert tables.fit_encoding("城市建成区面积 60 km²，用水 m³", "gbk") == "城市建成区面积 60 km2，用水 m3"
    assert tables.fit_encoding("≥ 达到序时进度 → ✓", "gbk") == "≥ 达到序时进度 → ?"  # GBK has ≥ and →
    assert tables.fit_encoding("平方公里", "ascii") == "????"


@given(st.text())
def test_utf8_keeps_everything_and_any_result_encodes(text):
    assert tables.fit_encoding(text, "utf-8") == text
    fitted = tables.fit_encoding(text, "gbk")
    assert fitted.encode("gbk").decode("gbk") == fitted
    try:
        text.encode("gbk")
    except UnicodeEncodeError:
        assert fitted != text
    else:
        assert fitted == text


def test_csv_and_json_to_a_gbk_console_do_not_crash():
    frame = pd.DataFrame({"name_zh": ["城市建成区面积"], "unit_en": ["km²"], "value": [60.0]})
    for fmt in ("csv", "json", "table"):
        raw = io.BytesIO()
        console = io.TextIOWrapper(raw, encoding="gbk")
        tables.write_table(frame, fmt, stream=console)
        console.flush()
        text = raw.getvalue().decode("gbk")
        assert "城市建成区面积" in text and "km2" in text


def test_a_file_keeps_every_character(tmp_path):
    frame = pd.DataFrame({"unit_en": ["km²"]})
    tables.write_table(frame, "csv", tmp_path / "out.csv")
    assert "km²" in (tmp_path / "out.csv").read_text(encoding="utf-8")
