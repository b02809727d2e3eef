"""Celery tasks of the review."""

from celery import shared_task

from review.services import review_all, review_category


@shared_task(name="review.review_category", acks_late=True, ignore_result=True)
def review_category_task(category: str) -> int:
    """Review one category's contracts again after a manager changed its thresholds. Idempotent."""
    return review_category(category)


@shared_task(name="review.review_all_daily", acks_late=True, ignore_result=True)
def review_all_daily() -> int:
    """Every contract reviewed as of today: a certificate that lapses or a term that rolled over shows the next day."""
    return review_all()
