"""Pickers that search as the user types, for choices with thousands of rows (users, vendors).

The server renders a plain <select> holding only the current choice (and the empty one), so a page never lists
every user or vendor and works without JavaScript for the current value; static/js/app.js turns each
``select[data-autocomplete]`` into a Tom Select that asks the widget's JSON endpoint (``{"results": [{"value",
"label"}]}``) for up to 20 matches of what is typed. The field's queryset still validates what is posted.
"""

from django import forms
from django.utils.translation import gettext

from .formatting import person_label


class AutocompleteSelect(forms.Select):
    """A select rendering only its selected option(s); `url` answers the matches of ``?q=``."""

    def __init__(self, url, attrs=None):
        super().__init__(attrs)
        self.url = url

    def get_context(self, name, value, attrs):
        context = super().get_context(name, value, attrs)
        context["widget"]["attrs"]["data-autocomplete"] = str(self.url)
        context["widget"]["attrs"]["data-no-results"] = gettext("No matches")
        return context

    def optgroups(self, name, value, attrs=None):
        everything = self.choices
        queryset = getattr(everything, "queryset", None)
        if queryset is None:
            return super().optgroups(name, value, attrs)
        key = everything.field.to_field_name or "pk"
        wanted = [str(v) for v in value if v not in (None, "")]
        if key == "pk":
            wanted = [v for v in wanted if v.isascii() and v.isdigit() and len(v) < 19]
        limited = []
        if everything.field.empty_label is not None:
            limited.append(("", everything.field.empty_label))
        if wanted:
            limited.extend(everything.choice(obj) for obj in queryset.filter(**{f"{key}__in": wanted}))
        self.choices = limited
        try:
            return super().optgroups(name, value, attrs)
        finally:
            self.choices = everything


class PersonChoiceField(forms.ModelChoiceField):
    """A user, shown as 李晓敏（lixm）."""

    def label_from_instance(self, obj):
        return person_label(obj)
