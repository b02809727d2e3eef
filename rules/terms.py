"""Term arithmetic: when each term of a contract starts and ends, which term a day falls in, when it ends for good.

Plain values in, plain values out. Terms are always computed from the contract's original `end_date`: renewal term k
of an auto-renewing contract ends the day before (end_date + 1 day) + k * renewal_term_months months. The database
never stores a rolled end date, so the current term on any day follows from the terms alone, and recomputing for a
past or future day is exact.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
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


@dataclass(frozen=True)
class Term:
    """One term of a contract: index 0 is the initial term, k >= 1 the k-th renewal term."""

    index: int
    start: date | None
    end: date

    def contains(self, d: date) -> bool:
        return (self.start is None or self.start <= d) and d <= self.end


def term_end(end_date: date, renewal_term_months: int, k: int) -> date:
    """The last day of term k (0: the initial term, which ends on end_date). Month arithmetic clamps."""
    if k == 0:
        return end_date
    return add_months(end_date + timedelta(days=1), k * renewal_term_months) - timedelta(days=1)


def term_index_on(end_date: date, renewal_term_months: int, day: date) -> int:
    """The index of the renewal term that contains `day` (0 for any day up to end_date)."""
    if day <= end_date:
        return 0
    anchor = end_date + timedelta(days=1)
    months = (day.year - anchor.year) * 12 + (day.month - anchor.month)
    k = max(months // renewal_term_months, 1)
    while k > 1 and term_end(end_date, renewal_term_months, k - 1) >= day:
        k -= 1
    while term_end(end_date, renewal_term_months, k) < day:
        k += 1
    return k


def term(effective_date: date | None, end_date: date, renewal_term_months: int, k: int) -> Term:
    start = effective_date if k == 0 else term_end(end_date, renewal_term_months, k - 1) + timedelta(days=1)
    return Term(k, start, term_end(end_date, renewal_term_months, k))


def last_term_index(
    *, end_date: date, auto_renew: bool, renewal_term_months: int, notice_given_on: date | None
) -> int | None:
    """The index of the term after which the contract ends, or None while it keeps renewing by itself.

    A non-renewal notice stops the roll at the end of the term in which it was given.
    """
    if not auto_renew:
        return 0
    if notice_given_on is None:
        return None
    return term_index_on(end_date, renewal_term_months, notice_given_on)


def current_term(
    *,
    effective_date: date | None,
    end_date: date | None,
    auto_renew: bool,
    renewal_term_months: int,
    notice_given_on: date | None,
    today: date,
) -> Term | None:
    """The term that contains `today`; after the last term, the last one. None without an end date.

    For an auto-renewing contract the term rolls over the day after a term ends, unless a non-renewal notice was
    given in that term.
    """
    if end_date is None:
        return None
    k = term_index_on(end_date, renewal_term_months, today) if auto_renew else 0
    last = last_term_index(
        end_date=end_date,
        auto_renew=auto_renew,
        renewal_term_months=renewal_term_months,
        notice_given_on=notice_given_on,
    )
    if last is not None:
        k = min(k, last)
    return term(effective_date, end_date, renewal_term_months, k)


def final_end_date(
    *, end_date: date | None, auto_renew: bool, renewal_term_months: int, notice_given_on: date | None
) -> date | None:
    """The day the contract ends unless renewed by hand, or None while it keeps renewing by itself."""
    if end_date is None:
        return None
    last = last_term_index(
        end_date=end_date,
        auto_renew=auto_renew,
        renewal_term_months=renewal_term_months,
        notice_given_on=notice_given_on,
    )
    return None if last is None else term_end(end_date, renewal_term_months, last)


@dataclass(frozen=True)
class EndDates:
    """When a contract ends, as the register and its exports show it.

    `stored_end` is the end entered for the initial term; `current_term_end` the end of the term a running contract
    is in today (the initial term's end until an auto-renewing contract rolls over); `ended_on` the day a terminated
    or expired contract ended. `renews_automatically` is whether it will still roll into a next term by itself: an
    ended contract never does.
    """

    stored_end: date | None
    current_term_end: date | None
    ended_on: date | None
    renews_automatically: bool

    @property
    def shown(self) -> date | None:
        """The real end: the day it ended, else the end of the current term, else the entered end."""
        return self.ended_on or self.current_term_end or self.stored_end


def end_dates(
    *,
    running: bool,
    ended: bool,
    ended_on: date | None,
    effective_date: date | None,
    end_date: date | None,
    auto_renew: bool,
    renewal_term_months: int,
    notice_given_on: date | None,
    today: date,
) -> EndDates:
    """A contract's end dates on `today`: running (signed or in force), ended (terminated or expired) or neither."""
    term = (
        current_term(
            effective_date=effective_date,
            end_date=end_date,
            auto_renew=auto_renew,
            renewal_term_months=renewal_term_months,
            notice_given_on=notice_given_on,
            today=today,
        )
        if running and not ended
        else None
    )
    return EndDates(
        stored_end=end_date,
        current_term_end=term.end if term is not None else None,
        ended_on=ended_on if ended else None,
        renews_automatically=auto_renew and not ended,
    )
