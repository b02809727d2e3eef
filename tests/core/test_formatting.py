"""core.formatting: names, money, percentages, dates and lists as Chinese and English readers write them."""

import re
from datetime import UTC, date, datetime
from decimal import Decimal

import pytest
from django.utils import translation
from hypothesis import given
from hypothesis import strategies as st

from accounts.models import User
from core.formatting import (
    amount,
    aside,
    date_range,
    join_clauses,
    join_list,
    label,
    money,
    month_heading,
    percent,
    person_label,
    person_name,
    prose_date,
)
from core.text import normalise_number

ZH, EN = "zh-hans", "en"
BOTH = pytest.mark.parametrize("language", [ZH, EN])


def user(username="lixm", first_name="", last_name="", email=""):
    return User(username=username, first_name=first_name, last_name=last_name, email=email)


# Names


@BOTH
def test_a_chinese_name_is_family_then_given_without_a_space_in_both_languages(language):
    assert person_name(user(first_name="晓敏", last_name="李"), language=language) == "李晓敏"


@BOTH
def test_a_latin_name_is_given_then_family_in_both_languages(language):
    assert person_name(user(first_name="Grace", last_name="Chen"), language=language) == "Grace Chen"


def test_names_can_be_given_as_strings():
    assert person_name("晓敏", "李") == "李晓敏"
    assert person_name("Grace", "Chen") == "Grace Chen"


def test_a_compound_family_name_and_a_rare_character_stay_together():
    assert person_name(user(first_name="𠀾明", last_name="欧阳")) == "欧阳𠀾明"


def test_japanese_and_korean_names_are_family_first_too():
    assert person_name("太郎", "山田") == "山田太郎"
    assert person_name("민준", "김") == "김민준"


def test_a_chinese_family_name_with_a_latin_given_name_keeps_the_family_first_spaced():
    assert person_name("Grace", "陈") == "陈 Grace"


def test_whitespace_around_and_inside_the_parts_is_trimmed():
    assert person_name(user(first_name=" 晓敏\u3000", last_name=" 李 ")) == "李晓敏"
    assert person_name(user(first_name="  Grace  Ann ", last_name="Chen ")) == "Grace Ann Chen"


@pytest.mark.parametrize(("first", "last", "shown"), [("", "", "lixm"), ("晓敏", "", "晓敏"), ("", "李", "李")])
def test_a_blank_name_falls_back_to_the_username_and_one_part_shows_alone(first, last, shown):
    assert person_name(user(first_name=first, last_name=last)) == shown


def test_a_blank_name_without_a_user_is_empty():
    assert person_name(None) == ""
    assert person_name("  ", " ") == ""


def test_a_person_label_adds_the_username_with_chinese_or_english_brackets():
    grace = user(username="gchen", first_name="Grace", last_name="Chen")
    li = user(first_name="晓敏", last_name="李")
    assert person_label(li, language=ZH) == "李晓敏（lixm）"
    assert person_label(grace, language=EN) == "Grace Chen (gchen)"
    assert person_label(li, language=EN) == "李晓敏 (lixm)"


def test_a_person_label_without_a_name_is_the_username_once():
    assert person_label(user(username="buyer1"), language=ZH) == "buyer1"


def test_the_label_follows_the_active_language_by_default():
    li = user(first_name="晓敏", last_name="李")
    with translation.override(EN):
        assert person_label(li) == "李晓敏 (lixm)"
    with translation.override(ZH):
        assert person_label(li) == "李晓敏（lixm）"


@given(given_name=st.text("李王张晓敏伟芳静", min_size=1, max_size=3), family=st.sampled_from(["李", "欧阳", "司马"]))
def test_a_chinese_name_never_contains_a_space(given_name, family):
    assert " " not in person_name(given_name, family)


# Money and numbers


