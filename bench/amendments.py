"""The amendment roll: 1,000 approved amendments coming into force on their day, applied by the daily roll.

Figures: amendments per second (target: at least 200) and queries per amendment, which must not grow with the number
of amendments applied; hence two data points, a day with 100 due and a day with 900.
"""

from __future__ import annotations

import time
from datetime import date, timedelta

from django.db import connection, transaction

from accounts.models import User
from amendments.models import Amendment
from amendments.services import amendments_apply_due
from bench._support import QueryCounter, delete_reminders
from contracts.models import Contract, ContractSearchText
from obligations.calendar import load_calendar
from obligations.derivation import derive_obligations_bulk
from obligations.models import Obligation
from review.models import ContractReview, Finding
from rules.credit_code import credit_code_check_char
from vendors.models import Vendor

CONTRACTS = 1_000
FIRST_DAY = 100
TARGET_PER_SECOND = 200
DAY_ONE = date(2026, 11, 2)
DAY_TWO = date(2026, 11, 3)
PREFIX = "BENCH-AMD-"


def _clean_previous_run() -> None:
    quote = connection.ops.quote_name
    contracts = f"SELECT id FROM {quote(Contract._meta.db_table)} WHERE number LIKE %s"  # noqa: S608
    rows = [
        (Amendment.history.model, "contract_id"),
        (Amendment, "contract_id"),
        (Obligation.history.model, "contract_id"),
        (Obligation, "contract_id"),
        (ContractSearchText, "contract_id"),
        # The roll re-reviews every amended contract.
        (Finding.history.model, "contract_id"),
        (Finding, "contract_id"),
        (ContractReview, "contract_id"),
        (Contract.history.model, "id"),
        (Contract, "id"),
    ]
    with transaction.atomic(), connection.cursor() as cursor:
        delete_reminders(cursor, contracts, [PREFIX + "%"])
        for model, column in rows:
            table = quote(model._meta.db_table)
            cursor.execute(f"DELETE FROM {table} WHERE {quote(column)} IN ({contracts})", [PREFIX + "%"])  # noqa: S608


def _setup() -> None:
    """1,000 active contracts with their obligations derived, each with one approved amendment: 100 due on day one,
    900 on day two. Every amendment moves the end date and two notice periods, so each re-derivation moves the
    renewal window."""
    owner, _created = User.objects.get_or_create(username="bench-amendments", defaults={"email": "bench@example.com"})
    body = "913100009" + "87654321"
    vendor, _created = Vendor.objects.get_or_create(
        credit_code=body + credit_code_check_char(body), defaults={"name": "基准测试供应商（补充协议）"}
    )
    contracts = [
        Contract(
            number=f"{PREFIX}{i:05d}",
            title=f"基准合同 {i}",
            vendor=vendor,
            owner=owner,
            created_by=owner,
            effective_date=date(2026, 1, 1),
            end_date=date(2027, 12, 31),
            status=Contract.Status.ACTIVE,
            signed_on=date(2025, 12, 20),
        )
        for i in range(CONTRACTS)
    ]
    Contract.objects.bulk_create(contracts, batch_size=1000)
    calendar = load_calendar()
    with transaction.atomic():
        derive_obligations_bulk(contracts, today=DAY_ONE - timedelta(days=1), calendar=calendar)
    Amendment.objects.bulk_create(
        Amendment(
            contract=contract,
            sequence=1,
            number=f"{contract.number}-A1",
            title="延长服务期并调整通知期",
            effective_on=DAY_ONE if i < FIRST_DAY else DAY_TWO,
            changes={"end_date": "2028-06-30", "non_renewal_notice_days": 60, "price_change_notice_days": 120},
            status=Amendment.Status.APPROVED,
            created_by=owner,
            approved_by=owner,
        )
        for i, contract in enumerate(contracts)
    )


def _roll(today: date, label: str) -> tuple[int, float, float]:
    with QueryCounter() as queries:
        started = time.perf_counter()
        applied = amendments_apply_due(today=today)
        elapsed = time.perf_counter() - started
    rate = applied / elapsed
    per_amendment = queries.count / applied
    print(f"{label}: {applied:,} applied, {rate:,.0f} amendments/s, {per_amendment:.2f} queries/amendment")
    return applied, rate, per_amendment


def run() -> dict:
    try:
        return _run()
    finally:
        _clean_previous_run()


def _run() -> dict:
    _clean_previous_run()
    started = time.perf_counter()
    _setup()
    took = time.perf_counter() - started
    print(f"created {CONTRACTS:,} active contracts with one approved amendment each in {took:.1f} s")
    _few, few_rate, few_queries = _roll(DAY_ONE, f"roll of {DAY_ONE} ({FIRST_DAY} due)")
    _many, many_rate, many_queries = _roll(DAY_TWO, f"roll of {DAY_TWO} ({CONTRACTS - FIRST_DAY} due)")
    again, _rate, _queries = 0, 0.0, 0.0
    with QueryCounter() as queries:
        again = amendments_apply_due(today=DAY_TWO)
    moved = Obligation.objects.filter(
        contract__number__startswith=PREFIX, kind=Obligation.Kind.RENEWAL_WINDOW, due_date=date(2028, 5, 1)
    ).count()
    print(f"the same day again: {again} applied in {queries.count} queries; {moved:,} renewal windows moved")
    verdict = "meets" if many_rate >= TARGET_PER_SECOND else "MISSES"
    growth = "does not grow" if many_queries <= few_queries * 1.05 else "GROWS"
    print(f"amendment roll: {many_rate:,.0f} amendments/s {verdict} the target of {TARGET_PER_SECOND}/s")
    print(f"queries per amendment {growth} with the number due ({few_queries:.2f} vs {many_queries:.2f})")
    return {
        "amendments_per_s": many_rate,
        "queries_per_amendment": many_queries,
        "small_day_amendments_per_s": few_rate,
        "small_day_queries_per_amendment": few_queries,
    }
