"""rules.dates: the range of dates and the length of terms clm accepts."""

from datetime import date

import pytest

from rules.dates import (
    EARLIEST_DATE,
    LATEST_DATE,
    MAX_TERM_MONTHS,
    date_in_range,
    dates_out_of_range,
    term_months_in_range,
)
from rules.terms import add_months


def test_the_range_is_inclusive_at_both_ends():
    assert date_in_range(EARLIEST_DATE) and date_in_range(LATEST_DATE)
    assert not date_in_range(date(1989, 12, 31))
    assert not date_in_range(date(2200, 1, 1))
    assert not date_in_range(date(9999, 12, 31))


def test_the_longest_term_from_the_latest_date_stays_far_inside_the_calendar():
    # What makes the range safe: nothing computed from an accepted date and term can overflow year 9999.
    assert add_months(LATEST_DATE, 10 * MAX_TERM_MONTHS).year < 9999


@pytest.mark.parametrize(
    ("months", "ok"),
    [(1, True), (MAX_TERM_MONTHS, True), (0, False), (601, False), (True, False), ("12", False), (None, False)],
)
def test_a_term_is_a_whole_number_of_months_up_to_the_maximum(months, ok):
    assert term_months_in_range(months) is ok


def test_out_of_range_names_the_offending_dates_and_leaves_blanks_and_non_dates_to_other_checks():
    dates = {"a": date(2030, 1, 1), "b": date(9999, 1, 1), "c": None, "d": "2030-01-01", "e": date(1, 1, 1)}
    assert dates_out_of_range(dates) == ["b", "e"]
