"""Sharing a contract with a user or a group (django-guardian object permissions on direct foreign-key tables).

The grant tables are the only source of per-object access: contracts.selectors reads them, this module writes them.
"""

import logging

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import Role
from contracts.models import Contract, ContractGroupObjectPermission, ContractUserObjectPermission
from contracts.selectors import CHANGE, VIEW, user_can_share_contract

logger = logging.getLogger(__name__)

LEVELS = ("view", "change", "none")
CODENAMES_FOR_LEVEL = {"view": (VIEW,), "change": (VIEW, CHANGE), "none": ()}


def _grantee(user, group) -> tuple[str, object]:
    if (user is None) == (group is None):
        raise ValidationError({"non_field_errors": [_("Share with either one user or one group.")]})
    User = get_user_model()
    if user is not None and not isinstance(user, User):
        found = User.objects.filter(username=user, is_active=True).first()
        if found is None:
            raise ValidationError({"user": [_("There is no active user with this user name.")]})
        user = found
    if group is not None and not isinstance(group, Group):
        found = Group.objects.filter(name=group).first()
        if found is None:
            raise ValidationError({"group": [_("There is no group with this name.")]})
        group = found
    return ("user", user) if user is not None else ("group", group)


@transaction.atomic
def contract_share(*, contract: Contract, by, user=None, group=None, permission: str) -> Contract:
    """Grant `view` or `change` (which implies view) on one contract to a user or a group, or revoke it (`none`).

    `user` and `group` may be instances or a user name / group name. Only the owner, a manager or a superuser may
    share. Auditors only read, so they can be given `view` but never `change`. The grant is written to the log and
    to the contract's history with the reason, so an audit shows who opened the contract to whom and when.
    """
    if permission not in LEVELS:
        raise ValidationError({"permission": [_("Choose view, change or none.")]})
    if not user_can_share_contract(by, contract):
        raise PermissionDenied(_("Only the owner or a procurement manager can share this contract."))
    kind, grantee = _grantee(user, group)
    if permission == "change" and _is_auditor(kind, grantee):
        raise ValidationError({kind: [_("Auditors only read contracts; share with them for viewing.")]})

    wanted = set(CODENAMES_FOR_LEVEL[permission])
    perms = {
        p.codename: p
        for p in Permission.objects.filter(content_type__app_label="contracts", codename__in=(VIEW, CHANGE))
    }
    if kind == "user":
        model, lookup = ContractUserObjectPermission, {"user": grantee}
    else:
        model, lookup = ContractGroupObjectPermission, {"group": grantee}
    grants = model.objects.filter(content_object=contract, **lookup)
    grants.exclude(permission__codename__in=wanted).delete()
    held = set(grants.values_list("permission__codename", flat=True))
    model.objects.bulk_create(
        [model(content_object=contract, permission=perms[c], **lookup) for c in sorted(wanted - held)],
        ignore_conflicts=True,
    )

    name = grantee.username if kind == "user" else grantee.name
    reason = f"share {kind} {name}: {permission}"
    logger.info("contract %s: %s (by %s)", contract.number, reason, by.username)
    contract._change_reason = reason
    contract._history_user = by
    contract.save(update_fields=["updated_at"])
    return contract


def _is_auditor(kind: str, grantee) -> bool:
    if kind == "group":
        return grantee.name == Role.AUDITOR
    return grantee.groups.filter(name=Role.AUDITOR).exists() and not grantee.is_superuser
