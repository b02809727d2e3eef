"""Admin for contracts, clauses, documents, price-change notices and the clause library.

The admin is an edge like any page: it reads through contracts.selectors and writes through the services, so
versions are checked, history rows name the user and obligations are re-derived exactly as in the app.
"""

from functools import partial

from django import forms
from django.contrib import admin
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from accounts.roles import users_who_may_own
from contracts.lifecycle.actions import (
    contract_activate,
    contract_record_non_renewal_notice,
    contract_renew,
    contract_sign,
    contract_start_negotiation,
    price_change_notice_record,
)
from contracts.lifecycle.states import action_allowed
from contracts.services.clauses import clause_add_revision, clause_create, clause_update
from contracts.services.documents import document_upload
from contracts.services.follow_up import terms_changed
from contracts.services.terms import CONTRACT_TERM_FIELDS, MAX_TERM_ROWS, contract_create, contract_update
from core.admin import ReadOnlyInline, ServiceAdminMixin, adopt, run_admin_action
from obligations.models import Obligation

from .models import (
    Clause,
    ClauseRevision,
    ClauseTemplate,
    Contract,
    Document,
    FeeItem,
    PriceChangeNotice,
    SLATarget,
)
from .selectors import (
    clauses_visible_to,
    contracts_visible_to,
    documents_visible_to,
    price_change_notices_visible_to,
    user_can_change_contract,
    user_can_edit_clauses,
    user_can_share_contract,
)

# Contracts --------------------------------------------------------------------------------------------------------


class TermRowsInline(admin.TabularInline):
    """SLA or fee rows: at most MAX_TERM_ROWS of them, refused on the form before the service sees them."""

    extra = 1
    max_num = MAX_TERM_ROWS

    def get_formset(self, request, obj=None, **kwargs):
        kwargs.setdefault("validate_max", True)
        return super().get_formset(request, obj, **kwargs)


class SLATargetInline(TermRowsInline):
    model = SLATarget
    fields = ("metric", "kind", "comparator", "target", "unit", "period", "credit_pct", "critical", "order")


class FeeItemInline(TermRowsInline):
    model = FeeItem
    fields = ("kind", "unit_price", "unit", "quantity", "note", "order")


class ClauseInline(ReadOnlyInline):
    model = Clause
    fields = ("order", "category", "title", "status", "version")


class DocumentInline(ReadOnlyInline):
    model = Document
    fields = ("original_name", "kind", "size", "sha256", "uploaded_by", "uploaded_at")


class PriceChangeNoticeInline(ReadOnlyInline):
    model = PriceChangeNotice
    fields = ("received_on", "effective_on", "increase_pct", "compliant", "recorded_by")


class ObligationInline(ReadOnlyInline):
    model = Obligation
    fields = ("kind", "title", "due_date", "starts_on", "status", "responsible", "owner")


class ContractAdminForm(forms.ModelForm):
    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Contract
        fields = CONTRACT_TERM_FIELDS

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "number" in self.fields:
            self.fields["number"].required = False
            self.fields["number"].help_text = _("Leave blank to use the next number, e.g. CLM-2026-0001.")
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version
        if "owner" in self.fields:
            self.fields["owner"].queryset = users_who_may_own(keep=self.instance.owner_id if self.instance.pk else None)


def _inline_rows(formset) -> list[dict]:
    """The rows an SLA or fee inline will hold after the save, in the shape the contract services take."""
    names = [name for name in formset.form.base_fields if name not in ("id", "contract", "DELETE")]
    rows = []
    for form in formset.forms:
        if not form.has_changed() and not form.instance.pk:
            continue
        if form.cleaned_data.get("DELETE"):
            continue
        row = {name: form.cleaned_data.get(name) for name in names}
        if formset.model is SLATarget and form.instance.pk:
            row["id"] = form.instance.pk  # kept in place with the months recorded against it
        rows.append(row)
    return rows


