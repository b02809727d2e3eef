"""Pure date rules of spec section 5: terms, renewal windows, obligation dates and price-change compliance."""

from datetime import date
from decimal import Decimal

from django.utils import translation

from obligations import rules
from obligations.calendar import WorkingDayCalendar
from obligations.rules import PriceChangeIssue


def auto_term(today: date, **overrides) -> rules.Term:
    terms = {
        "effective_date": date(2024, 1, 1),
        "end_date": date(2024, 12, 31),
        "auto_renew": True,
        "renewal_term_months": 12,
        "notice_given_on": None,
        "today": today,
    }
    terms.update(overrides)
    return rules.current_term(**terms)


def test_add_months_clamps_to_the_end_of_a_shorter_month():
    assert rules.add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert rules.add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert rules.add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_default_end_date_is_the_day_before_the_anniversary():
    assert rules.default_end_date(date(2026, 1, 1), 12) == date(2026, 12, 31)
    assert rules.default_end_date(date(2026, 3, 15), 6) == date(2026, 9, 14)


def test_worked_example_auto_renewing_contract_on_2026_11_22_is_in_the_term_ending_2026_12_31():
    term = auto_term(date(2026, 11, 22))
    assert (term.index, term.start, term.end) == (2, date(2026, 1, 1), date(2026, 12, 31))
    window = rules.renewal_window(term.end, non_renewal_notice_days=30, renewal_review_lead_days=90)
    assert window.due_date == date(2026, 12, 1)
    assert window.starts_on == date(2026, 10, 2)


def test_a_contract_renewed_three_times_is_in_its_fourth_term_and_never_uses_the_original_end_date():
    # Initial term 2024; renewed for 2025, 2026 and 2027 by itself.
    term = auto_term(date(2027, 5, 1))
    assert (term.index, term.start, term.end) == (3, date(2027, 1, 1), date(2027, 12, 31))
    window = rules.renewal_window(term.end, 30, 90)
    assert window.due_date == date(2027, 12, 1)
    assert window.starts_on == date(2027, 10, 2)


def test_the_term_rolls_over_the_day_after_it_ends():
    assert auto_term(date(2025, 12, 31)).end == date(2025, 12, 31)
    assert auto_term(date(2026, 1, 1)).end == date(2026, 12, 31)
    assert auto_term(date(2024, 6, 1)).index == 0


def test_a_term_ending_on_feb_29_renews_to_the_last_day_of_february():
    end = date(2024, 2, 29)
    assert rules.term_end(end, 12, 1) == date(2025, 2, 28)
    assert rules.term_end(end, 12, 2) == date(2026, 2, 28)
    assert rules.term_end(end, 12, 4) == date(2028, 2, 29)
    term = auto_term(date(2025, 3, 1), effective_date=date(2023, 3, 1), end_date=end)
    assert (term.start, term.end) == (date(2025, 3, 1), date(2026, 2, 28))


def test_month_end_terms_with_short_renewals_clamp_each_time_from_the_original_anchor():
    end = date(2026, 1, 30)  # terms start on the 31st
    assert rules.term_end(end, 1, 1) == date(2026, 2, 27)
    assert rules.term_end(end, 1, 2) == date(2026, 3, 30)
    assert rules.term_index_on(end, 1, date(2026, 2, 28)) == 2


def test_a_non_renewal_notice_stops_the_roll_at_the_end_of_the_term_it_was_given_in():
    term = auto_term(date(2027, 3, 1), notice_given_on=date(2025, 11, 20))
    assert term.end == date(2025, 12, 31)
    assert rules.final_end_date(
        end_date=date(2024, 12, 31), auto_renew=True, renewal_term_months=12, notice_given_on=date(2025, 11, 20)
    ) == date(2025, 12, 31)
    assert (
        rules.final_end_date(end_date=date(2024, 12, 31), auto_renew=True, renewal_term_months=12, notice_given_on=None)
        is None
    )


def test_a_contract_that_does_not_renew_by_itself_has_only_its_initial_term():
    term = auto_term(date(2027, 3, 1), auto_renew=False)
    assert (term.index, term.end) == (0, date(2024, 12, 31))


def test_renewal_window_opens_on_the_due_date_when_the_lead_time_is_shorter_than_the_notice():
    window = rules.renewal_window(date(2026, 12, 31), non_renewal_notice_days=60, renewal_review_lead_days=30)
    assert window.due_date == date(2026, 11, 1)
    assert window.starts_on == date(2026, 11, 1)


def test_worked_example_data_handover_after_termination_on_2025_09_30():
    window = rules.data_handover_window(date(2025, 9, 30), 7, WorkingDayCalendar())
    assert window.due_date == date(2025, 10, 16)
    assert window.starts_on == date(2025, 10, 1)
    assert window.provisional is False


def test_data_handover_counted_into_an_unscheduled_year_is_provisional():
    window = rules.data_handover_window(date(2026, 12, 25), 7, WorkingDayCalendar())
    assert window.due_date.year == 2027
    assert window.provisional is True


def test_trial_review_is_due_on_the_last_day_of_the_trial():
    assert rules.trial_review_window(date(2026, 1, 1), 3).due_date == date(2026, 3, 31)
    assert rules.trial_review_window(date(2025, 11, 30), 3).due_date == date(2026, 2, 27)


def test_price_change_response_is_due_the_day_before_the_new_prices_apply():
    window = rules.price_change_window(date(2026, 11, 22), date(2027, 1, 1))
    assert (window.starts_on, window.due_date) == (date(2026, 11, 22), date(2026, 12, 31))


def test_worked_example_price_change_with_40_days_notice_against_90_required_is_not_compliant():
    issues = rules.price_change_issues(
        received_on=date(2026, 11, 22),
        effective_on=date(2027, 1, 1),
        increase_pct=Decimal("5"),
        price_change_notice_days=90,
        price_increase_cap_pct=None,
    )
    assert [i.code for i in issues] == [PriceChangeIssue.NOTICE_TOO_SHORT]
    assert issues[0].params == {"days": 40, "required": 90}
    with translation.override("en"):
        assert issues[0].message() == "40 days' notice, the contract requires 90"


def test_an_increase_over_the_cap_is_not_compliant_and_both_reasons_are_listed():
    issues = rules.price_change_issues(
        received_on=date(2026, 1, 1),
        effective_on=date(2026, 1, 31),
        increase_pct=Decimal("8.5"),
        price_change_notice_days=90,
        price_increase_cap_pct=Decimal("5"),
    )
    assert [i.code for i in issues] == [PriceChangeIssue.NOTICE_TOO_SHORT, PriceChangeIssue.INCREASE_OVER_CAP]
    with translation.override("en"):
        assert issues[1].message() == "An increase of 8.5% exceeds the contract's cap of 5%"


def test_a_notice_with_enough_time_and_within_the_cap_is_compliant():
    assert (
        rules.price_change_issues(
            received_on=date(2026, 1, 1),
            effective_on=date(2026, 4, 1),
            increase_pct=Decimal("5"),
            price_change_notice_days=90,
            price_increase_cap_pct=Decimal("5"),
        )
        == []
    )


def test_stored_issues_render_again_in_the_active_language():
    stored = [PriceChangeIssue(PriceChangeIssue.NOTICE_TOO_SHORT, {"days": 1, "required": 30}).as_dict()]
    with translation.override("en"):
        assert rules.price_change_issue_messages(stored) == ["1 day's notice, the contract requires 30"]
    assert rules.price_change_issue_messages([{"code": "unknown", "message": "kept"}]) == ["kept"]
