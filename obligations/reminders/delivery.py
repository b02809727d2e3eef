"""Delivery: claim due reminder rows, send one e-mail each (or one digest per reader), record the outcome."""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.mail import get_connection
from django.core.mail.backends.base import BaseEmailBackend
from django.db import connection, transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext as _

from core.exceptions import ActionNotAllowed
from obligations.calendar import load_calendar
from obligations.models import Obligation, Reminder
from rules.reminders import MAX_ATTEMPTS, retry_delay
from rules.workdays import WorkingDayCalendar

from .emails import build_digest_message, build_reminder_message
from .planning import plan_reminders

logger = logging.getLogger(__name__)

SENDING_LEASE = timedelta(minutes=10)
"""A row claimed longer ago than this (and not renewed) belongs to a dead worker and is claimed again."""

CLAIM_BATCH = 500


@dataclass
class SweepResult:
    planned: int = 0
    sent: int = 0
    failed: int = 0
    emails: int = 0


Clock = Callable[[], datetime]


@dataclass
class _Claim:
    """The rows a worker holds, and the `claimed_at` value that proves it holds them."""

    token: datetime
    ids: set[int]


def _claim(*, now: datetime, clock: Clock, only: int | None = None) -> _Claim:
    """Mark a batch of due rows `sending` and commit, so no other worker takes them."""
    claimable = (
        Q(status=Reminder.Status.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    ) | Q(status=Reminder.Status.SENDING, claimed_at__lt=now - SENDING_LEASE)
    if only is not None:
        claimable &= Q(pk=only)
    with transaction.atomic():
        rows = list(
            Reminder.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(claimable, obligation__status=Obligation.Status.OPEN)
            .order_by("recipient_id", "pk")
            .values_list("pk", "recipient_id")[:CLAIM_BATCH]
        )
        if len(rows) == CLAIM_BATCH and rows[0][1] != rows[-1][1]:
            # A full batch may have cut the last person's reminders in two: leave theirs for the next batch, so
            # that a digest reader gets all of them in one e-mail.
            rows = [row for row in rows if row[1] != rows[-1][1]]
        ids = [pk for pk, _recipient in rows]
        token = clock()
        if ids:
            Reminder.objects.filter(pk__in=ids).update(
                status=Reminder.Status.SENDING, claimed_at=token, attempts=F("attempts") + 1
            )
    return _Claim(token, set(ids))


def _renew_if_old(claim: _Claim, clock: Clock) -> None:
    """Keep the lease young while a batch is being sent, so that no other worker ever reclaims a live row.

    Compare-and-set on `claimed_at`: a row whose token changed belongs to someone else now and is dropped.
    """
    now = clock()
    if now - claim.token < SENDING_LEASE / 2:
        return
    renewed = Reminder.objects.filter(pk__in=claim.ids, status=Reminder.Status.SENDING, claimed_at=claim.token).update(
        claimed_at=now
    )
    if renewed != len(claim.ids):
        claim.ids = set(Reminder.objects.filter(pk__in=claim.ids, claimed_at=now).values_list("pk", flat=True))
    claim.token = now


def _groups(rows: Sequence[Reminder]) -> list[list[Reminder]]:
    """One e-mail per reminder, except that a digest reader's reminders of the batch share one e-mail."""
    groups: list[list[Reminder]] = []
    digests: dict[int, list[Reminder]] = {}
    for row in rows:
        if row.recipient.email_mode == row.recipient.EmailMode.DIGEST:
            if row.recipient_id not in digests:
                digests[row.recipient_id] = []
                groups.append(digests[row.recipient_id])
            digests[row.recipient_id].append(row)
        else:
            groups.append([row])
    return groups


def _record_failure(rows: Sequence[Reminder], claim: _Claim, now: datetime, error: Exception) -> None:
    """Back to pending with backoff (failed after MAX_ATTEMPTS); never sent. Only rows this worker still holds."""
    by_attempts: dict[int, list[int]] = defaultdict(list)
    for row in rows:
        by_attempts[row.attempts].append(row.pk)
    for attempts, ids in by_attempts.items():
        exhausted = attempts >= MAX_ATTEMPTS
        Reminder.objects.filter(pk__in=ids, status=Reminder.Status.SENDING, claimed_at=claim.token).update(
            status=Reminder.Status.FAILED if exhausted else Reminder.Status.PENDING,
            next_attempt_at=None if exhausted else now + retry_delay(attempts),
            last_error=f"{type(error).__name__}: {error}"[:2000],
        )
    claim.ids -= {row.pk for row in rows}
    logger.warning("Reminder e-mail failed for reminders %s: %s", [row.pk for row in rows], error)


@contextmanager
def _asynchronous_commits() -> Iterator[None]:
    """Delivery commits once per e-mail; on PostgreSQL, without waiting for the disk flush of each commit.

    An asynchronous commit survives a crashed worker; only a crash of the database server itself within a fraction
    of a second could lose the last few "sent" marks, and those rows would then be sent again after the lease. That
    trade buys one e-mail per millisecond or so instead of one per disk flush.
    """
    if connection.vendor != "postgresql" or connection.in_atomic_block:
        yield
        return
    with connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit = off")
    try:
        yield
    finally:
        with connection.cursor() as cursor:
            cursor.execute("RESET synchronous_commit")


def _record_sent(ids: Sequence[int], claim: _Claim, message_id: str, now: datetime) -> None:
    """Mark rows sent, in its own commit, right after the SMTP server accepted the e-mail.

    Compare-and-set on the claim token alone: only a claim or the holder's renewal writes `claimed_at`, so a row
    still carrying this worker's token is still this worker's (taken over, it carries the new holder's; handed
    back, none). Adding `status = 'sending'` would say nothing more, and it misled PostgreSQL: "sending" is rare
    whenever the table was analysed, so the planner read every row in flight from the status index, for every
    e-mail, instead of the one row by its key (1,100 e-mails: 0.9 s of UPDATEs instead of 0.65 s).
    """
    marked = Reminder.objects.filter(pk__in=ids, claimed_at=claim.token).update(
        status=Reminder.Status.SENT, sent_at=now, message_id=message_id, last_error=""
    )
    if marked != len(ids):
        logger.error("Reminders %s were sent but had been reclaimed by another worker", list(ids))
    claim.ids -= set(ids)


def _send_group(
    group: list[Reminder],
    *,
    claim: _Claim,
    clock: Clock,
    mailer: BaseEmailBackend,
    calendar: WorkingDayCalendar | None = None,
) -> int:
    """Send one e-mail for rows this worker still holds and record the outcome. Returns how many were sent."""
    _renew_if_old(claim, clock)
    group = [row for row in group if row.pk in claim.ids]
    if not group:
        return 0
    try:
        if len(group) > 1 or group[0].recipient.email_mode == group[0].recipient.EmailMode.DIGEST:
            message = build_digest_message(group[0].recipient, group, calendar=calendar)
        else:
            message = build_reminder_message(group[0], calendar=calendar)
        if mailer.send_messages([message]) != 1:
            raise RuntimeError("the e-mail backend accepted no message")
    except Exception as error:  # Whatever went wrong, the reminder must not count as sent.
        _record_failure(group, claim, clock(), error)
        return 0
    _record_sent([row.pk for row in group], claim, message.extra_headers["Message-ID"], clock())
    return len(group)


def _sweep_clock(now: datetime | None) -> tuple[datetime, Clock]:
    """`now` for the rules, and a clock that runs on from it (claims and sends are stamped with it)."""
    started = time.monotonic()
    start = now or timezone.now()
    return start, lambda: start + timedelta(seconds=time.monotonic() - started)


def deliver_due_reminders(
    *, now: datetime, clock: Clock, deadline: float | None = None, only: int | None = None
) -> SweepResult:
    """Claim and send batches until nothing is claimable (or the time budget is spent; the next sweep goes on)."""
    result = SweepResult()
    with _asynchronous_commits():
        while not _out_of_time(deadline):
            if not _deliver_batch(_claim(now=now, clock=clock, only=only), clock, result, deadline):
                break
    return result


def _out_of_time(deadline: float | None) -> bool:
    return deadline is not None and time.monotonic() >= deadline


def _release(claim: _Claim) -> None:
    """Hand unsent rows back at once (not counted as an attempt) instead of leaving them to the lease."""
    Reminder.objects.filter(pk__in=claim.ids, status=Reminder.Status.SENDING, claimed_at=claim.token).update(
        status=Reminder.Status.PENDING, claimed_at=None, attempts=F("attempts") - 1
    )
    claim.ids = set()


def _deliver_batch(claim: _Claim, clock: Clock, result: SweepResult, deadline: float | None) -> bool:
    """Send one claimed batch; False when there was nothing to claim or the time budget ran out."""
    if not claim.ids:
        return False
    rows = list(
        Reminder.objects.filter(pk__in=claim.ids)
        .select_related(
            "recipient",
            "obligation__contract__vendor",
            "obligation__price_change_notice",
            "obligation__certification",
        )
        .order_by("recipient_id", "pk")
    )
    calendar = load_calendar()  # once per batch: the e-mails say when a due date on a day off must be acted on
    mailer = get_connection()
    try:
        mailer.open()
    except Exception as error:  # The server is unreachable: every row of the batch is retried later.
        _record_failure(rows, claim, clock(), error)
        result.failed += len(rows)
        return True
    try:
        for group in _groups(rows):
            if _out_of_time(deadline):
                _release(claim)
                return False
            sent = _send_group(group, claim=claim, clock=clock, mailer=mailer, calendar=calendar)
            result.sent += sent
            result.failed += len(group) - sent
            result.emails += 1 if sent else 0
    finally:
        mailer.close()
    return True


def run_sweep(*, now: datetime | None = None, time_budget: float | None = None) -> SweepResult:
    """One sweep: plan what is due at `now`, then send it. The beat task and `send_reminders` both run this."""
    deadline = None if time_budget is None else time.monotonic() + time_budget
    now, clock = _sweep_clock(now)
    planned = plan_reminders(now=now)
    result = deliver_due_reminders(now=now, clock=clock, deadline=deadline)
    result.planned = planned
    return result


def deliver_reminder(reminder_id: int, *, now: datetime | None = None) -> SweepResult:
    """Send one reminder now if it is claimable; a no-op for one that is sent, in flight or gone (idempotent)."""
    now, clock = _sweep_clock(now)
    return deliver_due_reminders(now=now, clock=clock, only=reminder_id)


def reminder_retry(*, reminder: Reminder) -> Reminder:
    """Give a failed or waiting reminder a fresh set of attempts and send it right after the commit."""
    from obligations.tasks import deliver_reminder_task

    with transaction.atomic():
        updated = Reminder.objects.filter(
            pk=reminder.pk, status__in=[Reminder.Status.FAILED, Reminder.Status.PENDING]
        ).update(status=Reminder.Status.PENDING, attempts=0, next_attempt_at=None, last_error="")
        if not updated:
            raise ActionNotAllowed(_("Only a failed or waiting reminder can be retried; this one was sent already."))
        transaction.on_commit(lambda: deliver_reminder_task.delay(reminder.pk))
    reminder.refresh_from_db()
    return reminder
