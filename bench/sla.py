"""SLA months at scale (issue 18): saving one month, and recomputing every exit right after a bulk import.

Figures:
- saving a month of 20 results and re-evaluating the exit rights (sla_period_save): p50/p95 ms, and queries per save,
  which must be the same for 5 results as for 20 (target: p95 < 50 ms);
- recomputing the exit rights and monthly reports of every contract after a bulk import of 100,000 results
  (derive_sla_obligations_bulk in batches): contracts per second (target: at least 2,000) and queries per contract.
"""

from __future__ import annotations

import statistics
import time
from datetime import date
from decimal import Decimal

from django.db import connection, transaction

from accounts.models import User
from bench._support import QueryCounter, delete_reminders
from contracts.models import Contract, ContractSearchText, SLATarget
from obligations.derivation import derive_sla_obligations_bulk
from obligations.models import Obligation
from rules.sla import period_of
from rules.terms import add_months
from sla.models import SlaMeasurement, SlaPeriod
from sla.services import MeasurementInput, sla_period_save
from vendors.models import Vendor

PREFIX = "BENCH-SLA-"
TODAY = date(2026, 11, 22)
BULK_CONTRACTS = 2_500
BULK_TARGETS = 4  # the first one critical
BULK_MONTHS = 10  # 2,500 x 4 x 10 = 100,000 results
BATCH = 500
SAVES = 200
TARGET_SAVE_P95_MS = 50
TARGET_PER_SECOND = 2_000


