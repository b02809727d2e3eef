"""Outgoing webhooks against a real HTTP server on 127.0.0.1: events from the services once committed, the
receiver verifies X-CLM-Signature, the same delivery id and body on every retry, the admin's log and test event."""

import json
from datetime import date, timedelta

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from clm.celery import app as celery_app
from contracts.lifecycle.actions import contract_sign
from contracts.models import Contract
from contracts.services.terms import contract_create
from notifications.events import emit_obligation_events
from notifications.models import DeliveryStatus, WebhookDelivery, WebhookEndpoint
from notifications.services import webhook_endpoint_save
from notifications.webhooks import deliver_webhooks
from outbound.webhooks import verify_signature
from tests.factories import ContractFactory, ObligationFactory, UserFactory, VendorFactory

pytestmark = pytest.mark.django_db

SECRET = "whsec-test"


@pytest.fixture(autouse=True)
def _loopback_and_eager(settings, monkeypatch):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    settings.OUTBOUND_TIMEOUT = 2.0
    # The task queued on commit runs right here, as a worker would run it.
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


def endpoint(receiver, events, **fields):
    return webhook_endpoint_save(
        endpoint=WebhookEndpoint(name="ERP", url=receiver.url("/clm-events"), secret=SECRET, events=events, **fields)
    )


def test_a_created_contract_reaches_the_receiver_signed_with_its_api_representation(
    receiver, django_capture_on_commit_callbacks
):
    # Given an endpoint subscribed to contract.created
    endpoint(receiver, ["contract.created", "contract.signed"])
    buyer = UserFactory(role="procurement_staff")

    # When a contract is created and the transaction commits
    with django_capture_on_commit_callbacks(execute=True):
        contract = contract_create(by=buyer, title="云服务器租用", vendor=VendorFactory())

    # Then the receiver got one POST whose signature verifies with the shared secret, naming the event and the id
    [request] = receiver.requests
    assert verify_signature(request.body, request.headers["x-clm-signature"], SECRET)
    assert not verify_signature(request.body, request.headers["x-clm-signature"], "another secret")
    body = json.loads(request.body)
    assert body["event"] == "contract.created"
    assert body["data"]["number"] == contract.number
    assert body["data"]["title"] == "云服务器租用"
    assert request.headers["x-clm-delivery"] == body["delivery_id"]
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.response_code, str(delivery.delivery_id)) == (
        DeliveryStatus.SENT,
        200,
        body["delivery_id"],
    )


def test_a_rolled_back_contract_is_never_announced(receiver, django_capture_on_commit_callbacks):
    endpoint(receiver, ["contract.created"])
    buyer = UserFactory(role="procurement_staff")
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        contract_create(by=buyer, title="X", vendor=VendorFactory())
    # The callbacks were only captured: nothing ran, as after a rollback
    assert callbacks
    assert receiver.requests == []
    assert not WebhookDelivery.objects.exists()


def test_a_500_is_retried_with_backoff_and_the_retry_carries_the_same_delivery_id_and_body(
    receiver, django_capture_on_commit_callbacks
):
    # Given an endpoint that fails once with HTTP 500
    endpoint(receiver, ["contract.signed"])
    contract = ContractFactory(
        status=Contract.Status.DRAFT, effective_date=date(2026, 1, 1), end_date=date(2026, 12, 31)
    )
    receiver.answer(status=500, body=b"down")

    # When the contract is signed
    with django_capture_on_commit_callbacks(execute=True):
        contract_sign(contract=contract, by=contract.owner, date=date(2026, 1, 1))

    # Then the failure is logged with its code and waits for its backoff
    delivery = WebhookDelivery.objects.get()
    assert (delivery.status, delivery.response_code, delivery.attempts) == (DeliveryStatus.PENDING, 500, 1)
    assert delivery.next_attempt_at > timezone.now()
    assert deliver_webhooks() == (0, 0)  # not before the backoff

    # When the backoff has passed, the retry succeeds with the very same bytes
    assert deliver_webhooks(now=timezone.now() + timedelta(hours=1)) == (1, 0)
    first, second = receiver.requests
    assert first.body == second.body
    assert first.headers["x-clm-delivery"] == second.headers["x-clm-delivery"]
    assert verify_signature(second.body, second.headers["x-clm-signature"], SECRET)
    assert json.loads(second.body)["event"] == "contract.signed"
    delivery.refresh_from_db()
    assert (delivery.status, delivery.response_code) == (DeliveryStatus.SENT, 200)


def test_obligation_due_and_overdue_are_sent_once_per_obligation(receiver):
    # Given an endpoint for obligation events, one obligation due today and one due yesterday
    endpoint(receiver, ["obligation.due", "obligation.overdue"])
    today = date(2026, 12, 8)
    due = ObligationFactory(due_date=today)
    late = ObligationFactory(due_date=today - timedelta(days=1))

    # When the webhook task runs twice that day
    for _ in range(2):
        emit_obligation_events(today)
        deliver_webhooks()

    # Then each event arrived once, with the obligation's API representation
    events = sorted((json.loads(r.body)["event"], json.loads(r.body)["data"]["id"]) for r in receiver.requests)
    assert events == [("obligation.due", due.pk), ("obligation.overdue", late.pk)]


def test_an_endpoint_on_a_private_address_is_refused(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    for url in ("https://10.1.2.3/hook", "https://127.0.0.1/hook", "https://169.254.169.254/", "http://example.com/"):
        with pytest.raises(ValidationError):
            webhook_endpoint_save(endpoint=WebhookEndpoint(name="x", url=url, secret="s", events=[]))
    assert not WebhookEndpoint.objects.exists()


def test_a_redirect_is_a_failure_and_is_not_followed(receiver):
    hook = endpoint(receiver, ["obligation.due"])
    receiver.answer(status=307, body=b"", headers={"Location": "http://127.0.0.1:1/internal"})
    ObligationFactory(due_date=date(2026, 12, 8))
    emit_obligation_events(date(2026, 12, 8))

    assert deliver_webhooks() == (0, 1)
    assert len(receiver.requests) == 1
    delivery = hook.deliveries.get()
    assert (delivery.status, delivery.response_code) == (DeliveryStatus.PENDING, 307)
    assert delivery.last_error.startswith("redirect")


def test_the_admin_sends_a_test_event_and_shows_it_in_the_delivery_log(
    receiver, admin_client, django_capture_on_commit_callbacks
):
    # Given an endpoint configured in the admin
    hook = endpoint(receiver, ["contract.created"])

    # When the admin runs "send test event" on it
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post(
            reverse("admin:notifications_webhookendpoint_changelist"),
            {"action": "send_test_event", "_selected_action": [hook.pk]},
        )

    # Then a signed ping reached the receiver, and the log lists it as sent with the answer's status
    assert response.status_code == 302
    [request] = receiver.requests
    assert json.loads(request.body)["event"] == "ping"
    assert verify_signature(request.body, request.headers["x-clm-signature"], SECRET)
    log = admin_client.get(reverse("admin:notifications_webhookdelivery_changelist"))
    assert log.status_code == 200
    assert "ping" in log.content.decode()
    assert WebhookDelivery.objects.get().response_code == 200
