"""The dates and terms clm accepts: every date a person enters lies between EARLIEST_DATE and LATEST_DATE, and a
term (initial, renewal, extension) is 1 to MAX_TERM_MONTHS months.

The range is wide enough for any real contract (contracts signed since 1990, terms running to the end of the 22nd
century) and narrow enough that every date clm computes from one (an end date from a term, a renewal term, a
data-handover deadline, confidentiality years after the end, a reminder before a due date) stays far inside the
calendar Python and the databases can hold (years 1 to 9999). A date outside it is refused as a field error before
anything is computed from it.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date

EARLIEST_DATE = date(1990, 1, 1)
LATEST_DATE = date(2199, 12, 31)
MAX_TERM_MONTHS = 600


def date_in_range(value: date) -> bool:
    return EARLIEST_DATE <= value <= LATEST_DATE


def term_months_in_range(months: object) -> bool:
    """A whole number of months from 1 to MAX_TERM_MONTHS (a bool is not a number of months)."""
    return isinstance(months, int) and not isinstance(months, bool) and 1 <= months <= MAX_TERM_MONTHS


def dates_out_of_range(dates: Mapping[str, object]) -> list[str]:
    """The names of the given dates that lie outside the accepted range; None and non-dates are left to other checks."""
    return [name for name, value in dates.items() if isinstance(value, date) and not date_in_range(value)]
