"""Properties of the date rules that must hold for every input, not just the worked examples."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from rules.obligation_dates import renewal_window
from rules.terms import current_term, default_end_date, term_end
from rules.workdays import WorkingDayCalendar

OFFICIAL = WorkingDayCalendar()
days = st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31))
overrides = st.dictionaries(st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)), st.booleans())


@given(start=days, n=st.integers(min_value=1, max_value=60))
def test_a_working_day_deadline_is_a_working_day(start, n):
    assert OFFICIAL.is_working_day(OFFICIAL.add_working_days(start, n))


@given(start=st.dates(min_value=date(2025, 12, 1), max_value=date(2026, 11, 30)), n=st.integers(1, 20), extra=overrides)
def test_a_working_day_deadline_is_a_working_day_with_any_overrides(start, n, extra):
    calendar = WorkingDayCalendar(extra)
    assert calendar.is_working_day(calendar.add_working_days(start, n))


@given(start=days, n=st.integers(min_value=0, max_value=60))
def test_a_working_day_deadline_never_moves_earlier_when_n_grows(start, n):
    assert OFFICIAL.add_working_days(start, n + 1) > OFFICIAL.add_working_days(start, n) >= start


@given(
    effective=st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)),
    initial_months=st.integers(1, 60),
    renewal_months=st.integers(1, 36),
    days_later=st.integers(0, 20 * 366),
    notice_days=st.integers(0, 365),
    lead_days=st.integers(0, 365),
)
def test_the_renewal_window_always_belongs_to_the_current_term(
    effective, initial_months, renewal_months, days_later, notice_days, lead_days
):
    end = default_end_date(effective, initial_months)
    today = effective + timedelta(days=days_later)

    term = current_term(
        effective_date=effective,
        end_date=end,
        auto_renew=True,
        renewal_term_months=renewal_months,
        notice_given_on=None,
        today=today,
    )
    window = renewal_window(term.end, notice_days, lead_days)

    assert term.contains(today)
    assert term.end == term_end(end, renewal_months, term.index)
    assert term.index == 0 or term.start == term_end(end, renewal_months, term.index - 1) + timedelta(days=1)
    assert window.starts_on <= window.due_date <= term.end
