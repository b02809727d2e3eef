"""One amendment for one user: 404 when its contract is hidden from them, 403 when they may see but not do it."""

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.models import AnyUser

from .models import Amendment
from .selectors import (
    amendments_visible_to,
    user_can_approve_amendment,
    user_can_propose_amendment,
    user_can_withdraw_amendment,
)

AmendmentUse = Literal["view", "change", "approve", "withdraw"]


def access_amendment(user: AnyUser, pk: int | str, *, to: AmendmentUse = "view") -> Amendment:
    amendment = get_object_or_404(
        amendments_visible_to(user).select_related("contract", "contract__vendor", "created_by", "approved_by"), pk=pk
    )
    if to == "change" and not user_can_propose_amendment(user, amendment.contract):
        raise PermissionDenied(_("You can view this amendment but not change it."))
    if to == "approve" and not user_can_approve_amendment(user, amendment):
        raise PermissionDenied(
            _("Only a procurement manager approves amendments; legal may approve one that changes clauses only.")
        )
    if to == "withdraw" and not user_can_withdraw_amendment(user, amendment):
        raise PermissionDenied(_("You can view this amendment but not withdraw it."))
    return amendment
