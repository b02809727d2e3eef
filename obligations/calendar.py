"""The working-day calendar as the admin corrected it: the `WorkingDayOverride` table loaded into
rules.workdays.WorkingDayCalendar.

The module-level helpers (`is_working_day`, `add_working_days`, `is_provisional`) load the overrides once per call;
code that asks many questions in a row (the obligation derivation, the daily roll) loads one calendar with
`load_calendar()` and reuses it.
"""

from __future__ import annotations

from datetime import date, timedelta

from rules.obligation_dates import act_by
from rules.workdays import WorkingDayCalendar


def load_calendar() -> WorkingDayCalendar:
    """The calendar with the current `WorkingDayOverride` rows (one query)."""
    from .models import WorkingDayOverride

    return WorkingDayCalendar(dict(WorkingDayOverride.objects.values_list("date", "is_working_day")))


def is_working_day(d: date) -> bool:
    return load_calendar().is_working_day(d)


def add_working_days(d: date, n: int) -> date:
    """The n-th Chinese working day after `d`, `d` itself excluded."""
    return load_calendar().add_working_days(d, n)


def is_provisional(d: date) -> bool:
    return load_calendar().is_provisional(d)


def day_marks(start: date, end: date) -> dict[date, str]:
    """Public holidays and make-up working days (调休上班) from `start` to `end`, both included, for a calendar page:
    {date: rules.workdays.HOLIDAY or MAKE_UP_WORKDAY}. Ordinary days are left out."""
    calendar = load_calendar()
    marks: dict[date, str] = {}
    day = start
    while day <= end:
        mark = calendar.day_mark(day)
        if mark:
            marks[day] = mark
        day += timedelta(days=1)
    return marks


def act_by_for(due_date: date, responsible: str, calendar: WorkingDayCalendar | None = None) -> date:
    """The day to act by for an obligation due on `due_date` (rules.obligation_dates.act_by), with the admin's
    overrides; pass a loaded `calendar` when asking many times."""
    from .models import Obligation

    return act_by(
        due_date=due_date,
        responsible_is_us=responsible == Obligation.Responsible.US,
        working_days=calendar or load_calendar(),
    )
