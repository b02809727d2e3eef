from datetime import date
from typing import Any

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import formats
from django.utils.translation import gettext, gettext_noop
from django.utils.translation import gettext_lazy as _
from simple_history.models import HistoricalRecords

from rules.obligation_dates import is_overdue

# A renewal-window obligation's key names the end of the term it decides on: "term:2026-12-31".
TERM_KEY_PREFIX = "term:"


def term_end_from_key(key: str) -> date | None:
    """The term end that a renewal-window key names; None for any other key."""
    if not key.startswith(TERM_KEY_PREFIX):
        return None
    try:
        return date.fromisoformat(key[len(TERM_KEY_PREFIX) :])
    except ValueError:
        return None


class Obligation(models.Model):
    """A dated thing somebody must do or check, derived from a contract's terms and events or added by hand."""

    class Kind(models.TextChoices):
        RENEWAL_WINDOW = "renewal_window", _("Renewal window")
        PRICE_CHANGE_NOTICE = "price_change_notice", _("Price-change notice")
        DATA_HANDOVER = "data_handover", _("Data handover")
        TRIAL_REVIEW = "trial_review", _("Trial review")
        CERTIFICATE_EXPIRY = "certificate_expiry", _("Certificate expiry")
        SLA_EXIT_RIGHT = "sla_exit_right", _("SLA exit right")
        SLA_REPORT = "sla_report", _("Monthly SLA report")
        CUSTOM = "custom", _("Custom")

    class Status(models.TextChoices):
        OPEN = "open", _("Open")
        DONE = "done", _("Done")
        WAIVED = "waived", _("Waived")

    class Responsible(models.TextChoices):
        US = "us", _("Us")
        VENDOR = "vendor", _("Vendor (we verify)")

    class Source(models.TextChoices):
        DERIVED = "derived", _("Derived from the terms")
        MANUAL = "manual", _("Added by hand")

    class Recurrence(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        YEARLY = "yearly", _("Yearly")

    # No index of its own: the (contract, kind) and (contract, due date) indexes below lead with it. A third, narrower
    # one drew the planner away from the covering index of the obligations report (heap reads, 2.5x slower).
    contract = models.ForeignKey(
        "contracts.Contract",
        on_delete=models.CASCADE,
        related_name="obligations",
        verbose_name=_("contract"),
        db_index=False,
    )
    kind = models.CharField(_("kind"), max_length=24, choices=Kind.choices)
    key = models.CharField(
        _("derivation key"),
        max_length=64,
        blank=True,
        help_text=_("Identifies a derived obligation within its contract and kind, e.g. the term it belongs to."),
    )
    title = models.CharField(_("title"), max_length=200)
    description = models.TextField(_("description"), blank=True)
    due_date = models.DateField(_("due date"))
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    act_by = models.DateField(
        _("act by"),
        null=True,
        blank=True,
        help_text=_(
            "For what we must do, the last working day on or before the due date; the due date otherwise. "
            "Reminders count down to it."
        ),
    )
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.OPEN)
    responsible = models.CharField(_("responsible"), max_length=8, choices=Responsible.choices, default=Responsible.US)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="owned_obligations",
        verbose_name=_("owner"),
        help_text=_("Blank: the contract owner."),
    )
    watchers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="watched_obligations", verbose_name=_("watchers")
    )
    source = models.CharField(_("source"), max_length=8, choices=Source.choices, default=Source.DERIVED)
    due_date_edited = models.BooleanField(
        _("date set by hand"), default=False, help_text=_("Re-deriving keeps a date that a person set by hand.")
    )
    provisional = models.BooleanField(
        _("provisional date"),
        default=False,
        help_text=_("Counted in a year whose official holiday schedule is not yet known."),
    )
    price_change_notice = models.ForeignKey(
        "contracts.PriceChangeNotice",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="obligations",
        verbose_name=_("price-change notice"),
    )
    certification = models.ForeignKey(
        "vendors.Certification",
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="obligations",
        verbose_name=_("certification"),
    )
    reminder_offsets = models.JSONField(
        _("reminder offsets (days before due)"),
        null=True,
        blank=True,
        help_text=_("Blank: the default offsets for this kind."),
    )
    completed_at = models.DateTimeField(_("completed at"), null=True, blank=True)
    completed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("completed by"),
    )
    # Database defaults too, so that bulk loads written in SQL (imports, benchmarks) need not name these columns.
    completion_note = models.TextField(
        _("completion note"), blank=True, default="", db_default="", help_text=_("What was done, and how.")
    )
    evidence = models.ForeignKey(
        "contracts.Document",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="evidence_for",
        verbose_name=_("evidence"),
    )
    waive_reason = models.TextField(_("reason for waiving"), blank=True, default="", db_default="")
    recurrence = models.CharField(
        _("repeats"), max_length=10, choices=Recurrence.choices, blank=True, default="", db_default=""
    )
    recurs_until = models.DateField(_("repeats until"), null=True, blank=True)
    series = models.ForeignKey(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="occurrences",
        verbose_name=_("first of the series"),
        help_text=_("A repeating obligation's occurrences all point to the first one."),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"], m2m_fields=[watchers])

    # Set by the services before a save: who made the change and the code word of why (django-simple-history).
    _history_user: Any
    _change_reason: str

    class Meta:
        ordering = ["due_date", "id"]
        verbose_name = _("obligation")
        verbose_name_plural = _("obligations")
        indexes = [
            models.Index(fields=["status", "due_date"]),
            models.Index(fields=["contract", "kind"]),
            models.Index(fields=["owner", "status", "due_date"]),
            # The reminder sweep looks up open renewal windows that have opened (their start-of-window reminder).
            models.Index(
                fields=["starts_on"],
                condition=Q(status="open", kind="renewal_window"),
                name="obligation_open_window_starts",
            ),
            # The overseers' dashboard lists open obligations of one kind (renewal windows, price-change notices)
            # across every contract, soonest first.
            models.Index(
                fields=["kind", "due_date"],
                condition=Q(status="open"),
                name="obligation_open_kind_due",
            ),
            # The obligations report over the contracts a user may see: each visible contract's obligations in the
            # due-date window, read from the index alone (status, completion and owner are carried in it).
            models.Index(
                fields=["contract", "due_date"],
                include=["status", "completed_at", "owner"],
                name="obligation_report_by_contract",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["contract", "kind", "key"],
                condition=Q(source="derived"),
                name="obligation_derived_unique_key",
            ),
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True) | Q(starts_on__lte=models.F("due_date")),
                name="obligation_starts_before_due",
            ),
        ]

    def __str__(self):
        return f"{self.title} ({self.due_date})"

    def get_absolute_url(self):
        return reverse("obligations:detail", args=[self.pk])

    def is_overdue_on(self, today: date) -> bool:
        """Open past its due date on `today` (rules.obligation_dates.is_overdue)."""
        return is_overdue(is_open=self.status == self.Status.OPEN, due_date=self.due_date, today=today)

    @property
    def act_by_date(self) -> date:
        """The day to act by; the due date for a row stored before `act_by` was (or by code that does not set it)."""
        return self.act_by or self.due_date

    @classmethod
    def overdue_on(cls, today: date) -> Q:
        """The same rule as is_overdue_on, as a filter: open and due before `today`."""
        return Q(status=cls.Status.OPEN, due_date__lt=today)

    @property
    def display_title(self) -> str:
        """The title in the active language, rebuilt from the kind and key; hand-made obligations keep their own.

        Lists should `select_related("certification")`: a certificate's title names it.
        """
        if self.source == self.Source.MANUAL or self.kind == self.Kind.CUSTOM:
            return self.title
        if self.kind == self.Kind.RENEWAL_WINDOW and (term_end := term_end_from_key(self.key)):
            return gettext("Renewal decision for the term ending %(date)s") % {
                "date": formats.date_format(term_end, "DATE_FORMAT")
            }
        if self.kind == self.Kind.PRICE_CHANGE_NOTICE:
            return gettext("Respond to the vendor's price-change notice")
        if self.kind == self.Kind.DATA_HANDOVER:
            return gettext("Verify the vendor's data handover and deletion")
        if self.kind == self.Kind.TRIAL_REVIEW:
            return gettext("Review the trial period")
        if self.kind == self.Kind.CERTIFICATE_EXPIRY and self.certification_id:
            certification = self.certification
            name = f"{certification} {certification.number}".strip()
            return gettext("Vendor certificate expires: %(certificate)s") % {"certificate": name}
        if self.kind == self.Kind.SLA_EXIT_RIGHT and self.key.count(":") == 2:
            return gettext("SLA exit right: a critical target missed through %(month)s") % {
                "month": self.key.rsplit(":", 1)[1]
            }
        if self.kind == self.Kind.SLA_REPORT and self.key.startswith("sla_report:"):
            return gettext("Monthly SLA report for %(month)s") % {"month": self.key.split(":", 1)[1]}
        return self.title or str(self.get_kind_display())

    @property
    def own_description(self) -> str:
        """The text someone wrote for a hand-made obligation; empty for a derived one, whose text only restates the
        instruction of its kind."""
        if self.source == self.Source.MANUAL or self.kind == self.Kind.CUSTOM:
            return self.description
        return ""

    @property
    def display_description(self) -> str:
        """What to do, in the active language; hand-made obligations keep their own text."""
        if self.source == self.Source.MANUAL or self.kind == self.Kind.CUSTOM:
            return self.own_description
        texts = {
            self.Kind.RENEWAL_WINDOW: gettext_noop(
                "Review the contract and decide whether to renew it. "
                "Any non-renewal notice must reach the vendor by the due date."
            ),
            self.Kind.PRICE_CHANGE_NOTICE: gettext_noop(
                "Accept the new prices, object to them, or exit without liability before they apply."
            ),
            self.Kind.DATA_HANDOVER: gettext_noop(
                "The vendor must hand back our data and delete its copies within the agreed working days after "
                "the contract ended. Check that it did and keep the evidence."
            ),
            self.Kind.TRIAL_REVIEW: gettext_noop(
                "Decide whether the service passed its trial before the trial period ends."
            ),
            self.Kind.CERTIFICATE_EXPIRY: gettext_noop(
                "Ask the vendor for the renewed certificate and record its new expiry date."
            ),
            self.Kind.SLA_EXIT_RIGHT: gettext_noop(
                "A critical SLA target was missed in consecutive months. The contract may be terminated without "
                "liability if its clause allows it: decide by the due date whether to exit."
            ),
            self.Kind.SLA_REPORT: gettext_noop(
                "The vendor owes its service-level report for the month. Enter the month's results; that completes "
                "this obligation."
            ),
        }
        text = texts.get(self.kind)
        return gettext(text) if text else self.description


