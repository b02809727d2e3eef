"""When an obligation reminds someone, and whom: plain functions over dates and ints.

An obligation has *reminder points*, each named by its offset in days: the kind's default offsets (or the
obligation's own list) count down to the day to act by (`act_by`: for what we must do, the last working day on or
before the due date), the start of a renewal window, and the overdue escalations counted after the due date: daily
-1 ... -14, then weekly -21, -28, ... until the obligation is done or waived. A point is due from 09:00 company time
on its day, and a sweep only ever sends the *latest* point that is due: after downtime an obligation gets one
catch-up reminder, never a burst. So an obligation created long overdue (a back-dated termination) is escalated
once at the next sweep, under its latest weekly point, and then weekly.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime, timedelta
from datetime import time as clock_time
from zoneinfo import ZoneInfo

DEFAULT_OFFSETS: dict[str, tuple[int, ...]] = {
    "renewal_window": (30, 14, 7, 3, 1, 0),
    "price_change_notice": (7, 3, 1, 0),
    "data_handover": (3, 1, 0),
    "trial_review": (14, 3, 0),
    "certificate_expiry": (60, 30, 7, 0),
    "sla_exit_right": (7, 3, 1, 0),
    # The vendor's monthly report: on its due date, then the overdue escalations.
    "sla_report": (0,),
    # A hand-made obligation is reminded a week ahead, the day before and on the day itself.
    "custom": (7, 1, 0),
}
"""Days before the due date, per obligation kind. An obligation's own `reminder_offsets` replace its kind's list."""

KINDS_REMINDED_ON_START: frozenset[str] = frozenset({"renewal_window"})
"""Kinds that also get a reminder on `starts_on` (the renewal review opens), whatever their offsets list."""

ESCALATION_LIMIT = 14
"""Daily overdue escalations: offsets -1 ... -14 name them; weekly ones follow."""

WEEKLY_ESCALATION_DAYS = 7
"""After the daily escalations, one every this many days: -21, -28, ..."""

SEND_AT = clock_time(9, 0)
"""Reminders of a day go out from this time, in the company time zone."""

MAX_ATTEMPTS = 10
BACKOFF_BASE = timedelta(minutes=2)
BACKOFF_CAP = timedelta(hours=1)


MAX_OFFSET_DAYS = 3650
"""The earliest reminder a person may set: ten years before the due date."""


def clean_reminder_offsets(values: object) -> list[int] | None:
    """A person's own list of offsets, checked and tidied: whole days from 0 to MAX_OFFSET_DAYS, largest first,
    each once. Nothing (None, "" or []) means the kind's defaults. Raises ValueError on anything else."""
    if values is None or values == "" or values == []:
        return None
    if not isinstance(values, list) or not all(
        isinstance(n, int) and not isinstance(n, bool) and 0 <= n <= MAX_OFFSET_DAYS for n in values
    ):
        raise ValueError(f"reminder offsets must be a list of whole days from 0 to {MAX_OFFSET_DAYS}")
    return sorted(set(values), reverse=True)


def reminder_offsets(kind: str, override: Iterable[object] | None = None) -> tuple[int, ...]:
    """The offsets (days before due) of an obligation, largest first; junk in a hand-edited override is ignored."""
    if override is None:
        values: Iterable[object] = DEFAULT_OFFSETS.get(kind, DEFAULT_OFFSETS["custom"])
    else:
        values = override
    clean = {v for v in values if isinstance(v, int) and not isinstance(v, bool) and v >= 0}
    return tuple(sorted(clean, reverse=True))


def reminder_points(
    *,
    kind: str,
    due_date: date,
    starts_on: date | None,
    override: Iterable[object] | None = None,
    act_by: date | None = None,
) -> tuple[int, ...]:
    """The points before the due date (days before `act_by`, largest first): the offsets and the window's start.

    Escalations are not listed: they never end (`escalation_point`).
    """
    act_by = act_by or due_date
    points = set(reminder_offsets(kind, override))
    if kind in KINDS_REMINDED_ON_START and starts_on is not None and starts_on <= act_by:
        points.add((act_by - starts_on).days)
    return tuple(sorted(points, reverse=True))


def escalation_point(days_overdue: int) -> int:
    """The latest escalation reached `days_overdue` days after the due date (>= 1): -n for each of the first 14
    days, then the latest weekly point (-21 on days 21-27, -28 on days 28-34, ...)."""
    if days_overdue <= ESCALATION_LIMIT:
        return -days_overdue
    weeks = (days_overdue - ESCALATION_LIMIT) // WEEKLY_ESCALATION_DAYS
    return -(ESCALATION_LIMIT + weeks * WEEKLY_ESCALATION_DAYS)


def point_day(due_date: date, offset: int, act_by: date | None = None) -> date:
    """The calendar day of a reminder point: `offset` days before `act_by`, or for an escalation -n, n days after
    the due date."""
    if offset < 0:
        return due_date - timedelta(days=offset)
    return (act_by or due_date) - timedelta(days=offset)


def reminder_day(now: datetime, tz: ZoneInfo) -> date:
    """The latest day whose reminders are due at `now`: today from 09:00 company time, yesterday before that."""
    local = now.astimezone(tz)
    return local.date() if local.time() >= SEND_AT else local.date() - timedelta(days=1)


def scheduled_at(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, SEND_AT, tzinfo=tz)


def latest_due_offset(
    *,
    kind: str,
    due_date: date,
    starts_on: date | None,
    override: Iterable[object] | None,
    day: date,
    act_by: date | None = None,
) -> int | None:
    """The one point to send on reminder day `day`: the latest point whose day has come (catch-up, never a burst).

    None before the first point. Once past the due date, the latest escalation.
    """
    if day > due_date:
        return escalation_point((day - due_date).days)
    days_left = ((act_by or due_date) - day).days
    points = reminder_points(kind=kind, due_date=due_date, starts_on=starts_on, override=override, act_by=act_by)
    reached = [p for p in points if p >= days_left]
    return min(reached) if reached else None


def is_escalation(offset: int) -> bool:
    return offset < 0


def reminder_recipients(
    *, offset: int, owner: int | None, watchers: Iterable[int], managers: Iterable[int]
) -> set[int]:
    """Who a point goes to, before anyone's access is checked: the owner and watchers; when overdue, the owner and
    the contract's managers."""
    people = set(managers) if is_escalation(offset) else set(watchers)
    if owner is not None:
        people.add(owner)
    return people


def retry_delay(attempts: int) -> timedelta:
    """Exponential backoff after the n-th failed attempt: 2, 4, 8 ... minutes, at most an hour."""
    return min(BACKOFF_BASE * (2 ** max(attempts - 1, 0)), BACKOFF_CAP)
