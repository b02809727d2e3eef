"""core.text: full-width, pasted and hand-written input becomes what Django's fields parse, and nothing is guessed."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from core.text import normalise_code, normalise_date_input, normalise_number, normalise_text

CHINESE_PUNCTUATION = "，。；：！？、（）「」《》“”‘’—…·～【】"


# Codes


@pytest.mark.parametrize(
    ("typed", "stored"),
    [
        (" 91310000MA1K4XYZ2B ", "91310000MA1K4XYZ2B"),
        ("9131 0000 MA1K 4XYZ 2B", "91310000MA1K4XYZ2B"),
        ("９１３１００００ＭＡ１Ｋ４ＸＹＺ２Ｂ", "91310000MA1K4XYZ2B"),
        ("91310000\u3000ma1k4xyz2b", "91310000MA1K4XYZ2B"),
        ("\ufeff91310000MA1K\u200b4XYZ2B\n", "91310000MA1K4XYZ2B"),
        ("ht－２０２６－００１", "HT-2026-001"),
        (None, ""),
        ("   ", ""),
    ],
)
def test_a_code_is_stored_without_spaces_or_full_width_characters_in_upper_case(typed, stored):
    assert normalise_code(typed) == stored


@given(st.text())
def test_normalising_a_code_twice_changes_nothing(text):
    assert normalise_code(normalise_code(text)) == normalise_code(text)


# Text


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        (" ＡＢＣ公司，涨幅３．５％。 ", "ABC公司，涨幅3.5%。"),
        ("联系人：王芳（销售），电话０２１－１２３４５６７８；", "联系人：王芳（销售），电话021-12345678；"),
        ("邮箱ｗａｎｇ＠ｅｘａｍｐｌｅ．ｃｏｍ。", "邮箱wang@example.com。"),
        ("第１，２条「数据交接」、《服务协议》", "第1，2条「数据交接」、《服务协议》"),
        ("\u3000\u3000首行缩进的正文", "首行缩进的正文"),
        ("Grace\u200b Chen", "Grace Chen"),
        (None, ""),
    ],
)
def test_text_gets_ascii_letters_and_digits_and_keeps_its_chinese_punctuation(typed, kept):
    assert normalise_text(typed) == kept


@given(st.text(alphabet=st.sampled_from(list(CHINESE_PUNCTUATION + "中文合同０１ＡＢab 12"))))
def test_text_never_loses_or_changes_chinese_punctuation(text):
    normalised = normalise_text(text)
    for mark in CHINESE_PUNCTUATION:
        assert normalised.count(mark) == text.count(mark)


@given(st.text())
def test_normalising_text_twice_changes_nothing(text):
    assert normalise_text(normalise_text(text)) == normalise_text(text)


# Numbers


@pytest.mark.parametrize(
    ("typed", "parsed"),
    [
        ("1234.50", "1234.50"),
        ("1,234.50", "1234.50"),
        ("1，234.50", "1234.50"),
        ("１，２３４．５０", "1234.50"),
        ("１２３４５６７", "1234567"),
        (" 372,000 元", "372000"),
        ("¥372,000.00", "372000.00"),
        ("￥372,000.00", "372000.00"),
        ("-¥1,200.50", "-1200.50"),
        ("－５", "-5"),
        ("\u22123", "-3"),
        ("+1", "+1"),
        ("3%", "3"),
        ("３．５％", "3.5"),
        ("1 234", "1234"),
        (".5", ".5"),
        ("1,000,000", "1000000"),
        ("", ""),
        (None, ""),
    ],
)
def test_a_number_is_read_the_way_chinese_users_type_it(typed, parsed):
    assert normalise_number(typed) == parsed


@pytest.mark.parametrize("typed", ["12,34", "1,2345", "1,,234", "abc", "3万", "1.2.3", "%", "元", ".", "¥-1"])
def test_a_number_that_cannot_be_read_with_confidence_is_returned_for_the_field_to_refuse(typed):
    assert normalise_number(typed) == typed


@given(st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**9), max_value=10**9))
def test_a_number_typed_with_full_width_digits_and_grouping_parses_to_its_value(value):
    full_width = f"{value:,f}".translate(str.maketrans("0123456789,.-", "０１２３４５６７８９，．－"))
    assert Decimal(normalise_number(full_width)) == value


# Dates


@pytest.mark.parametrize(
    "typed",
    [
        "２０２６年１月１日",
        "2026年1月1日",
        "2026年01月01日",
        "2026 年 1 月 1 日",
        "2026年1月1号",
        "2026/1/1",
        "２０２６／０１／０１",
        "2026.1.1",
        "2026-01-01",
        "2026-1-1",
        " 2026-01-01 ",
        "20260101",
    ],
)
def test_a_date_is_read_the_way_chinese_users_write_it(typed):
    assert normalise_date_input(typed) == "2026-01-01"


@pytest.mark.parametrize("typed", ["2026/1-1", "01/02/2026", "Oct 25 2026", "明天", "2026年1月"])
def test_a_date_in_another_shape_is_returned_trimmed_for_the_fields_own_formats(typed):
    assert normalise_date_input(f" {typed} ") == typed


def test_an_impossible_date_keeps_its_shape_so_the_field_refuses_it():
    assert normalise_date_input("2026年2月30日") == "2026-02-30"


@given(st.dates(min_value=date(1900, 1, 1), max_value=date(2999, 12, 31)))
def test_a_chinese_date_reads_back_as_the_same_day(day):
    written = f"{day.year}年{day.month}月{day.day}日"
    assert date.fromisoformat(normalise_date_input(written)) == day
