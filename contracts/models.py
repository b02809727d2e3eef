from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _
from guardian.models import GroupObjectPermissionBase, UserObjectPermissionBase
from simple_history.models import HistoricalRecords

from core.formatting import amount
from rules import sla as sla_rules
from rules.pricing import PriceChangeIssue
from rules.terms import EndDates, Term, current_term, end_dates


class ClauseCategory(models.TextChoices):
    SCOPE = "scope", _("Service scope")
    SLA = "sla", _("Service levels")
    STAFFING = "staffing", _("Staffing")
    DATA_SECURITY = "data_security", _("Data security and confidentiality")
    FEES = "fees", _("Fees and payment")
    PRICE_ADJUSTMENT = "price_adjustment", _("Price adjustment")
    TERM_RENEWAL = "term_renewal", _("Term and renewal")
    TERMINATION = "termination", _("Termination")
    DATA_HANDOVER = "data_handover", _("Data handover")
    LIABILITY = "liability", _("Liability for breach")
    DISPUTE = "dispute", _("Dispute resolution")
    COMPLIANCE = "compliance", _("Compliance")
    FORCE_MAJEURE = "force_majeure", _("Force majeure")
    OTHER = "other", _("Other")


class Contract(models.Model):
    """One agreement with one vendor: structured terms, clauses, documents and the obligations derived from them."""

    class Category(models.TextChoices):
        CALL_CENTER_SOFTWARE = "call_center_software", _("Call-center software")
        CS_OUTSOURCING = "cs_outsourcing", _("Customer-service outsourcing")
        CHAT_OUTSOURCING = "chat_outsourcing", _("Online chat outsourcing")
        OTHER = "other", _("Other")

    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        NEGOTIATING = "negotiating", _("Negotiating")
        SIGNED = "signed", _("Signed")
        ACTIVE = "active", _("Active")
        EXPIRED = "expired", _("Expired")
        TERMINATED = "terminated", _("Terminated")

    # Signed or in force: the contracts that run, have a term to renew and can still expire. A draft or a contract in
    # negotiation has not been signed yet; an expired or terminated one has ended.
    RUNNING_STATUSES = frozenset({Status.SIGNED, Status.ACTIVE})
    # Running or about to: from negotiation on, the vendor's certificates and a trial period are worth watching.
    UNDER_WAY_STATUSES = RUNNING_STATUSES | {Status.NEGOTIATING}
    ENDED_STATUSES = frozenset({Status.EXPIRED, Status.TERMINATED})
    # Once signed, what the parties agreed (the terms, SLA and fee rows, agreed clauses) changes only by amendment.
    TERMS_LOCKED_STATUSES = RUNNING_STATUSES | ENDED_STATUSES

    class FeeModel(models.TextChoices):
        PER_SEAT = "per_seat", _("Per seat")
        PER_MINUTE = "per_minute", _("Per minute")
        FIXED_MONTHLY = "fixed_monthly", _("Fixed monthly")
        PER_TICKET = "per_ticket", _("Per ticket or order")
        MIXED = "mixed", _("Mixed")

    class PaymentCycle(models.TextChoices):
        MONTHLY = "monthly", _("Monthly")
        QUARTERLY = "quarterly", _("Quarterly")
        SEMIANNUAL = "semiannual", _("Every six months")
        ANNUAL = "annual", _("Annually")
        ONE_OFF = "one_off", _("One-off")

    number = models.CharField(_("contract number"), max_length=40, unique=True)
    title = models.CharField(_("title"), max_length=200)
    vendor = models.ForeignKey(
        "vendors.Vendor", on_delete=models.PROTECT, related_name="contracts", verbose_name=_("vendor")
    )
    category = models.CharField(_("category"), max_length=30, choices=Category.choices, default=Category.OTHER)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_contracts",
        verbose_name=_("owner"),
    )
    status = models.CharField(_("status"), max_length=16, choices=Status.choices, default=Status.DRAFT)

    effective_date = models.DateField(_("effective date"), null=True, blank=True)
    end_date = models.DateField(
        _("end date"), null=True, blank=True, help_text=_("Blank: effective date + initial term, minus one day.")
    )
    initial_term_months = models.PositiveSmallIntegerField(
        _("initial term (months)"), default=12, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    auto_renew = models.BooleanField(_("renews automatically"), default=False)
    renewal_term_months = models.PositiveSmallIntegerField(
        _("renewal term (months)"), default=12, validators=[MinValueValidator(1), MaxValueValidator(600)]
    )
    non_renewal_notice_days = models.PositiveSmallIntegerField(
        _("non-renewal notice (days)"), default=30, validators=[MaxValueValidator(3650)]
    )
    renewal_review_lead_days = models.PositiveSmallIntegerField(
        _("renewal review lead time (days)"), default=90, validators=[MaxValueValidator(3650)]
    )
    notice_given_on = models.DateField(_("non-renewal notice given on"), null=True, blank=True)
    termination_notice_days = models.PositiveSmallIntegerField(
        _("termination notice (days)"), default=30, validators=[MaxValueValidator(3650)]
    )
    trial_period_months = models.PositiveSmallIntegerField(
        _("trial period (months)"), default=0, validators=[MaxValueValidator(3)]
    )

    price_change_notice_days = models.PositiveSmallIntegerField(
        _("price-change notice (days)"), default=90, validators=[MaxValueValidator(3650)]
    )
    price_increase_cap_pct = models.DecimalField(
        _("price increase cap (%)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    fee_model = models.CharField(_("fee model"), max_length=20, choices=FeeModel.choices, default=FeeModel.PER_SEAT)
    currency = models.CharField(_("currency"), max_length=3, default="CNY")
    contract_value = models.DecimalField(
        _("contract value"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0"))],
    )
    payment_cycle = models.CharField(
        _("payment cycle"), max_length=16, choices=PaymentCycle.choices, default=PaymentCycle.MONTHLY
    )

    data_handover_business_days = models.PositiveSmallIntegerField(
        _("data handover (working days)"), default=7, validators=[MaxValueValidator(365)]
    )
    data_storage_location = models.CharField(_("data storage location"), max_length=200, blank=True)
    confidentiality_years_after_end = models.PositiveSmallIntegerField(
        _("confidentiality after end (years)"), default=3, validators=[MaxValueValidator(100)]
    )

    # Service levels: the most credit one month can earn, and the buyer's right to leave after repeated misses.
    sla_credit_cap_pct = models.DecimalField(
        # xgettext:no-python-format
        _("service credit cap (% of the monthly fee)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        default=Decimal("15"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Blank: no cap."),
    )
    sla_exit_consecutive_misses = models.PositiveSmallIntegerField(
        _("exit right after consecutive misses"),
        null=True,
        blank=True,
        default=3,
        validators=[MinValueValidator(1), MaxValueValidator(24)],
        help_text=_("Months in a row a critical target may be missed before we may terminate. Blank: no exit right."),
    )
    sla_exit_decision_days = models.PositiveSmallIntegerField(
        _("exit right decision period (days)"), default=30, validators=[MaxValueValidator(365)]
    )

    signed_on = models.DateField(_("signed on"), null=True, blank=True)
    activated_on = models.DateField(_("activated on"), null=True, blank=True)
    terminated_on = models.DateField(_("terminated on"), null=True, blank=True)
    termination_reason = models.TextField(_("termination reason"), blank=True)
    termination_for_cause = models.BooleanField(
        _("terminated for cause"),
        default=False,
        db_default=False,
        help_text=_("A breach or an exercised SLA exit right: the termination notice period did not apply."),
    )
    scheduled_activation_on = models.DateField(
        _("comes into force on"),
        null=True,
        blank=True,
        help_text=_("Activated with a future date: the contract stays signed and the daily roll activates it then."),
    )
    scheduled_termination_on = models.DateField(
        _("terminates on"),
        null=True,
        blank=True,
        help_text=_("Terminated with a future date: the contract runs until then and the daily roll terminates it."),
    )
    expired_on = models.DateField(_("expired on"), null=True, blank=True)
    predecessor = models.OneToOneField(
        "self",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="successor",
        verbose_name=_("predecessor"),
    )
    notes = models.TextField(_("notes"), blank=True)

    version = models.PositiveIntegerField(_("version"), default=1)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("created by"),
    )
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    # Set by the services before a save: who made the change and the code word of why (django-simple-history).
    _history_user: Any
    _change_reason: str

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        indexes = [
            models.Index(fields=["status", "end_date"]),
            models.Index(fields=["owner", "status"]),
            models.Index(fields=["vendor", "status"]),
            # Lists are newest first: with this index a page is read in order and the scan stops after one page.
            models.Index(fields=["-created_at", "-id"], name="contract_newest_first"),
        ]
        constraints = [
            models.CheckConstraint(
                condition=Q(end_date__isnull=True)
                | Q(effective_date__isnull=True)
                | Q(end_date__gte=models.F("effective_date")),
                name="contract_end_not_before_start",
            ),
            models.CheckConstraint(condition=Q(trial_period_months__lte=3), name="contract_trial_at_most_three_months"),
            models.CheckConstraint(
                condition=Q(price_increase_cap_pct__isnull=True)
                | (Q(price_increase_cap_pct__gte=0) & Q(price_increase_cap_pct__lte=100)),
                name="contract_cap_is_a_percentage",
            ),
        ]

    def __str__(self):
        return f"{self.number} {self.title}"

    def get_absolute_url(self):
        return reverse("contracts:detail", args=[self.pk])

    # get_FOO_display rebuilds a dict of every choice on each call, and hashing a lazy label translates it: the
    # register's 25 rows paid for some 300 translations. These look the one label up.
    @property
    def status_label(self) -> str:
        return str(self.Status(self.status).label)

    @property
    def category_label(self) -> str:
        return str(self.Category(self.category).label)

    def current_term(self, today: date) -> Term | None:
        """The term that contains `today` under these terms (rules.terms.current_term); None without an end."""
        return current_term(
            effective_date=self.effective_date,
            end_date=self.end_date,
            auto_renew=self.auto_renew,
            renewal_term_months=self.renewal_term_months,
            notice_given_on=self.notice_given_on,
            today=today,
        )

    def renewal_term_on(self, today: date) -> Term | None:
        """The renewal term a signed or active contract is in on `today`, or None while it is in its initial term.

        The stored end date is the initial term's; an auto-renewing contract that has rolled over ends with its
        current term unless it renews again, and that is the date a buyer needs to see.
        """
        if self.status not in self.RUNNING_STATUSES or not today:
            return None
        term = self.current_term(today)
        return term if term is not None and term.index > 0 else None

    def end_dates(self, today: date) -> EndDates:
        """The real end on `today` (rules.terms.end_dates): the day it ended, or the current term's end."""
        ended_on = {self.Status.TERMINATED: self.terminated_on, self.Status.EXPIRED: self.expired_on}.get(
            self.Status(self.status)
        )
        return end_dates(
            running=self.status in self.RUNNING_STATUSES,
            ended=self.status in self.ENDED_STATUSES,
            ended_on=ended_on,
            effective_date=self.effective_date,
            end_date=self.end_date,
            auto_renew=self.auto_renew,
            renewal_term_months=self.renewal_term_months,
            notice_given_on=self.notice_given_on,
            today=today,
        )

    @property
    def notice_given(self) -> bool:
        return self.notice_given_on is not None

    @property
    def terms_locked(self) -> bool:
        """Signed or later: the agreed terms change only through an amendment."""
        return self.status in self.TERMS_LOCKED_STATUSES


class ContractNumberCounter(models.Model):
    """The last contract number handed out in a year (CLM-YYYY-NNNN).

    Drawing a number locks the year's row until the contract is saved and committed, so contracts created at the
    same moment never draw the same number. The row is created, from the highest number already used in the year,
    the first time a number of that year is drawn.
    """

    year = models.PositiveSmallIntegerField(_("year"), primary_key=True)
    last = models.PositiveIntegerField(_("last number"), default=0)

    class Meta:
        verbose_name = _("contract number counter")
        verbose_name_plural = _("contract number counters")

    def __str__(self):
        return f"CLM-{self.year:04d}-{self.last:04d}"


class SLATarget(models.Model):
    class Kind(models.TextChoices):
        AVAILABILITY = "availability", _("Availability")
        ANSWER_RATE = "answer_rate", _("Answer rate")
        ASA = "asa", _("Average speed of answer")
        AHT = "aht", _("Average handling time")
        ABANDONMENT = "abandonment", _("Abandonment rate")
        FCR = "fcr", _("First-contact resolution")
        QA_SCORE = "qa_score", _("Quality score")
        CSAT = "csat", _("Customer satisfaction")
        COMPLAINT_RATE = "complaint_rate", _("Complaint rate")
        RESPONSE_TIME = "response_time", _("Response time")
        FIX_TIME = "fix_time", _("Fix time")
        STAFF_TURNOVER = "staff_turnover", _("Staff turnover")
        BACKUP_POOL = "backup_pool", _("Backup staff pool")
        OTHER = "other", _("Other")

    class Comparator(models.TextChoices):
        GTE = ">=", "≥"
        LTE = "<=", "≤"
        GT = ">", ">"
        LT = "<", "<"
        EQ = "=", "="

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="sla_targets", verbose_name=_("contract")
    )
    metric = models.CharField(_("metric"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=Kind.choices, default=Kind.OTHER)
    comparator = models.CharField(_("comparator"), max_length=2, choices=Comparator.choices, default=Comparator.GTE)
    target = models.DecimalField(_("target"), max_digits=12, decimal_places=3)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    period = models.CharField(_("measured over"), max_length=30, blank=True)
    credit_pct = models.DecimalField(
        # xgettext:no-python-format
        _("service credit (% of the monthly fee)"),
        max_digits=5,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
        help_text=_("Earned when the target is missed. Blank: none."),
    )
    critical = models.BooleanField(
        _("critical"), default=False, help_text=_("Repeated misses of a critical target give the right to exit.")
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    # Set by the services before a save: who made the change and the code word of why (django-simple-history).
    _history_user: Any
    _change_reason: str

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("SLA target")
        verbose_name_plural = _("SLA targets")

    def __str__(self):
        return f"{self.metric} {self.comparator} {self.target}{self.unit}"

    def clean(self):
        """The comparator must fit what the kind measures, and a percentage target lies between 0 and 100
        (rules.sla): "availability <= 99.9%" would reward downtime."""
        errors = {}
        if self.kind in sla_rules.KINDS and self.comparator in sla_rules.COMPARATORS:
            if sla_rules.comparator_problem(self.kind, self.comparator):
                floor = self.kind in sla_rules.HIGHER_IS_BETTER
                errors["comparator"] = (
                    gettext("A target of this kind is a minimum to reach: use ≥ or >.")
                    if floor
                    else gettext("A target of this kind is a maximum not to exceed: use ≤ or <.")
                )
            if (
                isinstance(self.target, Decimal)
                and self.target.is_finite()
                and sla_rules.value_problem(self.kind, self.target) == sla_rules.OUT_OF_RANGE
            ):
                errors["target"] = (
                    gettext("A target of this kind is a percentage between 0 and 100.")
                    if self.kind in sla_rules.PERCENT_KINDS
                    else gettext("A target of this kind cannot be negative.")
                )
        if errors:
            raise ValidationError(errors)


class FeeItem(models.Model):
    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="fee_items", verbose_name=_("contract")
    )
    kind = models.CharField(_("item"), max_length=100)
    unit_price = models.DecimalField(
        _("unit price"), max_digits=12, decimal_places=4, validators=[MinValueValidator(Decimal("0"))]
    )
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    quantity = models.DecimalField(
        _("quantity"), max_digits=12, decimal_places=2, default=1, validators=[MinValueValidator(Decimal("0"))]
    )
    note = models.CharField(_("note"), max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    history = HistoricalRecords()

    # Set by the services before a save: who made the change and the code word of why (django-simple-history).
    _history_user: Any
    _change_reason: str

    class Meta:
        ordering = ["order", "id"]
        verbose_name = _("fee item")
        verbose_name_plural = _("fee items")
        constraints = [
            models.CheckConstraint(condition=Q(unit_price__gte=0), name="fee_item_price_not_negative"),
            models.CheckConstraint(condition=Q(quantity__gte=0), name="fee_item_quantity_not_negative"),
        ]

    def __str__(self):
        return self.kind

    @property
    def amount(self) -> Decimal:
        return self.unit_price * self.quantity


def document_upload_to(instance, filename):
    return f"documents/{instance.contract_id}/{instance.sha256[:2]}/{instance.sha256}/{filename}"


class Document(models.Model):
    class Kind(models.TextChoices):
        SIGNED_SCAN = "signed_scan", _("Signed scan")
        ANNEX = "annex", _("Annex")
        AMENDMENT = "amendment", _("Amendment")
        EVIDENCE = "evidence", _("Evidence of an obligation done")
        OTHER = "other", _("Other")

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="documents", verbose_name=_("contract")
    )
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.ANNEX)
    file = models.FileField(_("file"), upload_to=document_upload_to, max_length=300)
    original_name = models.CharField(_("file name"), max_length=200)
    content_type = models.CharField(_("content type"), max_length=100)
    size = models.PositiveBigIntegerField(_("size (bytes)"))
    sha256 = models.CharField(_("SHA-256"), max_length=64, db_index=True)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("uploaded by")
    )
    uploaded_at = models.DateTimeField(_("uploaded at"), auto_now_add=True)

    history = HistoricalRecords()

    # Set by the services before a save: who made the change and the code word of why (django-simple-history).
    _history_user: Any
    _change_reason: str

    class Meta:
        ordering = ["-uploaded_at"]
        verbose_name = _("document")
        verbose_name_plural = _("documents")

    def __str__(self):
        return self.original_name


class ClauseTemplate(models.Model):
    """The clause library (条款库): recommended wording per category, in Chinese and English, with guidance."""

    category = models.CharField(_("category"), max_length=20, choices=ClauseCategory.choices)
    code = models.SlugField(_("code"), max_length=60, unique=True)
    title_zh = models.CharField(_("title (Chinese)"), max_length=200)
    title_en = models.CharField(_("title (English)"), max_length=200)
    text_zh = models.TextField(_("text (Chinese)"))
    text_en = models.TextField(_("text (English)"))
    guidance_zh = models.TextField(_("guidance (Chinese)"), blank=True)
    guidance_en = models.TextField(_("guidance (English)"), blank=True)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    is_active = models.BooleanField(_("active"), default=True)

    class Meta:
        ordering = ["order", "category", "code"]
        verbose_name = _("clause template")
        verbose_name_plural = _("clause templates")

    def __str__(self):
        return f"{self.title_zh} / {self.title_en}"


class Clause(models.Model):
    class Status(models.TextChoices):
        DRAFT = "draft", _("Draft")
        PROPOSED = "proposed", _("Proposed")
        COUNTERED = "countered", _("Countered")
        AGREED = "agreed", _("Agreed")
        REJECTED = "rejected", _("Rejected")
        WAIVED = "waived", _("Waived")

    SETTLED_STATUSES = (Status.AGREED, Status.WAIVED)
    """A contract is signed only when every clause is in one of these; the others are still open."""

    contract = models.ForeignKey(Contract, on_delete=models.CASCADE, related_name="clauses", verbose_name=_("contract"))
    category = models.CharField(_("category"), max_length=20, choices=ClauseCategory.choices)
    title = models.CharField(_("title"), max_length=200)
    text = models.TextField(_("text"))
    status = models.CharField(_("status"), max_length=12, choices=Status.choices, default=Status.DRAFT)
    order = models.PositiveSmallIntegerField(_("order"), default=0)
    template = models.ForeignKey(
        ClauseTemplate,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="clauses",
        verbose_name=_("template"),
    )
    # A clause started from the library follows the terms: its placeholders ({price_increase_cap_pct}, ...) are filled
    # with the contract's values again whenever they change, until someone writes a new wording by hand.
    follows_terms = models.BooleanField(_("follows the terms"), default=False)
    language = models.CharField(_("language"), max_length=10, blank=True)
    version = models.PositiveIntegerField(_("version"), default=1)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    history = HistoricalRecords(excluded_fields=["updated_at"])

    # Set by the services before a save: who made the change and the code word of why (django-simple-history).
    _history_user: Any
    _change_reason: str

    class Meta:
        ordering = ["contract", "order", "id"]
        verbose_name = _("clause")
        verbose_name_plural = _("clauses")

    def __str__(self):
        return self.title


class ContractSearchText(models.Model):
    """What the register's text search reads: one lower-cased text per contract.

    It holds the number, the title, the vendor's names and the clause texts, so a search tests one row per visible
    contract instead of joining every clause; `contracts.search.search_text_refresh` rebuilds it whenever one of
    those changes (the services call it).
    """

    contract = models.OneToOneField(
        Contract, primary_key=True, on_delete=models.CASCADE, related_name="search_text", verbose_name=_("contract")
    )
    text = models.TextField(_("text"))

    class Meta:
        verbose_name = _("contract search text")
        verbose_name_plural = _("contract search texts")

    def __str__(self):
        return str(self.contract_id)


class ClauseRevision(models.Model):
    class Side(models.TextChoices):
        OURS = "ours", _("Ours")
        VENDOR = "vendor", _("Vendor's")

    clause = models.ForeignKey(Clause, on_delete=models.CASCADE, related_name="revisions", verbose_name=_("clause"))
    number = models.PositiveIntegerField(_("revision"))
    text = models.TextField(_("text"))
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("author")
    )
    side = models.CharField(_("side"), max_length=8, choices=Side.choices, default=Side.OURS)
    comment = models.TextField(_("comment"), blank=True)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)

    class Meta:
        ordering = ["clause", "number"]
        verbose_name = _("clause revision")
        verbose_name_plural = _("clause revisions")
        constraints = [models.UniqueConstraint(fields=["clause", "number"], name="clause_revision_number_unique")]

    def __str__(self):
        return f"{self.clause} r{self.number}"


