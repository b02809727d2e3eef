"""Sharing a contract with a user or a group (django-guardian object permissions on direct foreign-key tables).

The grant tables are the only source of per-object access: contracts.selectors reads them, this module writes them.
"""

import logging
from typing import Any, TypeVar

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Role, User
from contracts.models import Contract, ContractGroupObjectPermission, ContractUserObjectPermission
from contracts.selectors import CHANGE, VIEW, user_can_share_contract

logger = logging.getLogger(__name__)

LEVELS = ("view", "change", "none")
CODENAMES_FOR_LEVEL = {"view": (VIEW,), "change": (VIEW, CHANGE), "none": ()}


def _grantee(user: User | str | None, group: Group | str | None) -> tuple[str, Any, str]:
    """("user" or "group", the grantee, its name) for a user or a group given as an instance or by name."""
    if (user is None) == (group is None):
        raise ValidationError({"non_field_errors": [_("Share with either one user or one group.")]})
    if user is not None:
        User = get_user_model()
        if not isinstance(user, User):
            user = User.objects.filter(username=user, is_active=True).first()
            if user is None:
                raise ValidationError({"user": [_("There is no active user with this user name.")]})
        return "user", user, user.get_username()
    if not isinstance(group, Group):
        group = Group.objects.filter(name=group).first()
        if group is None:
            raise ValidationError({"group": [_("There is no group with this name.")]})
    return "group", group, group.name


@transaction.atomic
def contract_share(
    *, contract: Contract, by: User, user: User | str | None = None, group: Group | str | None = None, permission: str
) -> Contract:
    """Grant `view` or `change` (which implies view) on one contract to a user or a group, or revoke it (`none`).

    `user` and `group` may be instances or a user name / group name. Only the owner, a manager or a superuser may
    share. Auditors only read, so they can be given `view` but never `change`. The grant is written to the log and
    to the contract's history with the reason, so an audit shows who opened the contract to whom and when.
    """
    if permission not in LEVELS:
        raise ValidationError({"permission": [_("Choose view, change or none.")]})
    if not user_can_share_contract(by, contract):
        raise PermissionDenied(_("Only the owner or a procurement manager can share this contract."))
    kind, grantee, name = _grantee(user, group)
    if permission == "change" and _is_auditor(kind, grantee):
        raise ValidationError({kind: [_("Auditors only read contracts; share with them for viewing.")]})

    wanted = set(CODENAMES_FOR_LEVEL[permission])
    perms = {
        p.codename: p
        for p in Permission.objects.filter(content_type__app_label="contracts", codename__in=(VIEW, CHANGE))
    }
    if kind == "user":
        _set_grants(ContractUserObjectPermission, contract, perms, wanted, user=grantee)
    else:
        _set_grants(ContractGroupObjectPermission, contract, perms, wanted, group=grantee)

    reason = f"share {kind} {name}: {permission}"
    logger.info("contract %s: %s (by %s)", contract.number, reason, by.username)
    contract._change_reason = reason
    contract._history_user = by
    contract.save(update_fields=["updated_at"])
    return contract


_Grant = TypeVar("_Grant", ContractUserObjectPermission, ContractGroupObjectPermission)


def _set_grants(model: type[_Grant], contract: Contract, perms: dict, wanted: set[str], **grantee: Any) -> None:
    """Make the grantee hold exactly the `wanted` codenames on the contract."""
    grants = model.objects.filter(content_object=contract, **grantee)
    grants.exclude(permission__codename__in=wanted).delete()
    held = set(grants.values_list("permission__codename", flat=True))
    model.objects.bulk_create(
        [model(content_object=contract, permission=perms[c], **grantee) for c in sorted(wanted - held)],
        ignore_conflicts=True,
    )


def _is_auditor(kind: str, grantee: Any) -> bool:
    if kind == "group":
        return grantee.name == Role.AUDITOR
    return grantee.groups.filter(name=Role.AUDITOR).exists() and not grantee.is_superuser
