from django import forms
from django.utils.translation import gettext_lazy as _


class AcceptForm(forms.Form):
    rule = forms.CharField(widget=forms.HiddenInput, max_length=60)
    reason = forms.CharField(
        label=_("Why this is acceptable"), widget=forms.Textarea(attrs={"rows": 2}), max_length=2000
    )


class SuggestedClauseForm(forms.Form):
    template = forms.SlugField(widget=forms.HiddenInput, max_length=60)