def price_change_issue_message(code: str, params: dict) -> str:
    """One reason a price-change notice breaks the contract (rules.pricing), in the active language; "" if unknown."""
    if code == PriceChangeIssue.NOTICE_TOO_SHORT:
        return (
            ngettext(
                "%(days)s day's notice, the contract requires %(required)s",
                "%(days)s days' notice, the contract requires %(required)s",
                params["days"],
            )
            % params
        )
    if code == PriceChangeIssue.INCREASE_OVER_CAP:
        # Percentages without needless decimals: 8%, not 8.00%.
        figures = {key: amount(params[key], places=0) for key in ("increase", "cap")}
        return gettext("An increase of %(increase)s%% exceeds the contract's cap of %(cap)s%%") % figures
    return ""


def price_change_issue_messages(issues: list[dict]) -> list[str]:
    """Stored issues (`PriceChangeNotice.issues`) in the active language; an unknown code shows its stored message."""
    messages = []
    for issue in issues:
        params = {k: v for k, v in issue.items() if k not in ("code", "message")}
        messages.append(price_change_issue_message(issue.get("code", ""), params) or issue.get("message", ""))
    return messages


class PriceChangeNotice(models.Model):
    """A vendor's notice that prices change; checked against the contract's notice period and cap."""

    contract = models.ForeignKey(
        Contract, on_delete=models.CASCADE, related_name="price_change_notices", verbose_name=_("contract")
    )
    received_on = models.DateField(_("received on"))
    effective_on = models.DateField(_("effective on"))
    increase_pct = models.DecimalField(_("increase (%)"), max_digits=6, decimal_places=2)
    note = models.TextField(_("note"), blank=True)
    compliant = models.BooleanField(_("compliant"), default=True)
    issues = models.JSONField(_("issues"), default=list, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name=_("recorded by")
    )
    created_at = models.DateTimeField(_("recorded at"), auto_now_add=True)

    history = HistoricalRecords()

    # Set by the services before a save: who made the change and the code word of why (django-simple-history).
    _history_user: Any
    _change_reason: str

    class Meta:
        ordering = ["-received_on", "-id"]
        verbose_name = _("price-change notice")
        verbose_name_plural = _("price-change notices")
        constraints = [
            models.CheckConstraint(
                condition=Q(effective_on__gte=models.F("received_on")), name="price_notice_effective_after_received"
            )
        ]

    def __str__(self):
        return f"{self.contract.number} +{self.increase_pct}% @ {self.effective_on}"

    @property
    def issue_messages(self) -> list[str]:
        """Why the notice breaks the contract, in the active language."""
        return price_change_issue_messages(self.issues)


