"""One object for one user: fetch it through the selectors, check what the user wants to do with it, or raise.

A contract, clause or document the user may not see answers 404, exactly like one that does not exist, so nobody
learns that it is there; one they may see but not use as asked answers 403 with the reason. Pages, the API and the
PDF endpoints all fetch single objects through these functions, so the rule is written once.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.models import AnyUser

from .models import Clause, Contract, Document
from .selectors import (
    clauses_visible_to,
    contracts_visible_to,
    documents_visible_to,
    user_can_change_contract,
    user_can_edit_clauses,
    user_can_share_contract,
)

ContractUse = Literal["view", "change", "share", "edit_clauses"]

PAGE_RELATED = ("vendor", "owner")
"""What a contract page shows of the contract besides its own columns."""
ClauseUse = Literal["view", "edit"]


def access_contract(user: AnyUser, pk: int | str, *, to: ContractUse = "view", related: Sequence[str] = ()) -> Contract:
    """The contract `pk` if `user` may use it `to` view, change, share or edit its clauses.

    `related` names the relations to load with it (select_related).
    """
    contract = get_object_or_404(contracts_visible_to(user).select_related(*related), pk=pk)
    if to == "change" and not user_can_change_contract(user, contract):
        raise PermissionDenied(_("You can view this contract but not change it."))
    if to == "edit_clauses" and not user_can_edit_clauses(user, contract):
        raise PermissionDenied(_("You can view this contract's clauses but not change them."))
    if to == "share" and not user_can_share_contract(user, contract):
        raise PermissionDenied(_("Only the owner or a procurement manager can share this contract."))
    return contract


def access_clause(
    user: AnyUser,
    pk: int | str,
    *,
    to: ClauseUse = "view",
    contract_pk: int | str | None = None,
    related: Sequence[str] = ("contract",),
) -> Clause:
    """The clause `pk` (of contract `contract_pk` when given) if `user` may see it, and edit it when `to="edit"`."""
    clauses = clauses_visible_to(user).select_related(*related)
    if contract_pk is not None:
        clauses = clauses.filter(contract_id=contract_pk)
    clause = get_object_or_404(clauses, pk=pk)
    if to == "edit" and not user_can_edit_clauses(user, clause.contract):
        raise PermissionDenied(_("You can view this contract's clauses but not change them."))
    return clause


def access_document(user: AnyUser, pk: int | str, *, related: Sequence[str] = ()) -> Document:
    """The document `pk` if `user` may see its contract. Documents are evidence: nobody changes one."""
    return get_object_or_404(documents_visible_to(user).select_related(*related), pk=pk)