@admin.register(Contract)
class ContractAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    form = ContractAdminForm
    list_display = (
        "number",
        "title",
        "vendor",
        "category",
        "status",
        "notice_given_on",
        "owner",
        "effective_date",
        "end_date",
        "auto_renew",
    )
    list_display_links = ("number", "title")
    actions = (
        "start_negotiation",
        "sign_today",
        "activate_today",
        "non_renewal_notice_today",
        "renew_extend",
        "renew_successor",
        "recompute_obligations",
    )
    list_filter = ("status", "category", "auto_renew", "fee_model", "payment_cycle")
    list_select_related = ("vendor", "owner")
    search_fields = ("number", "title", "vendor__name", "vendor__short_name", "vendor__credit_code")
    date_hierarchy = "end_date"
    autocomplete_fields = ("vendor", "owner")
    readonly_fields = (
        "status",
        "version",
        "signed_on",
        "activated_on",
        "notice_given_on",
        "terminated_on",
        "termination_reason",
        "expired_on",
        "predecessor",
        "created_by",
        "created_at",
        "updated_at",
    )
    term_fieldsets = (
        (None, {"fields": ("number", "title", "vendor", "category", "owner", "expected_version")}),
        (
            _("Term and renewal"),
            {
                "fields": (
                    ("effective_date", "end_date", "initial_term_months"),
                    ("auto_renew", "renewal_term_months"),
                    ("non_renewal_notice_days", "renewal_review_lead_days"),
                    ("termination_notice_days", "trial_period_months"),
                )
            },
        ),
        (
            _("Fees and price changes"),
            {
                "fields": (
                    ("fee_model", "payment_cycle"),
                    ("contract_value", "currency"),
                    ("price_change_notice_days", "price_increase_cap_pct"),
                )
            },
        ),
        (
            _("Data"),
            {"fields": ("data_handover_business_days", "data_storage_location", "confidentiality_years_after_end")},
        ),
        (
            _("Service levels"),
            {"fields": (("sla_credit_cap_pct", "sla_exit_consecutive_misses", "sla_exit_decision_days"),)},
        ),
        (None, {"fields": ("notes",)}),
    )
    lifecycle_fieldset = (
        _("Lifecycle"),
        {
            "fields": (
                ("status", "version"),
                ("signed_on", "activated_on", "notice_given_on"),
                ("terminated_on", "expired_on"),
                "termination_reason",
                "predecessor",
                ("created_by", "created_at", "updated_at"),
            )
        },
    )

    def get_queryset(self, request):
        return contracts_visible_to(request.user).select_related("vendor", "owner")

    def get_fieldsets(self, request, obj=None):
        return self.term_fieldsets if obj is None else (*self.term_fieldsets, self.lifecycle_fieldset)

    def get_readonly_fields(self, request, obj=None):
        """The number is fixed once given; the owner is changed only by those who may share the contract."""
        if obj is None:
            return self.readonly_fields
        if not user_can_share_contract(request.user, obj):
            return (*self.readonly_fields, "number", "owner")
        return (*self.readonly_fields, "number")

    def get_inlines(self, request, obj):
        if obj is None:
            return (SLATargetInline, FeeItemInline)
        return (SLATargetInline, FeeItemInline, ClauseInline, PriceChangeNoticeInline, DocumentInline, ObligationInline)

    def get_changeform_initial_data(self, request):
        return {"owner": request.user.pk, **super().get_changeform_initial_data(request)}

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or user_can_change_contract(request.user, obj))

    def has_delete_permission(self, request, obj=None):
        """Only a draft may be deleted; anything signed is a record to keep (terminate or let it expire instead)."""
        allowed = super().has_delete_permission(request, obj)
        return allowed and (obj is None or action_allowed("delete", obj.status))

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def _lifecycle(self, request, queryset, action) -> None:
        run_admin_action(
            self,
            request,
            queryset,
            # The version read with the selection: an action submitted twice applies once.
            lambda contract: action(contract=contract, by=request.user, version=contract.version),
            allowed=lambda contract: user_can_change_contract(request.user, contract),
        )

    @admin.action(description=_("Start negotiation"), permissions=["change"])
    def start_negotiation(self, request, queryset):
        self._lifecycle(request, queryset, contract_start_negotiation)

    @admin.action(description=_("Sign today"), permissions=["change"])
    def sign_today(self, request, queryset):
        today = timezone.localdate()
        self._lifecycle(request, queryset, partial(contract_sign, date=today))

    @admin.action(description=_("Put into force today"), permissions=["change"])
    def activate_today(self, request, queryset):
        today = timezone.localdate()
        self._lifecycle(request, queryset, partial(contract_activate, date=today))

    @admin.action(description=_("Record a non-renewal notice given today"), permissions=["change"])
    def non_renewal_notice_today(self, request, queryset):
        today = timezone.localdate()
        self._lifecycle(request, queryset, partial(contract_record_non_renewal_notice, date=today))

    @admin.action(description=_("Renew: extend by the renewal term"), permissions=["change"])
    def renew_extend(self, request, queryset):
        self._lifecycle(request, queryset, contract_renew)

    @admin.action(description=_("Renew: create a successor contract"), permissions=["change"])
    def renew_successor(self, request, queryset):
        self._lifecycle(request, queryset, partial(contract_renew, successor=True))

    @admin.action(description=_("Recompute obligations"), permissions=["change"])
    def recompute_obligations(self, request, queryset):
        self._lifecycle(
            request, queryset, lambda contract, by, version: terms_changed([contract], by=by, reason="recompute")
        )

    def save_model(self, request, obj, form, change):
        """Nothing here: save_related writes the terms and the SLA/fee rows in one service call."""

    def save_related(self, request, form, formsets, change):
        rows = {}
        for formset in formsets:
            formset.save(commit=False)  # writes nothing; lists the inline changes for the admin's log entry
            if formset.model in (SLATarget, FeeItem) and formset.has_changed():
                rows[formset.model] = _inline_rows(formset)
        fields = {
            name: form.cleaned_data[name]
            for name in CONTRACT_TERM_FIELDS
            if name in form.cleaned_data and (not change or name in form.changed_data)
        }
        if change and not fields and not rows:
            return
        if change:
            saved = contract_update(
                contract=form.instance,
                by=request.user,
                version=form.cleaned_data.get("expected_version"),
                sla_targets=rows.get(SLATarget),
                fee_items=rows.get(FeeItem),
                **fields,
            )
        else:
            saved = contract_create(
                by=request.user, sla_targets=rows.get(SLATarget), fee_items=rows.get(FeeItem), **fields
            )
        adopt(form.instance, saved)