class ContractUserObjectPermission(UserObjectPermissionBase):
    """Per-contract grants to a user, with a real foreign key (fast joins, no orphans after a delete)."""

    content_object = models.ForeignKey(Contract, on_delete=models.CASCADE)

    class Meta(UserObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["user", "permission", "content_object"])]


class ContractGroupObjectPermission(GroupObjectPermissionBase):
    content_object = models.ForeignKey(Contract, on_delete=models.CASCADE)

    class Meta(GroupObjectPermissionBase.Meta):
        indexes = [models.Index(fields=["group", "permission", "content_object"])]


def export_upload_to(instance, filename):
    return f"exports/{instance.requested_by_id}/{filename}"


class ExportJob(models.Model):
    """A bulk PDF export: many contracts rendered into one ZIP by a Celery task, kept for its requester to download."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        RUNNING = "running", _("Running")
        DONE = "done", _("Done")
        FAILED = "failed", _("Failed")

    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="export_jobs", verbose_name=_("requested by")
    )
    language = models.CharField(_("language"), max_length=10, default="zh-hans")
    contract_ids = models.JSONField(_("contracts"), default=list)
    status = models.CharField(_("status"), max_length=8, choices=Status.choices, default=Status.PENDING)
    total = models.PositiveIntegerField(_("contracts to export"), default=0)
    done = models.PositiveIntegerField(_("contracts exported"), default=0)
    file = models.FileField(_("file"), upload_to=export_upload_to, max_length=300, blank=True)
    error = models.TextField(_("error"), blank=True)
    # How many times a worker has started this export. A worker that dies mid-export (killed for memory, say) hands
    # the task back to the queue; the count stops a job that kills every worker from being retried for ever.
    attempts = models.PositiveSmallIntegerField(_("attempts"), default=0)
    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    started_at = models.DateTimeField(_("started at"), null=True, blank=True)
    finished_at = models.DateTimeField(_("finished at"), null=True, blank=True)

    # A job a worker has started this often without finishing is failed instead of being started again.
    MAX_ATTEMPTS = 2

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = _("PDF export")
        verbose_name_plural = _("PDF exports")
        constraints = [
            models.CheckConstraint(condition=Q(done__lte=models.F("total")), name="export_done_within_total")
        ]

    def __str__(self):
        return f"export {self.pk} ({self.status})"

    def get_absolute_url(self):
        return reverse("exports:detail", args=[self.pk])

    @staticmethod
    def kept_since(now: datetime) -> datetime:
        """Files of exports finished before this moment have passed PDF_EXPORT_KEEP_DAYS and are deleted."""
        return now - timedelta(days=settings.PDF_EXPORT_KEEP_DAYS)

    @property
    def finished(self) -> bool:
        return self.status in (self.Status.DONE, self.Status.FAILED)

    @property
    def percent(self) -> int:
        if self.status == self.Status.DONE:
            return 100
        return self.done * 100 // self.total if self.total else 0

    @property
    def expires_at(self) -> datetime | None:
        """When the ZIP is deleted; None while the export has no file to keep."""
        if self.status != self.Status.DONE or self.finished_at is None:
            return None
        return self.finished_at + timedelta(days=settings.PDF_EXPORT_KEEP_DAYS)

    @property
    def expired(self) -> bool:
        """A finished export whose file is gone, or due to go: the record stays, the download does not."""
        if self.status != self.Status.DONE:
            return False
        return not self.file or self.expires_at is None or self.expires_at <= timezone.now()

    @property
    def downloadable(self) -> bool:
        return self.status == self.Status.DONE and not self.expired
