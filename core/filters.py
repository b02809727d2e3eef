"""Query-string filter pieces every app's FilterSet may use."""

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from drf_spectacular.utils import extend_schema_field

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


ID_MAX = 2**31 - 1
"""The largest id a filter accepts (what an integer primary key holds): a larger one is a 400, not a database error."""


@extend_schema_field({"type": "integer", "minimum": 1, "maximum": ID_MAX})
class IdFilter(django_filters.NumberFilter):
    """An object's id in the query string: a whole number from 1, stated as such in the schema."""

    field_class = forms.IntegerField

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("min_value", 1)
        kwargs.setdefault("max_value", ID_MAX)
        super().__init__(*args, **kwargs)
