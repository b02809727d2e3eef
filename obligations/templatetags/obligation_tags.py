"""Template filters for obligations as they stand on a given day."""

from datetime import date

from django import template

from ..models import Obligation

register = template.Library()


@register.filter
def overdue_on(obligation: Obligation, today: date) -> bool:
    """Whether the obligation is overdue on `today` (Obligation.is_overdue_on)."""
    return obligation.is_overdue_on(today)
