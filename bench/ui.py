"""The product pages at scale: the dashboard and a register search, for a staff user and a manager.

Data: the API scenario's 100,000 contracts, 1,000 users and grants (bench/api.py; the staff user sees about 10,000
contracts), plus three clauses and ten obligations per contract generated inside PostgreSQL (300,000 clauses,
1,000,000 obligations). What this scenario adds is removed again at the end, so the API scenario can clean up after
itself on the next run.

Figures: median and p95 server time (Django test client, whole request: session, access selector, queries,
template) and queries per page. Target: staff p95 under 150 ms, and a query count per page that stays the same as
the data grows: each page's queries are counted when a tenth of the clauses and obligations are there, and again
with all of them.
"""

from __future__ import annotations

import statistics
import time
from urllib.parse import quote

from django.db import connection, transaction
from django.test import Client, override_settings

from accounts.models import User
from bench._support import QueryCounter
from contracts.models import Clause, Contract, ContractSearchText
from obligations.models import Obligation
from vendors.models import Vendor

from . import api as dataset

REQUESTS = 30
WARMUP = 5
TARGET_P95_MS = 150
SEARCH_WORD = "数据交接"
PAGES = {
    "dashboard": "/",
    "register search": f"/contracts/?q={quote(SEARCH_WORD)}",
    "register search + filters": f"/contracts/?q={quote(SEARCH_WORD)}&status=active&sort=end_date",
}
CLAUSE_TEXTS = [
    "乙方应按附件约定的服务水平提供呼叫中心坐席服务，月度接通率不低于95%。",
    "合同终止或到期后，乙方应在七个工作日内完成数据交接并删除全部副本。",
    "乙方调整价格须提前九十日书面通知，涨幅不得超过百分之五。",
    "The vendor keeps all customer data within mainland China and encrypts it at rest.",
    "Either party may terminate for material breach not cured within thirty days of notice.",
    "乙方应保证客服人员流失率低于百分之十，并维持后备人员池。",
]
FIRST_TENTH = "(id / 1000) %% 10 = 0"  # a condition inside SQL with %(name)s parameters
OBLIGATION_KINDS = ["renewal_window", "certificate_expiry", "custom", "trial_review", "data_handover"]


def _ours(part: str = "TRUE") -> str:
    """The scenario's contracts, or the `part` of them (an SQL condition on id)."""
    table = connection.ops.quote_name(Contract._meta.db_table)
    return f"SELECT id FROM {table} WHERE number LIKE %(like)s AND ({part})"  # noqa: S608


def _remove_added_rows() -> None:
    q = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        for model in (Obligation, Clause, ContractSearchText):
            table = q(model._meta.db_table)
            cursor.execute(f"DELETE FROM {table} WHERE contract_id IN ({_ours()})", {"like": dataset.PREFIX + "%"})  # noqa: S608


def _users() -> tuple[User, User]:
    """The API scenario's staff user and manager, creating its data set when it is not there (or incomplete)."""
    names = (f"{dataset.USER_PREFIX}{dataset.STAFF_INDEX:04d}", f"{dataset.USER_PREFIX}0000")
    users = {u.username: u for u in User.objects.filter(username__in=names)}
    complete = Contract.objects.filter(number__startswith=dataset.PREFIX).count() == dataset.CONTRACTS
    if len(users) == 2 and complete:
        return users[names[0]], users[names[1]]
    dataset._clean_previous_run()
    return dataset._create_data()


