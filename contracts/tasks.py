"""Celery tasks of the contracts app."""

from celery import shared_task
from django.utils import timezone

from contracts.lifecycle.roll import roll_contracts


@shared_task(name="contracts.roll_contracts_daily", acks_late=True, ignore_result=True)
def roll_contracts_daily() -> dict:
    """The daily roll: auto-renewals into the next term and expiries. Idempotent, so a retry or a second beat is
    harmless; it always works on the company's local date."""
    result = roll_contracts(today=timezone.localdate())
    return {
        "rolled": result.rolled,
        "expired": result.expired,
        "activated": result.activated,
        "terminated": result.terminated,
    }
