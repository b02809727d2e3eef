"""Service levels: whether a month's result meets its target, the service credit a month earns, and when a run of
misses gives the buyer the right to leave the contract.

Plain values in, plain values out. Every number is an exact `Decimal` (an `int` or a numeric string is taken as
one, a float is refused): 99.9 as a float is not 99.9, and a result exactly at its target must be met or missed the
way the contract reads. A period is one calendar month written `YYYY-MM`.
"""

from __future__ import annotations

import calendar
import operator
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import ROUND_HALF_UP, Decimal, localcontext
from functools import lru_cache

# Target kinds and comparators ------------------------------------------------------------------------------------

KINDS = (
    "availability",
    "answer_rate",
    "asa",
    "aht",
    "abandonment",
    "fcr",
    "qa_score",
    "csat",
    "complaint_rate",
    "response_time",
    "fix_time",
    "staff_turnover",
    "backup_pool",
    "other",
)
COMPARATORS = (">=", "<=", ">", "<", "=")

# A target of these kinds is a floor: the vendor must reach at least (or more than) the target.
HIGHER_IS_BETTER = frozenset({"availability", "answer_rate", "fcr", "qa_score", "csat", "backup_pool"})
# A target of these kinds is a ceiling: waiting and handling times, abandoned calls, complaints, staff leaving.
LOWER_IS_BETTER = frozenset(
    {"asa", "aht", "abandonment", "complaint_rate", "response_time", "fix_time", "staff_turnover"}
)
# Measured in percent (the quality score on its 100-point scale), so a target or result lies between 0 and 100.
PERCENT_KINDS = frozenset(
    {
        "availability",
        "answer_rate",
        "abandonment",
        "fcr",
        "qa_score",
        "csat",
        "complaint_rate",
        "staff_turnover",
        "backup_pool",
    }
)
# Measured as a duration (seconds, minutes, hours): never negative.
DURATION_KINDS = frozenset({"asa", "aht", "response_time", "fix_time"})

_HUNDRED = Decimal(100)
_CENT = Decimal("0.01")
_OPERATORS = {">=": operator.ge, "<=": operator.le, ">": operator.gt, "<": operator.lt, "=": operator.eq}

# Reason codes of the validation functions; the Django layer turns each into a field error in the reader's language.
UNKNOWN_KIND = "unknown_kind"
UNKNOWN_COMPARATOR = "unknown_comparator"
COMPARATOR_NOT_ALLOWED = "comparator_not_allowed"
NOT_A_NUMBER = "not_a_number"
OUT_OF_RANGE = "out_of_range"


def _exact(value: Decimal | int | str) -> Decimal:
    if isinstance(value, float | bool):
        raise TypeError(f"an exact Decimal is required, not {type(value).__name__} {value!r}")
    return value if isinstance(value, Decimal) else Decimal(value)


def allowed_comparators(kind: str) -> tuple[str, ...]:
    """The comparators a target of this kind may use: a floor for higher-is-better kinds, a ceiling for
    lower-is-better ones, any comparator for `other`."""
    if kind in HIGHER_IS_BETTER:
        return (">=", ">")
    if kind in LOWER_IS_BETTER:
        return ("<=", "<")
    return COMPARATORS


def value_bounds(kind: str) -> tuple[Decimal | None, Decimal | None]:
    """The lowest and highest target or result a kind can have (None: unbounded)."""
    if kind in PERCENT_KINDS:
        return Decimal(0), _HUNDRED
    if kind in DURATION_KINDS:
        return Decimal(0), None
    return None, None


def comparator_problem(kind: str, comparator: str) -> str | None:
    """Why this comparator does not fit a target of this kind, as a reason code; None when it fits.

    "Availability <= 99.9%" would reward downtime: the direction of a target follows from what it measures.
    """
    if kind not in KINDS:
        return UNKNOWN_KIND
    if comparator not in COMPARATORS:
        return UNKNOWN_COMPARATOR
    if comparator not in allowed_comparators(kind):
        return COMPARATOR_NOT_ALLOWED
    return None


