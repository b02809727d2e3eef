"""The single gate for reading contracts and everything that hangs off them.

Pages, the API, search, calendar feeds, PDFs and reminder e-mails all ask this module what a user may see or
change. Global roles come from model permissions on the role groups (manager, legal and auditor hold
`contracts.view_contract`); everyone else sees what they own and what was shared with them through the
direct-foreign-key guardian tables.
"""

from django.db.models import Exists, OuterRef, Q, QuerySet

from .models import Contract, ContractGroupObjectPermission, ContractUserObjectPermission

VIEW = "view_contract"
CHANGE = "change_contract"


def _grants(user, codenames: tuple[str, ...]) -> Q:
    user_grant = ContractUserObjectPermission.objects.filter(
        content_object=OuterRef("pk"), user=user, permission__codename__in=codenames
    )
    group_grant = ContractGroupObjectPermission.objects.filter(
        content_object=OuterRef("pk"), group__user=user, permission__codename__in=codenames
    )
    return Q(owner=user) | Q(Exists(user_grant)) | Q(Exists(group_grant))


def _active(user) -> bool:
    return bool(user and user.is_authenticated and user.is_active)


def user_sees_all_contracts(user) -> bool:
    return _active(user) and (user.is_superuser or user.has_perm(f"contracts.{VIEW}"))


def user_changes_all_contracts(user) -> bool:
    return _active(user) and (user.is_superuser or user.has_perm(f"contracts.{CHANGE}"))


def contracts_visible_to(user) -> QuerySet[Contract]:
    if not _active(user):
        return Contract.objects.none()
    if user_sees_all_contracts(user):
        return Contract.objects.all()
    return Contract.objects.filter(_grants(user, (VIEW, CHANGE)))


def contracts_changeable_by(user) -> QuerySet[Contract]:
    if not _active(user):
        return Contract.objects.none()
    if user_changes_all_contracts(user):
        return Contract.objects.all()
    return Contract.objects.filter(_grants(user, (CHANGE,)))


def user_can_view_contract(user, contract: Contract) -> bool:
    return contracts_visible_to(user).filter(pk=contract.pk).exists()


def user_can_change_contract(user, contract: Contract) -> bool:
    return contracts_changeable_by(user).filter(pk=contract.pk).exists()


def user_can_edit_clauses(user, contract: Contract) -> bool:
    """Legal edits clauses of every contract it can see; others need change rights on the contract."""
    if _active(user) and user.has_perm("contracts.change_clause") and user_can_view_contract(user, contract):
        return True
    return user_can_change_contract(user, contract)
