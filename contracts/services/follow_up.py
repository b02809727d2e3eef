"""What must follow a change of a contract's terms or events, run in the same transaction as the change.

Every service and lifecycle action that changes what a contract says or where it stands calls `terms_changed`, and
this is the one place that lists the apps reacting to it, each through its own entry point: the SLA results
(sla.services.sla_reevaluate: every recorded month is evaluated again against the targets and cap as they now are),
then the obligations engine (obligations.derivation): the deadlines the terms and the SLA results call for are derived
again. Those entry points read the contract models and selectors only, never contracts.services, so the imports
point one way (import-linter holds it).
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from accounts.models import User
from contracts.models import Contract
from obligations.derivation import DerivationResult, derive_obligations_bulk
from rules.workdays import WorkingDayCalendar
from sla.services import sla_reevaluate


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
    return derive_obligations_bulk(contracts, today=today, by=by, reason=reason, calendar=calendar)
