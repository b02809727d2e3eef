"""Form helpers every app's pages use."""

from django import forms
from django.core.exceptions import ValidationError


def apply_errors(form: forms.BaseForm, exc: ValidationError) -> None:
    """Put a service's ValidationError next to the matching fields; anything else goes above the form."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


def formset_rows(formset: forms.BaseFormSet) -> list[dict]:
    """The rows a user kept: filled-in forms that are not marked for deletion."""
    rows = []
    for form in formset.forms:
        data = dict(form.cleaned_data or {})
        if not data or data.pop("DELETE", False):
            continue
        rows.append(data)
    return rows


def duplicate_links(form: forms.BaseForm) -> list[dict]:
    """The objects a form's "already used" errors name ({"name", "url"}), for a link next to the message."""
    from .exceptions import DUPLICATE

    links = []
    for errors in form.errors.as_data().values():
        for error in errors:
            params = error.params or {}
            if error.code == DUPLICATE and params.get("url"):
                links.append({"name": params.get("name", ""), "url": params["url"]})
    return links
