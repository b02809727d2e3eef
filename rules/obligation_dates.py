"""The dates of each obligation kind: from when to work on it and by when it must be done.

Plain values in, plain values out. Working days come from a `WorkingDayCalendar`, which is plain data too. Only a
working-day count depends on the holiday schedule, so only such a date (the data handover) can be provisional; dates
counted in calendar days or months are exact whatever the schedule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from .terms import add_months
from .workdays import WorkingDayCalendar


@dataclass(frozen=True)
class Window:
    """Dates of one obligation: work on it from `starts_on`, finish by `due_date`."""

    due_date: date
    starts_on: date | None = None
    provisional: bool = False


def renewal_window(term_end_date: date, non_renewal_notice_days: int, renewal_review_lead_days: int) -> Window:
    """Review from term_end - lead days, decide (send a non-renewal notice) by term_end - notice days.

    A lead time shorter than the notice period would open the window after it closed; it then opens on the due date.
    """
    due = term_end_date - timedelta(days=non_renewal_notice_days)
    starts = term_end_date - timedelta(days=renewal_review_lead_days)
    return Window(due_date=due, starts_on=min(starts, due))


def price_change_window(received_on: date, effective_on: date) -> Window:
    """The last day to accept, object or leave without liability is the day before the new prices apply."""
    due = max(effective_on - timedelta(days=1), received_on)
    return Window(due_date=due, starts_on=received_on)


def data_handover_window(end: date, business_days: int, working_days: WorkingDayCalendar) -> Window:
    """The vendor hands back (and deletes) our data within N working days after the contract ended."""
    due, provisional = working_days.add_working_days_marked(end, business_days)
    return Window(due_date=due, starts_on=min(end + timedelta(days=1), due), provisional=provisional)


def trial_review_window(effective_date: date, trial_period_months: int) -> Window:
    """The trial ends the day before effective_date + trial months; review it by then."""
    return Window(due_date=add_months(effective_date, trial_period_months) - timedelta(days=1))


ACT_BY_REACH_DAYS = 31
"""The farthest a day to act by lies before its due date: no official schedule has a longer run of days off."""


def act_by(*, due_date: date, responsible_is_us: bool, working_days: WorkingDayCalendar) -> date:
    """The day to act by: for what we must do, the last working day on or before the due date (nobody is in the
    office to send a notice on a holiday); the due date itself for what the vendor must do, whose deadline the law
    moves the other way (`statutory_deadline`)."""
    if not responsible_is_us:
        return due_date
    return working_days.working_day_on_or_before(due_date)


def statutory_deadline(due_date: date, working_days: WorkingDayCalendar) -> date:
    """Civil Code article 203: a period whose last day falls on a holiday ends on the first working day after it.
    The due date itself when it is a working day."""
    return working_days.working_day_on_or_after(due_date)


RECURRENCE_MONTHS: dict[str, int] = {"monthly": 1, "quarterly": 3, "yearly": 12}
"""Months between two occurrences of a repeating obligation, per recurrence code."""

MAX_OCCURRENCES = 120
"""A repeating obligation is created ahead up to its end date, ten years of monthly occurrences at most."""


def occurrence_dates(first_due: date, recurrence: str, until: date) -> list[date]:
    """The due dates of a repeating obligation: the first one, then every 1, 3 or 12 months until `until` (included).

    Each is counted from the first (k months after it, clamped to the month's end), so a series due on the 31st
    comes back to the 31st after a short month. Stops after MAX_OCCURRENCES + 1 dates, so a caller can tell that
    the end date is too far.
    """
    step = RECURRENCE_MONTHS[recurrence]
    dates: list[date] = []
    k = 0
    while len(dates) <= MAX_OCCURRENCES:
        due = add_months(first_due, k * step)
        if due > until:
            break
        dates.append(due)
        k += 1
    return dates


def is_overdue(*, is_open: bool, due_date: date, today: date) -> bool:
    """An obligation is overdue while it is still open after its due date; the due date itself is not late."""
    return is_open and due_date < today
