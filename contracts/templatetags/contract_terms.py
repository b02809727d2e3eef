"""Template filters for a contract's terms as they stand on a given day."""

from datetime import date

from django import template

from obligations import rules

from ..models import Contract
from ..search import RUNNING

register = template.Library()


@register.filter
def running_term(contract: Contract, today: date) -> rules.Term | None:
    """The renewal term a signed or active contract is in on `today`, or None while it is in its initial term.

    The stored end date is the initial term's; an auto-renewing contract that has rolled over ends with its current
    term unless it renews again, and that is the date a buyer needs to see.
    """
    if contract.status not in RUNNING or not today:
        return None
    term = contract.current_term(today)
    return term if term is not None and term.index > 0 else None
