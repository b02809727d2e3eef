"""Query-string filter pieces every app's FilterSet may use."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

# How a boolean is spelled where it arrives as text (a query string, a form): these two words and nothing else.
BOOLEAN_SPELLINGS = {"true": True, "false": False}


class StrictBooleanFilterField(forms.NullBooleanField):
    """Absent or empty means no filter, true or false filter, anything else is refused (Django's own field quietly
    reads "yes" as no filter at all, which the schema's `type: boolean` does not allow). A text input, as Django's
    select widget would turn any other word into None before the field sees it."""

    widget = forms.TextInput

    def to_python(self, value):
        if value in (None, ""):
            return None
        if value is True or value is False:
            return value
        if value in BOOLEAN_SPELLINGS:
            return BOOLEAN_SPELLINGS[value]
        raise ValidationError(_("Give true or false."), code="invalid")

    def validate(self, value):
        pass


class StrictBooleanFilter(django_filters.BooleanFilter):
    field_class = StrictBooleanFilterField
