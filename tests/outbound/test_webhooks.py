"""Outgoing webhooks: the signed body a receiver gets, its verification, retries and their backoff."""

import hashlib
import hmac
import json
import uuid
from datetime import UTC, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outbound.webhooks import (
    DELIVERY_HEADER,
    EVENT_HEADER,
    SIGNATURE_HEADER,
    Event,
    build,
    retry_delay,
    send,
    sign,
    verify_signature,
)

SECRET = "whsec-9f8e7d6c"
DATA = {"id": 42, "number": "HT-2026-001", "title": "云呼科技 呼叫中心系统 2026", "total_amount": "372000.00"}


def expected_signature(body: bytes, secret: str) -> str:
    return "sha256=" + hmac.new(secret.encode(), body, hashlib.sha256).hexdigest()


def test_the_body_carries_event_delivery_id_time_and_data():
    delivery_id = uuid.UUID("7d3f0c2e-8a41-4b7e-9c55-2f1d6e0a9b10")
    occurred = datetime(2026, 12, 1, 9, 0, tzinfo=timezone(timedelta(hours=8)))
    request = build(Event.CONTRACT_SIGNED, DATA, secret=SECRET, delivery_id=delivery_id, occurred_at=occurred)
    assert json.loads(request.body) == {
        "event": "contract.signed",
        "delivery_id": "7d3f0c2e-8a41-4b7e-9c55-2f1d6e0a9b10",
        "occurred_at": "2026-12-01T01:00:00Z",
        "data": DATA,
    }
    assert "云呼科技".encode() in request.body  # UTF-8, not \u escapes
    assert request.headers == {
        SIGNATURE_HEADER: expected_signature(request.body, SECRET),
        EVENT_HEADER: "contract.signed",
        DELIVERY_HEADER: "7d3f0c2e-8a41-4b7e-9c55-2f1d6e0a9b10",
    }


def test_a_new_delivery_gets_a_fresh_uuid_and_the_current_time():
    first = build("obligation.due", {}, secret=SECRET)
    second = build("obligation.due", {}, secret=SECRET)
    assert first.delivery_id != second.delivery_id
    assert first.delivery_id.version == 4
    sent_at = datetime.fromisoformat(json.loads(first.body)["occurred_at"])
    assert abs(sent_at - datetime.now(UTC)) < timedelta(minutes=1)


def test_a_receiver_gets_the_webhook_and_verifies_its_signature(receiver):
    # Given a delivery of a contract event to a real local receiver
    request = build(Event.CONTRACT_CREATED, DATA, secret=SECRET)
    outcome = send(receiver.url("/clm-hook"), request, timeout=5, allow_private=True)
    # Then it arrived once, signed over the exact bytes, with the event and delivery id in the headers
    assert outcome.ok and outcome.status == 200
    (received,) = receiver.requests
    assert received.headers["x-clm-signature"] == expected_signature(received.body, SECRET)
    assert verify_signature(received.body, received.headers["x-clm-signature"], SECRET)
    assert received.headers["x-clm-event"] == "contract.created" == received.json["event"]
    assert received.headers["x-clm-delivery"] == str(request.delivery_id) == received.json["delivery_id"]
    assert received.headers["content-type"] == "application/json; charset=utf-8"


def test_a_delivery_answered_500_is_retried_with_the_same_body_and_delivery_id(receiver):
    # Given a receiver that fails once, then accepts
    receiver.answer(status=500, body=b"database down")
    receiver.answer(status=202, body=b"")
    request = build(Event.OBLIGATION_OVERDUE, {"id": 7}, secret=SECRET)
    # When clm sends, and sends the same delivery again after the failure
    first = send(receiver.url(), request, timeout=5, allow_private=True)
    second = send(receiver.url(), request, timeout=5, allow_private=True)
    # Then the first is a failure with the status, the second a success, and the receiver can deduplicate
    assert not first.ok and first.code == "http_status" and first.status == 500
    assert "database down" in first.error
    assert second.ok and second.status == 202
    bodies = {r.body for r in receiver.requests}
    deliveries = {r.headers["x-clm-delivery"] for r in receiver.requests}
    assert len(receiver.requests) == 2 and len(bodies) == 1 and deliveries == {str(request.delivery_id)}


