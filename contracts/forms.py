"""Forms of the contract pages. They parse and validate input; contracts.services and lifecycle do the writing."""

from django import forms
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.urls import reverse_lazy
from django.utils.text import format_lazy
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from accounts.models import User, role_label
from accounts.roles import users_who_may_own
from contracts.services.terms import CONTRACT_TERM_FIELDS, EDITABLE_WHEN_SIGNED, MAX_TERM_ROWS
from core.formatting import person_label
from core.forms_fields import (
    LocalisedDateField,
    LocalisedDecimalField,
    LocalisedIntegerField,
    forgiving_field_classes,
)
from core.pickers import AutocompleteSelect, PersonChoiceField
from vendors.models import Vendor

from .models import Clause, ClauseRevision, ClauseTemplate, Contract, Document, FeeItem, SLATarget
from .search import DEFAULT_SORT, RegisterQuery, normalize_sort

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class RegisterFilterForm(forms.Form):
    """The register's query string: search text, filters and the sort column."""

    q = forms.CharField(label=_("Search"), required=False, max_length=200)
    status = forms.ChoiceField(label=_("Status"), required=False, choices=[("", _("Any status"))])
    category = forms.ChoiceField(label=_("Category"), required=False, choices=[("", _("Any category"))])
    vendor = forms.ModelChoiceField(
        label=_("Vendor"),
        required=False,
        queryset=Vendor.objects.all(),
        empty_label=_("Any vendor"),
        widget=AutocompleteSelect(reverse_lazy("vendors:autocomplete")),
    )
    owner = forms.CharField(label=_("Owner (name or user name)"), required=False, max_length=150)
    expiring = forms.IntegerField(label=_("Expiring within (days)"), required=False, min_value=0, max_value=3650)
    review = forms.ChoiceField(
        label=_("Review"),
        required=False,
        choices=[("", _("Any review result")), ("high", _("Open high findings"))],
    )
    sort = forms.CharField(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [("", _("Any status")), *Contract.Status.choices]
        self.fields["category"].choices = [("", _("Any category")), *Contract.Category.choices]

    def register_query(self) -> RegisterQuery:
        """The valid part of the query; an invalid filter is ignored rather than failing the whole page."""
        data = self.cleaned_data if self.is_bound else {}
        vendor = data.get("vendor")
        return RegisterQuery(
            q=data.get("q") or "",
            status=data.get("status") or "",
            category=data.get("category") or "",
            vendor_id=vendor.pk if vendor else None,
            owner_username=(data.get("owner") or "").strip(),
            expiring_within_days=data.get("expiring"),
            review=data.get("review") or "",
            sort=normalize_sort(data.get("sort") or DEFAULT_SORT),
        )


class ClauseTemplateChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj: ClauseTemplate) -> str:
        title = obj.title_en if get_language() == "en" else obj.title_zh
        return f"{obj.get_category_display()} · {title}"


class ContractForm(forms.ModelForm):
    """The structured terms. The number is optional: a blank number is generated as CLM-YYYY-NNNN.

    The owner is offered only to those who may hand the contract on (`can_change_owner`, the right to share it), and
    only users whose role may change contracts are offered as owners; the service holds both rules either way.
    """

    version = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Contract
        fields = list(CONTRACT_TERM_FIELDS)
        field_classes = forgiving_field_classes(Contract, CONTRACT_TERM_FIELDS, codes=["number"])
        widgets = {
            "effective_date": DATE,
            "end_date": DATE,
            "notes": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, can_change_owner: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].required = False
        self.fields["number"].help_text = _("Leave blank to number it automatically.")
        if can_change_owner:
            owner = self.fields["owner"]
            # Pickers that search as one types (core.pickers): the page holds only the current owner and vendor.
            owner.widget = AutocompleteSelect(reverse_lazy("accounts:owner_autocomplete"))
            owner.label_from_instance = person_label
            owner.queryset = users_who_may_own(keep=self.instance.owner_id if self.instance.pk else None)
            # A new contract defaults to its creator; an existing one always keeps an owner.
            owner.required = bool(self.instance.pk)
            owner.empty_label = None if self.instance.pk else _("Me")
        else:
            del self.fields["owner"]
        self.fields["vendor"].widget = AutocompleteSelect(
            format_lazy("{}?usable=1", reverse_lazy("vendors:autocomplete"))
        )
        self.fields["vendor"].queryset = Vendor.objects.exclude(status=Vendor.Status.BLOCKED).order_by("name")
        self.fields["vendor"].empty_label = _("Choose a vendor")
        if self.instance.pk:
            self.fields["version"].initial = self.instance.version

    def validate_unique(self):
        """The number's uniqueness is the service's to check: its message names the contract using the number."""

    def terms(self) -> dict:
        """The cleaned term fields, ready for contract_create / contract_update."""
        data = {name: self.cleaned_data[name] for name in CONTRACT_TERM_FIELDS if name in self.cleaned_data}
        if not data.get("owner"):
            data.pop("owner", None)
        return data