@pytest.mark.parametrize(
    ("value", "currency", "zh", "en"),
    [
        (Decimal("372000"), "CNY", "¥372,000.00", "CNY 372,000.00"),
        (Decimal("372000.00"), "cny", "¥372,000.00", "CNY 372,000.00"),
        (Decimal("1000"), "USD", "USD 1,000.00", "USD 1,000.00"),
        (Decimal("1000"), "JPY", "JPY 1,000.00", "JPY 1,000.00"),
        (Decimal("-1200.5"), "CNY", "-¥1,200.50", "-CNY 1,200.50"),
        (Decimal("0"), "CNY", "¥0.00", "CNY 0.00"),
        (Decimal("-0.00"), "CNY", "¥0.00", "CNY 0.00"),
        (Decimal("1E+3"), "CNY", "¥1,000.00", "CNY 1,000.00"),
        (Decimal("0.0450"), "CNY", "¥0.045", "CNY 0.045"),
        (Decimal("999.999"), "CNY", "¥999.999", "CNY 999.999"),
        (12, "CNY", "¥12.00", "CNY 12.00"),
        (Decimal("12345678901234567890123456789.01"), "CNY", "¥12,345,678,901,234,567,890,123,456,789.01", None),
    ],
)
def test_money_has_separators_two_decimals_and_the_currency_as_readers_expect(value, currency, zh, en):
    assert money(value, currency, language=ZH) == zh
    if en:
        assert money(value, currency, language=EN) == en


def test_money_without_a_value_is_empty_and_without_a_currency_is_the_bare_amount():
    assert money(None) == ""
    assert money(Decimal("5"), "", language=ZH) == "5.00"


def test_money_follows_the_active_language_by_default():
    with translation.override(EN):
        assert money(Decimal("372000")) == "CNY 372,000.00"
    with translation.override(ZH):
        assert money(Decimal("372000")) == "¥372,000.00"


@pytest.mark.parametrize(
    ("value", "places", "shown"),
    [
        (Decimal("1234.5"), 2, "1,234.50"),
        (Decimal("0.0450"), 2, "0.045"),
        (Decimal("0.0450"), 4, "0.0450"),
        (Decimal("1234.1234"), 2, "1,234.1234"),
        (Decimal("12.5000"), 2, "12.50"),
        (Decimal("12"), 0, "12"),
        (Decimal("1E+3"), 0, "1,000"),
        (Decimal("1E-10"), 2, "0.0000000001"),
        (Decimal("-1234567"), 2, "-1,234,567.00"),
        (Decimal("100.0"), 0, "100"),
        ("372000", 2, "372,000.00"),
        (0.1, 2, "0.10"),
        (None, 2, ""),
    ],
)
def test_an_amount_keeps_every_significant_decimal_and_at_least_places(value, places, shown):
    assert amount(value, places) == shown


@pytest.mark.parametrize("value", [Decimal("NaN"), Decimal("Infinity"), "abc", True])
def test_an_amount_refuses_what_is_not_a_finite_number(value):
    with pytest.raises((ValueError, TypeError, ArithmeticError)):
        amount(value)


@given(st.decimals(allow_nan=False, allow_infinity=False, places=4, min_value=-(10**15), max_value=10**15))
def test_a_formatted_amount_parses_back_to_the_same_decimal(value):
    assert Decimal(normalise_number(amount(value))) == value


@given(st.decimals(allow_nan=False, allow_infinity=False, places=2, min_value=-(10**12), max_value=10**12))
def test_a_chinese_cny_amount_parses_back_to_the_same_decimal(value):
    assert Decimal(normalise_number(money(value, language=ZH))) == value


@given(st.decimals(allow_nan=False, allow_infinity=False, places=6, min_value=-(10**9), max_value=10**9))
def test_an_amount_never_rounds(value):
    assert Decimal(amount(value, places=0).replace(",", "")) == value


# Percentages


@pytest.mark.parametrize(
    ("value", "shown"),
    [
        (Decimal("3"), "3%"),
        (Decimal("3.00"), "3%"),
        (Decimal("99.90"), "99.9%"),
        (Decimal("0.05"), "0.05%"),
        (Decimal("100"), "100%"),
        (Decimal("0.00"), "0%"),
        (Decimal("-2.50"), "-2.5%"),
        (Decimal("1E+3"), "1,000%"),
        (5, "5%"),
        (None, ""),
    ],
)
def test_a_percentage_shows_no_needless_decimals(value, shown):
    assert percent(value) == shown


@given(st.decimals(allow_nan=False, allow_infinity=False, places=3, min_value=-1000, max_value=1000))
def test_a_percentage_never_shows_trailing_zeros(value):
    shown = percent(value)
    assert re.fullmatch(r"-?[\d,]+(\.\d*[1-9])?%", shown)
    assert Decimal(shown[:-1].replace(",", "")) == value


