"""Messages shown on the next page, for forms posted from a dialog that redirects back instead of re-rendering."""

from django.contrib import messages
from django.http import HttpRequest


def flash_form_errors(request: HttpRequest, form) -> None:
    for errors in form.errors.values():
        for error in errors:
            messages.error(request, error)
