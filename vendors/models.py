from typing import Any

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy
from simple_history.models import HistoricalRecords

from rules.credit_code import normalize_credit_code

from .validators import validate_credit_code


class Vendor(models.Model):
    """The counterparty (乙方) of our contracts."""

    class Status(models.TextChoices):
        ACTIVE = "active", pgettext_lazy("vendor status", "Active")
        INACTIVE = "inactive", pgettext_lazy("vendor status", "Inactive")
        BLOCKED = "blocked", pgettext_lazy("vendor status", "Blocked")

    name = models.CharField(_("legal name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=80, blank=True)
    credit_code = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_credit_code]
    )
    legal_representative = models.CharField(_("legal representative"), max_length=100, blank=True)
    registered_address = models.CharField(_("registered address"), max_length=300, blank=True)
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.ACTIVE)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    website = models.URLField(_("website"), blank=True)
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords()

    # Set by the services before a save: who made the change and the code word of why (django-simple-history).
    _history_user: Any
    _change_reason: str

    class Meta:
        ordering = ["name"]
        verbose_name = _("vendor")
        verbose_name_plural = _("vendors")

    def __str__(self):
        return self.name

    def save(self, *args, **kwargs):
        self.credit_code = normalize_credit_code(self.credit_code)
        super().save(*args, **kwargs)

    def get_absolute_url(self):
        return reverse("vendors:detail", args=[self.pk])


class VendorContact(models.Model):
    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="contacts", verbose_name=_("vendor"))
    name = models.CharField(_("name"), max_length=100)
    role = models.CharField(_("role"), max_length=100, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    phone = models.CharField(_("phone"), max_length=50, blank=True)
    is_primary = models.BooleanField(_("primary contact"), default=False)

    history = HistoricalRecords()

    # Set by the services before a save: who made the change and the code word of why (django-simple-history).
    _history_user: Any
    _change_reason: str

    class Meta:
        ordering = ["-is_primary", "name"]
        verbose_name = _("vendor contact")
        verbose_name_plural = _("vendor contacts")

    def __str__(self):
        return self.name


class Certification(models.Model):
    """A vendor qualification such as ISO 27001 or a value-added telecom licence; its expiry is an obligation."""

    class Kind(models.TextChoices):
        ISO27001 = "iso27001", _("ISO/IEC 27001 information security")
        ISO9001 = "iso9001", _("ISO 9001 quality management")
        VATS_LICENCE = "vats_licence", _("Value-added telecom business licence")
        MLPS = "mlps", _("MLPS (classified protection) filing")
        PCI_DSS = "pci_dss", _("PCI DSS")
        OTHER = "other", _("Other")

    vendor = models.ForeignKey(
        Vendor, on_delete=models.CASCADE, related_name="certifications", verbose_name=_("vendor")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices)
    name = models.CharField(_("name"), max_length=200, blank=True, help_text=_("Shown instead of the kind if set."))
    number = models.CharField(_("certificate number"), max_length=100, blank=True)
    issued_on = models.DateField(_("issued on"), null=True, blank=True)
    expires_on = models.DateField(_("expires on"), null=True, blank=True)

    history = HistoricalRecords()

    # Set by the services before a save: who made the change and the code word of why (django-simple-history).
    _history_user: Any
    _change_reason: str

    class Meta:
        ordering = ["expires_on", "kind"]
        verbose_name = _("certification")
        verbose_name_plural = _("certifications")
        constraints = [
            models.CheckConstraint(
                condition=models.Q(expires_on__isnull=True)
                | models.Q(issued_on__isnull=True)
                | models.Q(expires_on__gte=models.F("issued_on")),
                name="certification_expires_after_issue",
            )
        ]

    def __str__(self):
        return self.name or self.get_kind_display()

    def clean(self):
        from django.core.exceptions import ValidationError

        if self.issued_on and self.expires_on and self.expires_on < self.issued_on:
            raise ValidationError({"expires_on": _("A certificate cannot expire before it was issued.")})
