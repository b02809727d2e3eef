"""The vendor scorecard: how a vendor kept its service levels across the contracts one user may see.

Read side only. The evaluation (met, credit) is stored with each month by sla.services; this module counts it in
SQL. The window is the vendor's last 12 recorded months: the most recent months for which any contract of the vendor
that the user may see has results, so that a contract the user cannot see never shapes what they are shown. The
number of queries is the same whatever the number of contracts, months and targets.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import cached_property
from typing import NamedTuple

from django.db.models import Count, Q, QuerySet, Sum
from django.shortcuts import get_object_or_404

from accounts.models import AnyUser
from contracts.models import Contract, SLATarget
from contracts.selectors import contract_ids_visible_to, contracts_visible_to
from core.formatting import amount
from obligations.models import Obligation
from rules.scorecard import certificate_status
from vendors.models import Certification, Vendor

from .models import SlaMeasurement, SlaPeriod

WINDOW_MONTHS = 12


def sla_periods_visible_to(user: AnyUser) -> QuerySet[SlaPeriod]:
    """The months of the contracts `user` may see (contracts.selectors is the gate)."""
    return SlaPeriod.objects.filter(contract__in=contract_ids_visible_to(user))


def access_sla_period(
    user: AnyUser, *, pk: int | str | None = None, contract_pk: int | str | None = None, period: str | None = None
) -> SlaPeriod:
    """One recorded month, by id or by contract and `YYYY-MM`; 404 when it does not exist or its contract is hidden.

    Reading a month is all a report needs: whoever may see the contract may read its months."""
    months = sla_periods_visible_to(user).select_related("contract", "contract__vendor")
    if pk is not None:
        return get_object_or_404(months, pk=pk)
    return get_object_or_404(months, contract_id=contract_pk, period=period)


class Point(NamedTuple):
    """One month's result of one target (a tuple: a scorecard holds up to 12 per target, thousands in all)."""

    period: str
    value: Decimal
    met: bool


@dataclass
class TargetTrend:
    """One SLA target of a contract and its results in the window's months."""

    target: SLATarget
    window: list[str]
    points: list[Point] = field(default_factory=list)

    @cached_property
    def target_label(self) -> str:
        """The target as a reader writes it: ≥ 99.9%, ≤ 20秒."""
        target = self.target
        return f"{target.get_comparator_display()} {amount(target.target, places=0)}{target.unit}"

    @property
    def measured(self) -> int:
        return len(self.points)

    @cached_property
    def met(self) -> int:
        return sum(point.met for point in self.points)

    @cached_property
    def series(self) -> list[tuple[str, Point | None]]:
        """Each month of the window with its result, None where the month has no result for this target."""
        by_month = {point.period: point for point in self.points}
        return [(month, by_month.get(month)) for month in self.window]


@dataclass
class ContractScore:
    contract: Contract
    periods_recorded: list[str] = field(default_factory=list)
    targets_measured: int = 0
    targets_met: int = 0
    credits_earned: Decimal = Decimal("0.00")
    open_exit_rights: int = 0
    targets: list[TargetTrend] = field(default_factory=list)


@dataclass(frozen=True)
class CertificationState:
    certification: Certification
    status: str


@dataclass(frozen=True)
class Totals:
    contracts: int
    periods_recorded: int
    targets_measured: int
    targets_met: int
    credits_earned: dict[str, Decimal]
    open_exit_rights: int


@dataclass
class Scorecard:
    vendor: Vendor
    months: list[str]
    contracts: list[ContractScore]
    certifications: list[CertificationState]

    @property
    def totals(self) -> Totals:
        """Sums over the contracts; credits per currency, since amounts in two currencies do not add up."""
        credits: dict[str, Decimal] = defaultdict(Decimal)
        for score in self.contracts:
            if score.periods_recorded:
                credits[score.contract.currency] += score.credits_earned
        return Totals(
            contracts=len(self.contracts),
            periods_recorded=sum(len(score.periods_recorded) for score in self.contracts),
            targets_measured=sum(score.targets_measured for score in self.contracts),
            targets_met=sum(score.targets_met for score in self.contracts),
            credits_earned=dict(sorted(credits.items())),
            open_exit_rights=sum(score.open_exit_rights for score in self.contracts),
        )


