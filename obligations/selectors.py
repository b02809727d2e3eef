"""Reads of obligations. An obligation is visible exactly when its contract is (contracts.selectors decides)."""

from django.db.models import QuerySet

from accounts.models import AnyUser, User
from contracts.selectors import contract_ids_visible_to, contracts_visible_to, visible_through_contract

from .models import Obligation


def obligations_visible_to(user: AnyUser) -> QuerySet[Obligation]:
    return visible_through_contract(Obligation, user)


def my_obligation_ids(user: User) -> QuerySet:
    """Ids of the obligations the user owns: assigned to them, or unassigned on a contract they own.

    A UNION of two small index scans. The owner of a contract always sees it (contracts.selectors), so the
    unassigned ones need no further check; an obligation assigned to the user counts only while its contract is
    visible to them.
    """
    own_contracts = contracts_visible_to(user).filter(owner=user).order_by().values("pk")
    inherited = Obligation.objects.filter(owner__isnull=True, contract__in=own_contracts).order_by().values("pk")
    assigned = Obligation.objects.filter(owner=user, contract__in=contract_ids_visible_to(user)).order_by().values("pk")
    return inherited.union(assigned)


def my_obligations(user: User) -> QuerySet[Obligation]:
    return Obligation.objects.filter(pk__in=my_obligation_ids(user))
