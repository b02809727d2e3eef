"""Reads of obligations. An obligation is visible exactly when its contract is (contracts.selectors decides)."""

from django.db.models import QuerySet

from contracts.selectors import visible_through_contract

from .models import Obligation


def obligations_visible_to(user) -> QuerySet[Obligation]:
    return visible_through_contract(Obligation, user)
