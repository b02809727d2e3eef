"""What a vendor achieved each month against a contract's SLA targets (section 12 of the product spec).

The evaluation (met, missed count, credit) is stored with the measurements so that the register, the scorecard and
the reports can count it in SQL; `sla.services` keeps it current with `rules.sla` whenever a value, a target or the
contract's credit cap changes.
"""

from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.validators import MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

PERIOD_VALIDATOR = RegexValidator(r"^\d{4}-(0[1-9]|1[0-2])$", _("Write the month as YYYY-MM, e.g. 2026-03."))


class SlaPeriod(models.Model):
    """One calendar month of one contract: the fee the vendor billed and the result of each target."""

    contract = models.ForeignKey(
        "contracts.Contract", on_delete=models.CASCADE, related_name="sla_periods", verbose_name=_("contract")
    )
    period = models.CharField(_("month"), max_length=7, validators=[PERIOD_VALIDATOR], help_text=_("YYYY-MM"))
    fee_amount = models.DecimalField(
        _("fee billed for the month"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    report = models.ForeignKey(
        "contracts.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("vendor's report"),
    )
    missed_count = models.PositiveSmallIntegerField(_("targets missed"), default=0)
    credit_pct = models.DecimalField(
        # xgettext:no-python-format
        _("service credit (% of the fee)"),
        max_digits=6,
        decimal_places=2,
        default=Decimal("0"),
    )
    credit_amount = models.DecimalField(_("service credit"), max_digits=14, decimal_places=2, null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    # Set by the services before a save: who made the change and the code word of why (django-simple-history).
    _history_user: Any
    _change_reason: str

    class Meta:
        ordering = ["contract", "period"]
        verbose_name = _("SLA month")
        verbose_name_plural = _("SLA months")
        constraints = [
            models.UniqueConstraint(fields=["contract", "period"], name="sla_period_once_per_contract_month"),
            models.CheckConstraint(
                condition=Q(fee_amount__isnull=True) | Q(fee_amount__gte=0), name="sla_period_fee_not_negative"
            ),
        ]

    def __str__(self):
        return f"{self.contract_id} {self.period}"


class SlaMeasurement(models.Model):
    """The value one target reached in one month, and whether that met the target."""

    sla_period = models.ForeignKey(
        SlaPeriod, on_delete=models.CASCADE, related_name="measurements", verbose_name=_("month")
    )
    target = models.ForeignKey(
        "contracts.SLATarget", on_delete=models.CASCADE, related_name="measurements", verbose_name=_("SLA target")
    )
    value = models.DecimalField(_("value"), max_digits=14, decimal_places=4)
    met = models.BooleanField(_("met"))

    history = HistoricalRecords()

    _history_user: Any
    _change_reason: str

    class Meta:
        ordering = ["sla_period", "target__order", "target_id"]
        verbose_name = _("SLA measurement")
        verbose_name_plural = _("SLA measurements")
        constraints = [
            models.UniqueConstraint(fields=["sla_period", "target"], name="sla_measurement_once_per_target_month"),
        ]
        indexes = [models.Index(fields=["target", "sla_period"])]

    def __str__(self):
        return f"{self.target_id}: {self.value}"