def test_a_webhook_redirect_is_a_failure_and_is_not_followed(receiver, second_receiver):
    receiver.answer(status=307, body=b"", headers={"Location": second_receiver.url()})
    outcome = send(receiver.url(), build(Event.PING, {}, secret=SECRET), timeout=5, allow_private=True)
    assert not outcome.ok and outcome.code == "redirect"
    assert second_receiver.requests == []


def test_a_webhook_to_a_private_address_is_refused_without_sending(receiver):
    url = receiver.url().replace("http:", "https:")
    outcome = send(url, build(Event.PING, {}, secret=SECRET), timeout=2, allow_private=False)
    assert not outcome.ok and outcome.code == "not_public"
    assert receiver.requests == []


def test_a_webhook_receiver_that_never_answers_is_a_timeout(receiver):
    receiver.answer(hang=True)
    outcome = send(receiver.url(), build(Event.PING, {}, secret=SECRET), timeout=0.5, allow_private=True)
    assert not outcome.ok and outcome.code == "timeout"


# --- Verification, for receivers and tests ---------------------------------------------------------------------


def test_the_signature_verifies_only_the_exact_body_under_the_right_secret():
    body = build(Event.SLA_EXIT_RIGHT, {"id": 3}, secret=SECRET).body
    header = sign(body, SECRET)
    assert verify_signature(body, header, SECRET)
    assert not verify_signature(body, header, "another-secret")
    assert not verify_signature(body + b" ", header, SECRET)
    assert not verify_signature(json.dumps(json.loads(body)).encode(), header, SECRET)  # re-serialised
    assert not verify_signature(body, header.replace("sha256=", "sha1="), SECRET)
    assert not verify_signature(body, header.upper(), SECRET)


@pytest.mark.parametrize("header", [None, "", "sha256=", "garbage", "sha256=zz", "sha256=é"])
def test_a_missing_or_malformed_signature_does_not_verify(header):
    assert verify_signature(b"{}", header, SECRET) is False


def test_an_endpoint_without_a_secret_cannot_sign():
    with pytest.raises(ValueError):
        build(Event.PING, {}, secret="")
    assert verify_signature(b"{}", sign(b"{}", SECRET), "") is False


@pytest.mark.parametrize(
    ("kwargs", "error"),
    [
        ({"event": "contract.deleted", "data": {}}, ValueError),
        ({"event": Event.PING, "data": {}, "occurred_at": datetime(2026, 12, 1, 9, 0)}, ValueError),
        ({"event": Event.PING, "data": {"x": float("nan")}}, ValueError),
        ({"event": Event.PING, "data": {"when": datetime(2026, 1, 1)}}, TypeError),
    ],
)
def test_a_body_that_is_not_a_valid_delivery_is_refused(kwargs, error):
    with pytest.raises(error):
        build(secret=SECRET, **kwargs)


# --- Backoff ------------------------------------------------------------------------------------------------------


def test_retries_back_off_exponentially_up_to_the_cap():
    assert [retry_delay(n) for n in (1, 2, 3, 4)] == [timedelta(minutes=m) for m in (1, 2, 4, 8)]
    assert retry_delay(10) == timedelta(hours=6)
    assert retry_delay(10_000) == timedelta(hours=6)
    assert retry_delay(3, base=timedelta(seconds=10), cap=timedelta(seconds=30)) == timedelta(seconds=30)


def test_attempts_are_counted_from_one():
    with pytest.raises(ValueError):
        retry_delay(0)


@given(st.integers(min_value=1, max_value=10_000))
def test_the_delay_never_shrinks_and_never_passes_the_cap(attempt):
    assert timedelta(minutes=1) <= retry_delay(attempt) <= retry_delay(attempt + 1) <= timedelta(hours=6)
