"""Numbers as contracts write them: dates, durations, Chinese and English numerals, percentages and money."""

from datetime import date
from decimal import Decimal

import cn2an
import pytest
from hypothesis import given
from hypothesis import strategies as st

from extraction.numbers import (
    Duration,
    find_amounts,
    find_dates,
    find_durations,
    find_percents,
    parse_chinese_amount,
    parse_number,
)
from extraction.text import normalize


def dates_in(text: str) -> list[date]:
    return [found.value for found in find_dates(normalize(text))]


def durations_in(text: str) -> list[Duration]:
    return [found.value for found in find_durations(normalize(text))]


@pytest.mark.parametrize(
    "text",
    [
        "2026年1月15日",
        "2026 年 1 月 15 日",
        "2026-01-15",
        "2026/1/15",
        "2026.1.15",
        "２０２６年１月１５日",
        "二〇二六年一月十五日",
        "二零二六年一月十五日",
        "January 15, 2026",
        "Jan. 15, 2026",
        "15 January 2026",
        "15th January, 2026",
        "the 15th day of January, 2026",
    ],
)
def test_every_common_date_form_is_read(text):
    assert dates_in(f"自{text}起") == [date(2026, 1, 15)]


def test_an_impossible_date_is_not_a_date():
    assert dates_in("2026年2月30日") == []
    assert dates_in("2028年2月29日") == [date(2028, 2, 29)]


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_a_date_written_in_chinese_numerals_reads_back(day):
    digits = "〇一二三四五六七八九"
    year = "".join(digits[int(ch)] for ch in str(day.year))
    written = f"{year}年{cn2an.an2cn(day.month)}月{cn2an.an2cn(day.day)}日"

    assert dates_in(written) == [day]


@given(st.dates(min_value=date(1990, 1, 1), max_value=date(2100, 12, 31)))
def test_a_date_in_full_width_digits_reads_back(day):
    written = f"{day.year}年{day.month}月{day.day}日".translate(str.maketrans("0123456789", "０１２３４５６７８９"))

    assert dates_in(written) == [day]


@pytest.mark.parametrize(
    ("text", "amount", "unit", "days"),
    [
        ("一年", 1, "year", 365),
        ("两年", 2, "year", 730),
        ("十八个月", 18, "month", 540),
        ("三个月", 3, "month", 90),
        ("一个月", 1, "month", 30),
        ("30日", 30, "day", 30),
        ("三十天", 30, "day", 30),
        ("叁拾日", 30, "day", 30),
        ("7个工作日", 7, "working_day", None),
        ("七個工作天", 7, "working_day", None),
        ("two (2) years", 2, "year", 730),
        ("thirty (30) days", 30, "day", 30),
        ("sixty (60) calendar days", 60, "day", 60),
        ("five (5) business days", 5, "working_day", None),
        ("10 working days", 10, "working_day", None),
        ("twelve months", 12, "month", 360),
        ("a 12-month", 12, "month", 360),
        ("24小时", 24, "hour", None),
    ],
)
def test_durations_in_chinese_english_and_digits(text, amount, unit, days):
    (duration,) = durations_in(text)

    assert (duration.amount, duration.unit) == (amount, unit)
    assert duration.days() == (None if days is None else Decimal(days))


def test_the_year_and_day_of_a_date_are_not_durations():
    assert durations_in("2026年1月1日起30日内") == [Duration(Decimal(30), "day")]


def test_a_term_in_days_is_whole_months_only_when_it_divides():
    assert Duration(Decimal(90), "day").months() == 3
    assert Duration(Decimal(45), "day").months() is None
    assert Duration(Decimal(2), "year").months() == 24


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("十八", 18),
        ("两", 2),
        ("贰佰肆拾万", 2_400_000),
        ("叁拾陆", 36),
        ("壹仟贰佰", 1200),
        ("一万二千五百", 12_500),
        ("十二点五", Decimal("12.5")),
        ("二〇二六", 2026),
        ("thirty-six", 36),
        ("one hundred twenty", 120),
        ("two (2)", 2),
        ("1,200,000.50", Decimal("1200000.50")),
        ("半", Decimal("0.5")),
    ],
)
def test_numbers_in_any_script(text, value):
    assert parse_number(normalize(text)) == Decimal(value)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("叁拾陆万元整", 360_000),
        ("贰佰肆拾万元", 2_400_000),
        ("壹佰万元", 1_000_000),
        ("伍仟陆佰柒拾捌元玖角整", Decimal("5678.9")),
        ("壹仟元伍角陆分", Decimal("1000.56")),
        ("伍拾万零伍佰元", 500_500),
    ],
)
def test_capital_amounts_with_yuan_jiao_and_fen(text, value):
    assert parse_chinese_amount(text) == Decimal(value)


@given(st.integers(min_value=1, max_value=99_999_999))
def test_any_capital_amount_reads_back(value):
    written = cn2an.an2cn(value, "up") + "元整"

    assert parse_chinese_amount(normalize(written)) == value


@pytest.mark.parametrize(
    ("text", "value", "currency"),
    [
        ("人民币360,000.00元", Decimal("360000.00"), "CNY"),
        ("¥372,000.00", Decimal("372000.00"), "CNY"),
        ("RMB 1,200,000", 1_200_000, "CNY"),
        ("人民币叁拾陆万元整", 360_000, "CNY"),
        ("36万元", 360_000, "CNY"),
        ("USD 45,000", 45_000, "USD"),
        ("US$ 12.5 million", 12_500_000, "USD"),
        ("港币5,000元", 5000, "HKD"),
    ],
)
def test_money_has_a_currency(text, value, currency):
    (found,) = find_amounts(normalize(text))

    assert (found.value.value, found.value.currency) == (Decimal(value), currency)


def test_a_bare_number_or_a_count_is_not_money():
    assert find_amounts(normalize("共50个坐席，每月约三万通电话")) == []


@pytest.mark.parametrize(
    ("text", "value"),
    [("5%", 5), ("５％", 5), ("百分之三", 3), ("百分之五", 5), ("百分之三点五", Decimal("3.5")),
     ("3.5 percent", Decimal("3.5")), ("five percent", 5), ("five percent (5%)", 5)],
)  # fmt: skip
def test_percentages(text, value):
    assert find_percents(normalize(text))[0].value == Decimal(value)
