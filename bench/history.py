"""A contract's history over the API when it is long: one contract edited 400 times (terms and SLA rows), its clauses
revised 300 times, shared 100 times, with the obligations the edits re-derive, among other contracts with histories.

Figures: median and p95 of `GET /api/v1/contracts/{id}/history/` for the first page, a middle page and the last page
(50 entries each) and a page of 200, with the queries each request makes (the same for every page). Target: p95 of a
page of 50 under 150 ms.
"""

from __future__ import annotations

import statistics
import time
from datetime import date
from decimal import Decimal

from django.contrib.auth.models import Group
from django.db import connection, transaction
from django.test import Client, override_settings
from rest_framework.authtoken.models import Token

from accounts.models import Role, User
from bench._support import QueryCounter, delete_reminders
from contracts.models import Contract
from contracts.services.clauses import clause_add_revision, clause_create
from contracts.services.sharing import contract_share
from contracts.services.terms import contract_create, contract_update
from rules.credit_code import credit_code_check_char
from vendors.models import Vendor

EDITS = 400
REVISIONS = 300
SHARES = 100
OTHER_CONTRACTS = 50
REQUESTS = 40
WARMUP = 3
TARGET_P95_MS = 150
PREFIX = "BENCH-HIST-"


def _clean_previous_run() -> None:
    q = connection.ops.quote_name
    contracts = f"SELECT id FROM {q(Contract._meta.db_table)} WHERE number LIKE %s"  # noqa: S608
    with transaction.atomic(), connection.cursor() as cursor:
        delete_reminders(cursor, contracts, [PREFIX + "%"])
    for contract in Contract.objects.filter(number__startswith=PREFIX):
        contract.delete()


def _sla(target: int) -> list[dict]:
    return [
        {"metric": f"指标{i}", "kind": "other", "comparator": ">=", "target": Decimal(target + i), "unit": "%"}
        for i in range(10)
    ]


def _create_data() -> tuple[User, Contract]:
    manager, _ = User.objects.get_or_create(username="bench-hist-manager")
    manager.groups.add(Group.objects.get(name=Role.PROCUREMENT_MANAGER))
    body = "913300009" + "87654321"
    vendor, _ = Vendor.objects.get_or_create(
        credit_code=body + credit_code_check_char(body), defaults={"name": "基准历史供应商有限公司"}
    )
    staff = [User.objects.get_or_create(username=f"bench-hist-{i}")[0] for i in range(SHARES)]
    for user in staff:
        user.groups.add(Group.objects.get(name=Role.PROCUREMENT_STAFF))

    def new_contract(n: int) -> Contract:
        return contract_create(
            by=manager,
            number=f"{PREFIX}{n:04d}",
            title=f"历史基准合同{n}",
            vendor=vendor,
            effective_date=date(2026, 1, 1),
            auto_renew=True,
            sla_targets=_sla(90),
            fee_items=[{"kind": "坐席费", "unit_price": Decimal("4500"), "unit": "席/月", "quantity": Decimal("20")}],
        )

    for n in range(1, OTHER_CONTRACTS + 1):
        other = new_contract(n)
        for i in range(5):
            other.refresh_from_db()
            contract_update(contract=other, by=manager, version=other.version, title=f"其他合同{n}-{i}")
    contract = new_contract(0)
    clauses = [
        clause_create(contract=contract, by=manager, category="sla", title=f"条款{i}", text=f"第{i}条原文。")
        for i in range(10)
    ]
    for i in range(EDITS):
        contract.refresh_from_db()
        contract_update(
            contract=contract,
            by=manager,
            version=contract.version,
            price_change_notice_days=30 + i % 60,
            price_increase_cap_pct=Decimal(i % 10),
            end_date=date(2027 + i % 3, 1 + i % 12, 28),
            sla_targets=_sla(90 + i % 5),
        )
    for i in range(REVISIONS):
        clause_add_revision(clause=clauses[i % 10], by=manager, text=f"第{i}次修订的条款文本。", side="vendor")
    for i, user in enumerate(staff):
        contract_share(contract=contract, by=manager, user=user, permission="view" if i % 2 else "change")
    return manager, contract


def _percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def _time(client: Client, url: str) -> tuple[list[float], int]:
    for _ in range(WARMUP):
        client.get(url)
    samples = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content[:200]
    with QueryCounter() as queries:
        client.get(url)
    return samples, queries.count


def run() -> dict:
    started = time.perf_counter()
    _clean_previous_run()
    manager, contract = _create_data()
    client = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=manager)[0].key}")
    base = f"/api/v1/contracts/{contract.pk}/history/"
    count = client.get(base).json()["count"]
    last = (count + 49) // 50
    print(f"data: one contract with {count:,} history entries ready in {time.perf_counter() - started:.1f} s")
    figures: dict[str, float] = {"entries": count}
    with override_settings(DEBUG=False):
        for label, query in (
            ("first page", "?page=1"),
            ("middle page", f"?page={last // 2}"),
            ("last page", f"?page={last}"),
            ("page of 200", "?page_size=200"),
        ):
            samples, queries = _time(client, base + query)
            median, p95 = statistics.median(samples), _percentile(samples, 95)
            print(f"{label:12s} {queries} queries/request: median {median:.1f} ms, p95 {p95:.1f} ms")
            figures[f"{label} p95 ms"] = p95
            figures[f"{label} queries"] = queries
    met = figures["first page p95 ms"] < TARGET_P95_MS and figures["last page p95 ms"] < TARGET_P95_MS
    print(f"target: a page of 50 p95 < {TARGET_P95_MS} ms ({'met' if met else 'MISSED'})")
    return figures
