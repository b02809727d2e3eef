"""The contract's state machine: from which statuses each lifecycle action may start.

The lifecycle actions (actions.py) refuse any other start, and the contract page offers exactly what this allows, so
the table lives here once. An action's other preconditions (clauses agreed, a term entered, an auto-renewal not yet
stopped) stay with the action that checks them.
"""

from __future__ import annotations

from collections.abc import Mapping

from contracts.models import Contract

Status = Contract.Status

ALLOWED_FROM: Mapping[str, frozenset[str]] = {
    "start_negotiation": frozenset({Status.DRAFT}),
    "sign": frozenset({Status.DRAFT, Status.NEGOTIATING}),
    "activate": frozenset({Status.SIGNED}),
    "non_renewal_notice": frozenset({Status.ACTIVE}),
    # Extending the term in place; a linked successor may also follow a contract that has expired.
    "renew": Contract.RUNNING_STATUSES,
    "renew_successor": Contract.RUNNING_STATUSES | {Status.EXPIRED},
    "price_change_notice": Contract.RUNNING_STATUSES,
    "terminate": Contract.RUNNING_STATUSES,
    "expire": Contract.RUNNING_STATUSES,
    # Anything past draft is a record of what was agreed: it ends by termination, never by deletion.
    "delete": frozenset({Status.DRAFT}),
}

# The order in which the contract page lists the actions a person can start.
PAGE_ACTIONS = (
    "start_negotiation",
    "sign",
    "activate",
    "non_renewal_notice",
    "renew",
    "price_change_notice",
    "terminate",
)


def action_allowed(action: str, status: str) -> bool:
    return status in ALLOWED_FROM[action]


def offered_actions(contract: Contract) -> tuple[str, ...]:
    """The lifecycle actions a person can start on `contract` now, in page order.

    A non-renewal notice only stops an auto-renewal, and only once. "renew" stands for both ways to renew: extending
    the term (a contract that does not renew by itself, with no notice given) and a linked successor.
    """
    offered = []
    for action in PAGE_ACTIONS:
        if action == "non_renewal_notice":
            allowed = action_allowed(action, contract.status) and contract.auto_renew and not contract.notice_given_on
        elif action == "renew":
            extend = (
                action_allowed("renew", contract.status) and not contract.auto_renew and not contract.notice_given_on
            )
            allowed = extend or action_allowed("renew_successor", contract.status)
        else:
            allowed = action_allowed(action, contract.status)
        if allowed:
            offered.append(action)
    return tuple(offered)