class SignedContractForm(ContractForm):
    """The edit form of a signed contract: only what stays editable (notes, and the owner for those who may hand the
    contract on). The agreed terms change through an amendment."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for name in list(self.fields):
            if name not in EDITABLE_WHEN_SIGNED and name != "version":
                del self.fields[name]


class ContractCreateForm(ContractForm):
    clause_templates = ClauseTemplateChoiceField(
        label=_("Start from the clause library"),
        required=False,
        queryset=ClauseTemplate.objects.filter(is_active=True),
        widget=forms.CheckboxSelectMultiple,
        help_text=_("One clause is added for each template you select."),
    )
    clause_language = forms.ChoiceField(
        label=_("Language of the clause text"),
        choices=[("zh-hans", _("Simplified Chinese")), ("en", _("English"))],
        initial="zh-hans",
    )


class SLATargetForm(forms.ModelForm):
    # The target a row edits: kept in place, so the months recorded against it stay (sla).
    id = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)

    class Meta:
        model = SLATarget
        fields = ["metric", "kind", "comparator", "target", "unit", "period", "credit_pct", "critical"]
        field_classes = forgiving_field_classes(SLATarget, fields)


class FeeItemForm(forms.ModelForm):
    class Meta:
        model = FeeItem
        fields = ["kind", "unit_price", "unit", "quantity", "note"]
        field_classes = forgiving_field_classes(FeeItem, fields)


# At most MAX_TERM_ROWS kept rows (rows ticked for deletion do not count, so an older, longer table can be trimmed).
_ROWS = {"extra": 1, "can_delete": True, "max_num": MAX_TERM_ROWS, "validate_max": True}
SLATargetFormSet = forms.formset_factory(SLATargetForm, **_ROWS)
FeeItemFormSet = forms.formset_factory(FeeItemForm, **_ROWS)


class LifecycleActionForm(forms.Form):
    """A lifecycle action on the contract as the page showed it: `version` is the one the page was rendered with."""

    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)


class DateActionForm(LifecycleActionForm):
    date = LocalisedDateField(label=_("Date"), widget=DATE)


class SignForm(DateActionForm):
    """Signing; a procurement manager or legal may accept the review's open high findings in the same step."""

    accept_findings = forms.BooleanField(label=_("Accept the open high findings of the review"), required=False)
    reason = forms.CharField(
        label=_("Why they are acceptable"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000, required=False
    )


class TerminateForm(DateActionForm):
    reason = forms.CharField(label=_("Reason"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000)
    for_cause = forms.BooleanField(
        label=_("For cause (a breach, an exercised SLA exit right)"),
        required=False,
        help_text=_(
            "A future date schedules the termination; without a cause it must respect the contract's termination "
            "notice period."
        ),
    )


class RenewForm(LifecycleActionForm):
    months = LocalisedIntegerField(
        label=_("Extend by (months)"),
        required=False,
        min_value=1,
        max_value=600,
        help_text=_("Blank: the contract's renewal term."),
    )
    successor = forms.BooleanField(
        label=_("Create a linked successor contract instead of extending this one"), required=False
    )


class PriceChangeNoticeForm(forms.Form):
    received_on = LocalisedDateField(label=_("Received on"), widget=DATE)
    effective_on = LocalisedDateField(label=_("Effective on"), widget=DATE)
    increase_pct = LocalisedDecimalField(label=_("Increase (%)"), max_digits=6, decimal_places=2)
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def clean(self):
        data = super().clean()
        received, effective = data.get("received_on"), data.get("effective_on")
        if received and effective and effective < received:
            self.add_error("effective_on", _("The new prices cannot take effect before the notice was received."))
        return data


class RoleGroupChoiceField(forms.ModelChoiceField):
    """Groups offered by their translated role names (采购经理), never by their code names."""

    def label_from_instance(self, obj):
        return role_label(obj.name)


class ShareForm(forms.Form):
    user = PersonChoiceField(
        label=_("User"),
        required=False,
        queryset=User.objects.filter(is_active=True).order_by("username"),
        to_field_name="username",
        empty_label=_("Choose a user"),
        widget=AutocompleteSelect(reverse_lazy("accounts:user_autocomplete")),
    )
    group = RoleGroupChoiceField(
        label=_("Group"),
        required=False,
        queryset=Group.objects.order_by("name"),
        to_field_name="name",
        empty_label=_("No group"),
    )
    permission = forms.ChoiceField(
        label=_("Access"),
        choices=[("view", _("Can view")), ("change", _("Can edit")), ("none", _("No access (revoke)"))],
        widget=forms.RadioSelect,
        initial="view",
    )

    def clean(self):
        data = super().clean()
        if bool(data.get("user")) == bool(data.get("group")):
            raise ValidationError(_("Enter either a user name or a group, not both."))
        return data


class DocumentForm(forms.Form):
    kind = forms.ChoiceField(label=_("Kind"), choices=Document.Kind.choices, initial=Document.Kind.ANNEX)
    file = forms.FileField(label=_("File"))


class ClauseForm(forms.Form):
    category = forms.ChoiceField(label=_("Category"), choices=Clause._meta.get_field("category").choices)
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 6}))


