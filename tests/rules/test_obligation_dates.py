"""The dates of each obligation kind: renewal windows, data handover, trial review, price-change response."""

from datetime import date

from rules.obligation_dates import data_handover_window, price_change_window, renewal_window, trial_review_window
from rules.workdays import WorkingDayCalendar


def test_renewal_window_opens_on_the_due_date_when_the_lead_time_is_shorter_than_the_notice():
    window = renewal_window(date(2026, 12, 31), non_renewal_notice_days=60, renewal_review_lead_days=30)
    assert window.due_date == date(2026, 11, 1)
    assert window.starts_on == date(2026, 11, 1)


def test_worked_example_data_handover_after_termination_on_2025_09_30():
    window = data_handover_window(date(2025, 9, 30), 7, WorkingDayCalendar())
    assert window.due_date == date(2025, 10, 16)
    assert window.starts_on == date(2025, 10, 1)
    assert window.provisional is False


def test_data_handover_counted_into_an_unscheduled_year_is_provisional():
    window = data_handover_window(date(2026, 12, 25), 7, WorkingDayCalendar())
    assert window.due_date.year == 2027
    assert window.provisional is True


def test_trial_review_is_due_on_the_last_day_of_the_trial():
    assert trial_review_window(date(2026, 1, 1), 3).due_date == date(2026, 3, 31)
    assert trial_review_window(date(2025, 11, 30), 3).due_date == date(2026, 2, 27)


def test_price_change_response_is_due_the_day_before_the_new_prices_apply():
    window = price_change_window(date(2026, 11, 22), date(2027, 1, 1))
    assert (window.starts_on, window.due_date) == (date(2026, 11, 22), date(2026, 12, 31))


def test_an_obligation_is_overdue_only_while_open_after_its_due_date():
    from rules.obligation_dates import is_overdue

    due = date(2026, 12, 15)
    assert is_overdue(is_open=True, due_date=due, today=date(2026, 12, 16))
    assert not is_overdue(is_open=True, due_date=due, today=due)
    assert not is_overdue(is_open=False, due_date=due, today=date(2027, 1, 1))
