"""Form fields that forgive how people type: the ``core.text`` normalisers applied before Django parses a value.

    TrimmedCharField     names, titles, free text: full-width letters and digits made ASCII, trimmed
    CodeField            credit codes, contract numbers: " 9131 0000 ｍａ１Ｋ " -> "91310000MA1K"
    LocalisedDecimalField  "１，２３４．５０元" -> Decimal("1234.50"); a text input with a decimal keypad
    LocalisedIntegerField  "１，２００" -> 1200; a text input with a numeric keypad
    LocalisedDateField   "２０２６年１月１日", "2026/1/1", "2026.1.1" -> date(2026, 1, 1)

A ModelForm switches a field with ``Meta.field_classes = {"credit_code": CodeField}``; validators, max_length and
error messages work as with Django's own fields, on the normalised value. The number fields render a text input
(``inputmode`` brings up the phone's number keypad) because a browser's ``type="number"`` input drops full-width
digits and separators before the server ever sees them.
"""

from django import forms
from django.db import models

from .text import normalise_code, normalise_date_input, normalise_number, normalise_text


class NormalisedInputMixin:
    """Runs ``normalise`` on typed (string) input before the field's own ``to_python``."""

    normalise = staticmethod(str.strip)

    def to_python(self, value):
        if isinstance(value, str):
            value = self.normalise(value)
        return super().to_python(value)


class TrimmedCharField(NormalisedInputMixin, forms.CharField):
    normalise = staticmethod(normalise_text)


class CodeField(NormalisedInputMixin, forms.CharField):
    normalise = staticmethod(normalise_code)


class LocalisedDecimalField(NormalisedInputMixin, forms.DecimalField):
    normalise = staticmethod(normalise_number)
    widget = forms.TextInput

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "decimal"}


class LocalisedIntegerField(NormalisedInputMixin, forms.IntegerField):
    normalise = staticmethod(normalise_number)
    widget = forms.TextInput

    def widget_attrs(self, widget):
        return {**super().widget_attrs(widget), "inputmode": "numeric"}


class LocalisedDateField(NormalisedInputMixin, forms.DateField):
    normalise = staticmethod(normalise_date_input)


_FORGIVING = (
    (models.DateField, LocalisedDateField),
    (models.DecimalField, LocalisedDecimalField),
    (models.IntegerField, LocalisedIntegerField),  # the small, positive and big integer fields too
)


def forgiving_field_classes(model, fields, *, codes=()) -> dict:
    """``Meta.field_classes`` switching a ModelForm's typed fields to the forgiving ones above.

    Dates, decimals and integers read full-width and Chinese-written input; plain text fields (``CharField``
    without choices; not e-mail or URL fields, and not ``TextField`` prose) are trimmed with full-width letters
    and digits made ASCII; the fields named in ``codes`` (credit codes, contract numbers) become ``CodeField``.
    Date and time stamps (``DateTimeField``) and choice fields keep Django's own fields.
    """
    classes = {}
    for name in fields:
        field = model._meta.get_field(name)
        if name in codes:
            classes[name] = CodeField
        elif getattr(field, "choices", None) or isinstance(field, models.DateTimeField):
            continue
        elif type(field) is models.CharField:
            classes[name] = TrimmedCharField
        else:
            for model_field, form_field in _FORGIVING:
                if isinstance(field, model_field):
                    classes[name] = form_field
                    break
    return classes
