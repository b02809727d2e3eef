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


class ClausesNotAgreed(ActionNotAllowed):
    """Signing refused because clauses are still open; `clause_ids` are those clauses, in contract order."""

    def __init__(self, message, clause_ids):
        super().__init__(message)
        self.clause_ids = list(clause_ids)
