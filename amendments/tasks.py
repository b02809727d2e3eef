"""Celery tasks of the amendments app."""

from celery import shared_task
from django.utils import timezone

from .services import amendments_apply_due


@shared_task(name="amendments.apply_due_amendments_daily", acks_late=True, ignore_result=True)
def apply_due_amendments_daily() -> dict:
    """Approved amendments come into force on their day, on the company's local date. Idempotent: a retry or a
    second beat finds nothing left to apply."""
    return {"applied": amendments_apply_due(today=timezone.localdate())}
