from django.utils.translation import gettext_lazy as _


class StaleVersionError(Exception):
    """A write carried an old `version`: someone else saved first. Nothing was changed."""

    def __init__(self, current_version: int, message=None):
        self.current_version = current_version
        self.message = message or _("Someone else saved this record first. Reload it and apply your change again.")
        super().__init__(str(self.message))


class ActionNotAllowed(Exception):
    """A lifecycle action that the current state does not allow; the message says why, in the user's language."""

    def __init__(self, message):
        self.message = message
        super().__init__(str(message))


DUPLICATE = "duplicate"
"""The code of a ValidationError saying a unique value is already used by another object (see duplicate_error)."""


def duplicate_error(message, existing=None, **params):
    """A ValidationError for a value another object already uses, naming that object.

    `message` is a translated format string (its placeholders filled from ``params`` and ``name``). When `existing`
    is given (an object the reader may see), ``name`` is its ``str()`` and ``url`` its page, so a page can link to it
    (core.forms.duplicate_links) and the API's message names it.
    """
    from django.core.exceptions import ValidationError

    if existing is not None:
        params = {"name": str(existing), "url": existing.get_absolute_url(), **params}
    return ValidationError(message, code=DUPLICATE, params=params)


class ClausesNotAgreed(ActionNotAllowed):
    """Signing refused because clauses are still open; `clause_ids` are those clauses, in contract order."""

    def __init__(self, message, clause_ids):
        super().__init__(message)
        self.clause_ids = list(clause_ids)


class FindingsOpen(ActionNotAllowed):
    """Signing refused because the contract review has high findings nobody fixed or accepted; `findings` are their
    rule codes, in checklist order."""

    def __init__(self, message, findings):
        super().__init__(message)
        self.findings = list(findings)
