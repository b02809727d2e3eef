"""Planning: which reminder rows are due at a moment, and who may receive each (set-based, idempotent)."""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Case, DateField, Exists, F, Func, IntegerField, OuterRef, Q, Value, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from accounts.models import Role
from accounts.selectors import load_permissions
from contracts.selectors import contracts_visible_to
from obligations.models import Obligation, Reminder
from rules.obligation_dates import ACT_BY_REACH_DAYS
from rules.reminders import (
    DEFAULT_OFFSETS,
    ESCALATION_LIMIT,
    KINDS_REMINDED_ON_START,
    WEEKLY_ESCALATION_DAYS,
    is_escalation,
    latest_due_offset,
    point_day,
    reminder_day,
    reminder_recipients,
    scheduled_at,
)

logger = logging.getLogger(__name__)

Kind = Obligation.Kind

VISIBILITY_UNION_SIZE = 400
"""Per-user visibility checks combined in one statement (SQLite allows at most 500 terms in a compound SELECT)."""


class DaysBetween(Func):
    """`later - earlier` in whole days, as an integer, on PostgreSQL and SQLite."""

    arity = 2
    output_field = IntegerField()

    def as_sql(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:  # type: ignore[override]
        return super().as_sql(compiler, connection, template="(%(expressions)s)", arg_joiner=" - ", **extra_context)

    def as_sqlite(self, compiler: Any, connection: Any, **extra_context: Any) -> Any:
        later, later_params = compiler.compile(self.source_expressions[0])
        earlier, earlier_params = compiler.compile(self.source_expressions[1])
        return f"CAST(ROUND(JULIANDAY({later}) - JULIANDAY({earlier})) AS INTEGER)", (*later_params, *earlier_params)


def _latest_offset_expression(day: date) -> Case:
    """`latest_due_offset` for the kinds' default offsets, as one SQL CASE (constants computed here, in Python).

    Needs the annotation `act_day` (act_by, or the due date for a row without one).
    """
    days_overdue = DaysBetween(Value(day, output_field=DateField()), F("due_date"))
    weekly = Value(-ESCALATION_LIMIT) - (
        (days_overdue - Value(ESCALATION_LIMIT)) / Value(WEEKLY_ESCALATION_DAYS)
    ) * Value(WEEKLY_ESCALATION_DAYS)
    whens = [When(due_date__lt=day - timedelta(days=ESCALATION_LIMIT), then=weekly)]
    whens += [
        When(due_date=day + timedelta(days=offset), then=Value(offset))
        for offset in range(-1, -ESCALATION_LIMIT - 1, -1)
    ]
    for kind, offsets in DEFAULT_OFFSETS.items():
        # Smallest offset first: the first one whose day has come is the latest point reached.
        whens += [
            When(kind=kind, act_day__lte=day + timedelta(days=offset), then=Value(offset)) for offset in sorted(offsets)
        ]
    # A kind with no list of its own is reminded as a hand-made one (rules.reminders.reminder_offsets).
    whens += [
        When(~Q(kind__in=DEFAULT_OFFSETS), act_day__lte=day + timedelta(days=offset), then=Value(offset))
        for offset in sorted(DEFAULT_OFFSETS["custom"])
    ]
    return Case(*whens, default=Value(None), output_field=IntegerField())


@dataclass(frozen=True)
class DuePoint:
    obligation_id: int
    contract_id: int
    owner_id: int | None
    due_date: date
    offset: int
    act_by: date | None = None


def due_points(day: date) -> list[DuePoint]:
    """Open obligations whose latest due point on `day` has no reminder row yet, in a fixed number of queries.

    Obligations with the kinds' default offsets are decided entirely in SQL. The few with a hand-set offsets list
    are decided by `latest_due_offset` in Python (two more queries). Every overdue obligation is looked at, however
    long overdue (weekly escalations never end), but only sent to when its latest point has no row yet.
    """
    horizon = max(max(offsets) for offsets in DEFAULT_OFFSETS.values())
    open_near = Obligation.objects.filter(
        status=Obligation.Status.OPEN, due_date__lte=day + timedelta(days=horizon + ACT_BY_REACH_DAYS)
    ).annotate(act_day=Coalesce("act_by", "due_date"))
    fields = ("pk", "contract_id", "owner_id", "contract__owner_id", "due_date", "act_day")
    planned = Reminder.objects.filter(obligation=OuterRef("pk"), offset=OuterRef("point"))
    by_default = (
        open_near.filter(reminder_offsets__isnull=True)
        .filter(Q(act_day__lte=day + timedelta(days=horizon)) | Q(kind__in=KINDS_REMINDED_ON_START, starts_on__lte=day))
        .annotate(
            default_point=_latest_offset_expression(day),
            start_point=DaysBetween(F("act_day"), F("starts_on")),
        )
        .annotate(
            point=Case(
                When(
                    Q(kind__in=KINDS_REMINDED_ON_START, starts_on__lte=day, due_date__gte=day, start_point__gte=0)
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
            DuePoint(pk, contract_id, owner_id or contract_owner_id, due_date, point, act_day)
            for pk, contract_id, owner_id, contract_owner_id, due_date, act_day, point in by_default
        ]

    hand_set: dict[tuple[int, int], DuePoint] = {}
    rows = open_near.filter(reminder_offsets__isnull=False).values_list(
        *fields, "kind", "starts_on", "reminder_offsets"
    )
    for pk, contract_id, owner_id, contract_owner_id, due_date, act_day, kind, starts_on, override in rows:
        offset = latest_due_offset(
            kind=kind,
            due_date=due_date,
            starts_on=starts_on,
            override=override if isinstance(override, list) else (),
            day=day,
            act_by=act_day,
        )
        if offset is not None:
            hand_set[(pk, offset)] = DuePoint(pk, contract_id, owner_id or contract_owner_id, due_date, offset, act_day)
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
    `contracts_visible_to` query, all sent as one UNION ALL statement per `VISIBILITY_UNION_SIZE` people, after
    their role permissions were read in two queries for all of them. The count grows with neither the number of
    obligations nor, below that size, the number of people.
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
    load_permissions(users)  # what each one's role lets them see: two queries for everyone, not two per person
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
            scheduled_for=scheduled_at(point_day(point.due_date, point.offset, point.act_by), tz),
            next_attempt_at=tomorrow if user_id in had_digest_today else None,
        )
        for point in points
        for user_id in sorted(recipients[(point.obligation_id, point.offset)])
    ]
    Reminder.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)
