"""The day to act by and the statutory end of a vendor's period, on the official 2026 schedule (`holidays.China`):
National Day runs from Thursday 2026-10-01 to Wednesday 2026-10-07, with Sunday 2026-09-20 and Saturday 2026-10-10
worked instead (调休)."""

from datetime import date, timedelta

from hypothesis import given
from hypothesis import strategies as st

from rules.obligation_dates import act_by, statutory_deadline
from rules.workdays import WorkingDayCalendar

CALENDAR = WorkingDayCalendar()


def ours(due: date) -> date:
    return act_by(due_date=due, responsible_is_us=True, working_days=CALENDAR)


def test_a_due_date_on_a_working_day_is_the_day_to_act_by():
    assert ours(date(2026, 11, 5)) == date(2026, 11, 5)  # a Thursday


def test_a_due_date_on_a_saturday_is_acted_on_the_friday_before():
    assert ours(date(2026, 11, 7)) == date(2026, 11, 6)


def test_a_due_date_on_a_public_holiday_is_acted_on_the_last_working_day_before_it():
    assert ours(date(2026, 10, 1)) == date(2026, 9, 30)
    # The last day of the holiday, too: the whole week off lies between
    assert ours(date(2026, 10, 7)) == date(2026, 9, 30)


def test_a_due_date_on_a_make_up_working_day_is_itself_the_day_to_act_by():
    assert ours(date(2026, 10, 10)) == date(2026, 10, 10)  # a Saturday, worked
    assert ours(date(2026, 9, 20)) == date(2026, 9, 20)  # a Sunday, worked


def test_a_vendors_deadline_keeps_its_due_date_and_the_law_moves_its_end_to_the_next_working_day():
    assert act_by(due_date=date(2026, 10, 1), responsible_is_us=False, working_days=CALENDAR) == date(2026, 10, 1)
    assert statutory_deadline(date(2026, 10, 1), CALENDAR) == date(2026, 10, 8)
    assert statutory_deadline(date(2026, 11, 7), CALENDAR) == date(2026, 11, 9)  # Saturday -> Monday
    assert statutory_deadline(date(2026, 10, 10), CALENDAR) == date(2026, 10, 10)  # a worked Saturday


def test_an_admin_override_moves_the_day_to_act_by():
    # Given the admin records Friday 2026-11-06 as a day off
    calendar = WorkingDayCalendar({date(2026, 11, 6): False})
    # Then a Saturday due date is acted on the Thursday
    assert act_by(due_date=date(2026, 11, 7), responsible_is_us=True, working_days=calendar) == date(2026, 11, 5)


@given(st.dates(min_value=date(2020, 1, 1), max_value=date(2030, 12, 31)))
def test_the_day_to_act_by_is_the_last_working_day_on_or_before_the_due_date(due):
    day = ours(due)
    assert day <= due
    assert CALENDAR.is_working_day(day)
    assert all(not CALENDAR.is_working_day(day + timedelta(days=n)) for n in range(1, (due - day).days + 1))
