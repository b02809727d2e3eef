"""Spreadsheet imports: the uploaded file, its dry run row by row, and what confirming it wrote."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


def import_upload_to(instance, filename):
    return f"imports/{instance.owner_id}/{filename}"


class ImportJob(models.Model):
    """One uploaded spreadsheet of contracts. Read (dry run) first; written only when its owner confirms."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Reading")
        READY = "ready", _("Dry run ready")
        IMPORTING = "importing", _("Importing")
        DONE = "done", _("Imported")
        FAILED = "failed", _("Failed")

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="import_jobs", verbose_name=_("owner")
    )
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    file = models.FileField(_("file"), upload_to=import_upload_to, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    status = models.CharField(_("status"), max_length=10, choices=Status.choices, default=Status.PENDING)
    # Confirmed at upload (the API's dry_run=false): the worker imports right after the dry run.
    confirm_requested = models.BooleanField(_("import without a separate confirmation"), default=False)
    total = models.PositiveIntegerField(_("rows"), default=0)
    processed = models.PositiveIntegerField(_("rows processed"), default=0)
    counts = models.JSONField(_("counts"), default=dict)
    written = models.JSONField(_("written"), default=dict)
    error = models.TextField(_("error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("spreadsheet import")
        verbose_name_plural = _("spreadsheet imports")

    def __str__(self):
        return f"import {self.pk} ({self.status})"

    def get_absolute_url(self):
        return reverse("imports:detail", args=[self.pk])

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.READY, self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status in (self.Status.READY, self.Status.DONE):
            return 100
        return min(100, self.processed * 100 // self.total) if self.total else 0

    @property
    def can_confirm(self) -> bool:
        return self.status == self.Status.READY and bool(self.counts.get("create", 0) or self.counts.get("update", 0))


class ImportRow(models.Model):
    """One row of the file as the dry run found it (and, after confirming, as it was written)."""

    class Action(models.TextChoices):
        CREATE = "create", _("Create")
        UPDATE = "update", _("Update")
        UNCHANGED = "unchanged", _("Unchanged")
        ERROR = "error", _("Error")

    job = models.ForeignKey(ImportJob, on_delete=models.CASCADE, related_name="rows", verbose_name=_("import"))
    sheet = models.PositiveSmallIntegerField(_("sheet"), default=1)
    row = models.PositiveIntegerField(_("row"))
    number = models.CharField(_("contract number"), max_length=200, blank=True)
    action = models.CharField(_("action"), max_length=10, choices=Action.choices)
    # {field: [old, new]} as shown to the person, old and new already written out as text.
    changes = models.JSONField(_("changes"), default=dict)
    # [{"field": NAME, "en": MESSAGE, "zh-hans": MESSAGE}]: shown in the reader's language.
    errors = models.JSONField(_("errors"), default=list)
    written = models.BooleanField(_("written"), default=False)
    contract = models.ForeignKey(
        "contracts.Contract",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("contract"),
    )

    class Meta:
        ordering = ["sheet", "row", "id"]
        verbose_name = _("imported row")
        verbose_name_plural = _("imported rows")
        indexes = [models.Index(fields=["job", "sheet", "row"])]

    def __str__(self):
        return f"{self.sheet}:{self.row} {self.action}"

    def error_messages(self, language: str | None = None) -> list[dict[str, str]]:
        """The errors as {"field", "message"} in `language` (the active one by default)."""
        language = "en" if (language or get_language() or "").startswith("en") else "zh-hans"
        return [{"field": e.get("field", ""), "message": e.get(language) or e.get("en", "")} for e in self.errors]


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