def _add_clauses_and_obligations(part: str) -> None:
    """Three clauses and ten obligations for each contract in `part`, and their search texts."""
    q = connection.ops.quote_name
    params = {"like": dataset.PREFIX + "%", "texts": CLAUSE_TEXTS, "kinds": OBLIGATION_KINDS}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""INSERT INTO {q(Clause._meta.db_table)}
                (contract_id, category, title, text, status, "order", version, follows_terms, language, created_at,
                 updated_at)
            SELECT c.id, 'other', '条款 ' || k, (%(texts)s::text[])[1 + (c.id + k) %% 6], 'draft', k, 1, false, '',
                now(), now()
            FROM ({_ours(part)}) c CROSS JOIN generate_series(1, 3) AS k""",  # noqa: S608
            params,
        )
        cursor.execute(
            f"""INSERT INTO {q(Obligation._meta.db_table)}
                (contract_id, kind, key, title, description, due_date, starts_on, status, responsible, source,
                 due_date_edited, provisional, created_at, updated_at)
            SELECT c.id, (%(kinds)s::text[])[1 + k %% 5], 'bench-' || k, '履约事项 ' || k, '',
                current_date + ((c.id * 7 + k * 31) %% 400 - 100)::int,
                current_date + ((c.id * 7 + k * 31) %% 400 - 160)::int,
                CASE WHEN k %% 3 = 0 THEN 'done' ELSE 'open' END, 'us',
                CASE WHEN k %% 5 = 2 THEN 'manual' ELSE 'derived' END, false, false, now(), now()
            FROM ({_ours(part)}) c CROSS JOIN generate_series(1, 10) AS k""",  # noqa: S608
            params,
        )
        # Each contract's search text, as contracts.search.search_document builds it (one field per line,
        # lower-cased), written in one statement instead of through search_text_refresh.
        cursor.execute(
            f"""INSERT INTO {q(ContractSearchText._meta.db_table)} (contract_id, text)
            SELECT c.id, lower(concat_ws(E'\\n', c.number, c.title, v.name, v.short_name, (
                SELECT string_agg(cl.text, E'\\n' ORDER BY cl."order", cl.id)
                FROM {q(Clause._meta.db_table)} cl WHERE cl.contract_id = c.id
            )))
            FROM {q(Contract._meta.db_table)} c JOIN {q(Vendor._meta.db_table)} v ON v.id = c.vendor_id
            WHERE c.id IN ({_ours(part)})
            ON CONFLICT (contract_id) DO UPDATE SET text = EXCLUDED.text""",  # noqa: S608
            params,
        )
    with connection.cursor() as cursor:
        # What autovacuum does to tables this size: fresh statistics, and a visibility map for index-only scans.
        cursor.execute("VACUUM ANALYZE")


def _percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def _query_count(client: Client, url: str) -> int:
    with QueryCounter() as queries:
        response = client.get(url)
    assert response.status_code == 200, response.status_code
    return queries.count


def _clients(staff: User, manager: User) -> dict[str, Client]:
    clients = {}
    for label, user in (("staff", staff), ("manager", manager)):
        clients[label] = Client()
        clients[label].force_login(user)
    return clients


def _measure(client: Client, url: str) -> tuple[list[float], int]:
    for _ in range(WARMUP):
        client.get(url)
    samples = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(url)
        samples.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.status_code
    return samples, _query_count(client, url)


def run() -> dict:
    started = time.perf_counter()
    staff, manager = _users()
    _remove_added_rows()
    figures: dict[str, float] = {}
    growth: list[str] = []
    try:
        with override_settings(DEBUG=False, ALLOWED_HOSTS=["testserver"]):
            clients = _clients(staff, manager)
            # A tenth of the contracts first (whole thousands of ids, so the staff user's own contracts are among
            # them), the queries per page counted, then the other nine tenths.
            _add_clauses_and_obligations(FIRST_TENTH)
            before = {
                (label, page): _query_count(c, url) for label, c in clients.items() for page, url in PAGES.items()
            }
            _add_clauses_and_obligations(f"NOT ({FIRST_TENTH})")
            obligations = Obligation.objects.filter(contract__number__startswith=dataset.PREFIX).count()
            print(
                f"data: {dataset.CONTRACTS:,} contracts, {obligations:,} obligations, "
                f"ready in {time.perf_counter() - started:.1f} s"
            )
            for label, client in clients.items():
                for page, url in PAGES.items():
                    samples, queries = _measure(client, url)
                    median, p95 = statistics.median(samples), _percentile(samples, 95)
                    print(f"{label:8s} {page:26s} median {median:6.1f} ms, p95 {p95:6.1f} ms, {queries} queries/page")
                    if queries != before[label, page]:
                        growth.append(f"{label} {page}: {before[label, page]} -> {queries}")
                    key = f"{label}_{page.replace(' ', '_').replace('+', 'and')}"
                    figures.update({f"{key}_median_ms": median, f"{key}_p95_ms": p95, f"{key}_queries": queries})
    finally:
        _remove_added_rows()
    staff_p95 = max(v for k, v in figures.items() if k.startswith("staff_") and k.endswith("_p95_ms"))
    verdict = "met" if staff_p95 < TARGET_P95_MS else "MISSED"
    print(f"target: staff p95 < {TARGET_P95_MS} ms ({verdict}, worst page {staff_p95:.1f} ms)")
    print(
        "queries per page unchanged from a tenth of the clauses and obligations to all of them: "
        + ("yes" if not growth else "NO (" + "; ".join(growth) + ")")
    )
    return figures
