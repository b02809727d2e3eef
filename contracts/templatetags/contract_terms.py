"""Template filters for a contract's terms as they stand on a given day."""

from datetime import date

from django import template

from rules.terms import Term

from ..models import Contract

register = template.Library()


@register.filter
def running_term(contract: Contract, today: date) -> Term | None:
    """The renewal term a signed or active contract is in on `today` (Contract.renewal_term_on)."""
    return contract.renewal_term_on(today)
