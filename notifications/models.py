"""Chat channels and their deliveries; webhook endpoints and their delivery log."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from contracts.models import Contract
from obligations.models import Obligation


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SENDING = "sending", _("Sending")
    SENT = "sent", _("Sent")
    FAILED = "failed", _("Failed")


class ChatChannel(models.Model):
    """A group robot that reminders go to: a person's own (user set) or a contract's team channel (contract set)."""

    class Kind(models.TextChoices):
        WECOM = "wecom", _("WeCom (企业微信)")
        DINGTALK = "dingtalk", _("DingTalk (钉钉)")
        FEISHU = "feishu", _("Feishu / Lark (飞书)")

    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    url = models.URLField(_("robot URL"), max_length=1000)
    secret = models.CharField(
        _("signing secret"),
        max_length=200,
        blank=True,
        help_text=_("DingTalk and Feishu robots with signing turned on; WeCom robots have none."),
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="chat_channels",
        verbose_name=_("user"),
    )
    contract = models.ForeignKey(
        Contract,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="chat_channels",
        verbose_name=_("contract"),
    )
    language = models.CharField(
        _("language"),
        max_length=8,
        choices=settings.LANGUAGES,
        default=settings.LANGUAGE_CODE,
        help_text=_("The language of a team channel's messages; a person's own channel uses their language."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("set by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["pk"]
        verbose_name = _("chat channel")
        verbose_name_plural = _("chat channels")
        constraints = [
            models.CheckConstraint(
                condition=Q(user__isnull=False, contract__isnull=True) | Q(user__isnull=True, contract__isnull=False),
                name="chat_channel_of_a_user_or_a_contract",
            )
        ]

    def __str__(self):
        return f"{self.get_kind_display()} #{self.pk}"


class ChatDelivery(models.Model):
    """One reminder point of one obligation to one chat channel; the unique key makes it exactly-once."""

    obligation = models.ForeignKey(
        Obligation, on_delete=models.CASCADE, related_name="chat_deliveries", verbose_name=_("obligation")
    )
    channel = models.ForeignKey(
        ChatChannel, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("channel")
    )
    offset = models.IntegerField(_("offset"))
    status = models.CharField(_("status"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("chat delivery")
        verbose_name_plural = _("chat deliveries")
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "channel", "offset"], name="chat_delivery_once_per_obligation_channel_offset"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.obligation_id} -> {self.channel_id} @ {self.offset}"


class WebhookEndpoint(models.Model):
    """An integration's URL that receives the events it subscribed to, signed with its secret."""

    name = models.CharField(_("name"), max_length=100)
    url = models.URLField(_("URL"), max_length=1000)
    secret = models.CharField(_("secret"), max_length=200)
    events = models.JSONField(_("events"), default=list, blank=True)
    active = models.BooleanField(_("active"), default=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("webhook endpoint")
        verbose_name_plural = _("webhook endpoints")

    def __str__(self):
        return self.name


class WebhookDelivery(models.Model):
    """One event to one endpoint: the exact body sent on every attempt, and what the last attempt got."""

    endpoint = models.ForeignKey(
        WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries", verbose_name=_("endpoint")
    )
    event = models.CharField(_("event"), max_length=40)
    delivery_id = models.UUIDField(_("delivery id"), default=uuid.uuid4, unique=True, editable=False)
    dedupe_key = models.CharField(_("event key"), max_length=120)
    object_type = models.CharField(_("object type"), max_length=20, blank=True)
    object_id = models.PositiveBigIntegerField(_("object id"), null=True, blank=True)
    body = models.TextField(
        _("body"), blank=True, help_text=_("Built at the first attempt from the object's API representation.")
    )
    status = models.CharField(_("status"), max_length=8, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    response_code = models.PositiveSmallIntegerField(_("response code"), null=True, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("webhook delivery")
        verbose_name_plural = _("webhook deliveries")
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "dedupe_key"], name="webhook_delivery_once_per_event")
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.event} {self.delivery_id}"