class WorkingDayOverride(models.Model):
    """An admin-entered correction to the working-day calendar, for official schedules newer than the library."""

    date = models.DateField(_("date"), unique=True)
    is_working_day = models.BooleanField(
        _("working day"), help_text=_("Checked: a working day (e.g. a make-up day). Unchecked: a day off.")
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        ordering = ["date"]
        verbose_name = _("working-day override")
        verbose_name_plural = _("working-day overrides")

    def __str__(self):
        return f"{self.date} {'+' if self.is_working_day else '-'}"


class Reminder(models.Model):
    """One e-mail about one obligation to one person for one offset; the unique key makes sending exactly-once."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Pending")
        SENDING = "sending", _("Sending")
        SENT = "sent", _("Sent")
        FAILED = "failed", _("Failed")

    obligation = models.ForeignKey(
        Obligation, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("obligation")
    )
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="reminders", verbose_name=_("recipient")
    )
    offset = models.IntegerField(
        _("offset"),
        help_text=_("Days before the due date (negative: the n-th daily escalation after it)."),
    )
    scheduled_for = models.DateTimeField(_("scheduled for"))
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    next_attempt_at = models.DateTimeField(_("next attempt at"), null=True, blank=True)
    claimed_at = models.DateTimeField(_("claimed at"), null=True, blank=True)
    sent_at = models.DateTimeField(_("sent at"), null=True, blank=True)
    message_id = models.CharField(_("message id"), max_length=255, blank=True)
    last_error = models.TextField(_("last error"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["-scheduled_for"]
        verbose_name = _("reminder")
        verbose_name_plural = _("reminders")
        constraints = [
            models.UniqueConstraint(
                fields=["obligation", "recipient", "offset"], name="reminder_once_per_obligation_recipient_offset"
            )
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.obligation_id} -> {self.recipient_id} @ {self.offset}"
