"""What must follow a change of a contract's terms or events, run in the same transaction as the change.

Every service and lifecycle action that changes what a contract says or where it stands calls `terms_changed`, and
this is the one place that lists the apps reacting to it, each through its own entry point: the SLA results
(sla.services.sla_reevaluate: every recorded month is evaluated again against the targets and cap as they now are),
the obligations engine (obligations.derivation: the deadlines the terms and the SLA results call for are derived
again), the clauses that follow the terms take their new values, and the contract review (review.services) checks
the contract against the checklist again. Those entry points read the contract models and selectors only, never
contracts.services, so the imports point one way (import-linter holds it).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date

from accounts.models import User
from contracts.models import Contract
from obligations.derivation import DerivationResult, derive_obligations_bulk
from review.services import review_contracts
from rules.workdays import WorkingDayCalendar
from sla.services import sla_reevaluate

from .placeholders import clauses_follow_terms


def terms_changed(
    contracts: Sequence[Contract],
    *,
    today: date | None = None,
    by: User | None = None,
    reason: str = "derive",
    calendar: WorkingDayCalendar | None = None,
) -> DerivationResult:
    """Bring everything that follows from these contracts' terms in line with them; `reason` goes into the history."""
    sla_reevaluate(contracts, by=by)
    result = derive_obligations_bulk(contracts, today=today, by=by, reason=reason, calendar=calendar)
    clauses_follow_terms([c.pk for c in contracts], by=by)
    review_contracts([c.pk for c in contracts], today=today, by=by)
    return result


def clauses_changed(contract_ids: Iterable[int], *, by: User | None = None) -> None:
    """A clause was added, reworded, re-categorised or agreed: the review reads clause categories and texts."""
    review_contracts(sorted(set(contract_ids)), by=by)
