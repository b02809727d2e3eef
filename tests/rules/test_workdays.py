"""The Chinese working-day calendar: official holidays and make-up days, admin overrides, provisional years."""

from datetime import date, timedelta

import pytest

from rules.workdays import HOLIDAY, LAST_OFFICIAL_YEAR, MAKE_UP_WORKDAY, WorkingDayCalendar

OFFICIAL = WorkingDayCalendar()


def days(start: date, end: date) -> list[date]:
    return [start + timedelta(n) for n in range((end - start).days + 1)]


def test_spring_festival_2026_saturday_make_up_day_is_a_working_day_and_feb_15_to_23_are_off():
    assert OFFICIAL.is_working_day(date(2026, 2, 14))  # Saturday, 调休
    assert not any(OFFICIAL.is_working_day(d) for d in days(date(2026, 2, 15), date(2026, 2, 23)))
    assert OFFICIAL.is_working_day(date(2026, 2, 24))
    assert OFFICIAL.is_working_day(date(2026, 2, 28))  # Saturday, 调休


def test_national_day_2025_is_off_from_oct_1_to_8_with_make_up_saturdays_around_it():
    assert OFFICIAL.is_working_day(date(2025, 9, 28))  # Sunday, 调休
    assert not any(OFFICIAL.is_working_day(d) for d in days(date(2025, 10, 1), date(2025, 10, 8)))
    assert OFFICIAL.is_working_day(date(2025, 10, 9))
    assert OFFICIAL.is_working_day(date(2025, 10, 11))  # Saturday, 调休
    assert not OFFICIAL.is_working_day(date(2025, 10, 12))


def test_national_day_2024_is_off_from_oct_1_to_7_with_make_up_days_on_sep_29_and_oct_12():
    assert OFFICIAL.is_working_day(date(2024, 9, 29))  # Sunday, 调休
    assert not any(OFFICIAL.is_working_day(d) for d in days(date(2024, 10, 1), date(2024, 10, 7)))
    assert OFFICIAL.is_working_day(date(2024, 10, 8))
    assert OFFICIAL.is_working_day(date(2024, 10, 12))  # Saturday, 调休


def test_an_ordinary_weekend_is_off_and_an_ordinary_weekday_is_on():
    assert OFFICIAL.is_working_day(date(2026, 3, 10))
    assert not OFFICIAL.is_working_day(date(2026, 3, 14))
    assert not OFFICIAL.is_working_day(date(2026, 3, 15))


def test_seven_working_days_after_sept_30_2025_skip_the_golden_week_and_count_the_make_up_saturday():
    # Oct 9, 10, 11 (Sat, 调休), 13, 14, 15, 16
    assert OFFICIAL.add_working_days(date(2025, 9, 30), 7) == date(2025, 10, 16)


def test_counting_excludes_the_start_day_and_zero_days_is_the_start_day():
    assert OFFICIAL.add_working_days(date(2026, 3, 9), 1) == date(2026, 3, 10)
    assert OFFICIAL.add_working_days(date(2026, 3, 14), 0) == date(2026, 3, 14)
    assert OFFICIAL.add_working_days(date(2026, 3, 13), 1) == date(2026, 3, 16)


def test_working_days_across_spring_festival_2026():
    # Fri Feb 13 + 1 = Sat Feb 14 (调休); + 2 jumps the whole holiday to Tue Feb 24.
    assert OFFICIAL.add_working_days(date(2026, 2, 13), 1) == date(2026, 2, 14)
    assert OFFICIAL.add_working_days(date(2026, 2, 13), 2) == date(2026, 2, 24)


def test_overrides_turn_a_day_off_into_a_working_day_and_back():
    saturday = date(2027, 3, 13)
    monday = date(2027, 3, 8)
    calendar = WorkingDayCalendar({saturday: True, monday: False})
    assert calendar.is_working_day(saturday)
    assert not calendar.is_working_day(monday)
    assert calendar.add_working_days(date(2027, 3, 5), 1) == date(2027, 3, 9)
    assert calendar.add_working_days(date(2027, 3, 12), 1) == saturday


def test_years_after_the_last_official_schedule_are_provisional_unless_an_admin_entered_overrides():
    assert LAST_OFFICIAL_YEAR >= 2026
    later = date(LAST_OFFICIAL_YEAR + 1, 3, 1)
    assert not OFFICIAL.is_provisional(date(LAST_OFFICIAL_YEAR, 12, 31))
    assert OFFICIAL.is_provisional(later)
    assert not WorkingDayCalendar({date(later.year, 2, 20): True}).is_provisional(later)


def test_a_working_day_count_is_provisional_when_it_runs_into_an_unscheduled_year():
    year = LAST_OFFICIAL_YEAR
    assert OFFICIAL.add_working_days_marked(date(year, 6, 1), 5)[1] is False
    due, provisional = OFFICIAL.add_working_days_marked(date(year, 12, 28), 7)
    assert due.year == year + 1
    assert provisional is True


def test_a_negative_count_is_refused():
    with pytest.raises(ValueError):
        OFFICIAL.add_working_days(date(2026, 3, 9), -1)


@pytest.mark.parametrize(
    ("day", "mark"),
    [
        (date(2026, 10, 1), HOLIDAY),  # National Day, a Thursday
        (date(2026, 10, 3), HOLIDAY),  # the Saturday inside the National Day holiday
        (date(2026, 10, 10), MAKE_UP_WORKDAY),  # a Saturday worked for it (调休上班)
        (date(2026, 2, 15), HOLIDAY),  # the Sunday that starts the Spring Festival holiday
        (date(2026, 10, 17), None),  # an ordinary Saturday
        (date(2026, 10, 12), None),  # an ordinary Monday
    ],
)
def test_a_calendar_marks_holidays_and_make_up_working_days(day, mark):
    assert WorkingDayCalendar().day_mark(day) == mark


def test_an_admin_override_marks_the_day_it_changes():
    calendar = WorkingDayCalendar({date(2026, 10, 12): False, date(2026, 10, 17): True})

    assert calendar.day_mark(date(2026, 10, 12)) == HOLIDAY
    assert calendar.day_mark(date(2026, 10, 17)) == MAKE_UP_WORKDAY
