"""Forms of the amendment pages: a new amendment starts from the terms in force; the service keeps what changed."""

from django import forms
from django.utils.translation import gettext_lazy as _

from contracts.forms import DATE, FeeItemFormSet, SLATargetFormSet
from contracts.models import Clause, Contract
from contracts.services.terms import AMENDABLE_TERM_FIELDS
from core.forms_fields import LocalisedDateField, forgiving_field_classes


class AmendmentForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=200)
    effective_on = LocalisedDateField(
        label=_("Effective on"), widget=DATE, help_text=_("The day the changes come into force.")
    )


class EditAmendmentForm(AmendmentForm):
    """A draft's title and day, with the version it was read at: a save over someone else's is refused."""

    version = forms.IntegerField(widget=forms.HiddenInput, min_value=1)


class AmendedTermsForm(forms.ModelForm):
    """The contract's terms as they stand; what the user changes becomes the amendment's changes."""

    class Meta:
        model = Contract
        fields = list(AMENDABLE_TERM_FIELDS)
        field_classes = forgiving_field_classes(Contract, AMENDABLE_TERM_FIELDS)
        widgets = {"effective_date": DATE, "end_date": DATE}

    def validate_unique(self):
        """Nothing unique among these fields; the service checks the rest against the contract."""

    def _post_clean(self):
        """The service validates the terms against the contract (the same checks as an edit); the form only parses."""


class ClauseChangeForm(forms.Form):
    clause = forms.IntegerField(widget=forms.HiddenInput)
    title = forms.CharField(label=_("Title"), max_length=200)
    text = forms.CharField(label=_("Text"), widget=forms.Textarea(attrs={"rows": 4}))


ClauseChangeFormSet = forms.formset_factory(ClauseChangeForm, extra=0)


class NewClauseForm(forms.Form):
    category = forms.ChoiceField(
        label=_("Category"), required=False, choices=[("", "—"), *Clause._meta.get_field("category").choices]
    )
    title = forms.CharField(label=_("Title"), max_length=200, required=False)
    text = forms.CharField(label=_("Text"), required=False, widget=forms.Textarea(attrs={"rows": 4}))

    def clean(self):
        data = super().clean()
        given = [bool(data.get(name)) for name in ("category", "title", "text")]
        if any(given) and not all(given):
            raise forms.ValidationError(_("A new clause needs a category, a title and a text."))
        return data

    def clause(self) -> dict | None:
        data = self.cleaned_data
        if not data.get("category"):
            return None
        return {"category": data["category"], "title": data["title"], "text": data["text"]}


class DecisionForm(forms.Form):
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=1)
    reason = forms.CharField(
        label=_("Reason"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


__all__ = [
    "AmendedTermsForm",
    "AmendmentForm",
    "ClauseChangeFormSet",
    "DecisionForm",
    "EditAmendmentForm",
    "FeeItemFormSet",
    "NewClauseForm",
    "SLATargetFormSet",
]
