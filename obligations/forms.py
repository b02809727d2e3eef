"""Forms of the obligation pages: the list filters and the actions on one obligation."""

from datetime import date

from django import forms
from django.utils.translation import gettext_lazy as _

from accounts.roles import users_who_may_own
from core.forms_fields import LocalisedDateField, TrimmedCharField

from .models import Obligation

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _assignable_users():
    """Only those whose role may change contracts can be given an obligation."""
    return users_who_may_own()


class ObligationFilterForm(forms.Form):
    MINE, ANYONE = "mine", "anyone"

    status = forms.ChoiceField(
        label=_("Status"),
        required=False,
        choices=[
            ("open", _("Open")),
            ("overdue", _("Overdue")),
            ("done", _("Done")),
            ("waived", _("Waived")),
            ("all", _("All")),
        ],
    )
    kind = forms.ChoiceField(label=_("Kind"), required=False)
    who = forms.ChoiceField(label=_("Owner"), required=False, choices=[(ANYONE, _("Anyone")), (MINE, _("Mine"))])
    q = forms.CharField(label=_("Contract or title"), required=False, max_length=100)
    due_after = LocalisedDateField(label=_("Due from"), required=False, widget=DATE)
    due_before = LocalisedDateField(label=_("Due until"), required=False, widget=DATE)
    month = forms.RegexField(regex=r"^\d{4}-\d{2}$", required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["kind"].choices = [("", _("Any kind")), *Obligation.Kind.choices]

    def month_start(self, today: date) -> date:
        value = self.cleaned_data.get("month") if self.is_bound and self.is_valid() else None
        if value:
            year, month = (int(p) for p in value.split("-"))
            if 1 <= month <= 12 and 1900 < year < 2200:
                return date(year, month, 1)
        return today.replace(day=1)


class CompleteForm(forms.Form):
    note = forms.CharField(label=_("What was done"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    document = forms.FileField(
        label=_("Evidence (optional)"),
        required=False,
        help_text=_(
            "A file that proves it, e.g. the vendor's written confirmation; kept with the contract's documents."
        ),
    )


class WaiveForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class ReassignForm(forms.Form):
    owner = forms.ModelChoiceField(
        label=_("New owner"), required=False, queryset=_assignable_users(), empty_label=_("The contract owner")
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _assignable_users()


class MoveDateForm(forms.Form):
    due_date = LocalisedDateField(label=_("New due date"), widget=DATE)


class CustomObligationForm(forms.Form):
    title = TrimmedCharField(label=_("Title"), max_length=200)
    due_date = LocalisedDateField(label=_("Due date"), widget=DATE)
    starts_on = LocalisedDateField(label=_("Starts on"), required=False, widget=DATE)
    responsible = forms.ChoiceField(label=_("Responsible"), choices=Obligation.Responsible.choices)
    owner = forms.ModelChoiceField(
        label=_("Owner"), required=False, queryset=_assignable_users(), empty_label=_("The contract owner")
    )
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    recurrence = forms.ChoiceField(
        label=_("Repeats"),
        required=False,
        choices=[("", _("Does not repeat")), *Obligation.Recurrence.choices],
    )
    recurs_until = LocalisedDateField(
        label=_("Repeats until"),
        required=False,
        widget=DATE,
        help_text=_("Each occurrence up to this date is added at once, as its own obligation."),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["owner"].queryset = _assignable_users()
