"""Webhook delivery: claim due deliveries, POST the stored body signed with the endpoint's current secret, record
status and response code, retry with exponential backoff (`outbound.webhooks.retry_delay`)."""

from __future__ import annotations

import logging
import time
from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from outbound import webhooks
from outbound.http import Outcome

from .events import representation
from .models import DeliveryStatus, WebhookDelivery

logger = logging.getLogger(__name__)

MAX_ATTEMPTS = 8  # 1, 2, 4 ... 64 minutes: about two hours of retries before an admin has to look
SENDING_LEASE = timedelta(minutes=10)
CLAIM_BATCH = 100


def _claim(now: datetime, tried: set[int]) -> tuple[datetime, list[int]]:
    claimable = (
        Q(status=DeliveryStatus.PENDING) & (Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
    ) | Q(status=DeliveryStatus.SENDING, claimed_at__lt=now - SENDING_LEASE)
    with transaction.atomic():
        ids = list(
            WebhookDelivery.objects.select_for_update(skip_locked=True)
            .filter(claimable, endpoint__active=True)
            .exclude(pk__in=tried)
            .order_by("pk")
            .values_list("pk", flat=True)[:CLAIM_BATCH]
        )
        token = timezone.now()
        if ids:
            WebhookDelivery.objects.filter(pk__in=ids).update(
                status=DeliveryStatus.SENDING, claimed_at=token, attempts=F("attempts") + 1
            )
    return token, ids


def _body(delivery: WebhookDelivery) -> bytes:
    """The delivery's body: built once, at the first attempt, then the same bytes on every retry."""
    if not delivery.body:
        data = representation(delivery.object_type, delivery.object_id)
        built = webhooks.build(
            delivery.event,
            data,
            secret=delivery.endpoint.secret,
            delivery_id=delivery.delivery_id,
            occurred_at=delivery.created_at,
        )
        delivery.body = built.body.decode("utf-8")
        WebhookDelivery.objects.filter(pk=delivery.pk, body="").update(body=delivery.body)
    return delivery.body.encode("utf-8")


def _send(delivery: WebhookDelivery) -> Outcome:
    endpoint = delivery.endpoint
    body = _body(delivery)
    request = webhooks.WebhookRequest(
        event=webhooks.Event(delivery.event),
        delivery_id=delivery.delivery_id,
        body=body,
        headers=webhooks.signed_headers(
            body, event=delivery.event, delivery_id=delivery.delivery_id, secret=endpoint.secret
        ),
    )
    timeout = settings.OUTBOUND_TIMEOUT
    return webhooks.send(
        endpoint.url,
        request,
        timeout=timeout,
        allow_private=settings.WEBHOOK_ALLOW_PRIVATE,
        deadline=time.monotonic() + 2 * timeout,
    )


def deliver_webhooks(*, now: datetime | None = None, deadline: float | None = None) -> tuple[int, int]:
    """Send every due delivery, each at most once per run; returns (sent, failed)."""
    sent = failed = 0
    tried: set[int] = set()
    while deadline is None or time.monotonic() < deadline:
        token, ids = _claim(now or timezone.now(), tried)
        if not ids:
            break
        tried.update(ids)
        for delivery in WebhookDelivery.objects.filter(pk__in=ids).select_related("endpoint").order_by("pk"):
            outcome = _send(delivery)
            mine = WebhookDelivery.objects.filter(pk=delivery.pk, status=DeliveryStatus.SENDING, claimed_at=token)
            if outcome.ok:
                mine.update(
                    status=DeliveryStatus.SENT, sent_at=timezone.now(), response_code=outcome.status, last_error=""
                )
                sent += 1
                continue
            exhausted = delivery.attempts >= MAX_ATTEMPTS
            mine.update(
                status=DeliveryStatus.FAILED if exhausted else DeliveryStatus.PENDING,
                next_attempt_at=None if exhausted else timezone.now() + webhooks.retry_delay(delivery.attempts),
                response_code=outcome.status,
                last_error=f"{outcome.code}: {outcome.error}"[:2000],
            )
            logger.warning("Webhook delivery %s failed: %s %s", delivery.pk, outcome.code, outcome.error)
            failed += 1
    return sent, failed
