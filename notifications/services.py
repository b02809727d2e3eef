"""Saving chat channels and webhook endpoints (their URLs checked by the SSRF guard), and emitting webhook events."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from outbound.guard import Refusal, URLRefused, check_url
from outbound.webhooks import Event

from .models import ChatChannel, WebhookDelivery, WebhookEndpoint

REFUSALS = {
    Refusal.SYNTAX: _("This is not a URL that can be called."),
    Refusal.SCHEME: _("Only https URLs are allowed."),
    Refusal.USERINFO: _("The URL must not carry a user name or password."),
    Refusal.HOST: _("This is not a valid host name."),
    Refusal.NUMERIC_HOST: _("Write the IP address in its usual form, or better, use the host name."),
    Refusal.PORT: _("This is not a valid port."),
    Refusal.NOT_PUBLIC: _("The address is not a public internet address: private and local networks are refused."),
    Refusal.UNRESOLVABLE: _("The host name could not be found."),
}

MAX_CHANNELS_PER_USER = 5


def refusal_message(code: str) -> str:
    """The reader's-language sentence for an `outbound` refusal or failure code (the code itself when unknown)."""
    try:
        return str(REFUSALS[Refusal(code)])
    except ValueError:
        return code


def validate_outbound_url(url: str) -> None:
    """Refuse a URL clm must never call (ValidationError with the guard's code); it is checked again, resolved,
    every time something is sent to it."""
    try:
        check_url(url, allow_private=settings.WEBHOOK_ALLOW_PRIVATE)
    except URLRefused as refused:
        raise ValidationError(REFUSALS[refused.code], code=refused.code.value) from None


def _channel(kind: str, url: str, secret: str) -> ChatChannel:
    validate_outbound_url(url)
    if kind not in ChatChannel.Kind.values:
        raise ValidationError(_("Choose WeCom, DingTalk or Feishu."), code="kind")
    return ChatChannel(kind=kind, url=url, secret=secret or "")


def chat_channels_replace(*, user: Any, channels: Sequence[dict]) -> list[ChatChannel]:
    """A person's own chat channels become exactly `channels` (each {"kind", "url", "secret"})."""
    if len(channels) > MAX_CHANNELS_PER_USER:
        raise ValidationError(_("At most %(count)d chat channels.") % {"count": MAX_CHANNELS_PER_USER})
    new = [_channel(c["kind"], c["url"], c.get("secret", "")) for c in channels]
    with transaction.atomic():
        kept: list[ChatChannel] = []
        existing = {(c.kind, c.url, c.secret): c for c in ChatChannel.objects.select_for_update().filter(user=user)}
        for channel in new:
            same = existing.pop((channel.kind, channel.url, channel.secret), None)
            if same is not None:
                kept.append(same)  # unchanged: keeps its history of deliveries (and so sends nothing twice)
                continue
            channel.user = user
            channel.created_by = user
            channel.save()
            kept.append(channel)
        ChatChannel.objects.filter(pk__in=[c.pk for c in existing.values()]).delete()
    return kept


def chat_channel_add(*, user: Any, kind: str, url: str, secret: str = "") -> ChatChannel:
    """Add one robot to a person's own chat channels (the settings page)."""
    channel = _channel(kind, url, secret)
    with transaction.atomic():
        if ChatChannel.objects.select_for_update().filter(user=user).count() >= MAX_CHANNELS_PER_USER:
            raise ValidationError(_("At most %(count)d chat channels.") % {"count": MAX_CHANNELS_PER_USER})
        channel.user = user
        channel.created_by = user
        channel.save()
    return channel


def chat_channel_remove(*, user: Any, pk: int) -> None:
    """Remove one of a person's own chat channels (someone else's is not theirs to remove: nothing happens)."""
    ChatChannel.objects.filter(user=user, pk=pk).delete()


def contract_channel_set(
    *, contract: Any, by: Any, kind: str, url: str, secret: str = "", language: str = ""
) -> ChatChannel:
    """The contract's team channel (one per contract) becomes this robot; the caller checked `to="change"`."""
    channel = _channel(kind, url, secret)
    language = language or settings.LANGUAGE_CODE
    if language not in dict(settings.LANGUAGES):
        raise ValidationError(_("Choose a language clm speaks."), code="language")
    with transaction.atomic():
        current = ChatChannel.objects.select_for_update().filter(contract=contract).first()
        if current and (current.kind, current.url, current.secret) == (channel.kind, channel.url, channel.secret):
            if current.language != language:
                current.language = language
                current.save(update_fields=["language"])
            return current
        ChatChannel.objects.filter(contract=contract).delete()
        channel.contract = contract
        channel.language = language
        channel.created_by = by
        channel.save()
    return channel


def contract_channel_clear(*, contract: Any) -> None:
    ChatChannel.objects.filter(contract=contract).delete()


# --- Webhook events -----------------------------------------------------------------------------------------------


def webhook_endpoint_save(*, endpoint: WebhookEndpoint) -> WebhookEndpoint:
    validate_outbound_url(endpoint.url)
    unknown = set(endpoint.events) - {e.value for e in Event if e is not Event.PING}
    if unknown:
        raise ValidationError({"events": _("Unknown events: %(events)s") % {"events": ", ".join(sorted(unknown))}})
    endpoint.save()
    return endpoint


def webhook_emit(
    event: Event | str, key: str, *, object_type: str = "", object_id: int | None = None, notify: bool = True
) -> int:
    """Queue `event` for every active endpoint subscribed to it, once per (endpoint, `key`); returns how many.

    The body (with the object's API representation) is built by the delivery task at the first attempt and kept, so
    every retry sends the same bytes and the same delivery id. `notify` queues that task once the transaction
    commits (the task itself, emitting the day's obligation events, delivers right after instead).
    """
    event = Event(event)
    endpoints = [e for e in WebhookEndpoint.objects.filter(active=True) if event.value in e.events]
    rows = [
        WebhookDelivery(
            endpoint=endpoint,
            event=event.value,
            dedupe_key=f"{event.value}:{key}"[:120],
            object_type=object_type,
            object_id=object_id,
        )
        for endpoint in endpoints
    ]
    if rows:
        WebhookDelivery.objects.bulk_create(rows, ignore_conflicts=True)
        if notify:
            transaction.on_commit(_deliver_soon)
    return len(rows)


def _deliver_soon() -> None:
    from notifications.tasks import deliver_webhooks_task

    deliver_webhooks_task.delay()


def contract_event_on_commit(event: Event | str, contract: Any) -> None:
    """`contract.created`, `contract.signed` or `contract.terminated`, once the contract's transaction commits:
    an event is never sent for something that was rolled back. Called by the contract services."""
    pk = contract.pk
    transaction.on_commit(lambda: webhook_emit(event, str(pk), object_type="contract", object_id=pk))


def webhook_test_event(*, endpoints: Iterable[WebhookEndpoint]) -> int:
    """The admin's "send test event": a `ping` to each endpoint, sent right away by the delivery task."""
    from outbound import webhooks

    rows = []
    for endpoint in endpoints:
        request = webhooks.build(Event.PING, {"endpoint": endpoint.name}, secret=endpoint.secret)
        rows.append(
            WebhookDelivery(
                endpoint=endpoint,
                event=Event.PING.value,
                delivery_id=request.delivery_id,
                dedupe_key=f"ping:{request.delivery_id}",
                body=request.body.decode("utf-8"),
            )
        )
    WebhookDelivery.objects.bulk_create(rows)
    transaction.on_commit(_deliver_soon)
    return len(rows)
