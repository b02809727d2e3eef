"""Services that write a user's own settings."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from .models import User, new_calendar_token


def calendar_token_reset(*, user: User) -> User:
    """Give the user a new calendar feed token; the old feed URL stops working at once (404)."""
    user.calendar_token = new_calendar_token()
    user.save(update_fields=["calendar_token"])
    return user


@transaction.atomic
def user_settings_update(*, user: User, language: str | None = None, email_mode: str | None = None) -> User:
    """Change the language of pages and e-mails and how reminders arrive (immediately or as one daily digest)."""
    errors = {}
    if language is not None and language not in User.Language.values:
        errors["language"] = _("Choose Simplified Chinese or English.")
    if email_mode is not None and email_mode not in User.EmailMode.values:
        errors["email_mode"] = _("Choose immediate e-mails or one daily digest.")
    if errors:
        raise ValidationError(errors)
    changed = []
    if language is not None:
        user.language = language
        changed.append("language")
    if email_mode is not None:
        user.email_mode = email_mode
        changed.append("email_mode")
    if changed:
        user.save(update_fields=changed)
    return user
