"""Price-change compliance: the notice period and the increase cap, as codes and numbers (worded by contracts)."""

from datetime import date
from decimal import Decimal

from django.utils import translation

from contracts.models import price_change_issue_message
from rules.pricing import PriceChangeIssue, price_change_issues


def test_worked_example_price_change_with_40_days_notice_against_90_required_is_not_compliant():
    issues = price_change_issues(
        received_on=date(2026, 11, 22),
        effective_on=date(2027, 1, 1),
        increase_pct=Decimal("5"),
        price_change_notice_days=90,
        price_increase_cap_pct=None,
    )
    assert [i.code for i in issues] == [PriceChangeIssue.NOTICE_TOO_SHORT]
    assert issues[0].params == {"days": 40, "required": 90}
    with translation.override("en"):
        assert (
            price_change_issue_message(issues[0].code, issues[0].params) == "40 days' notice, the contract requires 90"
        )


def test_an_increase_over_the_cap_is_not_compliant_and_both_reasons_are_listed():
    issues = price_change_issues(
        received_on=date(2026, 1, 1),
        effective_on=date(2026, 1, 31),
        increase_pct=Decimal("8.5"),
        price_change_notice_days=90,
        price_increase_cap_pct=Decimal("5"),
    )
    assert [i.code for i in issues] == [PriceChangeIssue.NOTICE_TOO_SHORT, PriceChangeIssue.INCREASE_OVER_CAP]
    with translation.override("en"):
        assert (
            price_change_issue_message(issues[1].code, issues[1].params)
            == "An increase of 8.5% exceeds the contract's cap of 5%"
        )


def test_a_notice_with_enough_time_and_within_the_cap_is_compliant():
    assert (
        price_change_issues(
            received_on=date(2026, 1, 1),
            effective_on=date(2026, 4, 1),
            increase_pct=Decimal("5"),
            price_change_notice_days=90,
            price_increase_cap_pct=Decimal("5"),
        )
        == []
    )
