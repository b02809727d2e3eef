"""Reads of vendors. Vendors are shared reference data: every signed-in user sees every vendor."""

from __future__ import annotations

from django.db.models import Q, QuerySet

from accounts.models import AnyUser

from .models import Vendor

PICKER_LIMIT = 20
"""The most vendors a picker answers at once: typing more narrows the list."""


def vendors_visible_to(user: AnyUser | None) -> QuerySet[Vendor]:
    if not (user and user.is_authenticated and user.is_active):
        return Vendor.objects.none()
    return Vendor.objects.all()


def vendor_choices_for(
    user: AnyUser | None, text: str, *, usable_only: bool = False, limit: int = PICKER_LIMIT
) -> list[Vendor]:
    """Up to `limit` vendors `user` sees whose legal name, short name or credit code contains `text`, by name.

    `usable_only` leaves out blocked vendors, which no new contract may name.
    """
    vendors = vendors_visible_to(user)
    if usable_only:
        vendors = vendors.exclude(status=Vendor.Status.BLOCKED)
    needle = " ".join((text or "").replace("\x00", "").split())
    if needle:
        vendors = vendors.filter(
            Q(name__icontains=needle) | Q(short_name__icontains=needle) | Q(credit_code__icontains=needle)
        )
    return list(vendors.order_by("name", "pk")[:limit])
