"""Term arithmetic: the current term, renewals from the original end date, month-end clamping, notices."""

from datetime import date

from rules.obligation_dates import renewal_window
from rules.terms import Term, add_months, current_term, default_end_date, final_end_date, term_end, term_index_on


def auto_term(today: date, **overrides) -> Term:
    terms = {
        "effective_date": date(2024, 1, 1),
        "end_date": date(2024, 12, 31),
        "auto_renew": True,
        "renewal_term_months": 12,
        "notice_given_on": None,
        "today": today,
    }
    terms.update(overrides)
    return current_term(**terms)


def test_add_months_clamps_to_the_end_of_a_shorter_month():
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29)
    assert add_months(date(2026, 11, 30), 3) == date(2027, 2, 28)


def test_default_end_date_is_the_day_before_the_anniversary():
    assert default_end_date(date(2026, 1, 1), 12) == date(2026, 12, 31)
    assert default_end_date(date(2026, 3, 15), 6) == date(2026, 9, 14)


def test_worked_example_auto_renewing_contract_on_2026_11_22_is_in_the_term_ending_2026_12_31():
    term = auto_term(date(2026, 11, 22))
    assert (term.index, term.start, term.end) == (2, date(2026, 1, 1), date(2026, 12, 31))
    window = renewal_window(term.end, non_renewal_notice_days=30, renewal_review_lead_days=90)
    assert window.due_date == date(2026, 12, 1)
    assert window.starts_on == date(2026, 10, 2)


def test_a_contract_renewed_three_times_is_in_its_fourth_term_and_never_uses_the_original_end_date():
    # Initial term 2024; renewed for 2025, 2026 and 2027 by itself.
    term = auto_term(date(2027, 5, 1))
    assert (term.index, term.start, term.end) == (3, date(2027, 1, 1), date(2027, 12, 31))
    window = renewal_window(term.end, 30, 90)
    assert window.due_date == date(2027, 12, 1)
    assert window.starts_on == date(2027, 10, 2)


def test_the_term_rolls_over_the_day_after_it_ends():
    assert auto_term(date(2025, 12, 31)).end == date(2025, 12, 31)
    assert auto_term(date(2026, 1, 1)).end == date(2026, 12, 31)
    assert auto_term(date(2024, 6, 1)).index == 0


def test_a_term_ending_on_feb_29_renews_to_the_last_day_of_february():
    end = date(2024, 2, 29)
    assert term_end(end, 12, 1) == date(2025, 2, 28)
    assert term_end(end, 12, 2) == date(2026, 2, 28)
    assert term_end(end, 12, 4) == date(2028, 2, 29)
    term = auto_term(date(2025, 3, 1), effective_date=date(2023, 3, 1), end_date=end)
    assert (term.start, term.end) == (date(2025, 3, 1), date(2026, 2, 28))


def test_month_end_terms_with_short_renewals_clamp_each_time_from_the_original_anchor():
    end = date(2026, 1, 30)  # terms start on the 31st
    assert term_end(end, 1, 1) == date(2026, 2, 27)
    assert term_end(end, 1, 2) == date(2026, 3, 30)
    assert term_index_on(end, 1, date(2026, 2, 28)) == 2


def test_a_non_renewal_notice_stops_the_roll_at_the_end_of_the_term_it_was_given_in():
    term = auto_term(date(2027, 3, 1), notice_given_on=date(2025, 11, 20))
    assert term.end == date(2025, 12, 31)
    assert final_end_date(
        end_date=date(2024, 12, 31), auto_renew=True, renewal_term_months=12, notice_given_on=date(2025, 11, 20)
    ) == date(2025, 12, 31)
    assert (
        final_end_date(end_date=date(2024, 12, 31), auto_renew=True, renewal_term_months=12, notice_given_on=None)
        is None
    )


def test_a_contract_that_does_not_renew_by_itself_has_only_its_initial_term():
    term = auto_term(date(2027, 3, 1), auto_renew=False)
    assert (term.index, term.end) == (0, date(2024, 12, 31))
