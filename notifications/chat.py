"""The chat sweep: reminders and escalations to WeCom, DingTalk and Feishu group robots, exactly once per
(obligation, channel, offset), with the claim/lease design of the e-mail delivery (obligations.reminders.delivery).

1. Plan: the e-mail planning decided which (obligation, offset) points are due and who may receive each (only people
   who can see the contract). A person's channel gets the points planned for that person; a contract's team channel
   gets its contract's points, as long as whoever set it can still see the contract. Only points planned after the
   channel was added count, so a new channel is not flooded with the past. Rows are inserted with
   `bulk_create(ignore_conflicts=True)` on the unique key (obligation, channel, offset): planning is idempotent.
2. Claim: `select_for_update(skip_locked=True)` marks a batch `sending` with a `claimed_at` token, committed.
3. Send: the robot requests run concurrently in a bounded thread pool (network only, no database), each bounded in
   time by `OUTBOUND_TIMEOUT`; a message goes into the pool as soon as it is built, so the first robots are
   answering while the rest of the batch is still being written. Then each row is marked `sent`, or back to
   `pending` with exponential backoff (`failed` after `MAX_ATTEMPTS`), compare-and-set on the token. A robot that
   answers an error code is a failure, and so is a message that could not be built (the rest of the batch goes on).

It runs in its own Celery task (`notifications.sweep_chat`), never inside the e-mail sweep: a slow or dead robot
costs this task time, never an e-mail.
"""

from __future__ import annotations

import logging
import time
from concurrent.futures import Future, ThreadPoolExecutor
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, F, OuterRef, Q
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from contracts.selectors import contracts_visible_to
from obligations.calendar import load_calendar
from obligations.models import Obligation, Reminder
from obligations.reminders.emails import reminder_item, reminder_subject
from outbound import robots
from outbound.http import Outcome
from rules.reminders import MAX_ATTEMPTS, is_escalation, retry_delay
from rules.workdays import WorkingDayCalendar

from .models import ChatChannel, ChatDelivery, DeliveryStatus

logger = logging.getLogger(__name__)

SENDING_LEASE = timedelta(minutes=10)
CONCURRENCY = 64
"""Robot requests in flight at once: 1,000 robots answering in 200 ms take 16 rounds, about 3.5 s, which leaves the
e-mail sweep most of the 10 s that both may take (at 32 the chat alone took 7.2 s); still few enough that one worker
never opens hundreds of sockets."""
CLAIM_BATCH = 8 * CONCURRENCY
"""A whole number of rounds of the pool (a batch of 200 at 32 in flight left its last round a quarter full)."""


@dataclass
class ChatSweepResult:
    planned: int = 0
    sent: int = 0
    failed: int = 0


def _new_points(source: Q, channel_path: str) -> list[tuple[int, int, int]]:
    """(obligation, offset, channel) for planned reminders reaching a channel through `channel_path`, without a
    chat delivery yet. One query: the channels are few, the join is driven from them."""
    done = ChatDelivery.objects.filter(
        obligation=OuterRef("obligation_id"), offset=OuterRef("offset"), channel=OuterRef("channel_id")
    )
    rows = (
        Reminder.objects.filter(source, obligation__status=Obligation.Status.OPEN)
        .annotate(channel_id=F(f"{channel_path}__id"), channel_since=F(f"{channel_path}__created_at"))
        .filter(channel_id__isnull=False, created_at__gte=F("channel_since"))
        .exclude(Exists(done))
        .values_list("obligation_id", "offset", "channel_id")
        .distinct()
    )
    return list(rows)


def plan_chat_deliveries() -> int:
    """Insert the chat deliveries of every reminder point planned so far; safe to run concurrently."""
    own = _new_points(Q(recipient__chat_channels__isnull=False), "recipient__chat_channels")
    team = _new_points(Q(obligation__contract__chat_channels__isnull=False), "obligation__contract__chat_channels")
    if team:
        # The access gate: a team channel only hears about contracts that whoever set it can still see.
        channels = ChatChannel.objects.filter(pk__in={c for _o, _f, c in team}).select_related("created_by")
        contract_of = dict(Obligation.objects.filter(pk__in={o for o, _f, _c in team}).values_list("pk", "contract_id"))
        allowed: set[tuple[int, int]] = set()
        for channel in channels:
            if channel.created_by is None or not channel.created_by.is_active or channel.contract_id is None:
                continue
            visible = contracts_visible_to(channel.created_by).filter(pk=channel.contract_id).exists()
            if visible:
                allowed.add((channel.pk, channel.contract_id))
        team = [(o, f, c) for o, f, c in team if (c, contract_of[o]) in allowed]
    rows = [ChatDelivery(obligation_id=o, offset=f, channel_id=c) for o, f, c in {*own, *team}]
    ChatDelivery.objects.bulk_create(rows, ignore_conflicts=True)
    return len(rows)


# --- The message --------------------------------------------------------------------------------------------------


def _language(channel: ChatChannel) -> str:
    return channel.user.language if channel.user_id and channel.user else channel.language


def build_reminder(
    obligation: Obligation, offset: int, language: str, calendar: WorkingDayCalendar | None = None
) -> robots.Reminder:
    """The e-mail's content as a robot message, in `language`: the same subject and the same item lines."""
    with translation.override(language):
        item = reminder_item(obligation, offset, calendar)
        text = render_to_string("obligations/email/_item.txt", {"item": item})
        # The e-mail's last line is the link; the robots show it as a link or a button instead.
        lines = [line for line in text.splitlines() if line.strip() and item["link"] not in line]
        return robots.Reminder(
            title=reminder_subject(item),
            lines=lines,
            link=item["link"],
            link_label=_("Open the obligation"),
            urgent=is_escalation(offset),
        )


