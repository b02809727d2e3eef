"""Reading SLA results: the single gate (a month is visible when its contract is) and the month grid of a contract."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Prefetch, QuerySet

from accounts.models import AnyUser
from contracts.models import Contract, SLATarget
from contracts.selectors import visible_through_contract

from .models import SlaMeasurement, SlaPeriod

GRID_MONTHS = 12


def sla_periods_visible_to(user: AnyUser) -> QuerySet[SlaPeriod]:
    return visible_through_contract(SlaPeriod, user)


def sla_periods_with_results(user: AnyUser) -> QuerySet[SlaPeriod]:
    """Visible months with their results and each result's target, in two queries for any number of months."""
    return sla_periods_visible_to(user).prefetch_related(
        Prefetch("measurements", queryset=SlaMeasurement.objects.select_related("target"))
    )


@dataclass
class GridCell:
    period: str
    value: Decimal | None = None
    met: bool | None = None


@dataclass
class GridRow:
    target: SLATarget
    cells: list[GridCell] = field(default_factory=list)


@dataclass
class SlaGrid:
    """One row per target, one column per recorded month (the latest `GRID_MONTHS`, oldest first)."""

    months: list[SlaPeriod]
    rows: list[GridRow]
    total_months: int


def sla_grid(user: AnyUser, contract: Contract, *, months: int = GRID_MONTHS) -> SlaGrid:
    """The month grid of a contract the caller may see, in three queries."""
    periods = sla_periods_visible_to(user).filter(contract=contract)
    total = periods.count()
    latest = list(periods.order_by("-period")[:months])
    latest.reverse()
    values: dict[tuple[int, int], SlaMeasurement] = {
        (m.target_id, m.sla_period_id): m for m in SlaMeasurement.objects.filter(sla_period__in=latest)
    }
    rows = []
    for target in SLATarget.objects.filter(contract=contract).order_by("order", "id"):
        row = GridRow(target)
        for month in latest:
            measurement = values.get((target.pk, month.pk))
            row.cells.append(
                GridCell(month.period, measurement.value, measurement.met) if measurement else GridCell(month.period)
            )
        rows.append(row)
    return SlaGrid(months=latest, rows=rows, total_months=total)
