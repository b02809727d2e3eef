"""When an obligation reminds someone, and whom: plain functions over dates and ints.

An obligation has *reminder points*, each named by its offset in days before the due date: the kind's default
offsets (or the obligation's own list), the start of a renewal window, and the overdue escalations -1 ... -14 (the
n-th day after the due date). A point is due from 09:00 company time on its day, and a sweep only ever sends the
*latest* point that is due: after downtime an obligation gets one catch-up reminder, never a burst. An escalation
point is only current on its own day, so an obligation overdue for more than 14 days falls silent.
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
"""At most this many daily overdue escalations; offsets -1 ... -14 name them."""

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
    *, kind: str, due_date: date, starts_on: date | None, override: Iterable[object] | None = None
) -> tuple[int, ...]:
    """Every offset at which this obligation reminds someone, latest-day last: before due, on start, escalations."""
    points = set(reminder_offsets(kind, override))
    if kind in KINDS_REMINDED_ON_START and starts_on is not None and starts_on <= due_date:
        points.add((due_date - starts_on).days)
    points.update(range(-1, -ESCALATION_LIMIT - 1, -1))
    return tuple(sorted(points, reverse=True))


def point_day(due_date: date, offset: int) -> date:
    """The calendar day of a reminder point (an escalation -n falls n days after the due date)."""
    return due_date - timedelta(days=offset)


def reminder_day(now: datetime, tz: ZoneInfo) -> date:
    """The latest day whose reminders are due at `now`: today from 09:00 company time, yesterday before that."""
    local = now.astimezone(tz)
    return local.date() if local.time() >= SEND_AT else local.date() - timedelta(days=1)


def scheduled_at(day: date, tz: ZoneInfo) -> datetime:
    return datetime.combine(day, SEND_AT, tzinfo=tz)


def latest_due_offset(
    *, kind: str, due_date: date, starts_on: date | None, override: Iterable[object] | None, day: date
) -> int | None:
    """The one point to send on reminder day `day`: the latest point whose day has come (catch-up, never a burst).

    None before the first point, and after the last escalation day.
    """
    days_left = (due_date - day).days
    if days_left < -ESCALATION_LIMIT:
        return None
    points = reminder_points(kind=kind, due_date=due_date, starts_on=starts_on, override=override)
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
