"""The single gate for reading contracts and everything that hangs off them.

Pages, the API, search, calendar feeds, PDFs and reminder e-mails all ask this module what a user may see or
change. Global roles come from model permissions on the role groups (manager, legal and auditor hold
`contracts.view_contract`); everyone else sees what they own and what was shared with them through the
direct-foreign-key guardian tables.
"""

from django.db.models import QuerySet

from .models import (
    Clause,
    ClauseRevision,
    Contract,
    ContractGroupObjectPermission,
    ContractUserObjectPermission,
    Document,
    PriceChangeNotice,
)

VIEW = "view_contract"
CHANGE = "change_contract"


def _granted_contract_ids(user, codenames: tuple[str, ...]) -> QuerySet:
    """Ids of the contracts `user` owns or holds one of `codenames` on, directly or through a group.

    A UNION of three index-only id sets, used as `pk IN (...)`: PostgreSQL turns it into a hash semi-join, so a
    staff user with thousands of grants among 100,000 contracts costs a few milliseconds, whereas an OR of EXISTS
    subqueries would have to test every contract row.
    """
    owned = Contract.objects.filter(owner=user).values("pk")
    direct = ContractUserObjectPermission.objects.filter(user=user, permission__codename__in=codenames).values(
        "content_object_id"
    )
    via_group = ContractGroupObjectPermission.objects.filter(
        group__in=user.groups.values("pk"), permission__codename__in=codenames
    ).values("content_object_id")
    return owned.union(direct, via_group)


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
    return Contract.objects.filter(pk__in=_granted_contract_ids(user, (VIEW, CHANGE)))


def contracts_changeable_by(user) -> QuerySet[Contract]:
    if not _active(user):
        return Contract.objects.none()
    if user_changes_all_contracts(user):
        return Contract.objects.all()
    return Contract.objects.filter(pk__in=_granted_contract_ids(user, (CHANGE,)))


def user_can_view_contract(user, contract: Contract) -> bool:
    return contracts_visible_to(user).filter(pk=contract.pk).exists()


def user_can_change_contract(user, contract: Contract) -> bool:
    return contracts_changeable_by(user).filter(pk=contract.pk).exists()


def user_can_edit_clauses(user, contract: Contract) -> bool:
    """Legal edits clauses of every contract it can see; others need change rights on the contract."""
    if _active(user) and user.has_perm("contracts.change_clause") and user_can_view_contract(user, contract):
        return True
    return user_can_change_contract(user, contract)


def user_can_share_contract(user, contract: Contract) -> bool:
    """Only the owner and those who change every contract (managers, superusers) decide who else may see it.

    A shared editor may change the terms but not hand the contract on: the owner stays in control of its audience.
    """
    if not _active(user):
        return False
    return contract.owner_id == user.pk or user_changes_all_contracts(user)


def _follow_contract(model, user, path: str = "contract") -> QuerySet:
    """Rows of `model` whose contract (reached through `path`) the user may see."""
    visible = contracts_visible_to(user)
    if visible.query.is_empty():
        return model.objects.none()
    if not visible.query.where:
        return model.objects.all()
    return model.objects.filter(**{f"{path}__in": visible.values("pk")})


def clauses_visible_to(user) -> QuerySet[Clause]:
    return _follow_contract(Clause, user)


def clause_revisions_visible_to(user) -> QuerySet[ClauseRevision]:
    return _follow_contract(ClauseRevision, user, "clause__contract")


def documents_visible_to(user) -> QuerySet[Document]:
    return _follow_contract(Document, user)


def price_change_notices_visible_to(user) -> QuerySet[PriceChangeNotice]:
    return _follow_contract(PriceChangeNotice, user)


def contract_shares(contract: Contract) -> dict[str, list[dict[str, str]]]:
    """Who the contract is shared with and how: {"users": [{"user", "permission"}], "groups": [...]}.

    A grantee holding change_contract is listed as "change" (it implies view), otherwise as "view".
    """

    def collapse(rows, key: str) -> list[dict[str, str]]:
        levels: dict[str, str] = {}
        for name, codename in rows:
            if codename == CHANGE or levels.get(name) == "change":
                levels[name] = "change"
            else:
                levels[name] = "view"
        return [{key: name, "permission": level} for name, level in sorted(levels.items())]

    users = ContractUserObjectPermission.objects.filter(content_object=contract).values_list(
        "user__username", "permission__codename"
    )
    groups = ContractGroupObjectPermission.objects.filter(content_object=contract).values_list(
        "group__name", "permission__codename"
    )
    return {"users": collapse(users, "user"), "groups": collapse(groups, "group")}