# Clauses ----------------------------------------------------------------------------------------------------------


class ClauseRevisionInline(ReadOnlyInline):
    model = ClauseRevision
    fields = ("number", "side", "author", "created_at", "text", "comment")
    show_change_link = False


class ClauseAdminForm(forms.ModelForm):
    """Title, category, status and order are edited in place; a new wording is added as a revision."""

    expected_version = forms.IntegerField(widget=forms.HiddenInput, required=False)
    new_text = forms.CharField(
        label=_("New wording"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("Recorded as a new revision; the clause text follows the latest revision."),
    )
    side = forms.ChoiceField(label=_("Wording from"), choices=ClauseRevision.Side.choices, required=False)
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    class Meta:
        model = Clause
        fields = ("contract", "category", "title", "text", "status", "order", "template")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "order" in self.fields:
            self.fields["order"].required = False
        if self.instance.pk:
            self.fields["expected_version"].initial = self.instance.version


@admin.register(Clause)
class ClauseAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    form = ClauseAdminForm
    list_display = ("title", "contract", "category", "status", "order", "version", "updated_at")
    list_filter = ("status", "category")
    list_select_related = ("contract",)
    search_fields = ("title", "text", "contract__number", "contract__title")
    autocomplete_fields = ("contract", "template")
    inlines = (ClauseRevisionInline,)

    def get_queryset(self, request):
        return clauses_visible_to(request.user).select_related("contract")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("contract", "category", "title", "text", "status", "order", "template")
        return (
            "contract",
            ("category", "status", "order"),
            "title",
            "text",
            "template",
            "version",
            "expected_version",
            "new_text",
            ("side", "comment"),
        )

    def get_readonly_fields(self, request, obj=None):
        return () if obj is None else ("contract", "text", "template", "version")

    def get_inlines(self, request, obj):
        return () if obj is None else self.inlines

    def has_change_permission(self, request, obj=None):
        allowed = super().has_change_permission(request, obj)
        return allowed and (obj is None or user_can_edit_clauses(request.user, obj.contract))

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        if not change:
            saved = clause_create(
                contract=data["contract"],
                by=request.user,
                category=data["category"],
                title=data["title"],
                text=data["text"],
                order=data.get("order"),
                template=data.get("template"),
                status=data["status"],
            )
            adopt(obj, saved)
            return
        version = data.get("expected_version")
        changes = {name: data[name] for name in ("title", "category", "status", "order") if name in form.changed_data}
        new_text = (data.get("new_text") or "").strip()
        status = changes.pop("status", None) if new_text else None
        if changes:
            saved = clause_update(clause=obj, by=request.user, version=version, **changes)
            adopt(obj, saved)
            version = saved.version  # the wording below applies on top of the change just saved
        if new_text:
            clause_add_revision(
                clause=obj,
                by=request.user,
                text=new_text,
                side=data.get("side") or ClauseRevision.Side.OURS,
                comment=data.get("comment", ""),
                status=status,
                version=version,
            )
            obj.refresh_from_db()


@admin.register(ClauseTemplate)
class ClauseTemplateAdmin(admin.ModelAdmin):
    list_display = ("code", "category", "title_zh", "title_en", "order", "is_active")
    list_editable = ("order", "is_active")
    list_filter = ("category", "is_active")
    search_fields = ("code", "title_zh", "title_en", "text_zh", "text_en")
    fieldsets = (
        (None, {"fields": ("code", "category", "order", "is_active")}),
        (_("Chinese"), {"fields": ("title_zh", "text_zh", "guidance_zh")}),
        (_("English"), {"fields": ("title_en", "text_en", "guidance_en")}),
    )


# Documents and price-change notices -------------------------------------------------------------------------------


class DocumentAdminForm(forms.ModelForm):
    class Meta:
        model = Document
        fields = ("contract", "kind", "file")


@admin.register(Document)
class DocumentAdmin(ServiceAdminMixin, admin.ModelAdmin):
    """Documents are evidence: uploaded once through the checks of contracts.documents, never edited."""

    form = DocumentAdminForm
    list_display = ("original_name", "contract", "kind", "size", "sha256", "uploaded_by", "uploaded_at")
    list_filter = ("kind",)
    list_select_related = ("contract", "uploaded_by")
    search_fields = ("original_name", "sha256", "contract__number")
    autocomplete_fields = ("contract",)
    date_hierarchy = "uploaded_at"

    def get_queryset(self, request):
        return documents_visible_to(request.user).select_related("contract", "uploaded_by")

    def get_fields(self, request, obj=None):
        if obj is None:
            return ("contract", "kind", "file")
        return ("contract", "kind", "file", "original_name", "content_type", "size", "sha256", "uploaded_by")

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = document_upload(
            contract=data["contract"], by=request.user, uploaded_file=data["file"], kind=data["kind"]
        )
        adopt(obj, saved)


class PriceChangeNoticeAdminForm(forms.ModelForm):
    class Meta:
        model = PriceChangeNotice
        fields = ("contract", "received_on", "effective_on", "increase_pct", "note")


@admin.register(PriceChangeNotice)
class PriceChangeNoticeAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    """Recorded through the lifecycle service, which checks the notice against the contract and derives its deadline."""

    form = PriceChangeNoticeAdminForm
    list_display = ("contract", "received_on", "effective_on", "increase_pct", "compliant", "recorded_by")
    list_filter = ("compliant",)
    list_select_related = ("contract", "recorded_by")
    search_fields = ("contract__number", "contract__title", "note")
    autocomplete_fields = ("contract",)
    date_hierarchy = "received_on"

    def get_queryset(self, request):
        return price_change_notices_visible_to(request.user).select_related("contract", "recorded_by")

    def get_fields(self, request, obj=None):
        fields = ("contract", "received_on", "effective_on", "increase_pct", "note")
        return fields if obj is None else (*fields, "compliant", "issues", "recorded_by", "created_at")

    def has_change_permission(self, request, obj=None):
        return False

    def save_model(self, request, obj, form, change):
        data = form.cleaned_data
        saved = price_change_notice_record(
            contract=data["contract"],
            by=request.user,
            received_on=data["received_on"],
            effective_on=data["effective_on"],
            increase_pct=data["increase_pct"],
            note=data.get("note", ""),
        )
        adopt(obj, saved)
