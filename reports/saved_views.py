"""Saved register views: read, fetch one, and write. A view belongs to one user; nobody else learns it exists."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.models import AnyUser, User
from contracts.search import REGISTER_PARAMS
from core.exceptions import duplicate_error

from .models import SavedView

NAME_MAX = 80
"""The longest name a view may have (SavedView.name's max_length)."""


def saved_views_of(user: AnyUser) -> QuerySet[SavedView]:
    if not (user and user.is_authenticated):
        return SavedView.objects.none()
    return SavedView.objects.filter(user=user).order_by("name", "pk")


def access_saved_view(user: AnyUser, pk: int | str) -> SavedView:
    """The user's own saved view `pk`; 404 for another user's, exactly as for one that does not exist."""
    return get_object_or_404(saved_views_of(user), pk=pk)


def register_query_string(query_string: str) -> str:
    """The register's part of a query string (its filters and sort, not the page), in a stable order."""
    given = QueryDict(query_string)
    kept = QueryDict(mutable=True)
    for name in REGISTER_PARAMS:
        value = (given.get(name) or "").strip()
        if value:
            kept[name] = value
    return kept.urlencode()


def _clean_name(user: User, name: str, *, instance: SavedView | None = None) -> str:
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Give the view a name.")})
    if len(name) > NAME_MAX:
        raise ValidationError({"name": _("At most %(max)d characters.") % {"max": NAME_MAX}})
    taken = saved_views_of(user).filter(name=name)
    if instance is not None:
        taken = taken.exclude(pk=instance.pk)
    existing = taken.first()
    if existing is not None:
        raise ValidationError({"name": duplicate_error(_("You already have a view named %(name)s."), existing)})
    return name


@transaction.atomic
def saved_view_create(*, user: User, name: str, query: str) -> SavedView:
    """Save the register's current filters and sort under `name` (only the register's own parameters are kept)."""
    return SavedView.objects.create(user=user, name=_clean_name(user, name), query=register_query_string(query))


@transaction.atomic
def saved_view_rename(*, view: SavedView, name: str) -> SavedView:
    view.name = _clean_name(view.user, name, instance=view)
    view.save(update_fields=["name", "updated_at"])
    return view


@transaction.atomic
def saved_view_delete(*, view: SavedView) -> None:
    view.delete()
