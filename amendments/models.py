"""Amendments (补充协议): the one way a signed contract's agreed terms, SLA and fee rows and clauses change."""

from typing import Any

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from contracts.models import Contract


class Amendment(models.Model):
    """One amendment of one contract: what changes, from when, and where it stands.

    `changes` holds the changed section-3 terms as JSON values ({"price_change_notice_days": 60, "end_date":
    "2027-12-31"}) and, when the rows change, "sla_targets" and "fee_items" as the complete new lists. `clauses` holds
    the changed or added clauses ([{"id": 7, "title", "text"}] or [{"category": "sla", "title", "text"}]).
    `old_values` is what those fields, rows and clauses said just before the amendment was applied, so the amendment's
    PDF and the history can show old -> new for as long as the record is kept. Rejected and withdrawn amendments stay,
    and so does one that failed on its day (`failure_reason` says why).
    """

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        APPROVED = "approved", _("Approved")
        IN_FORCE = "in_force", _("In force")
        REJECTED = "rejected", _("Rejected")
        WITHDRAWN = "withdrawn", _("Withdrawn")
        # Approved, but on its day its changes no longer fitted the contract: not retried, the reason is kept.
        FAILED = "failed", _("Could not be applied")

    OPEN_STATUSES = frozenset({Status.DRAFT, Status.APPROVED})

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="amendments", verbose_name=_("contract")
    )
    sequence = models.PositiveIntegerField(_("sequence"))
    number = models.CharField(_("amendment number"), max_length=60, unique=True)
    title = models.CharField(_("title"), max_length=200)
    effective_on = models.DateField(_("effective on"))
    changes = models.JSONField(_("changed terms"), default=dict, blank=True)
    clauses = models.JSONField(_("changed clauses"), default=list, blank=True)
    old_values = models.JSONField(_("values before"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    decision_reason = models.TextField(_("reason"), blank=True)
    failure_reason = models.TextField(_("why it could not be applied"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    approved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("approved by"),
    )
    approved_at = models.DateTimeField(_("approved at"), null=True, blank=True)
    applied_at = models.DateTimeField(_("applied at"), null=True, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    _history_user: Any
    _change_reason: str

    class Meta:
        ordering = ["contract", "sequence"]
        verbose_name = _("amendment")
        verbose_name_plural = _("amendments")
        constraints = [
            models.UniqueConstraint(fields=["contract", "sequence"], name="amendment_sequence_per_contract"),
        ]
        indexes = [
            # The daily roll reads the approved amendments that are due.
            models.Index(fields=["status", "effective_on"], name="amendment_due"),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("amendments:detail", args=[self.pk])

    @property
    def status_label(self) -> str:
        return str(self.Status(self.status).label)

    @property
    def clause_only(self) -> bool:
        """Changes clauses and nothing else: legal may approve it."""
        return bool(self.clauses) and not self.changes
