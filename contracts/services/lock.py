"""The lock on signed contracts: once signed, what the parties agreed changes only through an amendment.

The term and clause services refuse a direct change with this message; amendments.services writes approved changes
through contracts.services.terms.contract_amend and contracts.services.clauses.clause_amend instead.
"""

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from contracts.models import Contract

AMENDMENT_REQUIRED = "amendment_required"


def amendment_route_message(contract: Contract) -> str:
    """Why a direct change of a signed contract's terms is refused, and where to go instead."""
    return _(
        "Contract %(number)s is signed: its terms, SLA and fee rows and agreed clauses change only through an "
        "amendment (the contract's Amendments tab, or POST /api/v1/contracts/%(id)s/amendments/)."
    ) % {"number": contract.number, "id": contract.pk}


def amendment_required(contract: Contract, fields: list[str]) -> ValidationError:
    message = amendment_route_message(contract)
    return ValidationError({name: [ValidationError(message, code=AMENDMENT_REQUIRED)] for name in fields})
