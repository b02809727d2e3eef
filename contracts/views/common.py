"""What every contract page does first: fetch the contract the user may see, and word a service's refusal."""

from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from contracts.models import Contract
from contracts.selectors import (
    contracts_visible_to,
    user_can_change_contract,
    user_can_edit_clauses,
)


def visible_contract(request: HttpRequest, pk: int) -> Contract:
    return get_object_or_404(contracts_visible_to(request.user).select_related("vendor", "owner"), pk=pk)


def changeable_contract(request: HttpRequest, pk: int) -> Contract:
    """The contract if the user may change it; 404 if they cannot see it, 403 if they can only read it."""
    contract = visible_contract(request, pk)
    if not user_can_change_contract(request.user, contract):
        raise PermissionDenied(_("You can view this contract but not change it."))
    return contract


def clause_editable_contract(request: HttpRequest, pk: int) -> Contract:
    contract = visible_contract(request, pk)
    if not user_can_edit_clauses(request.user, contract):
        raise PermissionDenied(_("You can view this contract's clauses but not change them."))
    return contract


def error_message(exc: Exception) -> str:
    if isinstance(exc, ValidationError):
        return " ".join(exc.messages)
    return str(getattr(exc, "message", exc))
