"""Obligation derivation at scale: 10,000 contracts, re-derived in bulk and one by one.

Figures: contracts per second (target: at least 500) and queries per contract, which must not grow with the number
of obligations a contract has; hence two data points, contracts with one obligation and contracts with fifteen.
"""

from __future__ import annotations

import time
from datetime import date, timedelta
from decimal import Decimal

from django.db import connection, transaction

from accounts.models import User
from bench._support import QueryCounter, delete_reminders
from contracts.models import Contract, ContractSearchText, PriceChangeNotice
from obligations.calendar import load_calendar
from obligations.derivation import derive_obligations, derive_obligations_bulk
from obligations.models import Obligation
from rules.credit_code import credit_code_check_char
from vendors.models import Certification, Vendor

CONTRACTS = 10_000
BATCH = 500
SAMPLE = 1_000
TARGET_PER_SECOND = 500
TODAY = date(2026, 11, 22)
PREFIX = "BENCH-OBL-"
S = Contract.Status


def _credit_code(n: int) -> str:
    body = f"91310000{n:09d}"
    return body + credit_code_check_char(body)


def _clean_previous_run() -> None:
    """Remove what an earlier run left, with plain SQL: going through the ORM would cost more than the benchmark."""
    quote = connection.ops.quote_name
    contracts = f"SELECT id FROM {quote(Contract._meta.db_table)} WHERE number LIKE %s"  # noqa: S608
    rows = [
        (Obligation.history.model, "contract_id"),
        (Obligation, "contract_id"),
        (PriceChangeNotice.history.model, "contract_id"),
        (PriceChangeNotice, "contract_id"),
        (ContractSearchText, "contract_id"),
        (Contract.history.model, "id"),
        (Contract, "id"),
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        # Reminders exist when another scenario's sweep ran over these obligations (an interrupted run).
        delete_reminders(cursor, contracts, [PREFIX + "%"])
        for model, column in rows:
            table = quote(model._meta.db_table)
            cursor.execute(f"DELETE FROM {table} WHERE {quote(column)} IN ({contracts})", [PREFIX + "%"])  # noqa: S608


def _vendor(n: int, name: str, certificates: int) -> Vendor:
    vendor, _created = Vendor.objects.get_or_create(credit_code=_credit_code(900_000_000 + n), defaults={"name": name})
    Certification.objects.filter(vendor=vendor).delete()
    Certification.objects.bulk_create(
        Certification(vendor=vendor, kind=Certification.Kind.ISO27001, number=f"B-{n}-{k}", expires_on=date(2027, k, 1))
        for k in range(1, certificates + 1)
    )
    return vendor


def _setup() -> tuple[list[Contract], list[Contract]]:
    """10,000 contracts in every status, vendors with 0-2 certificates; plus two samples of 1,000 active contracts:
    one obligation each (a vendor without certificates), and fifteen each (ten certificates, three price-change
    notices, a trial)."""
    owner, _created = User.objects.get_or_create(username="bench-obligations", defaults={"email": "bench@example.com"})
    vendors = [_vendor(n, f"基准测试供应商 {n}", n % 3) for n in range(1, 21)]
    bare = _vendor(100, "基准测试供应商（无资质）", 0)
    certified = _vendor(101, "基准测试供应商（多资质）", 10)

    contracts = []
    for i in range(CONTRACTS):
        slot = i % 10
        end = date(2024, 1, 31) + timedelta(days=(i * 7) % 1400)
        fields = {
            "number": f"{PREFIX}{i:06d}",
            "title": f"基准合同 {i}",
            "vendor": vendors[i % len(vendors)],
            "owner": owner,
            "created_by": owner,
            "effective_date": end - timedelta(days=364),
            "end_date": end,
            "auto_renew": i % 4 in (0, 1),
            "status": S.ACTIVE,
        }
        if i < SAMPLE:
            fields.update(vendor=bare, auto_renew=True)
        elif i < 2 * SAMPLE:
            fields.update(vendor=certified, auto_renew=True, trial_period_months=3)
        elif slot == 6:
            fields.update(status=S.NEGOTIATING, trial_period_months=2)
        elif slot == 7:
            fields.update(status=S.SIGNED, trial_period_months=1)
        elif slot == 8:
            fields.update(status=S.TERMINATED, terminated_on=end - timedelta(days=30), termination_reason="bench")
        elif slot == 9:
            fields.update(status=S.EXPIRED, expired_on=end, auto_renew=False)
        contracts.append(Contract(**fields))
    Contract.objects.bulk_create(contracts, batch_size=2000)

    few_sample, many_sample = contracts[:SAMPLE], contracts[SAMPLE : 2 * SAMPLE]
    noticed = many_sample + contracts[2 * SAMPLE :: 20]
    many_ids = {contract.pk for contract in many_sample}
    PriceChangeNotice.objects.bulk_create(
        (
            PriceChangeNotice(
                contract=contract,
                received_on=TODAY - timedelta(days=10 + k),
                effective_on=TODAY + timedelta(days=60),
                increase_pct=Decimal("3.5"),
            )
            for contract in noticed
            for k in range(3 if contract.pk in many_ids else 1)
        ),
        batch_size=2000,
    )
    return few_sample, many_sample


def _bulk(contracts: list[Contract], label: str, calendar, today: date = TODAY) -> tuple[float, float]:
    changes = 0
    with QueryCounter() as queries:
        started = time.perf_counter()
        for start in range(0, len(contracts), BATCH):
            with transaction.atomic():
                result = derive_obligations_bulk(contracts[start : start + BATCH], today=today, calendar=calendar)
                changes += result.created + result.updated + result.deleted
        elapsed = time.perf_counter() - started
    rate = len(contracts) / elapsed
    per_contract = queries.count / len(contracts)
    print(f"{label}: {rate:,.0f} contracts/s, {per_contract:.3f} queries/contract, {changes:,} obligations written")
    return rate, per_contract


def _one_by_one(contracts: list[Contract], label: str, calendar) -> tuple[float, float]:
    obligations = Obligation.objects.filter(contract__in=contracts).count() / len(contracts)
    with QueryCounter() as queries:
        started = time.perf_counter()
        for contract in contracts:
            with transaction.atomic():
                derive_obligations(contract, today=TODAY, calendar=calendar)
        elapsed = time.perf_counter() - started
    rate = len(contracts) / elapsed
    per_contract = queries.count / len(contracts)
    print(f"{label} ({obligations:.0f} obligations each): {rate:,.0f} contracts/s, {per_contract:.2f} queries/contract")
    return rate, per_contract


def run() -> dict:
    try:
        return _run()
    finally:
        _clean_previous_run()


def _run() -> dict:
    _clean_previous_run()
    started = time.perf_counter()
    few, many = _setup()
    print(f"created {CONTRACTS:,} contracts in {time.perf_counter() - started:.1f} s (bulk_create)")

    calendar = load_calendar()
    contracts = list(Contract.objects.filter(number__startswith=PREFIX).order_by("pk"))
    first_rate, first_queries = _bulk(contracts, "derive all in batches, first time (creates)", calendar)
    print(f"  {Obligation.objects.filter(contract__number__startswith=PREFIX).count():,} obligations derived")
    again_rate, again_queries = _bulk(contracts, "re-derive all in batches, nothing changed", calendar)

    few_rate, few_queries = _one_by_one(few, "one by one, as after an action", calendar)
    many_rate, many_queries = _one_by_one(many, "one by one, as after an action", calendar)
    for contract in many:
        contract.non_renewal_notice_days = 45
    changed_rate, changed_queries = _one_by_one(many, "one by one, renewal window moved", calendar)
    later = TODAY + timedelta(days=42)
    later_rate, later_queries = _bulk(contracts, f"re-derive all as of {later} (some terms roll over)", calendar, later)

    verdict = "meets" if again_rate >= TARGET_PER_SECOND else "MISSES"
    growth = "does not grow" if many_queries <= few_queries else "GROWS"
    print(f"re-derive all: {again_rate:,.0f} contracts/s {verdict} the target of {TARGET_PER_SECOND} contracts/s")
    print(f"queries per contract {growth} with the number of obligations ({few_queries:.2f} vs {many_queries:.2f})")
    return {
        "derive_first_contracts_per_s": first_rate,
        "derive_first_queries_per_contract": first_queries,
        "rederive_contracts_per_s": again_rate,
        "rederive_queries_per_contract": again_queries,
        "single_few_contracts_per_s": few_rate,
        "single_few_queries_per_contract": few_queries,
        "single_many_contracts_per_s": many_rate,
        "single_many_queries_per_contract": many_queries,
        "single_changed_contracts_per_s": changed_rate,
        "single_changed_queries_per_contract": changed_queries,
        "rederive_later_contracts_per_s": later_rate,
        "rederive_later_queries_per_contract": later_queries,
    }