def _clean_previous_run() -> None:
    quote = connection.ops.quote_name
    contracts = f"SELECT id FROM {quote(Contract._meta.db_table)} WHERE number LIKE %s"  # noqa: S608
    periods = f"SELECT id FROM {quote(SlaPeriod._meta.db_table)} WHERE contract_id IN ({contracts})"  # noqa: S608
    rows = [
        (SlaMeasurement.history.model, "sla_period_id", periods),
        (SlaMeasurement, "sla_period_id", periods),
        (SlaPeriod.history.model, "contract_id", contracts),
        (SlaPeriod, "contract_id", contracts),
        (SLATarget, "contract_id", contracts),
        (Obligation.history.model, "contract_id", contracts),
        (Obligation, "contract_id", contracts),
        (ContractSearchText, "contract_id", contracts),
        (Contract.history.model, "id", contracts),
        (Contract, "id", contracts),
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        delete_reminders(cursor, contracts, [PREFIX + "%"])
        for model, column, subquery in rows:
            table = quote(model._meta.db_table)
            cursor.execute(f"DELETE FROM {table} WHERE {quote(column)} IN ({subquery})", [PREFIX + "%"])  # noqa: S608


def _contract(owner: User, vendor: Vendor, n: int) -> Contract:
    return Contract(
        number=f"{PREFIX}{n:06d}",
        title=f"SLA 基准合同 {n}",
        vendor=vendor,
        owner=owner,
        created_by=owner,
        status=Contract.Status.ACTIVE,
        effective_date=date(2025, 1, 1),
        end_date=date(2027, 12, 31),
        initial_term_months=36,
    )


def _target(contract: Contract, k: int, *, critical: bool) -> SLATarget:
    return SLATarget(
        contract=contract,
        metric=f"可用率 {k}" if critical else f"接通率 {k}",
        kind="availability" if critical else "answer_rate",
        comparator=">=",
        target=Decimal("99.9") if critical else Decimal("90"),
        unit="%",
        credit_pct=Decimal("5"),
        critical=critical,
        order=k,
    )


def _bulk_import(owner: User, vendor: Vendor) -> list[Contract]:
    """2,500 contracts x 4 targets x 10 months = 100,000 results, inserted as a bulk import would (no service)."""
    contracts = [_contract(owner, vendor, n) for n in range(BULK_CONTRACTS)]
    Contract.objects.bulk_create(contracts, batch_size=2000)
    targets = [_target(c, k, critical=k == 0) for c in contracts for k in range(BULK_TARGETS)]
    SLATarget.objects.bulk_create(targets, batch_size=5000)
    months = [period_of(add_months(date(2026, 1, 1), m)) for m in range(BULK_MONTHS)]
    periods = [SlaPeriod(contract=c, period=p) for c in contracts for p in months]
    SlaPeriod.objects.bulk_create(periods, batch_size=5000)
    by_contract: dict[int, list[SLATarget]] = {}
    for target in targets:
        by_contract.setdefault(target.contract_id, []).append(target)
    results = []
    for index, period in enumerate(periods):
        month = index % BULK_MONTHS
        for target in by_contract[period.contract_id]:
            # A third of the contracts miss their critical target in months 3-5 (one exit right each).
            missed = target.critical and period.contract_id % 3 == 0 and 3 <= month <= 5
            value = Decimal("99.5") if missed else Decimal("99.95") if target.critical else Decimal("93")
            results.append(SlaMeasurement(sla_period=period, target=target, value=value, met=not missed))
    SlaMeasurement.objects.bulk_create(results, batch_size=5000)
    return contracts


def _recompute(contracts: list[Contract], label: str) -> tuple[float, float, int]:
    created = 0
    with QueryCounter() as queries:
        started = time.perf_counter()
        for start in range(0, len(contracts), BATCH):
            with transaction.atomic():
                result = derive_sla_obligations_bulk(contracts[start : start + BATCH], today=TODAY)
                created += result.created
        elapsed = time.perf_counter() - started
    rate = len(contracts) / elapsed
    per_contract = queries.count / len(contracts)
    print(f"{label}: {rate:,.0f} contracts/s, {per_contract:.3f} queries/contract, {created:,} obligations created")
    return rate, per_contract, created


def _saves(contract: Contract, owner: User, targets: list[SLATarget], label: str) -> tuple[float, float, list[int]]:
    """Save the same month SAVES times, alternating between two sets of values (each save replaces the results)."""
    timings, counts = [], []
    for i in range(SAVES):
        value = Decimal("99.5") if i % 2 else Decimal("99.95")
        measurements = [MeasurementInput(t.pk, value) for t in targets]
        with QueryCounter() as queries:
            started = time.perf_counter()
            sla_period_save(
                contract=contract,
                by=owner,
                period="2026-10",
                fee_amount=Decimal("100000"),
                measurements=measurements,
                today=TODAY,
            )
            timings.append((time.perf_counter() - started) * 1000)
        counts.append(queries.count)
    p50 = statistics.median(timings)
    p95 = statistics.quantiles(timings, n=20)[-1]
    # After the first two saves (which create the month, or drop the results of the other run), a save either
    # creates the exit right or removes it again: two query counts, whatever the number of results.
    steady = sorted(set(counts[2:]))
    print(f"{label}: p50 {p50:.1f} ms, p95 {p95:.1f} ms, queries per save {steady}")
    return p50, p95, steady


def run() -> dict:
    try:
        return _run()
    finally:
        _clean_previous_run()


def _run() -> dict:
    _clean_previous_run()
    owner, _created = User.objects.get_or_create(username="bench-sla", defaults={"email": "bench-sla@example.com"})
    vendor, _created = Vendor.objects.get_or_create(
        credit_code="91310000900000888X", defaults={"name": "SLA 基准供应商"}
    )

    started = time.perf_counter()
    contracts = _bulk_import(owner, vendor)
    print(
        f"bulk import: {SlaMeasurement.objects.filter(sla_period__contract__in=contracts).count():,} results "
        f"of {len(contracts):,} contracts in {time.perf_counter() - started:.1f} s"
    )
    first_rate, first_queries, created = _recompute(contracts, "recompute every exit right after the import")
    again_rate, _again_queries, _none = _recompute(contracts, "recompute again, nothing changed")
    rights = Obligation.objects.filter(contract__in=contracts, kind=Obligation.Kind.SLA_EXIT_RIGHT).count()
    print(f"  {rights:,} exit rights open (expected {sum(1 for c in contracts if c.pk % 3 == 0):,})")

    single = _contract(owner, vendor, 900_000)
    single.save()
    targets = [_target(single, k, critical=k == 0) for k in range(20)]  # one critical: one exit right flips
    SLATarget.objects.bulk_create(targets)
    for m in range(9):  # history before the month saved: nine earlier months, the critical targets missed in two
        period = period_of(add_months(date(2026, 1, 1), m))
        value = Decimal("99.5") if m >= 7 else Decimal("99.95")
        sla_period_save(
            contract=single,
            by=owner,
            period=period,
            fee_amount=Decimal("100000"),
            measurements=[MeasurementInput(t.pk, value) for t in targets],
            today=TODAY,
        )
    queries_5 = _saves(single, owner, targets[:5], "save a month of 5 results")[2]
    p50_20, p95_20, queries_20 = _saves(single, owner, targets, "save a month of 20 results")

    verdict = "meets" if p95_20 < TARGET_SAVE_P95_MS else "MISSES"
    print(f"save a month of 20: p95 {p95_20:.1f} ms {verdict} the target of {TARGET_SAVE_P95_MS} ms")
    constant = "constant" if queries_20 == queries_5 else "NOT constant"
    print(f"queries per save {constant}: {queries_5} for 5 results, {queries_20} for 20")
    verdict = "meets" if first_rate >= TARGET_PER_SECOND else "MISSES"
    print(f"recompute after the import: {first_rate:,.0f} contracts/s {verdict} the target of {TARGET_PER_SECOND}")
    return {
        "recompute_contracts_per_s": first_rate,
        "recompute_queries_per_contract": first_queries,
        "recompute_again_contracts_per_s": again_rate,
        "exit_rights_created": created,
        "save20_p50_ms": p50_20,
        "save20_p95_ms": p95_20,
        "save20_queries": queries_20,
        "save5_queries": queries_5,
    }
