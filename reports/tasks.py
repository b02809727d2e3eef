"""Celery tasks of the reports."""

from celery import shared_task

from . import tally


@shared_task(name="reports.compact_tally", acks_late=True, ignore_result=True)
def compact_tally_task() -> int:
    """Beat runs this every quarter hour: the obligation tally's appended rows folded together (idempotent)."""
    return tally.compact()
