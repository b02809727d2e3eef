"""What every contract API view does first: fetch the contract the caller may see, and check they may change it."""

from django.shortcuts import get_object_or_404
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from rest_framework.exceptions import PermissionDenied

from contracts.models import Contract
from contracts.selectors import (
    contracts_visible_to,
    user_can_change_contract,
    user_can_edit_clauses,
)


def require_change(user, contract: Contract) -> None:
    if not user_can_change_contract(user, contract):
        raise PermissionDenied(_("You can see this contract but not change it."))


def require_clause_editing(user, contract: Contract) -> None:
    if not user_can_edit_clauses(user, contract):
        raise PermissionDenied(_("You can see this contract but not edit its clauses."))


class ContractChildMixin:
    """Views under contracts/{contract_pk}/: the contract must be visible (else 404) before anything else happens."""

    @cached_property
    def contract(self) -> Contract:
        return get_object_or_404(contracts_visible_to(self.request.user), pk=self.kwargs["contract_pk"])
