"""Reads of obligations. An obligation is visible exactly when its contract is (contracts.selectors decides)."""

from django.db.models import QuerySet

from contracts.selectors import contracts_visible_to

from .models import Obligation


def obligations_visible_to(user) -> QuerySet[Obligation]:
    visible = contracts_visible_to(user)
    if visible.query.is_empty():
        return Obligation.objects.none()
    if not visible.query.where:
        return Obligation.objects.all()
    return Obligation.objects.filter(contract__in=visible.values("pk"))
