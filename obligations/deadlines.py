"""What a due date means on the calendar, in words: the day to act by when we must act before a day off, and the
Civil Code article 203 rule beside a vendor's deadline that falls on one."""

from __future__ import annotations

from django.utils.translation import gettext as _

from core.formatting import prose_date
from rules.obligation_dates import statutory_deadline
from rules.workdays import HOLIDAY, WorkingDayCalendar

from .models import Obligation


def due_on_day_off(obligation: Obligation, calendar: WorkingDayCalendar) -> bool:
    """Whether the due date is not a Chinese working day (flagged wherever the obligation is shown)."""
    return not calendar.is_working_day(obligation.due_date)


def deadline_note(obligation: Obligation, calendar: WorkingDayCalendar) -> str:
    """One sentence for a due date that is a day off; empty for a working day.

    "Due October 1, 2026, a public holiday: act by September 30, 2026." for what we must do; for a vendor's deadline,
    the statutory end of the period (the first working day after the holiday).
    """
    due = obligation.due_date
    if calendar.is_working_day(due):
        return ""
    values = {
        "due": prose_date(due),
        "day_off": _("a public holiday") if calendar.day_mark(due) == HOLIDAY else _("a weekend day"),
    }
    if obligation.responsible == Obligation.Responsible.US:
        values["act_by"] = prose_date(obligation.act_by_date)
        return _("Due %(due)s, %(day_off)s: act by %(act_by)s.") % values
    values["end"] = prose_date(statutory_deadline(due, calendar))
    return (
        _(
            "Due %(due)s, %(day_off)s: under article 203 of the Civil Code a period whose last day is a holiday "
            "ends on the first working day after it, %(end)s."
        )
        % values
    )
