"""Reads of users for the people pickers: who may be offered, found by what the user types."""

from __future__ import annotations

from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Concat

from .models import AnyUser, User
from .roles import users_who_may_own

PICKER_LIMIT = 20
"""The most people a picker answers at once: typing more narrows the list."""


def _signed_in(user: AnyUser | None) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def users_matching(users: QuerySet[User], text: str) -> QuerySet[User]:
    """The users whose user name, e-mail, given or family name contains `text`, or whose full name does in Chinese
    order (李晓敏: family then given, no space) or in Western order (Grace Chen); case-insensitive."""
    needle = " ".join((text or "").replace("\x00", "").split())
    if not needle:
        return users
    named = users.annotate(
        _name_family_first=Concat("last_name", "first_name"),
        _name_given_first=Concat("first_name", Value(" "), "last_name"),
    )
    return named.filter(
        Q(username__icontains=needle)
        | Q(email__icontains=needle)
        | Q(first_name__icontains=needle)
        | Q(last_name__icontains=needle)
        | Q(_name_family_first__icontains=needle.replace(" ", ""))
        | Q(_name_given_first__icontains=needle)
    )


def owner_choices_for(user: AnyUser, text: str, *, limit: int = PICKER_LIMIT) -> list[User]:
    """Up to `limit` users who may own a contract (accounts.roles) matching `text`, for a signed-in `user`."""
    if not _signed_in(user):
        return []
    return list(users_matching(users_who_may_own(), text).order_by("username")[:limit])


def share_choices_for(user: AnyUser, text: str, *, limit: int = PICKER_LIMIT) -> list[User]:
    """Up to `limit` active users matching `text`: whom a contract may be shared with, for a signed-in `user`."""
    if not _signed_in(user):
        return []
    return list(users_matching(User.objects.filter(is_active=True), text).order_by("username")[:limit])
