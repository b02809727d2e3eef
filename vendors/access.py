"""One vendor for one user. Vendors are shared reference data: every signed-in user sees every vendor, and the
role's model permissions decide who may change one (refused before the vendor is even looked up)."""

from __future__ import annotations

from typing import Literal

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from accounts.models import AnyUser

from .models import Vendor

VendorUse = Literal["view", "change"]


def access_vendor(user: AnyUser, pk: int | str, *, to: VendorUse = "view") -> Vendor:
    if to == "change" and not user.has_perm("vendors.change_vendor"):
        raise PermissionDenied(_("Your role cannot change vendors."))
    return get_object_or_404(Vendor, pk=pk)
