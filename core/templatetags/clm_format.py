"""Template filters for ``core.formatting``, in the reader's (active) language: ``{% load clm_format %}``.

    {{ contract.owner|person_name }}                 李晓敏 / Grace Chen
    {{ user|person_label }}                          李晓敏（lixm）
    {{ contract.contract_value|money:contract.currency }}   ¥372,000.00 / CNY 372,000.00
    {{ fee.unit_price|amount }}                      0.045
    {{ fee.unit_price|amount:4 }}                    0.0450
    {{ contract.price_increase_cap_pct|percent }}    3%
    {{ contract.end_date|prose_date }}               2026年12月1日 / December 1, 2026
    {{ month|month_heading }}                        2026年12月 / December 2026
    {% date_range term.start term.end %}             2026年1月1日至2026年12月31日
    {{ labels|join_list }}                           SLA、数据交接 / SLA, 数据交接

Each returns a plain string, so Django autoescapes it. A missing value gives "" (add ``|default:"—"`` where a
dash should show); a value that is not a number gives "" from the number filters, as Django's ``floatformat`` does.
"""

from decimal import InvalidOperation

from django import template

from core import formatting

register = template.Library()


def _number_or_blank(function, value, *args):
    try:
        return function(value, *args)
    except (InvalidOperation, TypeError, ValueError):
        return ""


@register.filter
def person_name(user) -> str:
    return formatting.person_name(user) if user else ""


@register.filter
def person_label(user) -> str:
    return formatting.person_label(user) if user else ""


@register.filter
def money(value, currency="CNY") -> str:
    return _number_or_blank(formatting.money, value, currency)


@register.filter
def amount(value, places=2) -> str:
    return _number_or_blank(lambda number: formatting.amount(number, int(places)), value)


@register.filter
def percent(value) -> str:
    return _number_or_blank(formatting.percent, value)


@register.filter
def prose_date(value) -> str:
    return formatting.prose_date(value or None)


@register.filter
def month_heading(value) -> str:
    return formatting.month_heading(value or None)


@register.simple_tag
def date_range(start, end) -> str:
    return formatting.date_range(start or None, end or None)


@register.filter
def join_list(items, conjunction=False) -> str:
    return formatting.join_list(items or (), conjunction=bool(conjunction))


@register.filter
def label(text) -> str:
    return formatting.label(text)


@register.filter
def aside(text) -> str:
    return formatting.aside(text)


@register.filter
def join_clauses(items) -> str:
    return formatting.join_clauses(items or ())
