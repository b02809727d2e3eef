from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _


# Reading a signed contract
def extraction_upload_to(instance, filename):
    return f"extractions/{instance.owner_id}/{instance.sha256[:2]}/{instance.sha256}/{filename}"


class Extraction(models.Model):
    """A contract file read by clm (section 14): the file, its text and what was found in it, for its uploader alone.

    `result` holds the proposal as the API shows it (fields with their source sentences and spans, clauses, fee
    items, SLA targets, the fields not found); `contract` is the draft created from it, once.
    """

    class Kind(models.TextChoices):
        DOCX = "docx", _("Word document")
        PDF = "pdf", _("PDF")
        TEXT = "text", _("Plain text")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="extractions", verbose_name=_("uploaded by")
    )
    file = models.FileField(_("file"), upload_to=extraction_upload_to, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    kind = models.CharField(_("kind"), max_length=8, choices=Kind.choices)
    encoding = models.CharField(_("encoding"), max_length=20, blank=True)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    text = models.TextField(_("text"))
    result = models.JSONField(_("proposal"), default=dict)
    contract = models.ForeignKey(
        "contracts.Contract",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contract created"),
    )
    created_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("contract file read")
        verbose_name_plural = _("contract files read")
        indexes = [models.Index(fields=["owner", "-created_at"], name="extraction_owner_newest")]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("extractions:review", args=[self.pk])
