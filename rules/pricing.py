"""Price-change compliance: whether a vendor's notice of new prices keeps to the contract.

The answer is codes and numbers, never sentences: the Django layer words each code in the reader's language
(contracts.models.price_change_issue_messages), so a stored check reads correctly in Chinese and English alike.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal


@dataclass(frozen=True)
class PriceChangeIssue:
    """One reason a vendor's price-change notice breaks the contract: a machine code and the numbers behind it."""

    code: str
    params: dict = field(default_factory=dict)

    NOTICE_TOO_SHORT = "notice_too_short"
    INCREASE_OVER_CAP = "increase_over_cap"

    def as_dict(self) -> dict:
        return {"code": self.code, **self.params}


def price_change_issues(
    *,
    received_on: date,
    effective_on: date,
    increase_pct: Decimal,
    price_change_notice_days: int,
    price_increase_cap_pct: Decimal | None,
) -> list[PriceChangeIssue]:
    """Why a price-change notice is not compliant: the notice is shorter than the contract's notice period, or the
    increase is above its cap. An empty list when it is compliant."""
    issues = []
    days = (effective_on - received_on).days
    if days < price_change_notice_days:
        issues.append(
            PriceChangeIssue(PriceChangeIssue.NOTICE_TOO_SHORT, {"days": days, "required": price_change_notice_days})
        )
    if price_increase_cap_pct is not None and Decimal(increase_pct) > Decimal(price_increase_cap_pct):
        issues.append(
            PriceChangeIssue(
                PriceChangeIssue.INCREASE_OVER_CAP,
                {"increase": str(Decimal(increase_pct)), "cap": str(Decimal(price_increase_cap_pct))},
            )
        )
    return issues
