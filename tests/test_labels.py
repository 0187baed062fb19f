"""kzlib.labels: every key in both languages, with the same fields; every key the code asks for exists."""

from __future__ import annotations

import re
import string
from pathlib import Path

import pytest

from kzlib import labels, settings

PLAN_WORDS = set(labels.PLAN_WORDS)


def fields(text: str) -> set[str]:
    """The {fields} a text has to be given; what it says of the plan (kzlib.labels.PLAN_FIELD) is filled in."""
    return {f for _, f, _, _ in string.Formatter().parse(text) if f} - PLAN_WORDS


@pytest.mark.parametrize("key", sorted(labels.TEXT))
def test_both_languages_with_the_same_fields(key):
    entry = labels.TEXT[key]
    assert set(entry) == set(settings.LANGS)
    assert all(entry[lang].strip() for lang in settings.LANGS)
    assert fields(entry["zh"]) == fields(entry["en"])


def test_chinese_texts_carry_no_english_words():
    # Placeholders, file names and commands aside, a Chinese label is Chinese.
    allowed = {"GDP", "kzlib"}
    names = r"\{[^}]*\}|[\w/.-]+\.(?:yaml|csv|xlsx|txt|ipynb|html)|kz [a-z -]+|counter\([a-z]+\)"
    for key, entry in labels.TEXT.items():
        words = set(re.findall(r"[A-Za-z]{2,}", re.sub(names, "", entry["zh"]))) - allowed
        assert not words, f"{key}: {entry['zh']}"


def test_every_status_has_words():
    for status in settings.STATUSES:
        assert labels.label(f"status.{status}", "zh") and labels.label(f"status.{status}", "en")


def test_keys_used_in_code_exist():
    source = "\n".join(p.read_text(encoding="utf-8") for p in Path(labels.__file__).parent.glob("*.py"))
    used = set(re.findall(r"""label\(\s*["']([a-z_]+\.[a-z_0-9]+)["']""", source))
    assert used, "no literal label keys found: the pattern is out of date"
    assert sorted(used - set(labels.TEXT)) == []


def test_label_fills_fields_and_words_strips_the_area():
    assert labels.label("brief.summary", "zh", n=3) == "本行动共3个目标："  # the plan's word for its sections
    assert labels.label("brief.summary", "en", n=3) == "3 targets in this action: "
    assert labels.words("chart", "en")["target"] == "Target"
    with pytest.raises(ValueError, match="unknown language"):
        labels.label("brief.summary", "fr", n=1)


def test_actions_are_numbered_as_each_language_numbers_them():
    assert [labels.numeral(n, "zh") for n in (1, 3, 10, 12, 20, 23, 99)] == \
        ["一", "三", "十", "十二", "二十", "二十三", "九十九"]
    assert labels.numeral(100, "zh") == "100" and labels.numeral(7, "en") == "7"
    assert labels.action(3, "zh") == "行动三" and labels.action(3, "en") == "Action 3"
    assert labels.action_title(10, "实施高品质生活惠民富民行动", "zh") == "行动十：实施高品质生活惠民富民行动"
