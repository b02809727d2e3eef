"""The redline compares Chinese by character and Latin text by word."""

from hypothesis import given
from hypothesis import strategies as st

from rules.redline import Segment, redline, tokenize


def old_text(segments):
    return "".join(s.text for s in segments if s.op != "insert")


def new_text(segments):
    return "".join(s.text for s in segments if s.op != "delete")


def test_chinese_is_compared_character_by_character():
    segments = redline("乙方应在三十日内通知甲方", "乙方应在九十日内书面通知甲方")

    assert Segment("delete", "三") in segments
    assert Segment("insert", "九") in segments
    assert Segment("insert", "书面") in segments
    assert Segment("equal", "乙方应在") == segments[0]


def test_latin_text_is_compared_word_by_word():
    segments = redline("The vendor shall notify us 30 days before", "The vendor shall notify us 90 days in advance")

    assert Segment("delete", "30") in segments
    assert Segment("insert", "90") in segments
    assert Segment("delete", "before") in segments
    assert Segment("insert", "in advance") in segments


def test_mixed_text_splits_chinese_characters_and_latin_words():
    assert tokenize("系统可用性99.9% SLA达标") == [
        "系",
        "统",
        "可",
        "用",
        "性",
        "99",
        ".",
        "9",
        "%",
        " ",
        "SLA",
        "达",
        "标",
    ]


def test_identical_texts_have_no_changes():
    assert redline("同一条款 same clause", "同一条款 same clause") == [Segment("equal", "同一条款 same clause")]


@given(st.text(), st.text())
def test_redline_always_reconstructs_both_texts(old, new):
    segments = redline(old, new)

    assert old_text(segments) == old
    assert new_text(segments) == new