# Dates


@pytest.mark.parametrize(
    ("day", "zh", "en"),
    [
        (date(2026, 12, 1), "2026年12月1日", "December 1, 2026"),
        (date(2026, 2, 19), "2026年2月19日", "February 19, 2026"),
        (date(2026, 9, 5), "2026年9月5日", "September 5, 2026"),
    ],
)
def test_a_prose_date_is_written_out_in_full(day, zh, en):
    assert prose_date(day, language=ZH) == zh
    assert prose_date(day, language=EN) == en


def test_a_prose_date_of_an_aware_datetime_is_the_day_in_the_site_time_zone():
    late_utc = datetime(2026, 11, 30, 18, 0, tzinfo=UTC)
    assert prose_date(late_utc, language=ZH) == "2026年12月1日"


def test_a_prose_date_follows_the_active_language_and_is_empty_without_a_date():
    with translation.override(EN):
        assert prose_date(date(2026, 12, 1)) == "December 1, 2026"
    assert prose_date(None) == ""


@pytest.mark.parametrize(("language", "shown"), [(ZH, "2026年12月"), (EN, "December 2026")])
def test_a_month_heading_puts_the_year_first_in_chinese(language, shown):
    assert month_heading(date(2026, 12, 1), language=language) == shown


@pytest.mark.parametrize(
    ("start", "end", "zh", "en"),
    [
        (
            date(2026, 1, 1),
            date(2026, 12, 31),
            "2026年1月1日至2026年12月31日",
            "January 1, 2026 – December 31, 2026",
        ),
        (date(2026, 1, 1), None, "2026年1月1日起", "from January 1, 2026"),
        (None, date(2026, 12, 31), "至2026年12月31日", "until December 31, 2026"),
        (date(2026, 3, 1), date(2026, 3, 1), "2026年3月1日", "March 1, 2026"),
        (None, None, "", ""),
    ],
)
def test_a_date_range_writes_both_dates_in_full_and_either_end_may_be_open(start, end, zh, en):
    assert date_range(start, end, language=ZH) == zh
    assert date_range(start, end, language=EN) == en


# Lists


@pytest.mark.parametrize(
    ("items", "zh", "en"),
    [
        (["SLA", "数据交接", "价格"], "SLA、数据交接、价格", "SLA, 数据交接, 价格"),
        (["SLA"], "SLA", "SLA"),
        ([], "", ""),
        (["SLA", None, " ", "价格"], "SLA、价格", "SLA, 价格"),
    ],
)
def test_a_ui_list_is_joined_with_the_chinese_enumeration_comma_or_an_english_comma(items, zh, en):
    assert join_list(items, language=ZH) == zh
    assert join_list(items, language=EN) == en


@pytest.mark.parametrize(
    ("items", "zh", "en"),
    [
        (["甲", "乙"], "甲和乙", "甲 and 乙"),
        (["A", "B", "C"], "A、B和C", "A, B, and C"),
        (["A"], "A", "A"),
    ],
)
def test_a_list_in_a_sentence_has_a_conjunction_before_the_last_item(items, zh, en):
    assert join_list(items, language=ZH, conjunction=True) == zh
    assert join_list(items, language=EN, conjunction=True) == en


def test_a_list_takes_lazy_translations_and_follows_the_active_language():
    labels = [translation.gettext_lazy("Procurement manager"), translation.gettext_lazy("Legal")]
    with translation.override(ZH):
        shown = join_list(labels)
    assert "、" in shown
    assert ", " not in shown


@pytest.mark.parametrize(
    ("language", "labelled", "remark"),
    [("zh-hans", "合同：", "（暂定）"), ("en", "合同: ", " (暂定)")],
)
def test_labels_and_remarks_take_the_readers_punctuation(language, labelled, remark):
    assert label("合同", language=language) == labelled
    assert aside("暂定", language=language) == remark


def test_whole_clauses_are_separated_by_a_semicolon_in_each_language():
    reasons = ["通知期仅 45 天", "涨幅 8% 超过上限 5%"]
    assert join_clauses(reasons, language="zh-hans") == "通知期仅 45 天；涨幅 8% 超过上限 5%"
    assert join_clauses(["Notice of 45 days", "increase over the cap"], language="en") == (
        "Notice of 45 days; increase over the cap"
    )
