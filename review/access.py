"""A contract's review for one user: fetched through the contract's access function, 404 when the contract is
hidden, 403 when it is visible but the user may not accept findings."""

from __future__ import annotations

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _

from accounts.models import AnyUser
from contracts.access import access_contract
from contracts.models import Contract

from .selectors import user_can_accept_findings


def access_contract_review(user: AnyUser, pk: int | str, *, to: Literal["view", "accept"] = "view") -> Contract:
    contract = access_contract(user, pk)
    if to == "accept" and not user_can_accept_findings(user, contract):
        raise PermissionDenied(_("Only a procurement manager or legal can accept review findings."))
    return contract
