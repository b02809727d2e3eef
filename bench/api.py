"""The contract list over the API at scale: 100,000 contracts, 1,000 users, and one staff user who sees
10,000 of them through ownership, direct grants and a group grant.

Figures: median and p95 of `GET /api/v1/contracts/?page_size=50` for that staff user and for a manager (who sees
everything), each against the same list as a bare ORM query (count + first page). Target: staff p95 under 100 ms
and within 3x the bare query.
"""

from __future__ import annotations

import os
import statistics
import time

from django.contrib.auth.models import Group, Permission
from django.db import connection, transaction
from django.test import Client, override_settings
from rest_framework.authtoken.models import Token

from accounts.models import Role, User
from bench._support import QueryCounter, delete_reminders
from contracts.models import (
    Clause,
    Contract,
    ContractGroupObjectPermission,
    ContractSearchText,
    ContractUserObjectPermission,
    FeeItem,
    SLATarget,
)
from contracts.selectors import contract_ids_visible_to, contracts_visible_to
from obligations.models import Obligation
from review.models import ContractReview, Finding
from rules.credit_code import credit_code_check_char
from vendors.models import Vendor

CONTRACTS = 100_000
USERS = 1_000
VENDORS = 50
TEAM_SIZE = 20
STAFF_INDEX = 10  # the measured staff user owns every contract n with n % USERS == STAFF_INDEX
REQUESTS = 60
WARMUP = 5
PAGE = "/api/v1/contracts/?page_size=50"
TARGET_P95_MS = 100
TARGET_RATIO = 3.0
PREFIX = "BENCH-API-"
USER_PREFIX = "bench-api-"


def _credit_code(n: int) -> str:
    body = f"91330000{n:09d}"
    return body + credit_code_check_char(body)


def _clean_previous_run() -> None:
    """Remove an earlier run's rows with plain SQL; the ORM's cascade would take longer than the benchmark."""
    q = connection.ops.quote_name
    contracts = f"SELECT id FROM {q(Contract._meta.db_table)} WHERE number LIKE %s"  # noqa: S608
    with transaction.atomic(), connection.cursor() as cursor:
        for model in (ContractUserObjectPermission, ContractGroupObjectPermission):
            table = q(model._meta.db_table)
            cursor.execute(f"DELETE FROM {table} WHERE content_object_id IN ({contracts})", [PREFIX + "%"])  # noqa: S608
        # Clauses and obligations are the UI scenario's (it removes them itself unless it was interrupted).
        delete_reminders(cursor, contracts, [PREFIX + "%"])
        for model in (SLATarget, FeeItem, ContractSearchText, Clause, Obligation, Finding, ContractReview):
            table = q(model._meta.db_table)
            cursor.execute(f"DELETE FROM {table} WHERE contract_id IN ({contracts})", [PREFIX + "%"])  # noqa: S608
        cursor.execute(f"DELETE FROM {q(Contract._meta.db_table)} WHERE number LIKE %s", [PREFIX + "%"])  # noqa: S608
    Token.objects.filter(user__username__startswith=USER_PREFIX).delete()
    User.groups.through.objects.filter(user__username__startswith=USER_PREFIX).delete()
    User.objects.filter(username__startswith=USER_PREFIX).delete()
    Group.objects.filter(name__startswith=USER_PREFIX).delete()
    Vendor.objects.filter(name__startswith=PREFIX).delete()


