"""Celery tasks of the review."""

from celery import shared_task

from review.services import review_category


@shared_task(name="review.review_category", acks_late=True, ignore_result=True)
def review_category_task(category: str) -> int:
    """Review one category's contracts again after a manager changed its thresholds. Idempotent."""
    return review_category(category)
