"""Reads about users: when a user's API token stops working, who the people pickers offer for what is typed, and
the permissions of many users at once."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

import django
from django.conf import settings
from django.db.models import Q, QuerySet, Value
from django.db.models.functions import Concat
from django.utils import timezone
from rest_framework.authtoken.models import Token

from .models import AnyUser, User
from .roles import users_who_may_own

PICKER_LIMIT = 20
"""The most people a picker answers at once: typing more narrows the list."""


def api_token_expires(token: Token) -> datetime:
    """A token works for API_TOKEN_TTL_DAYS after it was issued; signing in again within that time returns the same
    token, so a script that signs in on every run does not lock its other runs out."""
    return token.created + timedelta(days=settings.API_TOKEN_TTL_DAYS)


def api_token_expired(token: Token, *, now: datetime | None = None) -> bool:
    return api_token_expires(token) <= (now or timezone.now())


def api_token_of(user: User) -> Token | None:
    """The user's API token, expired or not (one per user); None when they have none."""
    return Token.objects.filter(user=user).first()


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


def load_permissions(users: Sequence[User]) -> None:
    """Read the model permissions of many users in two queries in all, instead of two per user.

    `user.has_perm` (Django's ModelBackend) reads a user's own and their groups' permissions the first time it is
    asked, two queries per user object: a reminder sweep that checks what fifty people may see asked a hundred. This
    fills the same two caches on each object, in ModelBackend's own attributes and "app_label.codename" format, so
    `has_perm` answers exactly as before without asking the database. Superusers and inactive users are left as they
    are: `has_perm` answers them without the caches.
    """
    if django.VERSION[:2] != (5, 2):
        return  # the caches are ModelBackend's own attributes, checked on Django 5.2 only: has_perm then reads them
    wanted = {user.pk: user for user in users if user.is_active and not user.is_superuser}
    own: dict[int, set[str]] = {pk: set() for pk in wanted}
    via_groups: dict[int, set[str]] = {pk: set() for pk in wanted}
    granted = User.user_permissions.through.objects.filter(user_id__in=list(wanted)).values_list(
        "user_id", "permission__content_type__app_label", "permission__codename"
    )
    for pk, app_label, codename in granted:
        own[pk].add(f"{app_label}.{codename}")
    grouped = (
        User.groups.through.objects.filter(user_id__in=list(wanted), group__permissions__isnull=False)
        .values_list("user_id", "group__permissions__content_type__app_label", "group__permissions__codename")
        .distinct()
    )
    for pk, app_label, codename in grouped:
        via_groups[pk].add(f"{app_label}.{codename}")
    for pk, user in wanted.items():
        user.__dict__.update(_user_perm_cache=own[pk], _group_perm_cache=via_groups[pk])
