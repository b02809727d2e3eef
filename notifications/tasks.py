"""Celery tasks of the chat robots and webhooks; idempotent (claims with SKIP LOCKED), retries are rows waiting for
their `next_attempt_at`, never Celery retries."""

from celery import shared_task
from django.conf import settings

from .chat import run_chat_sweep
from .events import emit_obligation_events
from .webhooks import deliver_webhooks


def _time_budget() -> float:
    return settings.CELERY_TASK_SOFT_TIME_LIMIT * 0.8


@shared_task(name="notifications.sweep_chat", acks_late=True, ignore_result=True)
def sweep_chat_task() -> int:
    """Beat runs this next to the e-mail sweep: the due reminders to chat robots. Returns how many were sent."""
    return run_chat_sweep(time_budget=_time_budget()).sent


@shared_task(name="notifications.deliver_webhooks", acks_late=True, ignore_result=True)
def deliver_webhooks_task() -> int:
    """Beat runs this every minute (and a commit that emitted an event queues it): the day's obligation events, then
    every delivery that is due."""
    emit_obligation_events()
    return deliver_webhooks(deadline=None)[0]