def recent_months(contract_ids: QuerySet, *, months: int = WINDOW_MONTHS) -> list[str]:
    """The last `months` months with recorded results among `contract_ids` (a subquery), oldest first."""
    recorded = (
        SlaPeriod.objects.filter(contract__in=contract_ids)
        .order_by("-period")
        .values_list("period", flat=True)
        .distinct()[:months]
    )
    return sorted(recorded)


def vendor_scorecard(user: AnyUser, vendor: Vendor, *, today: date, months: int = WINDOW_MONTHS) -> Scorecard:
    """The scorecard of `vendor` over the contracts `user` may see (contracts.selectors), in seven queries; the
    targets and their trends follow with `load_trends` for the contracts that are shown."""
    visible = contracts_visible_to(user).filter(vendor=vendor)
    contract_ids = visible.order_by().values("pk")
    contracts = list(visible.only("id", "number", "title", "status", "currency", "vendor_id").order_by("number"))
    window = recent_months(contract_ids, months=months)
    scores = {contract.pk: ContractScore(contract=contract) for contract in contracts}

    in_window = SlaPeriod.objects.filter(contract__in=contract_ids, period__in=window)
    for row in in_window.values("contract_id").annotate(credits=Sum("credit_amount")).order_by():
        scores[row["contract_id"]].credits_earned = row["credits"] or Decimal("0.00")
    for contract_id, period in in_window.order_by("period").values_list("contract_id", "period"):
        scores[contract_id].periods_recorded.append(period)

    results = (
        SlaMeasurement.objects.filter(sla_period__contract__in=contract_ids, sla_period__period__in=window)
        .values("sla_period__contract_id")
        .annotate(measured=Count("pk"), met=Count("pk", filter=Q(met=True)))
        .order_by()
    )
    for counted in results:
        score = scores[counted["sla_period__contract_id"]]
        score.targets_measured, score.targets_met = counted["measured"], counted["met"]

    exit_rights = (
        Obligation.objects.filter(
            contract__in=contract_ids, kind=Obligation.Kind.SLA_EXIT_RIGHT, status=Obligation.Status.OPEN
        )
        .values("contract_id")
        .annotate(open=Count("pk"))
        .order_by()
    )
    for rights in exit_rights:
        scores[rights["contract_id"]].open_exit_rights = rights["open"]

    certifications = [
        CertificationState(certification=cert, status=certificate_status(cert.expires_on, today=today))
        for cert in vendor.certifications.order_by("expires_on", "kind", "pk")
    ]
    return Scorecard(vendor=vendor, months=window, contracts=list(scores.values()), certifications=certifications)


def load_trends(card: Scorecard, scores: Iterable[ContractScore]) -> None:
    """Each target of these contracts with its results in the card's months, in two queries.

    Separate from `vendor_scorecard` so that a page can draw the charts of a few contracts at a time: a vendor with
    100 contracts of ten targets has 1,000 of them."""
    by_id = {score.contract.pk: score for score in scores}
    trends: dict[int, TargetTrend] = {}
    for target in SLATarget.objects.filter(contract__in=list(by_id)).order_by("contract_id", "order", "id"):
        trends[target.pk] = TargetTrend(target=target, window=card.months)
        by_id[target.contract_id].targets.append(trends[target.pk])
    points = (
        SlaMeasurement.objects.filter(sla_period__contract__in=list(by_id), sla_period__period__in=card.months)
        .order_by("sla_period__period")
        .values_list("target_id", "sla_period__period", "value", "met")
    )
    for target_id, period, value, met in points:
        trends[target_id].points.append(Point(period, value, met))
