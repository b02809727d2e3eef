"""One obligation for one user: fetched through obligations.selectors, checked, or refused.

An obligation the user may not see answers 404, like one that does not exist; one they may see but not handle answers
403 with the reason.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Literal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.models import AnyUser
from contracts.selectors import user_can_change_contract

from .models import Obligation
from .selectors import obligations_visible_to

ObligationUse = Literal["view", "handle", "change"]


def user_can_handle_obligation(user: AnyUser, obligation: Obligation) -> bool:
    """Those who may change the contract, and the obligation's own owner, handle it on the pages."""
    return obligation.owner_id == user.pk or user_can_change_contract(user, obligation.contract)


def access_obligation(
    user: AnyUser, pk: int | str, *, to: ObligationUse = "view", related: Sequence[str] = ("contract",)
) -> Obligation:
    """The obligation `pk` if `user` may see it and, as asked, handle it (its owner or a contract editor, as on the
    pages) or change it (a contract editor, as in the API)."""
    obligation = get_object_or_404(obligations_visible_to(user).select_related(*related), pk=pk)
    if to == "handle" and not user_can_handle_obligation(user, obligation):
        raise PermissionDenied(_("You can view this obligation but not change it."))
    if to == "change" and not user_can_change_contract(user, obligation.contract):
        raise PermissionDenied(_("You can view this obligation but not change it."))
    return obligation
