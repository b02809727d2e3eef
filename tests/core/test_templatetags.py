"""The clm_format template library: the core.formatting helpers in the reader's language, autoescaped."""

from datetime import date
from decimal import Decimal

import pytest
from django.template import Context, Template
from django.utils import translation

from accounts.models import User

ZH, EN = "zh-hans", "en"


def render(source: str, language: str = ZH, **context) -> str:
    with translation.override(language):
        return Template("{% load clm_format %}" + source).render(Context(context))


@pytest.fixture
def li():
    return User(username="lixm", first_name="晓敏", last_name="李")


@pytest.mark.parametrize("language", [ZH, EN])
def test_a_name_is_shown_in_chinese_order_in_both_languages(li, language):
    assert render("{{ owner|person_name }}", language, owner=li) == "李晓敏"


def test_a_person_label_uses_the_readers_brackets(li):
    assert render("{{ owner|person_label }}", ZH, owner=li) == "李晓敏（lixm）"
    assert render("{{ owner|person_label }}", EN, owner=li) == "李晓敏 (lixm)"


def test_a_missing_person_is_empty():
    assert render("[{{ owner|person_name }}|{{ owner|person_label }}]", owner=None) == "[|]"


@pytest.mark.parametrize(
    ("language", "shown"), [(ZH, "¥372,000.00 · USD 1,000.00"), (EN, "CNY 372,000.00 · USD 1,000.00")]
)
def test_money_takes_the_currency_as_its_argument(language, shown):
    source = "{{ value|money:currency }} · {{ other|money:'USD' }}"
    assert render(source, language, value=Decimal("372000"), currency="CNY", other=Decimal("1000")) == shown


def test_money_defaults_to_cny():
    assert render("{{ value|money }}", ZH, value=Decimal("-1200.5")) == "-¥1,200.50"


def test_amount_and_percent_show_only_significant_decimals():
    source = "{{ price|amount }} {{ price|amount:4 }} {{ cap|percent }} {{ share|percent }}"
    shown = render(source, price=Decimal("0.0450"), cap=Decimal("3.00"), share=Decimal("99.90"))
    assert shown == "0.045 0.0450 3% 99.9%"


def test_missing_or_non_numeric_values_are_empty_and_take_a_default():
    source = "[{{ none|money }}][{{ word|money }}][{{ word|percent }}][{{ word|amount }}][{{ none|money|default:'—' }}]"
    assert render(source, none=None, word="abc") == "[][][][][—]"


@pytest.mark.parametrize(
    ("language", "shown"),
    [
        (ZH, "2026年12月1日 | 2026年12月 | 2026年1月1日至2026年12月31日"),
        (EN, "December 1, 2026 | December 2026 | January 1, 2026 – December 31, 2026"),
    ],
)
def test_dates_are_written_in_the_readers_language(language, shown):
    source = "{{ day|prose_date }} | {{ day|month_heading }} | {% date_range start end %}"
    context = {"day": date(2026, 12, 1), "start": date(2026, 1, 1), "end": date(2026, 12, 31)}
    assert render(source, language, **context) == shown


def test_missing_dates_are_empty():
    assert render("[{{ day|prose_date }}][{{ day|month_heading }}][{% date_range day day %}]", day=None) == "[][][]"


@pytest.mark.parametrize(
    ("language", "shown"), [(ZH, "SLA、数据交接 / 甲、乙和丙"), (EN, "SLA, 数据交接 / 甲, 乙, and 丙")]
)
def test_lists_are_joined_in_the_readers_language(language, shown):
    source = "{{ labels|join_list }} / {{ people|join_list:True }}"
    assert render(source, language, labels=["SLA", "数据交接"], people=["甲", "乙", "丙"]) == shown


def test_every_filter_and_the_range_tag_escape_what_they_show():
    hostile = "<b>x</b>"
    person = User(username="u", first_name=hostile, last_name="李")
    source = (
        "{{ p|person_name }}{{ p|person_label }}{{ items|join_list }}{{ items|join_list:True }}"
        "{{ value|money:code }}{% date_range day day %}"
    )
    shown = render(source, p=person, items=[hostile, "<i>"], value=Decimal("1"), code=hostile, day=date(2026, 1, 1))
    assert "<b>" not in shown
    assert "<i>" not in shown
    assert "&lt;b&gt;x&lt;/b&gt;" in shown
