"""Outgoing webhooks: the signed JSON clm POSTs to an integration's endpoint, and how to check it on arrival.

The body is ``{"event", "delivery_id", "occurred_at", "data"}`` as compact UTF-8 JSON. The receiver authenticates
it with the endpoint's shared secret: ``X-CLM-Signature: sha256=<hex>`` is HMAC-SHA256 of the exact body bytes
(the bytes as sent, not a re-serialisation, so the receiver must verify before parsing). ``X-CLM-Delivery`` repeats
the delivery id, which stays the same on every retry of one delivery: a receiver that has seen it already can answer
2xx and do nothing. ``X-CLM-Event`` repeats the event so a receiver can route without parsing.

Any 2xx answer is success; a redirect is a failure (it is never followed, see `outbound.http`), and so is anything
else. Retries wait `retry_delay(attempt)`.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from enum import StrEnum
from typing import Any

from .guard import URLRefused
from .http import DeliveryError, Outcome, Response, attempt

SIGNATURE_HEADER = "X-CLM-Signature"
EVENT_HEADER = "X-CLM-Event"
DELIVERY_HEADER = "X-CLM-Delivery"
_PREFIX = "sha256="


class Event(StrEnum):
    CONTRACT_CREATED = "contract.created"
    CONTRACT_SIGNED = "contract.signed"
    CONTRACT_TERMINATED = "contract.terminated"
    OBLIGATION_DUE = "obligation.due"
    OBLIGATION_OVERDUE = "obligation.overdue"
    SLA_EXIT_RIGHT = "sla.exit_right"
    PING = "ping"  # the admin's "send test event": proves URL, secret and receiver work, carries no object


@dataclass(frozen=True)
class WebhookRequest:
    """One delivery, ready to POST and to store: a retry sends the same `body` (and so the same delivery id)."""

    event: Event
    delivery_id: uuid.UUID
    body: bytes
    headers: dict[str, str]


def sign(body: bytes, secret: str) -> str:
    """The X-CLM-Signature value: ``sha256=`` and the hex HMAC-SHA256 of `body` keyed with the endpoint's secret."""
    if not secret:
        raise ValueError("a webhook endpoint needs a secret")
    return _PREFIX + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def verify_signature(body: bytes, header: str | None, secret: str) -> bool:
    """True when `header` is the signature of `body` under `secret`; compares in constant time."""
    if not header or not secret:
        return False
    return hmac.compare_digest(sign(body, secret).encode("ascii"), header.strip().encode("utf-8", errors="replace"))


def signed_headers(body: bytes, *, event: Event | str, delivery_id: uuid.UUID, secret: str) -> dict[str, str]:
    """The headers of a (stored) body: signed again on each attempt, so a rotated secret applies to retries."""
    return {
        SIGNATURE_HEADER: sign(body, secret),
        EVENT_HEADER: Event(event).value,
        DELIVERY_HEADER: str(delivery_id),
    }


def build(
    event: Event | str,
    data: Any,
    *,
    secret: str,
    delivery_id: uuid.UUID | None = None,
    occurred_at: datetime | None = None,
) -> WebhookRequest:
    """A new delivery of `event` with `data` (already JSON-ready, e.g. the object's API representation).

    `occurred_at` must be timezone-aware and is sent in UTC (``2026-12-01T01:00:00Z``); it defaults to now.
    """
    event = Event(event)
    delivery_id = delivery_id or uuid.uuid4()
    occurred_at = occurred_at or datetime.now(UTC)
    if occurred_at.tzinfo is None:
        raise ValueError("occurred_at must be timezone-aware")
    payload = {
        "event": event.value,
        "delivery_id": str(delivery_id),
        "occurred_at": occurred_at.astimezone(UTC).isoformat().replace("+00:00", "Z"),
        "data": data,
    }
    body = json.dumps(payload, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode("utf-8")
    return WebhookRequest(
        event=event,
        delivery_id=delivery_id,
        body=body,
        headers=signed_headers(body, event=event, delivery_id=delivery_id, secret=secret),
    )


def interpret(result: Response | URLRefused | DeliveryError) -> Outcome:
    """2xx is success; a redirect, any other status, a refused URL or no answer is a failure."""
    if isinstance(result, (URLRefused, DeliveryError)):
        return Outcome.from_error(result)
    if result.is_redirect:
        return Outcome.redirect(result)
    if 200 <= result.status < 300:
        return Outcome.success(result.status)
    return Outcome.unexpected_status(result)


def send(
    url: str,
    request: WebhookRequest,
    *,
    timeout: float,
    allow_private: bool,
    deadline: float | None = None,
    ca_certs: str | None = None,
) -> Outcome:
    """POST one delivery and interpret the answer; never raises for anything the network or the receiver does."""
    result = attempt(
        url,
        request.body,
        request.headers,
        timeout=timeout,
        allow_private=allow_private,
        deadline=deadline,
        ca_certs=ca_certs,
    )
    return interpret(result)


def retry_delay(
    attempt: int, *, base: timedelta = timedelta(minutes=1), cap: timedelta = timedelta(hours=6)
) -> timedelta:
    """How long to wait after the `attempt`-th failed attempt: base, 2 x base, 4 x base ..., never more than `cap`.

    Exponential so a receiver that is down for hours is not hammered; capped so it is still tried a few times a day.
    """
    if attempt < 1:
        raise ValueError("attempt counts failed attempts, from 1")
    # Capping the exponent keeps 2 ** n small for absurd attempt counts; the cap is reached long before.
    return min(base * 2 ** min(attempt - 1, 32), cap)
