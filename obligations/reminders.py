"""Reminders: which offset of an obligation is due (pure rules), who gets it, and the sweep that sends it.

The rules (top of the module) are plain functions over dates and ints. An obligation has *reminder points*, each
named by its offset in days before the due date: the kind's default offsets (or the obligation's own list), the
start of a renewal window, and the overdue escalations -1 ... -14 (the n-th day after the due date). A point is
due from 09:00 company time on its day, and a sweep only ever sends the *latest* point that is due: after downtime an
obligation gets one catch-up reminder, never a burst. An escalation point is only current on its own day, so an
obligation overdue for more than 14 days falls silent.

The sweep (bottom) is set-based and safe to run from any number of workers and beat processes at once:

1. Plan: one query computes, inside the database, the latest due offset of every open obligation near its dates
   and keeps those with no reminder row yet for that offset. Reminder rows (one per recipient) are inserted with
   `bulk_create(ignore_conflicts=True)`; the unique key (obligation, recipient, offset) makes planning idempotent.
2. Claim: `select_for_update(skip_locked=True)` picks pending rows and marks them `sending` (committed), so two
   workers never pick the same row.
3. Send: one SMTP exchange per e-mail, then the rows are marked `sent` with the message id in their own commit. A
   failure puts the rows back to `pending` with exponential backoff (`failed` after `MAX_ATTEMPTS`, kept for an
   admin to retry); they are never marked sent. A worker renews its lease (compare-and-set on `claimed_at`) long
   before it expires, and hands unsent rows back when its time budget runs out.

Exactly-once, and its one limit: SMTP has no idempotency key, so no design can be exactly-once across a crash that
happens after the server accepted a message and before the database recorded it. This design shrinks that window
to one single-row UPDATE per message. A worker killed at any other moment leaves its rows in `sending`; they are
reclaimed only after `SENDING_LEASE` (far longer than one SMTP exchange), so an in-flight send is never duplicated
by a second worker and a row is never lost. The "sent" commits are asynchronous on PostgreSQL (see
`_asynchronous_commits`), which widens that window only for a crash of the database server itself.

Recipients: the obligation's owner (default: the contract owner) and its watchers; an overdue escalation goes to
the owner and the contract's managers instead. Only active users with an e-mail address who can see the contract
(`contracts_visible_to`) get anything. Rows are planned once per (obligation, offset): someone who starts watching
after a point was planned is reminded from the next point on. Digest readers' rows are the same rows, delivered in
one e-mail per batch and at most one e-mail per reminder day.
"""

from __future__ import annotations

import logging
import time
from collections import defaultdict
from collections.abc import Callable, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.contrib.auth import get_user_model
from django.core.mail import get_connection
from django.db import connection, transaction
from django.db.models import Case, Exists, F, Func, IntegerField, OuterRef, Q, Value, When
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import Role
from contracts.selectors import contracts_visible_to
from core.exceptions import ActionNotAllowed
from rules.reminders import (
    DEFAULT_OFFSETS,
    ESCALATION_LIMIT,
    KINDS_REMINDED_ON_START,
    MAX_ATTEMPTS,
    is_escalation,
    latest_due_offset,
    point_day,
    reminder_day,
    reminder_recipients,
    retry_delay,
    scheduled_at,
)

from .emails import build_digest_message, build_reminder_message
from .models import Obligation, Reminder

logger = logging.getLogger(__name__)

Kind = Obligation.Kind

SENDING_LEASE = timedelta(minutes=10)
"""A row claimed longer ago than this (and not renewed) belongs to a dead worker and is claimed again."""

CLAIM_BATCH = 500
VISIBILITY_UNION_SIZE = 400
"""Per-user visibility checks combined in one statement (SQLite allows at most 500 terms in a compound SELECT)."""


# --- Planning ---------------------------------------------------------------------------------------------------


class DaysBetween(Func):
    """`later - earlier` in whole days, as an integer, on PostgreSQL and SQLite."""

    arity = 2
    output_field = IntegerField()

    def as_sql(self, compiler, connection, **extra_context):
        return super().as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra_context)

    def as_sqlite(self, compiler, connection, **extra_context):
        later, later_params = compiler.compile(self.source_expressions[0])
        earlier, earlier_params = compiler.compile(self.source_expressions[1])
        return f"CAST(ROUND(JULIANDAY({later}) - JULIANDAY({earlier})) AS INTEGER)", (*later_params, *earlier_params)


