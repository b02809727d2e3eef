"""What the review of a contract found (rules.review), kept per contract so pages and the register read it without
running the rules again, and the thresholds a manager set per contract category."""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from contracts.models import Contract
from rules import review as rules


class Severity(models.TextChoices):
    HIGH = rules.HIGH, _("High")
    MEDIUM = rules.MEDIUM, _("Medium")
    LOW = rules.LOW, _("Low")


class ReviewThresholds(models.Model):
    """The checklist's values for the contracts of one category; a category without a row uses the defaults."""

    category = models.CharField(_("contract category"), max_length=30, unique=True, choices=Contract.Category.choices)
    min_price_change_notice_days = models.PositiveSmallIntegerField(
        _("minimum price-change notice (days)"), default=90, validators=[MaxValueValidator(3650)]
    )
    min_non_renewal_notice_days = models.PositiveSmallIntegerField(
        _("minimum non-renewal notice (days)"), default=30, validators=[MaxValueValidator(3650)]
    )
    min_availability_pct = models.DecimalField(
        _("minimum availability (%)"),
        max_digits=6,
        decimal_places=3,
        default=Decimal("99.9"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    max_data_handover_business_days = models.PositiveSmallIntegerField(
        _("longest data handover (working days)"), default=7, validators=[MaxValueValidator(365)]
    )
    min_confidentiality_years = models.PositiveSmallIntegerField(
        _("minimum confidentiality after the end (years)"), default=1, validators=[MaxValueValidator(100)]
    )
    max_termination_notice_days = models.PositiveSmallIntegerField(
        _("longest termination notice (days)"), default=30, validators=[MaxValueValidator(3650)]
    )
    min_trial_period_months = models.PositiveSmallIntegerField(
        _("minimum trial period (months)"), default=1, validators=[MaxValueValidator(3)]
    )
    severities = models.JSONField(
        _("severities"),
        default=dict,
        blank=True,
        help_text=_('Only the rules whose severity differs from the default, e.g. {"handover_slow": "high"}.'),
    )

    history = HistoricalRecords()

    class Meta:
        ordering = ["category"]
        verbose_name = _("review thresholds")
        verbose_name_plural = _("review thresholds")

    def __str__(self):
        return self.category

    def clean(self):
        try:
            self.as_rules()
        except rules.InvalidThresholds as exc:
            errors: dict[str, list[Any]] = {}
            for name, code in exc.problems.items():
                field = "severities" if name.startswith("severities.") else name
                errors.setdefault(field, []).append(
                    _("Not a value the review accepts (%(code)s: %(name)s).")
                    % {
                        "code": code,
                        "name": name,
                    }
                )
            raise ValidationError(errors) from None
        except TypeError:
            raise ValidationError({"severities": [_("Give the severities as an object of rule names.")]}) from None

    def as_rules(self) -> rules.Thresholds:
        if not isinstance(self.severities, dict):
            raise TypeError("severities")
        return rules.Thresholds(
            min_price_change_notice_days=self.min_price_change_notice_days,
            min_non_renewal_notice_days=self.min_non_renewal_notice_days,
            min_availability_pct=Decimal(self.min_availability_pct),
            max_data_handover_business_days=self.max_data_handover_business_days,
            min_confidentiality_years=self.min_confidentiality_years,
            max_termination_notice_days=self.max_termination_notice_days,
            min_trial_period_months=self.min_trial_period_months,
            severities=dict(self.severities),
        )


class Finding(models.Model):
    """One rule the contract does not pass. The row exists while the rule finds something; an accepted finding
    keeps the fingerprint of what it was about and is open again when that changes."""

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        ACCEPTED = "accepted", _("Accepted")

    # No index of its own: the unique (contract, rule) below starts with the contract and serves every lookup by it.
    contract = models.ForeignKey(
        "contracts.Contract",
        on_delete=models.CASCADE,
        related_name="findings",
        verbose_name=_("contract"),
        db_index=False,
    )
    rule = models.CharField(_("rule"), max_length=60)
    severity = models.CharField(_("severity"), max_length=8, choices=Severity.choices)
    field = models.CharField(_("about"), max_length=60)
    params = models.JSONField(_("details"), default=dict, blank=True)
    suggested_template = models.CharField(_("suggested clause"), max_length=60, blank=True)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    # A digest of everything above: the bulk review compares it instead of reading each row's JSON.
    digest = models.CharField(_("digest"), max_length=40, blank=True)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.OPEN)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("accepted by"),
    )
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    accepted_reason = models.TextField(_("reason for accepting"), blank=True)
    accepted_fingerprint = models.CharField(_("fingerprint when accepted"), max_length=64, blank=True)

    history = HistoricalRecords()

    _history_user: Any
    _change_reason: str

    class Meta:
        ordering = ["contract", "id"]
        verbose_name = _("review finding")
        verbose_name_plural = _("review findings")
        constraints = [
            models.UniqueConstraint(fields=["contract", "rule"], name="finding_one_per_rule"),
            models.CheckConstraint(
                condition=Q(status="open") | ~Q(accepted_reason=""), name="finding_accepted_with_reason"
            ),
        ]

    def __str__(self):
        return f"{self.contract_id} {self.rule}"


class ContractReview(models.Model):
    """The counts of a contract's open findings by severity: what the register filters and counts on."""

    contract = models.OneToOneField(
        "contracts.Contract",
        primary_key=True,
        on_delete=models.CASCADE,
        related_name="review_summary",
        verbose_name=_("contract"),
    )
    open_high = models.PositiveIntegerField(_("open high findings"), default=0)
    open_medium = models.PositiveIntegerField(_("open medium findings"), default=0)
    open_low = models.PositiveIntegerField(_("open low findings"), default=0)
    reviewed_at = models.DateTimeField(_("reviewed at"), auto_now=True)

    class Meta:
        verbose_name = _("contract review")
        verbose_name_plural = _("contract reviews")
        indexes = [
            models.Index(fields=["contract"], condition=Q(open_high__gt=0), name="review_open_high"),
        ]

    def __str__(self):
        return f"{self.contract_id}: {self.open_high}/{self.open_medium}/{self.open_low}"
