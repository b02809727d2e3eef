"""What a vendor scorecard and a monthly SLA report say beyond one month's evaluation: whether a certificate still
holds, and how long a critical target has been missed in a row up to a given month.

Plain values in, plain values out (see rules.sla for the month and target types).
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, timedelta
from decimal import Decimal

from .sla import Miss, Target, measurement_met, parse_period, period_of

CERTIFICATE_WARNING_DAYS = 60
"""A certificate expiring within this many days is flagged: the first reminder of its expiry goes out then too."""

VALID = "valid"
EXPIRING = "expiring"
EXPIRED = "expired"


def certificate_status(expires_on: date | None, *, today: date, warning_days: int = CERTIFICATE_WARNING_DAYS) -> str:
    """`expired` once the expiry day has passed, `expiring` from `warning_days` before it, `valid` otherwise (and for
    a certificate without an expiry date)."""
    if expires_on is None:
        return VALID
    if expires_on < today:
        return EXPIRED
    if expires_on <= today + timedelta(days=warning_days):
        return EXPIRING
    return VALID


def previous_period(period: str) -> str:
    """The month before a period."""
    return period_of(parse_period(period) - timedelta(days=1))


def miss_run(target: Target, values: Mapping[str, Decimal | int | str | None], period: str) -> tuple[Miss, ...]:
    """The misses of `target` in consecutive months ending with `period`, oldest first; empty when `period` was met
    or has no result.

    `values` maps recorded months to the measured value (None: recorded without a result for this target). As in
    rules.sla.exit_rights, a met month, a month without a result and a month not recorded at all end a run.
    """
    run: list[Miss] = []
    month = period
    while month in values:
        value = values[month]
        if value is None or measurement_met(value, target.comparator, target.target):
            break
        run.append(Miss(month, value if isinstance(value, Decimal) else Decimal(value)))
        month = previous_period(month)
    return tuple(reversed(run))