def _latest_offset_expression(day: date) -> Case:
    """`latest_due_offset` for the kinds' default offsets, as one SQL CASE (constants computed here, in Python)."""
    whens = [When(due_date__lt=day - timedelta(days=ESCALATION_LIMIT), then=Value(None))]
    whens += [
        When(due_date=day + timedelta(days=offset), then=Value(offset))
        for offset in range(-1, -ESCALATION_LIMIT - 1, -1)
    ]
    for kind, offsets in DEFAULT_OFFSETS.items():
        # Smallest offset first: the first one whose day has come is the latest point reached.
        whens += [
            When(kind=kind, due_date__lte=day + timedelta(days=offset), then=Value(offset))
            for offset in sorted(offsets)
        ]
    return Case(*whens, default=Value(None), output_field=IntegerField())


@dataclass(frozen=True)
class DuePoint:
    obligation_id: int
    contract_id: int
    owner_id: int | None
    due_date: date
    offset: int


def due_points(day: date) -> list[DuePoint]:
    """Open obligations whose latest due point on `day` has no reminder row yet, in a fixed number of queries.

    Obligations with the kinds' default offsets are decided entirely in SQL. The few with a hand-set offsets list
    are decided by `latest_due_offset` in Python (two more queries).
    """
    horizon = max(max(offsets) for offsets in DEFAULT_OFFSETS.values())
    open_near = Obligation.objects.filter(
        status=Obligation.Status.OPEN, due_date__gte=day - timedelta(days=ESCALATION_LIMIT)
    )
    fields = ("pk", "contract_id", "owner_id", "contract__owner_id", "due_date")
    planned = Reminder.objects.filter(obligation=OuterRef("pk"), offset=OuterRef("point"))
    by_default = (
        open_near.filter(reminder_offsets__isnull=True)
        .filter(
            Q(due_date__lte=day + timedelta(days=horizon)) | Q(kind__in=KINDS_REMINDED_ON_START, starts_on__lte=day)
        )
        .annotate(
            default_point=_latest_offset_expression(day),
            start_point=DaysBetween(F("due_date"), F("starts_on")),
        )
        .annotate(
            point=Case(
                When(
                    Q(kind__in=KINDS_REMINDED_ON_START, starts_on__lte=day, due_date__gte=day)
                    & (Q(default_point__isnull=True) | Q(start_point__lt=F("default_point"))),
                    then=F("start_point"),
                ),
                default=F("default_point"),
                output_field=IntegerField(),
            )
        )
        .filter(point__isnull=False)
        .exclude(Exists(planned))
        .values_list(*fields, "point")
    )
    with transaction.atomic():
        if connection.vendor == "postgresql":
            # A long CASE makes PostgreSQL's JIT spend a second compiling what runs in a tenth of one without it.
            with connection.cursor() as cursor:
                cursor.execute("SET LOCAL jit = off")
        points = [
            DuePoint(pk, contract_id, owner_id or contract_owner_id, due_date, point)
            for pk, contract_id, owner_id, contract_owner_id, due_date, point in by_default
        ]

    hand_set: dict[tuple[int, int], DuePoint] = {}
    rows = open_near.filter(reminder_offsets__isnull=False).values_list(
        *fields, "kind", "starts_on", "reminder_offsets"
    )
    for pk, contract_id, owner_id, contract_owner_id, due_date, kind, starts_on, override in rows:
        offset = latest_due_offset(
            kind=kind,
            due_date=due_date,
            starts_on=starts_on,
            override=override if isinstance(override, list) else (),
            day=day,
        )
        if offset is not None:
            hand_set[(pk, offset)] = DuePoint(pk, contract_id, owner_id or contract_owner_id, due_date, offset)
    if hand_set:
        recorded = Reminder.objects.filter(obligation_id__in={pk for pk, _ in hand_set}).values_list(
            "obligation_id", "offset"
        )
        for key in set(recorded) & hand_set.keys():
            del hand_set[key]
    return points + list(hand_set.values())