def value_problem(kind: str, value: Decimal | int | str) -> str | None:
    """Why a target or a measured result cannot be a value of this kind, as a reason code; None when it can."""
    if kind not in KINDS:
        return UNKNOWN_KIND
    value = _exact(value)
    if not value.is_finite():
        return NOT_A_NUMBER
    low, high = value_bounds(kind)
    if (low is not None and value < low) or (high is not None and value > high):
        return OUT_OF_RANGE
    return None


def percentage_problem(value: Decimal | int | str | None) -> str | None:
    """Why a percentage of a fee (a target's credit, the contract's credit cap) is not one; None (no value) is fine."""
    if value is None:
        return None
    value = _exact(value)
    if not value.is_finite():
        return NOT_A_NUMBER
    if not 0 <= value <= _HUNDRED:
        return OUT_OF_RANGE
    return None


def target_problems(
    *, kind: str, comparator: str, target: Decimal | int | str, credit_pct: Decimal | int | str | None = None
) -> dict[str, str]:
    """Field name -> reason code for everything wrong with one SLA target; empty when the target is valid."""
    problems = {}
    if kind not in KINDS:
        return {"kind": UNKNOWN_KIND}
    if problem := comparator_problem(kind, comparator):
        problems["comparator"] = problem
    if problem := value_problem(kind, target):
        problems["target"] = problem
    if problem := percentage_problem(credit_pct):
        problems["credit_pct"] = problem
    return problems


# One period ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Target:
    """One SLA target of a contract. `credit_pct` is the share of the month's fee credited when it is missed (None:
    no credit); a `critical` target's consecutive misses give the right to leave."""

    id: int
    kind: str
    comparator: str
    target: Decimal
    credit_pct: Decimal | None = None
    critical: bool = False


@dataclass(frozen=True)
class PeriodResult:
    """A month evaluated: which targets were met (by target id), how many were missed, and the credit earned."""

    met: Mapping[int, bool]
    missed_count: int
    credit_pct: Decimal
    credit_amount: Decimal | None


def measurement_met(value: Decimal | int | str, comparator: str, target: Decimal | int | str) -> bool:
    """A result meets its target when `value <comparator> target` holds, compared exactly."""
    if comparator not in _OPERATORS:
        raise ValueError(f"unknown comparator {comparator!r}")
    return _OPERATORS[comparator](_exact(value), _exact(target))


def credit_pct(
    missed_credit_pcts: Iterable[Decimal | int | str | None], cap_pct: Decimal | int | str | None
) -> Decimal:
    """The share of a month's fee credited: the sum of the credits of its missed targets (a target without a credit
    adds nothing), never more than the contract's cap (None: no cap)."""
    total = sum((_exact(pct) for pct in missed_credit_pcts if pct is not None), Decimal(0))
    if cap_pct is not None:
        total = min(total, _exact(cap_pct))
    return total


def credit_amount(fee_amount: Decimal | int | str | None, pct: Decimal | int | str) -> Decimal | None:
    """The credit in money: fee x pct / 100, rounded half-up to the cent; None when the month's fee is unknown."""
    if fee_amount is None:
        return None
    with localcontext() as exact:
        exact.prec = 60
        return (_exact(fee_amount) * _exact(pct) / _HUNDRED).quantize(_CENT, rounding=ROUND_HALF_UP)


def evaluate_period(
    results: Mapping[Target, Decimal | int | str],
    *,
    fee_amount: Decimal | int | str | None,
    cap_pct: Decimal | int | str | None,
) -> PeriodResult:
    """One month's results (target -> measured value) against their targets, and the credit they earn.

    A target with no result this month is neither met nor missed and earns nothing.
    """
    met = {target.id: measurement_met(value, target.comparator, target.target) for target, value in results.items()}
    missed = [target for target in results if not met[target.id]]
    pct = credit_pct((target.credit_pct for target in missed), cap_pct)
    return PeriodResult(met=met, missed_count=len(missed), credit_pct=pct, credit_amount=credit_amount(fee_amount, pct))


