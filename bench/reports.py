"""The reports at scale: bench/api.py's 100,000 contracts (1,000 users; a staff user who sees about 15,000 of them
through ownership, direct grants and a group grant; a manager who sees everything), plus 1,000,000 obligations
(10 per contract: open, overdue, done on time and late, renewal windows) and 12 months of SLA results for every
tenth contract.

Figures: per report and user, median and p95 of `GET /api/v1/reports/<kind>/` and the queries per request (the same
whatever the size). Target: p95 under 300 ms.
"""

from __future__ import annotations

import os
import statistics
import time

from django.db import connection, transaction
from django.test import Client, override_settings
from django.utils import timezone
from rest_framework.authtoken.models import Token

from accounts.models import User
from bench import api as dataset
from bench._support import QueryCounter, delete_reminders
from contracts.models import Contract
from obligations.models import Obligation
from reports import tally
from reports.models import ObligationTally
from reports.selectors import KINDS, obligation_window
from sla.models import SlaMeasurement, SlaPeriod

REQUESTS = int(os.environ.get("BENCH_REPORT_REQUESTS", "20"))
WARMUP = 3
OBLIGATIONS_PER_CONTRACT = 10
TARGET_P95_MS = 300


def _ours() -> str:
    return f"SELECT id FROM {connection.ops.quote_name(Contract._meta.db_table)} WHERE number LIKE %(like)s"  # noqa: S608


def _clean_sla_rows() -> None:
    q = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        periods = f"SELECT id FROM {q(SlaPeriod._meta.db_table)} WHERE contract_id IN ({_ours()})"  # noqa: S608
        cursor.execute(
            f"DELETE FROM {q(SlaMeasurement._meta.db_table)} WHERE sla_period_id IN ({periods})",  # noqa: S608
            {"like": dataset.PREFIX + "%"},
        )
        cursor.execute(
            f"DELETE FROM {q(SlaPeriod._meta.db_table)} WHERE contract_id IN ({_ours()})",  # noqa: S608
            {"like": dataset.PREFIX + "%"},
        )


def _add_obligations_and_sla() -> None:
    q = connection.ops.quote_name
    params = {"like": dataset.PREFIX + "%"}
    with transaction.atomic(), connection.cursor() as cursor:
        # Value on every contract (the dataset leaves it empty), a third of the running ones ending for good. The
        # tenth of the contracts with SLA months is drawn by a hash of the number: the dataset grants by position, so
        # "id % 10 = 0" gave the staff user SLA months on 1% of their contracts in one database and 49% in another.
        cursor.execute(
            f"""UPDATE {q(Contract._meta.db_table)} SET contract_value = 10000 + (id %% 500) * 1000,
            end_date = current_date + (id %% 400)::int WHERE id IN ({_ours()})""",  # noqa: S608
            params,
        )
        cursor.execute(
            f"""INSERT INTO {q(Obligation._meta.db_table)}
                (contract_id, kind, key, title, description, due_date, starts_on, status, responsible, source,
                 due_date_edited, provisional, completed_at, created_at, updated_at)
            SELECT c.id, CASE WHEN k = 1 THEN 'renewal_window' ELSE 'custom' END, 'bench-report-' || k,
                'obligation ' || k, '', current_date + ((c.id * 7 + k * 31) %% 400 - 200)::int, NULL,
                CASE WHEN k %% 3 = 0 THEN 'done' ELSE 'open' END, 'us', 'derived', false, false,
                CASE WHEN k %% 3 = 0 THEN now() - make_interval(days => ((c.id + k) %% 300)::int) END, now(), now()
            FROM ({_ours()}) c CROSS JOIN generate_series(1, %(per)s) AS k""",  # noqa: S608
            {**params, "per": OBLIGATIONS_PER_CONTRACT},
        )
        cursor.execute(
            f"""INSERT INTO {q(SlaPeriod._meta.db_table)}
                (contract_id, period, missed_count, credit_pct, credit_amount, created_at, updated_at)
            SELECT c.id, to_char(date_trunc('month', current_date) - make_interval(months => m), 'YYYY-MM'),
                (c.id + m) %% 2, ((c.id + m) %% 2) * 5, ((c.id + m) %% 2) * 500, now(), now()
            FROM ({_ours()} AND abs(hashtext(number)) %% 10 = 0) c CROSS JOIN generate_series(0, 11) AS m""",  # noqa: S608
            params,
        )
        cursor.execute(
            f"""INSERT INTO {q(SlaMeasurement._meta.db_table)} (sla_period_id, target_id, value, met)
            SELECT p.id, t.id, 95, (p.id %% 3) <> 0
            FROM {q(SlaPeriod._meta.db_table)} p JOIN contracts_slatarget t ON t.contract_id = p.contract_id
            WHERE p.contract_id IN ({_ours()})""",  # noqa: S608
            params,
        )
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE")