def _eligible_recipients(points: Sequence[DuePoint]) -> dict[tuple[int, int], set[int]]:
    """Recipients per (obligation, offset), keeping only active users with an e-mail who can see the contract.

    "The contract's managers" are the active members of the procurement_manager group who can see it (the role
    sees every contract, so in practice all of them). Access is checked with each recipient's own
    `contracts_visible_to` query, all sent as one UNION ALL statement; loading a recipient's role permissions costs
    two small queries per person. The count grows with the people involved, never with the number of obligations.
    """
    User = get_user_model()
    watchers: dict[int, list[int]] = defaultdict(list)
    through = Obligation.watchers.through
    for obligation_id, user_id in through.objects.filter(
        obligation_id__in={p.obligation_id for p in points}
    ).values_list("obligation_id", "user_id"):
        watchers[obligation_id].append(user_id)
    managers: list[int] = []
    if any(is_escalation(p.offset) for p in points):
        managers = list(
            User.objects.filter(groups__name=Role.PROCUREMENT_MANAGER, is_active=True).values_list("pk", flat=True)
        )

    wanted = {
        (p.obligation_id, p.offset): reminder_recipients(
            offset=p.offset, owner=p.owner_id, watchers=watchers[p.obligation_id], managers=managers
        )
        for p in points
    }
    contracts_per_user: dict[int, set[int]] = defaultdict(set)
    contract_of = {p.obligation_id: p.contract_id for p in points}
    for (obligation_id, _offset), people in wanted.items():
        for user_id in people:
            contracts_per_user[user_id].add(contract_of[obligation_id])
    users = list(User.objects.filter(pk__in=contracts_per_user.keys(), is_active=True).exclude(email=""))
    sees: dict[int, set[int]] = defaultdict(set)
    for start in range(0, len(users), VISIBILITY_UNION_SIZE):
        # Each user's own selector query, glued into one statement with UNION ALL.
        checks = [
            contracts_visible_to(user)
            .filter(pk__in=contracts_per_user[user.pk])
            .annotate(viewer=Value(user.pk, output_field=IntegerField()))
            .order_by()
            .values_list("pk", "viewer")
            for user in users[start : start + VISIBILITY_UNION_SIZE]
        ]
        for contract_id, user_id in checks[0].union(*checks[1:], all=True):
            sees[user_id].add(contract_id)
    return {
        key: {user_id for user_id in people if contract_of[key[0]] in sees.get(user_id, ())}
        for key, people in wanted.items()
    }


def plan_reminders(*, now: datetime) -> int:
    """Insert the reminder rows due at `now`; safe to run concurrently (the unique key drops duplicates)."""
    tz = timezone.get_default_timezone()
    day = reminder_day(now, tz)
    points = due_points(day)
    if not points:
        return 0
    recipients = _eligible_recipients(points)
    everyone = set().union(*recipients.values())
    User = get_user_model()
    digest_users = set(
        User.objects.filter(pk__in=everyone, email_mode=User.EmailMode.DIGEST).values_list("pk", flat=True)
    )
    # A digest reader gets at most one e-mail per reminder day: items found after today's digest wait for tomorrow.
    had_digest_today = set(
        Reminder.objects.filter(
            recipient_id__in=digest_users, status=Reminder.Status.SENT, sent_at__gte=scheduled_at(day, tz)
        ).values_list("recipient_id", flat=True)
    )
    tomorrow = scheduled_at(day + timedelta(days=1), tz)
    rows = [
        Reminder(
            obligation_id=point.obligation_id,
            recipient_id=user_id,
            offset=point.offset,
            scheduled_for=scheduled_at(point_day(point.due_date, point.offset), tz),
            next_attempt_at=tomorrow if user_id in had_digest_today else None,
        )
        for point in points
        for user_id in sorted(recipients[(point.obligation_id, point.offset)])
    ]
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


# --- Delivery ---------------------------------------------------------------------------------------------------


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
def _asynchronous_commits():
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
    """Mark rows sent, in its own commit, right after the SMTP server accepted the e-mail."""
    marked = Reminder.objects.filter(pk__in=ids, status=Reminder.Status.SENDING, claimed_at=claim.token).update(
        status=Reminder.Status.SENT, sent_at=now, message_id=message_id, last_error=""
    )
    if marked != len(ids):
        logger.error("Reminders %s were sent but had been reclaimed by another worker", list(ids))
    claim.ids -= set(ids)


def _send_group(group: list[Reminder], *, claim: _Claim, clock: Clock, mailer) -> int:
    """Send one e-mail for rows this worker still holds and record the outcome. Returns how many were sent."""
    _renew_if_old(claim, clock)
    group = [row for row in group if row.pk in claim.ids]
    if not group:
        return 0
    try:
        if len(group) > 1 or group[0].recipient.email_mode == group[0].recipient.EmailMode.DIGEST:
            message = build_digest_message(group[0].recipient, group)
        else:
            message = build_reminder_message(group[0])
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
            sent = _send_group(group, claim=claim, clock=clock, mailer=mailer)
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
    from .tasks import deliver_reminder_task

    with transaction.atomic():
        updated = Reminder.objects.filter(
            pk=reminder.pk, status__in=[Reminder.Status.FAILED, Reminder.Status.PENDING]
        ).update(status=Reminder.Status.PENDING, attempts=0, next_attempt_at=None, last_error="")
        if not updated:
            raise ActionNotAllowed(_("Only a failed or waiting reminder can be retried; this one was sent already."))
        transaction.on_commit(lambda: deliver_reminder_task.delay(reminder.pk))
    reminder.refresh_from_db()
    return reminder