# Periods ---------------------------------------------------------------------------------------------------------

_PERIOD = re.compile(r"(\d{4})-(0[1-9]|1[0-2])")


@lru_cache(maxsize=4096)
def parse_period(period: str) -> date:
    """The first day of a period written `YYYY-MM`; ValueError for anything else.

    Cached, as are the other period functions: recomputing every contract's exit rights asks about the same few
    months millions of times."""
    match = _PERIOD.fullmatch(period) if isinstance(period, str) else None
    if match is None or match[1] == "0000":
        raise ValueError(f"a period is written YYYY-MM, not {period!r}")
    return date(int(match[1]), int(match[2]), 1)


def period_of(day: date) -> str:
    """The period (month) a day belongs to."""
    return f"{day.year:04d}-{day.month:02d}"


@lru_cache(maxsize=4096)
def period_end(period: str) -> date:
    """The last day of a period."""
    first = parse_period(period)
    return first.replace(day=calendar.monthrange(first.year, first.month)[1])


@lru_cache(maxsize=4096)
def next_period(period: str) -> str:
    """The month after a period."""
    return period_of(period_end(period) + timedelta(days=1))


def sla_report_due(period: str) -> date:
    """The vendor's report of a month is due on the 10th of the following month."""
    return parse_period(next_period(period)).replace(day=10)


# The exit right --------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Miss:
    """One month in which a target was missed, with the value measured."""

    period: str
    value: Decimal


@dataclass(frozen=True)
class ExitRight:
    """The buyer's right to leave after a critical target was missed N months in a row.

    `period` is the month in which the run reached N misses; `misses` are those N months, oldest first (what the
    e-mail names). The buyer decides from `starts_on` (the day after that month) until `due_date` (that month's
    last day + the contract's decision days); with no decision days at all the window opens on its due date.
    """

    key: str
    target_id: int
    period: str
    starts_on: date
    due_date: date
    misses: tuple[Miss, ...]


def exit_right_key(target_id: int, period: str) -> str:
    """The stable key of the exit right a run of misses of a target earned in `period`."""
    return f"sla_exit:{target_id}:{period}"


def exit_rights(
    target: Target,
    values: Mapping[str, Decimal | int | str | None],
    *,
    consecutive_misses: int | None,
    decision_days: int,
) -> list[ExitRight]:
    """The exit rights one target's monthly results give, oldest first.

    `values` maps each recorded period to the measured value, or None when the period was recorded without a result
    for this target. Only a critical target counts, and only when the contract sets a number of consecutive misses
    (None: no exit right). A run is broken by a met month, a month without a result, and a month that was not
    recorded at all. Each run earns one right, in the month it reaches N misses; further misses of the same run earn
    no other, and a later run earns its own. A right depends on nothing after its month, so recording later months
    never moves or removes it.
    """
    if not target.critical or consecutive_misses is None:
        return []
    if consecutive_misses < 1:
        raise ValueError(f"consecutive misses must be at least 1, not {consecutive_misses}")
    if decision_days < 0:
        raise ValueError(f"decision days cannot be negative, not {decision_days}")
    rights = []
    run: list[Miss] = []
    previous = None
    for period in sorted(values, key=parse_period):
        value = values[period]
        if previous is not None and period != next_period(previous):
            run = []
        previous = period
        if value is None or measurement_met(value, target.comparator, target.target):
            run = []
            continue
        run.append(Miss(period, _exact(value)))
        if len(run) == consecutive_misses:
            last_day = period_end(period)
            due = last_day + timedelta(days=decision_days)
            rights.append(
                ExitRight(
                    key=exit_right_key(target.id, period),
                    target_id=target.id,
                    period=period,
                    starts_on=min(last_day + timedelta(days=1), due),
                    due_date=due,
                    misses=tuple(run),
                )
            )
    return rights
