"""The single gate for reading contracts and everything that hangs off them.

Pages, the API, search, calendar feeds, PDFs and reminder e-mails all ask this module what a user may see or
change. Global roles come from model permissions on the role groups (manager, legal and auditor hold
`contracts.view_contract`); everyone else sees what they own and what was shared with them through the
direct-foreign-key guardian tables. Changing is for writing roles only (accounts.roles): a user whose roles cannot
write changes nothing, whatever they own or were shared.
"""

from collections.abc import Iterable
from typing import TypeVar

from django.db.models import Model, Q, QuerySet
from typing_extensions import TypeIs

from accounts.models import AnyUser, User, role_label
from accounts.roles import user_may_write
from core.formatting import person_label

from .models import (
    Clause,
    ClauseRevision,
    Contract,
    ContractGroupObjectPermission,
    ContractUserObjectPermission,
    Document,
    PriceChangeNotice,
)

_Row = TypeVar("_Row", bound=Model)

VIEW = "view_contract"
CHANGE = "change_contract"


def _grant_sets(user: User, codenames: tuple[str, ...]) -> tuple[QuerySet, QuerySet]:
    """Ids of the contracts shared with `user` for one of `codenames`: directly, and through their groups."""
    direct = ContractUserObjectPermission.objects.filter(user=user, permission__codename__in=codenames)
    via_group = ContractGroupObjectPermission.objects.filter(
        group__in=user.groups.values_list("pk", flat=True), permission__codename__in=codenames
    )
    return direct.values("content_object_id"), via_group.values("content_object_id")


def _granted(user: User, codenames: tuple[str, ...]) -> Q:
    """Contracts `user` owns or holds one of `codenames` on, directly or through one of their groups.

    Written as `owner = me OR id IN (direct grants) OR id IN (group grants)`: PostgreSQL evaluates the two id sets
    once, as hashed sub-plans, and can still walk the contracts in list order (newest first) and stop after one
    page; a staff user who sees 10,000 of 100,000 contracts gets a page after reading about 500 rows.
    """
    direct, via_group = _grant_sets(user, codenames)
    return Q(owner=user) | Q(pk__in=direct) | Q(pk__in=via_group)


def _active(user: AnyUser | None) -> TypeIs[User]:
    return bool(user and user.is_authenticated and user.is_active)


def user_sees_all_contracts(user: AnyUser) -> bool:
    return _active(user) and (user.is_superuser or user.has_perm(f"contracts.{VIEW}"))


def user_changes_all_contracts(user: AnyUser) -> bool:
    return _active(user) and user_may_write(user) and (user.is_superuser or user.has_perm(f"contracts.{CHANGE}"))


def contracts_visible_to(user: AnyUser) -> QuerySet[Contract]:
    if not _active(user):
        return Contract.objects.none()
    if user_sees_all_contracts(user):
        return Contract.objects.all()
    return Contract.objects.filter(_granted(user, (VIEW, CHANGE)))


def contract_ids_visible_to(user: AnyUser) -> QuerySet:
    """The ids of the contracts `user` may see, as a subquery: what the rows hanging off a contract filter on.

    For a user with per-object access this is a UNION of the owned, directly granted and group-granted ids, read
    from the grant tables' indexes alone, without touching the 100,000 contract rows.
    """
    if not _active(user) or user_sees_all_contracts(user):
        return contracts_visible_to(user).order_by().values("pk")
    direct, via_group = _grant_sets(user, (VIEW, CHANGE))
    return Contract.objects.filter(owner=user).order_by().values("pk").union(direct, via_group)


def contracts_visible_to_for_counting(user: AnyUser) -> QuerySet[Contract]:
    """The same rows as `contracts_visible_to`, shaped for COUNT(*) under further filters rather than for a page.

    Counting visits every visible contract; joining the id set once is several times cheaper than testing the OR on
    every contract row. Without further filters, count `contract_ids_visible_to(user)` directly: cheaper still.
    """
    if not _active(user) or user_sees_all_contracts(user):
        return contracts_visible_to(user)
    return Contract.objects.filter(pk__in=contract_ids_visible_to(user))


