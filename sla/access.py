"""One recorded SLA month for one user: fetched through the selectors, 404 when its contract is hidden, 403 when the
user may see it but not change it (auditors, view-only shares)."""

from __future__ import annotations

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.models import AnyUser
from contracts.selectors import user_can_change_contract

from .models import SlaPeriod
from .selectors import sla_periods_visible_to


def access_sla_period(
    user: AnyUser, pk: int | str, *, to: Literal["view", "change"] = "view", contract_pk: int | str | None = None
) -> SlaPeriod:
    """The month `pk` (of contract `contract_pk` when given) if `user` may see it, and change it when asked."""
    months = sla_periods_visible_to(user).select_related("contract")
    if contract_pk is not None:
        months = months.filter(contract_id=contract_pk)
    month = get_object_or_404(months, pk=pk)
    if to == "change" and not user_can_change_contract(user, month.contract):
        raise PermissionDenied(_("You can view this contract's SLA results but not change them."))
    return month
