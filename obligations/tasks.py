"""Celery tasks for reminders. Both are idempotent: running one twice, or on two workers at once, sends nothing twice.

Retries are not Celery retries: a failed e-mail goes back to `pending` with a `next_attempt_at`, and the next sweep
picks it up. So no task ever waits in Redis with a far-future ETA (which the Redis transport would redeliver after
its visibility timeout), and a lost task costs at most one sweep interval.
"""

from celery import shared_task
from django.conf import settings

from obligations.reminders.delivery import deliver_reminder, run_sweep


def _time_budget() -> float:
    """Stop claiming new batches well before the soft time limit; the next sweep carries on."""
    return settings.CELERY_TASK_SOFT_TIME_LIMIT * 0.8


@shared_task(name="obligations.sweep_reminders", acks_late=True, ignore_result=True)
def sweep_reminders_task() -> int:
    """Beat runs this every few minutes: plan what is due and send it. Returns how many reminders were sent."""
    return run_sweep(time_budget=_time_budget()).sent


@shared_task(name="obligations.deliver_reminder", acks_late=True, ignore_result=True)
def deliver_reminder_task(reminder_id: int) -> int:
    """Send one reminder by id if it is still waiting (enqueued on commit by `reminder_retry`)."""
    return deliver_reminder(reminder_id).sent