def _create_data() -> tuple[User, User]:
    """Users and vendors through the ORM, then contracts, child rows and grants generated inside PostgreSQL."""
    staff_role = Group.objects.get(name=Role.PROCUREMENT_STAFF)
    manager_role = Group.objects.get(name=Role.PROCUREMENT_MANAGER)
    users = User.objects.bulk_create(
        User(username=f"{USER_PREFIX}{i:04d}", email=f"{USER_PREFIX}{i:04d}@example.com", password="!")
        for i in range(USERS)
    )
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=u.pk, group_id=staff_role.pk) for u in users[1:]
    )
    manager = users[0]
    manager.groups.add(manager_role)
    staff = users[STAFF_INDEX]
    vendors = Vendor.objects.bulk_create(
        Vendor(name=f"{PREFIX}vendor {i}", credit_code=_credit_code(800_000_000 + i)) for i in range(VENDORS)
    )
    # Fifty teams of twenty users; the staff user is in team 0.
    teams = Group.objects.bulk_create(Group(name=f"{USER_PREFIX}team-{t:02d}") for t in range(USERS // TEAM_SIZE))
    User.groups.through.objects.bulk_create(
        User.groups.through(user_id=u.pk, group_id=teams[i // TEAM_SIZE].pk) for i, u in enumerate(users)
    )
    view = Permission.objects.get(content_type__app_label="contracts", codename="view_contract")
    change = Permission.objects.get(content_type__app_label="contracts", codename="change_contract")

    q = connection.ops.quote_name
    contract_table = q(Contract._meta.db_table)
    n_expr = f"substr(c.number, {len(PREFIX) + 1})::int"
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(
            f"""
            INSERT INTO {contract_table} (
                number, title, vendor_id, category, owner_id, status, effective_date, end_date, initial_term_months,
                auto_renew, renewal_term_months, non_renewal_notice_days, renewal_review_lead_days,
                termination_notice_days, trial_period_months, price_change_notice_days, fee_model, currency,
                payment_cycle, data_handover_business_days, data_storage_location, confidentiality_years_after_end,
                termination_reason, notes, version, created_by_id, created_at, updated_at,
                sla_credit_cap_pct, sla_exit_consecutive_misses, sla_exit_decision_days
            )
            SELECT
                %(prefix)s || lpad(n::text, 6, '0'), 'Outsourced service agreement ' || n,
                (%(vendors)s::bigint[])[1 + n %% %(vendor_count)s], 'cs_outsourcing',
                (%(users)s::bigint[])[1 + n %% %(user_count)s],
                (ARRAY['draft', 'negotiating', 'signed', 'active', 'expired'])[1 + n %% 5],
                DATE '2024-01-01' + (n %% 700), DATE '2024-01-01' + (n %% 700) + 364, 12,
                n %% 2 = 0, 12, 30, 90, 30, 0, 90, 'per_seat', 'CNY', 'monthly', 7, '', 3, '', '', 1,
                (%(users)s::bigint[])[1 + n %% %(user_count)s],
                now() - make_interval(secs => n), now() - make_interval(secs => n),
                15, 3, 30
            FROM generate_series(1, %(contracts)s) AS n
            """,  # noqa: S608
            {
                "prefix": PREFIX,
                "vendors": [v.pk for v in vendors],
                "vendor_count": VENDORS,
                "users": [u.pk for u in users],
                "user_count": USERS,
                "contracts": CONTRACTS,
            },
        )
        ours = f"FROM {contract_table} c WHERE c.number LIKE %(like)s"
        cursor.execute(
            f"""INSERT INTO {q(SLATarget._meta.db_table)}
            (contract_id, metric, comparator, target, unit, period, "order", kind, critical)
            SELECT c.id, 'answer rate', '>=', 95, '%%', 'month', 0, 'answer_rate', false {ours}""",
            {"like": PREFIX + "%"},
        )
        cursor.execute(
            f"""INSERT INTO {q(FeeItem._meta.db_table)} (contract_id, kind, unit_price, unit, quantity, note, "order")
            SELECT c.id, 'seat', 6500, 'seat/month', 20, '', 0 {ours}""",
            {"like": PREFIX + "%"},
        )
        users_table = q(ContractUserObjectPermission._meta.db_table)
        # The staff user: a direct view grant on every n = 3 (mod 20): 5,000 contracts.
        cursor.execute(
            f"""INSERT INTO {users_table} (content_object_id, user_id, permission_id)
            SELECT c.id, %(staff)s, %(view)s {ours} AND {n_expr} %% 20 = 3""",
            {"like": PREFIX + "%", "staff": staff.pk, "view": view.pk},
        )
        # Everyone else: one direct grant per contract, to a user who does not own it (100,000 rows of noise).
        cursor.execute(
            f"""INSERT INTO {users_table} (content_object_id, user_id, permission_id)
            SELECT c.id, (%(users)s::bigint[])[1 + ({n_expr} * 7 + 1) %% %(user_count)s], %(change)s {ours}
            AND (%(users)s::bigint[])[1 + ({n_expr} * 7 + 1) %% %(user_count)s] <> %(staff)s""",
            {
                "like": PREFIX + "%",
                "users": [u.pk for u in users],
                "user_count": USERS,
                "staff": staff.pk,
                "change": change.pk,
            },
        )
        # Group grants: the staff user's team on n = 7 (mod 20) above 2,000 (4,900 contracts), the other teams on
        # n = 11 (mod 20), spread round-robin (5,000 rows).
        groups_table = q(ContractGroupObjectPermission._meta.db_table)
        cursor.execute(
            f"""INSERT INTO {groups_table} (content_object_id, group_id, permission_id)
            SELECT c.id, %(team)s, %(change)s {ours} AND {n_expr} %% 20 = 7 AND {n_expr} > 2000""",
            {"like": PREFIX + "%", "team": teams[0].pk, "change": change.pk},
        )
        cursor.execute(
            f"""INSERT INTO {groups_table} (content_object_id, group_id, permission_id)
            SELECT c.id, (%(teams)s::int[])[1 + {n_expr} %% %(team_count)s], %(view)s {ours}
            AND {n_expr} %% 20 = 11""",
            {"like": PREFIX + "%", "teams": [t.pk for t in teams[1:]], "team_count": len(teams) - 1, "view": view.pk},
        )
    with connection.cursor() as cursor:
        # What autovacuum does to tables this size: fresh statistics, and a visibility map for index-only scans.
        cursor.execute("VACUUM ANALYZE")
    return staff, manager


def _percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def _time_api(user: User) -> tuple[list[float], list[float], int, int]:
    """Wall time per request, and this process's CPU time per request (Django and DRF's share, without the database
    server's): on a shared, overloaded machine the CPU time shows what the code costs when it gets a core."""
    client = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    for _ in range(WARMUP):
        client.get(PAGE)
    wall, cpu = [], []
    for _ in range(REQUESTS):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = client.get(PAGE)
        wall.append((time.perf_counter() - started) * 1000)
        cpu.append((time.process_time() - started_cpu) * 1000)
        assert response.status_code == 200, response.content[:200]
    with QueryCounter() as queries:
        count = client.get(PAGE).json()["count"]
    return wall, cpu, count, queries.count


def _time_bare(user: User) -> list[float]:
    """The same list with no HTTP, no serializer, no auth: count the visible contracts and fetch the first 50 rows."""

    def once():
        reader = User.objects.get(pk=user.pk)
        contract_ids_visible_to(reader).count()
        list(contracts_visible_to(reader).values_list("id", "number", "title")[:50])

    for _ in range(WARMUP):
        once()
    samples = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        once()
        samples.append((time.perf_counter() - started) * 1000)
    return samples


def _explain(user: User) -> str:
    with connection.cursor() as cursor:
        sql, params = contracts_visible_to(user).order_by("-created_at", "-id")[:50].query.sql_with_params()
        cursor.execute(f"EXPLAIN (ANALYZE, BUFFERS OFF, TIMING OFF, SUMMARY ON) {sql}", params)
        return next(row[0] for row in reversed(cursor.fetchall()) if "Execution Time" in row[0])


def run() -> dict:
    started = time.perf_counter()
    _clean_previous_run()
    staff, manager = _create_data()
    print(f"data: {CONTRACTS:,} contracts, {USERS:,} users, grants ready in {time.perf_counter() - started:.1f} s")

    figures: dict[str, float] = {}
    with override_settings(DEBUG=False):
        for label, user in (("staff", staff), ("manager", manager)):
            api, cpu, count, queries = _time_api(user)
            bare = _time_bare(user)
            api_median, api_p95 = statistics.median(api), _percentile(api, 95)
            bare_median, bare_p95 = statistics.median(bare), _percentile(bare, 95)
            ratio = api_p95 / bare_p95
            print(
                f"{label:8s} sees {count:,} contracts; API {queries} queries/request: median {api_median:.1f} ms, "
                f"p95 {api_p95:.1f} ms (app CPU median {statistics.median(cpu):.1f} ms) | "
                f"bare ORM median {bare_median:.1f} ms, p95 {bare_p95:.1f} ms | "
                f"ratio p95 {ratio:.2f}x"
            )
            figures.update(
                {
                    f"{label}_visible": count,
                    f"{label}_api_median_ms": api_median,
                    f"{label}_api_p95_ms": api_p95,
                    f"{label}_api_cpu_median_ms": statistics.median(cpu),
                    f"{label}_bare_median_ms": bare_median,
                    f"{label}_bare_p95_ms": bare_p95,
                    f"{label}_ratio_p95": ratio,
                }
            )
    print(f"staff first page, {_explain(staff)}")
    print("load average during the run: {:.1f} {:.1f} {:.1f} (2 cores)".format(*os.getloadavg()))
    print(
        f"target: staff p95 < {TARGET_P95_MS} ms ({'met' if figures['staff_api_p95_ms'] < TARGET_P95_MS else 'MISSED'})"
        f", within {TARGET_RATIO:.0f}x the bare query "
        f"({'met' if figures['staff_ratio_p95'] <= TARGET_RATIO else 'MISSED'})"
    )
    return figures
