"""Which roles may write: the one place that says who may change contracts and obligations, and so who may own them.

Procurement managers and procurement staff write contracts; legal edits clauses only (through its own model
permission) and the auditor only reads. Whoever owns a contract or is assigned an obligation must be able to act on
it, so only a writer may own one; and a user whose roles cannot write never changes anything, whatever they own or
were shared. Superusers may do everything.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db.models import Q, QuerySet
from django.utils.translation import gettext as _

from .models import AnyUser, Role, User

WRITING_ROLES: tuple[str, ...] = (Role.PROCUREMENT_MANAGER.value, Role.PROCUREMENT_STAFF.value)
"""The role groups that may change contracts, act on obligations and own either."""

_CACHE = "_clm_may_write"


def user_may_write(user: AnyUser | None) -> bool:
    """True when `user` is active and holds a writing role (or is a superuser). Remembered on the user object for
    the request, like Django's own permission cache."""
    if not (user and user.is_authenticated and user.is_active):
        return False
    cached = getattr(user, _CACHE, None)
    if cached is None:
        cached = user.is_superuser or user.groups.filter(name__in=WRITING_ROLES).exists()
        setattr(user, _CACHE, cached)
    return bool(cached)


def users_who_may_own(*, keep: int | None = None) -> QuerySet[User]:
    """Active users who may own a contract or be assigned an obligation, by user name: what the pickers offer.

    `keep` is the id of the current owner, kept on offer so that saving an unrelated change does not fail on an
    owner given before this rule existed; the services refuse only a new owner.
    """
    writers = User.groups.through.objects.filter(group__name__in=WRITING_ROLES).values("user_id")
    offered = (Q(is_superuser=True) | Q(pk__in=writers)) & Q(is_active=True)
    if keep is not None:
        offered |= Q(pk=keep)
    return User.objects.filter(offered).order_by("username")


def check_may_own_contract(user: User, *, field: str = "owner") -> None:
    """Refuse, as an error on `field`, to make `user` the owner of a contract when their role cannot change it."""
    if not user_may_write(user):
        raise ValidationError(
            {field: [_("%(user)s cannot own contracts: their role cannot change them.") % {"user": user}]}
        )


def check_may_be_assigned_obligation(user: User, *, field: str = "owner") -> None:
    """Refuse, as an error on `field`, to assign an obligation to `user` when their role cannot act on it."""
    if not user_may_write(user):
        raise ValidationError(
            {
                field: [
                    _("%(user)s cannot be assigned obligations: their role cannot change contracts.") % {"user": user}
                ]
            }
        )
