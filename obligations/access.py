"""One obligation for one user: fetched through obligations.selectors, checked, or refused.

An obligation the user may not see answers 404, like one that does not exist; one they may see but not act on answers
403 with the reason. Acting on an obligation (complete, waive, reopen, move its due date, reassign it) needs the right
to change its contract: being its assignee alone is not enough. Pages, the API and the admin all ask here.
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

ObligationUse = Literal["view", "act"]


def user_can_act_on_obligation(user: AnyUser, obligation: Obligation) -> bool:
    """Those who may change the obligation's contract act on it; its assignee too only when they may."""
    return user_can_change_contract(user, obligation.contract)


def access_obligation(
    user: AnyUser, pk: int | str, *, to: ObligationUse = "view", related: Sequence[str] = ("contract",)
) -> Obligation:
    """The obligation `pk` if `user` may see it and, when `to="act"`, act on it (change its contract)."""
    obligation = get_object_or_404(obligations_visible_to(user).select_related(*related), pk=pk)
    if to == "act" and not user_can_act_on_obligation(user, obligation):
        raise PermissionDenied(_("You can view this obligation but not change it."))
    return obligation
