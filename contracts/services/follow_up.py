"""What must follow a change of a contract's terms or events, run in the same transaction as the change.

Every service and lifecycle action that changes what a contract says or where it stands calls `terms_changed`, and
this is the one place that lists the apps reacting to it, each through its own entry point. Today that is the
obligations engine (obligations.derivation): the deadlines the terms call for are derived again. Those entry points
read the contract models and selectors only, never contracts.services, so the imports point one way.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from accounts.models import User
from contracts.models import Contract
from obligations.derivation import DerivationResult, derive_obligations_bulk
from rules.workdays import WorkingDayCalendar


def terms_changed(
    contracts: Sequence[Contract],
    *,
    today: date | None = None,
    by: User | None = None,
    reason: str = "derive",
    calendar: WorkingDayCalendar | None = None,
) -> DerivationResult:
    """Bring everything that follows from these contracts' terms in line with them; `reason` goes into the history."""
    return derive_obligations_bulk(contracts, today=today, by=by, reason=reason, calendar=calendar)
