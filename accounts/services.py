"""Services that write a user's own settings and credentials: password, API token, calendar feed token."""

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from rest_framework.authtoken.models import Token

from .models import User, new_calendar_token
from .selectors import api_token_expired, api_token_of


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


@transaction.atomic
def api_token_obtain(*, user: User) -> Token:
    """The user's API token while it is valid; once it has expired, a new one (the old key stops working)."""
    # One sign-in at a time per user: two concurrent ones would otherwise both replace an expired token.
    User.objects.select_for_update().only("pk").get(pk=user.pk)
    token = api_token_of(user)
    if token is not None and not api_token_expired(token):
        return token
    api_tokens_revoke(user=user)
    return Token.objects.create(user=user)


def api_tokens_revoke(*, user: User) -> None:
    """Every API token of the user stops working at once (401); the next sign-in issues a new one."""
    Token.objects.filter(user=user).delete()


@transaction.atomic
def password_set(*, user: User, password: str | None) -> User:
    """Set the user's password (None: no password, sign-in by password disabled) and revoke their API token, so a
    token obtained with the old password, possibly by whoever knew it, stops working with it.

    Every path that sets a password calls this: the settings page, the password reset and both admin pages.
    """
    if password is None:
        user.set_unusable_password()
    else:
        user.set_password(password)
    user.save(update_fields=["password"])
    api_tokens_revoke(user=user)
    return user