def _percentile(samples: list[float], pct: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(pct / 100 * (len(ordered) - 1)))]


def _time(user: User, kind: str) -> tuple[list[float], int]:
    client = Client(HTTP_AUTHORIZATION=f"Token {Token.objects.get_or_create(user=user)[0].key}")
    url = f"/api/v1/reports/{kind}/"
    for _ in range(WARMUP):
        client.get(url)
    wall = []
    for _ in range(REQUESTS):
        started = time.perf_counter()
        response = client.get(url)
        wall.append((time.perf_counter() - started) * 1000)
        assert response.status_code == 200, response.content[:200]
    with QueryCounter() as queries:
        client.get(url)
    return wall, queries.count


def _clean_obligations() -> None:
    """This scenario's obligations (and any reminders a sweep planned for them): left behind, they would be swept by
    the reminder scenarios that run against the same database."""
    params = {"like": dataset.PREFIX + "%"}
    q = connection.ops.quote_name
    with transaction.atomic(), connection.cursor() as cursor:
        delete_reminders(cursor, _ours(), params)
        cursor.execute(
            f"DELETE FROM {q(Obligation._meta.db_table)} WHERE contract_id IN ({_ours()})",  # noqa: S608
            params,
        )


def _rows_against_tally(today) -> tuple[float, float]:
    """Medians of the manager's obligation figures from the tally and counted row by row (what the tally replaces)."""
    _months, start, end = obligation_window(today)
    window = Obligation.objects.filter(due_date__gte=start, due_date__lt=end)
    medians = []
    for count in (lambda: tally.count_all(start, end, today), lambda: tally.count_rows(window, today)):
        samples = []
        for _ in range(7):
            began = time.perf_counter()
            count()
            samples.append((time.perf_counter() - began) * 1000)
        medians.append(statistics.median(samples))
    return medians[0], medians[1]


def run() -> dict:
    try:
        return _run()
    finally:
        _clean_sla_rows()
        _clean_obligations()


def _run() -> dict:
    started = time.perf_counter()
    _clean_sla_rows()
    dataset._clean_previous_run()
    staff, manager = dataset._create_data()
    _add_obligations_and_sla()
    # What beat does every quarter hour (reports.compact_tally): the rows appended by the load (and by earlier runs'
    # clean-ups) folded together.
    appended = ObligationTally.objects.count()
    tally.compact()
    print(f"obligation tally: {appended:,} appended rows folded into {ObligationTally.objects.count():,}")
    obligations = Obligation.objects.filter(contract__number__startswith=dataset.PREFIX).count()
    print(
        f"data: {dataset.CONTRACTS:,} contracts, {obligations:,} obligations, SLA months for every tenth contract, "
        f"ready in {time.perf_counter() - started:.1f} s"
    )
    figures: dict[str, float] = {}
    worst = 0.0
    with override_settings(DEBUG=False):
        for label, user in (("staff", staff), ("manager", manager)):
            for kind in KINDS:
                wall, queries = _time(user, kind)
                p95 = _percentile(wall, 95)
                worst = max(worst, p95)
                print(
                    f"{label:8s} {kind:12s} {queries:2d} queries/request; median {statistics.median(wall):6.1f} ms, "
                    f"p95 {p95:6.1f} ms"
                )
                figures[f"{label}_{kind}_p95_ms"] = p95
                figures[f"{label}_{kind}_queries"] = queries
    from_tally, from_rows = _rows_against_tally(timezone.localdate())
    print(
        f"the manager's obligation figures: {from_tally:.1f} ms from the tally against {from_rows:.1f} ms counting the "
        "rows (median)"
    )
    print("load average during the run: {:.1f} {:.1f} {:.1f} (2 cores)".format(*os.getloadavg()))
    print(f"target: every report p95 < {TARGET_P95_MS} ms ({'met' if worst < TARGET_P95_MS else 'MISSED'})")
    return figures