# --- Claim, send, record ------------------------------------------------------------------------------------------


def _claim(now: datetime, only: int | None, tried: set[int]) -> tuple[datetime, list[int]]:
    claimable = (
        Q(status=DeliveryStatus.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    ) | Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - SENDING_LEASE)
    if only is not None:
        claimable &= Q(pk=only)
    with transaction.atomic():
        ids = list(
            ChatDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(claimable, obligation__status=Obligation.Status.OPEN)
            .exclude(pk__in=tried)
            .order_by("pk")
            .values_list("pk", flat=True)[:CLAIM_BATCH]
        )
        token = timezone.now()
        if ids:
            ChatDelivery.objects.filter(pk__in=ids).update(
                status=DeliveryStatus.SENDING, claimed_at=token, attempts=F("attempts") + 1
            )
    return token, ids


def _send(job: tuple[str, str, str, robots.Reminder]) -> Outcome:
    kind, url, secret, reminder = job
    timeout = settings.OUTBOUND_TIMEOUT
    try:
        return robots.send(
            kind,
            url,
            secret,
            reminder,
            timeout=timeout,
            allow_private=settings.WEBHOOK_ALLOW_PRIVATE,
            deadline=time.monotonic() + 2 * timeout,
        )
    except Exception as error:  # never let one message take the batch down; it is retried
        return Outcome.failure("error", f"{type(error).__name__}: {error}")


def _submit(pool: ThreadPoolExecutor, row: ChatDelivery, calendar: WorkingDayCalendar) -> Future[Outcome] | Outcome:
    """Build the row's message and hand it to the pool at once; a message that cannot be built is a failure of its
    own row (retried with backoff), never of the batch, whose messages already in the pool are being sent."""
    channel = row.channel
    try:
        reminder = build_reminder(row.obligation, row.offset, _language(channel), calendar)
    except Exception as error:
        logger.exception("Chat delivery %s: the message could not be built", row.pk)
        return Outcome.failure("error", f"{type(error).__name__}: {error}")
    return pool.submit(_send, (channel.kind, channel.url, channel.secret, reminder))


def _outcome(sending: Future[Outcome] | Outcome) -> Outcome:
    return sending.result() if isinstance(sending, Future) else sending


def _record_sent(ids: list[int], token: datetime, statuses: dict[int, int | None]) -> None:
    """Mark the batch's successes sent in one UPDATE per HTTP status (compare-and-set on the claim token)."""
    by_status: dict[int | None, list[int]] = {}
    for pk in ids:
        by_status.setdefault(statuses[pk], []).append(pk)
    for status, pks in by_status.items():
        ChatDelivery.objects.filter(pk__in=pks, status=DeliveryStatus.SENDING, claimed_at=token).update(
            status=DeliveryStatus.SENT, sent_at=timezone.now(), response_code=status, last_error=""
        )


def _record_failure(row: ChatDelivery, token: datetime, outcome: Outcome) -> None:
    """Back to pending with backoff (failed after MAX_ATTEMPTS); never sent."""
    exhausted = row.attempts >= MAX_ATTEMPTS
    ChatDelivery.objects.filter(pk=row.pk, status=DeliveryStatus.SENDING, claimed_at=token).update(
        status=DeliveryStatus.FAILED if exhausted else DeliveryStatus.PENDING,
        next_attempt_at=None if exhausted else timezone.now() + retry_delay(row.attempts),
        response_code=outcome.status,
        last_error=f"{outcome.code}: {outcome.error}"[:2000],
    )
    logger.warning("Chat delivery %s failed: %s %s", row.pk, outcome.code, outcome.error)


def deliver_chat(
    *, now: datetime | None = None, deadline: float | None = None, only: int | None = None
) -> ChatSweepResult:
    """Claim and send batches until nothing is claimable or the time budget is spent; a row is tried at most once
    per run (its retry belongs to a later sweep)."""
    result = ChatSweepResult()
    tried: set[int] = set()
    with ThreadPoolExecutor(max_workers=CONCURRENCY, thread_name_prefix="chat") as pool:
        while deadline is None or time.monotonic() < deadline:
            token, ids = _claim(now or timezone.now(), only, tried)
            if not ids:
                break
            tried.update(ids)
            rows = list(
                ChatDelivery.objects.filter(pk__in=ids)
                .select_related("channel__user", "obligation__contract__vendor", "obligation__price_change_notice")
                .order_by("pk")
            )
            calendar = load_calendar()  # the working days the messages' "act by" is counted in, read once a batch
            sending = [_submit(pool, row, calendar) for row in rows]
            sent: dict[int, int | None] = {}
            for row, outcome in zip(rows, (_outcome(future) for future in sending), strict=True):
                if outcome.ok:
                    sent[row.pk] = outcome.status
                else:
                    _record_failure(row, token, outcome)
                    result.failed += 1
            _record_sent(list(sent), token, sent)
            result.sent += len(sent)
            if only is not None:
                break
    return result


def run_chat_sweep(*, time_budget: float | None = None) -> ChatSweepResult:
    """Plan what the e-mail planning made due, then send it. The beat task and tests run this."""
    deadline = None if time_budget is None else time.monotonic() + time_budget
    planned = plan_chat_deliveries()
    result = deliver_chat(deadline=deadline)
    result.planned = planned
    return result


def chat_delivery_retry(*, delivery: ChatDelivery) -> None:
    """An admin's retry: a failed or waiting delivery gets a fresh set of attempts on the next sweep."""
    ChatDelivery.objects.filter(pk=delivery.pk, status__in=[DeliveryStatus.FAILED, DeliveryStatus.PENDING]).update(
        status=DeliveryStatus.PENDING, attempts=0, next_attempt_at=None
    )
