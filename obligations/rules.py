"""Pure date rules: term arithmetic and the dates of each obligation kind (spec section 5).

Plain values in, plain values out; no ORM, no settings. Working days come from a `WorkingDayCalendar`, which is
plain data too. Only a working-day count depends on the holiday schedule, so only such a date (the data handover)
can be provisional; dates counted in calendar days or months are exact whatever the schedule.

Terms are always computed from the contract's original `end_date`: renewal term k of an auto-renewing contract ends
the day before (end_date + 1 day) + k * renewal_term_months months. The database never stores a rolled end date, so
the current term on any day follows from the terms alone, and recomputing for a past or future day is exact.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.utils.translation import gettext, ngettext

from .calendar import WorkingDayCalendar


def add_months(d: date, months: int) -> date:
    """`d` moved by whole months, clamped to the last day of the target month (Jan 31 + 1 month = Feb 28/29)."""
    index = d.year * 12 + (d.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    return date(year, month, min(d.day, calendar.monthrange(year, month)[1]))


def default_end_date(effective: date, initial_term_months: int) -> date:
    """The end of the initial term when none was entered: effective date + initial term, minus one day."""
    return add_months(effective, initial_term_months) - timedelta(days=1)


# Terms -----------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Term:
    """One term of a contract: index 0 is the initial term, k >= 1 the k-th renewal term."""

    index: int
    start: date | None
    end: date

    def contains(self, d: date) -> bool:
        return (self.start is None or self.start <= d) and d <= self.end


def term_end(end_date: date, renewal_term_months: int, k: int) -> date:
    """The last day of term k (0: the initial term, which ends on end_date). Month arithmetic clamps."""
    if k == 0:
        return end_date
    return add_months(end_date + timedelta(days=1), k * renewal_term_months) - timedelta(days=1)


def term_index_on(end_date: date, renewal_term_months: int, day: date) -> int:
    """The index of the renewal term that contains `day` (0 for any day up to end_date)."""
    if day <= end_date:
        return 0
    anchor = end_date + timedelta(days=1)
    months = (day.year - anchor.year) * 12 + (day.month - anchor.month)
    k = max(months // renewal_term_months, 1)
    while k > 1 and term_end(end_date, renewal_term_months, k - 1) >= day:
        k -= 1
    while term_end(end_date, renewal_term_months, k) < day:
        k += 1
    return k


def term(effective_date: date | None, end_date: date, renewal_term_months: int, k: int) -> Term:
    start = effective_date if k == 0 else term_end(end_date, renewal_term_months, k - 1) + timedelta(days=1)
    return Term(k, start, term_end(end_date, renewal_term_months, k))


def last_term_index(
    *, end_date: date, auto_renew: bool, renewal_term_months: int, notice_given_on: date | None
) -> int | None:
    """The index of the term after which the contract ends, or None while it keeps renewing by itself.

    A non-renewal notice stops the roll at the end of the term in which it was given.
    """
    if not auto_renew:
        return 0
    if notice_given_on is None:
        return None
    return term_index_on(end_date, renewal_term_months, notice_given_on)


def current_term(
    *,
    effective_date: date | None,
    end_date: date | None,
    auto_renew: bool,
    renewal_term_months: int,
    notice_given_on: date | None,
    today: date,
) -> Term | None:
    """The term that contains `today`; after the last term, the last one. None without an end date.

    For an auto-renewing contract the term rolls over the day after a term ends, unless a non-renewal notice was
    given in that term.
    """
    if end_date is None:
        return None
    k = term_index_on(end_date, renewal_term_months, today) if auto_renew else 0
    last = last_term_index(
        end_date=end_date,
        auto_renew=auto_renew,
        renewal_term_months=renewal_term_months,
        notice_given_on=notice_given_on,
    )
    if last is not None:
        k = min(k, last)
    return term(effective_date, end_date, renewal_term_months, k)


def final_end_date(
    *, end_date: date | None, auto_renew: bool, renewal_term_months: int, notice_given_on: date | None
) -> date | None:
    """The day the contract ends unless renewed by hand, or None while it keeps renewing by itself."""
    if end_date is None:
        return None
    last = last_term_index(
        end_date=end_date,
        auto_renew=auto_renew,
        renewal_term_months=renewal_term_months,
        notice_given_on=notice_given_on,
    )
    return None if last is None else term_end(end_date, renewal_term_months, last)


# Obligation dates ------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Window:
    """Dates of one obligation: work on it from `starts_on`, finish by `due_date`."""

    due_date: date
    starts_on: date | None = None
    provisional: bool = False


def renewal_window(term_end_date: date, non_renewal_notice_days: int, renewal_review_lead_days: int) -> Window:
    """Review from term_end - lead days, decide (send a non-renewal notice) by term_end - notice days.

    A lead time shorter than the notice period would open the window after it closed; it then opens on the due date.
    """
    due = term_end_date - timedelta(days=non_renewal_notice_days)
    starts = term_end_date - timedelta(days=renewal_review_lead_days)
    return Window(due_date=due, starts_on=min(starts, due))


def price_change_window(received_on: date, effective_on: date) -> Window:
    """The last day to accept, object or leave without liability is the day before the new prices apply."""
    due = max(effective_on - timedelta(days=1), received_on)
    return Window(due_date=due, starts_on=received_on)


def data_handover_window(end: date, business_days: int, working_days: WorkingDayCalendar) -> Window:
    """The vendor hands back (and deletes) our data within N working days after the contract ended."""
    due, provisional = working_days.add_working_days_marked(end, business_days)
    return Window(due_date=due, starts_on=min(end + timedelta(days=1), due), provisional=provisional)


def trial_review_window(effective_date: date, trial_period_months: int) -> Window:
    """The trial ends the day before effective_date + trial months; review it by then."""
    return Window(due_date=add_months(effective_date, trial_period_months) - timedelta(days=1))


# Price-change compliance -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class PriceChangeIssue:
    """One reason a vendor's price-change notice breaks the contract: a machine code and the numbers behind it."""

    code: str
    params: dict = field(default_factory=dict)

    NOTICE_TOO_SHORT = "notice_too_short"
    INCREASE_OVER_CAP = "increase_over_cap"

    def message(self) -> str:
        """The reason in the active language."""
        if self.code == self.NOTICE_TOO_SHORT:
            return (
                ngettext(
                    "%(days)s day's notice, the contract requires %(required)s",
                    "%(days)s days' notice, the contract requires %(required)s",
                    self.params["days"],
                )
                % self.params
            )
        if self.code == self.INCREASE_OVER_CAP:
            return gettext("An increase of %(increase)s%% exceeds the contract's cap of %(cap)s%%") % self.params
        return ""

    def as_dict(self) -> dict:
        return {"code": self.code, **self.params, "message": self.message()}


def price_change_issues(
    *,
    received_on: date,
    effective_on: date,
    increase_pct: Decimal,
    price_change_notice_days: int,
    price_increase_cap_pct: Decimal | None,
) -> list[PriceChangeIssue]:
    """Why a price-change notice is not compliant; an empty list when it is."""
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


def price_change_issue_messages(issues: list[dict]) -> list[str]:
    """Stored issues (see `PriceChangeIssue.as_dict`) rendered in the active language."""
    messages = []
    for issue in issues:
        params = {k: v for k, v in issue.items() if k not in ("code", "message")}
        messages.append(PriceChangeIssue(issue.get("code", ""), params).message() or issue.get("message", ""))
    return messages
