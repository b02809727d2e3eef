"""Reading amendments: through the contracts' gate, so an amendment is visible exactly when its contract is."""

from django.db.models import QuerySet

from accounts.models import AnyUser
from contracts.models import Contract
from contracts.selectors import (
    user_can_change_contract,
    user_can_edit_clauses,
    user_changes_all_contracts,
    visible_through_contract,
)

from .models import Amendment


def amendments_visible_to(user: AnyUser) -> QuerySet[Amendment]:
    return visible_through_contract(Amendment, user)


def contract_amendments_for(user: AnyUser, contract: Contract) -> QuerySet[Amendment]:
    """The amendments of `contract` that `user` sees, in the order they were made."""
    return amendments_visible_to(user).filter(contract=contract).order_by("sequence")


def user_can_propose_amendment(user: AnyUser, contract: Contract) -> bool:
    """Writing an amendment needs change rights on the contract (a buyer on their own or shared-to-change ones)."""
    return user_can_change_contract(user, contract)


def user_can_approve_amendment(user: AnyUser, amendment: Amendment) -> bool:
    """A procurement manager approves (or rejects) any amendment; legal one that changes clauses only."""
    if user_changes_all_contracts(user):
        return True
    if not amendment.clause_only or not user.has_perm("contracts.change_clause"):
        return False
    return user_can_edit_clauses(user, amendment.contract)


def user_can_withdraw_amendment(user: AnyUser, amendment: Amendment) -> bool:
    """Whoever may propose an amendment of the contract may withdraw one that is not yet in force."""
    return user_can_change_contract(user, amendment.contract)