def contracts_changeable_by(user: AnyUser) -> QuerySet[Contract]:
    """What `user` may change: everything for a manager, otherwise what they own or hold a change grant on; nothing
    at all for a user whose roles cannot write (an auditor who owns a contract or holds a change grant)."""
    if not _active(user) or not user_may_write(user):
        return Contract.objects.none()
    if user_changes_all_contracts(user):
        return Contract.objects.all()
    return Contract.objects.filter(_granted(user, (CHANGE,)))


def user_can_view_contract(user: AnyUser, contract: Contract) -> bool:
    return contracts_visible_to(user).filter(pk=contract.pk).exists()


def user_can_change_contract(user: AnyUser, contract: Contract) -> bool:
    return contracts_changeable_by(user).filter(pk=contract.pk).exists()


def user_can_edit_clauses(user: AnyUser, contract: Contract) -> bool:
    """Legal edits clauses of every contract it can see; others need change rights on the contract."""
    if _active(user) and user.has_perm("contracts.change_clause") and user_can_view_contract(user, contract):
        return True
    return user_can_change_contract(user, contract)


def user_can_share_contract(user: AnyUser, contract: Contract) -> bool:
    """Only the owner and those who change every contract (managers, superusers) decide who else may see it, and who
    owns it.

    A shared editor may change the terms but not hand the contract on: the owner stays in control of its audience.
    An owner whose roles cannot write shares nothing.
    """
    if not _active(user) or not user_may_write(user):
        return False
    return contract.owner_id == user.pk or user_changes_all_contracts(user)


def visible_through_contract(model: type[_Row], user: AnyUser, path: str = "contract") -> QuerySet[_Row]:
    """Rows of `model` whose contract (reached through `path`) the user may see."""
    if not _active(user):
        return model._default_manager.none()
    if user_sees_all_contracts(user):
        return model._default_manager.all()
    return model._default_manager.filter(**{f"{path}__in": contract_ids_visible_to(user)})


def clauses_visible_to(user: AnyUser) -> QuerySet[Clause]:
    return visible_through_contract(Clause, user)


def contract_clauses_for(user: AnyUser, contract: Contract, *, open_only: bool = False) -> QuerySet[Clause]:
    """The clauses of `contract` that `user` sees, in contract order; `open_only`: those not yet agreed or waived
    (what stops the contract from being signed)."""
    clauses = clauses_visible_to(user).filter(contract=contract)
    if open_only:
        clauses = clauses.exclude(status__in=Clause.SETTLED_STATUSES)
    return clauses.order_by("order", "id")


def clause_revisions_visible_to(user: AnyUser) -> QuerySet[ClauseRevision]:
    return visible_through_contract(ClauseRevision, user, "clause__contract")


def documents_visible_to(user: AnyUser) -> QuerySet[Document]:
    return visible_through_contract(Document, user)


def price_change_notices_visible_to(user: AnyUser) -> QuerySet[PriceChangeNotice]:
    return visible_through_contract(PriceChangeNotice, user)


def contract_shares(contract: Contract) -> dict[str, list[dict[str, str]]]:
    """Who the contract is shared with and how: {"users": [{"user", "permission", "label"}], "groups": [...]}.

    A grantee holding change_contract is listed as "change" (it implies view), otherwise as "view".
    """

    def collapse(rows: Iterable[tuple[str, str]], key: str) -> list[dict[str, str]]:
        levels: dict[str, str] = {}
        for name, codename in rows:
            if codename == CHANGE or levels.get(name) == "change":
                levels[name] = "change"
            else:
                levels[name] = "view"
        return [{key: name, "permission": level} for name, level in sorted(levels.items())]

    grants = ContractUserObjectPermission.objects.filter(content_object=contract).select_related("user", "permission")
    people = {grant.user.username: grant.user for grant in grants}
    users = [(grant.user.username, grant.permission.codename) for grant in grants]
    groups = ContractGroupObjectPermission.objects.filter(content_object=contract).values_list(
        "group__name", "permission__codename"
    )
    # "label" is how people read the grantee: 李晓敏（lixm）, 采购经理.
    return {
        "users": [{**row, "label": person_label(people[row["user"]])} for row in collapse(users, "user")],
        "groups": [{**row, "label": role_label(row["group"])} for row in collapse(groups, "group")],
    }
