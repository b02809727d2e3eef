"""Pure date rules: term arithmetic and obligation dates. Plain values in, plain values out; no ORM, no settings."""

import calendar
from datetime import date, timedelta


def add_months(d: date, months: int) -> date:
    """`d` moved by whole months, clamped to the last day of the target month (Jan 31 + 1 month = Feb 28/29)."""
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def default_end_date(effective: date, initial_term_months: int) -> date:
    """The end of the initial term when none was entered: effective date + initial term, minus one day."""
    return add_months(effective, initial_term_months) - timedelta(days=1)