class RevisionForm(forms.Form):
    text = forms.CharField(label=_("New wording"), widget=forms.Textarea(attrs={"rows": 6}))
    side = forms.ChoiceField(
        label=_("Proposed by"), choices=ClauseRevision.Side.choices, widget=forms.RadioSelect, initial="ours"
    )
    comment = forms.CharField(label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2}))
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ClauseStatusForm(forms.Form):
    status = forms.ChoiceField(label=_("Status"), choices=Clause.Status.choices)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False)


class ClausesAgreeForm(forms.Form):
    """The clause list's "Agree selected": each ticked box is "<clause id>:<version it was read at>"."""

    clause = forms.Field(
        widget=forms.MultipleHiddenInput, error_messages={"required": _("Choose at least one clause to agree.")}
    )

    def clean_clause(self) -> dict[int, int]:
        versions: dict[int, int] = {}
        for item in self.cleaned_data["clause"]:
            pk, sep, version = str(item).partition(":")
            if not (sep and _small_number(pk) and _small_number(version)):
                raise ValidationError(_("Choose the clauses from the list."))
            versions[int(pk)] = int(version)
        return versions


def _small_number(text: str) -> bool:
    return text.isascii() and text.isdigit() and len(text) <= 9


class CompareForm(forms.Form):
    a = forms.TypedChoiceField(label=_("From revision"), coerce=int)
    b = forms.TypedChoiceField(label=_("To revision"), coerce=int)

    def __init__(self, *args, revisions, **kwargs):
        super().__init__(*args, **kwargs)
        choices = [(r.number, f"r{r.number} · {r.get_side_display()}") for r in revisions]
        self.fields["a"].choices = choices
        self.fields["b"].choices = choices
