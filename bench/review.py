"""The contract review at scale.

1. One contract with 50 clauses (library wording and clauses written by hand, in Chinese and English): the whole
   `review_contracts([id])` of a service's follow-up (load the facts, run every rule, store the findings and the
   counts). Target: p95 under 20 ms.
2. Every one of the API scenario's 100,000 contracts reviewed by `review_all` (the `review_contracts` command), first
   from nothing (every finding inserted) and again (findings compared, nothing to write). Target: at least 2,000
   contracts a second, set-based (queries per batch, not per contract).
3. The register filtered by `review=high` for the staff user who sees about 10,000 of them, and for the manager.
   Target: staff p95 under 150 ms, the same number of queries whatever the data.
"""

from __future__ import annotations

import statistics
import time

from django.db import connection, transaction
from django.test import Client, override_settings

from bench._support import QueryCounter
from contracts.models import Clause, ClauseTemplate, Contract
from contracts.services.terms import contract_create
from review.models import ContractReview, Finding
from review.services import BATCH, review_all, review_contracts
from vendors.models import Vendor

from . import api as dataset
from . import ui

REQUESTS = 30
WARMUP = 5
ONE_CONTRACT_TARGET_P95_MS = 20
BULK_TARGET_PER_SECOND = 2000
REGISTER_TARGET_P95_MS = 150
NUMBER = "BENCH-REVIEW-1"
HAND_WRITTEN = [
    "乙方调价须提前三个月书面通知甲方，涨幅不超过百分之五。",
    "合同终止后，乙方应在七个工作日内交还全部数据。",
    "乙方保证系统月度可用性不低于99.9%。",
    "The Vendor shall give ninety (90) days' written notice of any price increase.",
    "任何一方可提前３０日书面通知对方解除本合同。",
]


def _one_contract() -> float:
    Contract.objects.filter(number=NUMBER).delete()
    owner = dataset.User.objects.filter(username__startswith=dataset.USER_PREFIX).order_by("pk").first()
    templates = list(ClauseTemplate.objects.filter(is_active=True))
    with transaction.atomic():
        contract = contract_create(
            by=owner,
            number=NUMBER,
            title="评审基准合同",
            vendor=Vendor.objects.filter(name__startswith=dataset.PREFIX).first(),
            category="call_center_software",
            sla_targets=[{"metric": "系统可用性", "kind": "availability", "comparator": ">=", "target": "99.9"}],
            clause_templates=templates,
        )
        extra = 50 - len(templates)
        Clause.objects.bulk_create(
            Clause(
                contract=contract,
                category="other",
                title=f"补充条款 {i}",
                text=HAND_WRITTEN[i % len(HAND_WRITTEN)] + f"（第{i}条）",
                order=100 + i,
            )
            for i in range(extra)
        )
    assert contract.clauses.count() == 50
    for _ in range(WARMUP):
        review_contracts([contract.pk])
    samples = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        with transaction.atomic():
            review_contracts([contract.pk])
        samples.append((time.perf_counter() - started) * 1000)
    with QueryCounter() as queries:
        review_contracts([contract.pk])
    p95 = ui._percentile(samples, 95)
    print(
        f"one contract, 50 clauses: median {statistics.median(samples):.1f} ms, p95 {p95:.1f} ms, "
        f"{queries.count} queries; target p95 < {ONE_CONTRACT_TARGET_P95_MS} ms "
        f"({'met' if p95 < ONE_CONTRACT_TARGET_P95_MS else 'MISSED'})"
    )
    Contract.objects.filter(number=NUMBER).delete()
    return p95


def _remove_findings() -> None:
    q = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for model in (Finding, ContractReview):
            cursor.execute(f"DELETE FROM {q(model._meta.db_table)}")  # noqa: S608
        cursor.execute(f"DELETE FROM {q(Finding.history.model._meta.db_table)}")  # noqa: S608


def _bulk() -> dict[str, float]:
    figures = {}
    total = Contract.objects.count()
    for label in ("first", "again"):
        with QueryCounter() as queries:
            started = time.perf_counter()
            done = review_all()
            seconds = time.perf_counter() - started
        rate = done / seconds
        figures[f"bulk_{label}_per_second"] = rate
        print(
            f"review_all ({label}): {done:,} of {total:,} contracts in {seconds:.1f} s = {rate:,.0f} contracts/s, "
            f"{queries.count} queries ({queries.count / max(1, -(-done // BATCH)):.0f} per batch of {BATCH}); "
            f"target >= {BULK_TARGET_PER_SECOND:,}/s ({'met' if rate >= BULK_TARGET_PER_SECOND else 'MISSED'})"
        )
    print(
        f"stored: {Finding.objects.count():,} findings, "
        f"{ContractReview.objects.filter(open_high__gt=0).count():,} contracts with open high findings"
    )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")
    return figures


def _register(staff, manager) -> dict[str, float]:
    figures = {}
    url = "/contracts/?review=high"
    with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
        for label, user in (("staff", staff), ("manager", manager)):
            client = Client()
            client.force_login(user)
            samples, queries = ui._measure(client, url)
            p95 = ui._percentile(samples, 95)
            figures[f"{label}_register_review_high_p95_ms"] = p95
            print(
                f"{label:8s} register ?review=high: median {statistics.median(samples):.1f} ms, p95 {p95:.1f} ms, "
                f"{queries} queries/page"
            )
    verdict = "met" if figures["staff_register_review_high_p95_ms"] < REGISTER_TARGET_P95_MS else "MISSED"
    print(f"target: staff p95 < {REGISTER_TARGET_P95_MS} ms ({verdict})")
    return figures


def run() -> dict:
    staff, manager = ui._users()
    figures = {"one_contract_p95_ms": _one_contract()}
    _remove_findings()
    figures.update(_bulk())
    figures.update(_register(staff, manager))
    return figures
