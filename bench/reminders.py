"""The reminder sweep at scale: 1,000,000 obligations of which 1,000 are due.

Figures: the time of one sweep (target: under 5 s) and its query count, which must not grow with the number of
obligations; hence two data points, 100,000 and 1,000,000 obligations with the same 1,000 due.

The data looks like a year of steady use: most obligations are closed or months away, about 5% are open near their
dates (scanned by the sweep but not due: no reminder point reached yet, or the current point already reminded), and
1,000 are due now: 700 a week ahead, 200 data handovers due tomorrow, 100 overdue (escalated to owner and manager).
It is generated with INSERT ... SELECT generate_series, not the ORM, so setting up a million rows takes seconds.

E-mail goes to Django's in-memory backend: the benchmark measures the sweep (plan, claim, render, record), not an
SMTP server. Delivery through real SMTP is what tests/obligations/reminders prove.
"""

from __future__ import annotations

import time
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.models import Group
from django.core import mail
from django.db import connection, transaction
from django.urls import get_resolver

from accounts.models import Role, User
from bench._support import QueryCounter, delete_reminders
from contracts.models import Contract, ContractSearchText
from obligations.models import Obligation, Reminder
from obligations.reminders.delivery import run_sweep
from rules.credit_code import credit_code_check_char
from vendors.models import Vendor

PREFIX = "BENCH-REM-"
USER_PREFIX = "bench-rem-"
NOW = datetime(2026, 12, 8, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))
DAY = date(2026, 12, 8)
CONTRACTS = 10_000
OWNERS = 50
SMALL, LARGE = 100_000, 1_000_000
DUE = 1_000
TARGET_SECONDS = 5.0


def _table(model) -> str:
    return connection.ops.quote_name(model._meta.db_table)


def _clean_previous_run() -> None:
    contracts = f"SELECT id FROM {_table(Contract)} WHERE number LIKE %s"  # noqa: S608
    with transaction.atomic(), connection.cursor() as cursor:
        delete_reminders(cursor, contracts, [PREFIX + "%"])
        cursor.execute(f"DELETE FROM {_table(Obligation)} WHERE contract_id IN ({contracts})", [PREFIX + "%"])  # noqa: S608
        cursor.execute(f"DELETE FROM {_table(ContractSearchText)} WHERE contract_id IN ({contracts})", [PREFIX + "%"])  # noqa: S608
        cursor.execute(f"DELETE FROM {_table(Contract.history.model)} WHERE number LIKE %s", [PREFIX + "%"])  # noqa: S608
        cursor.execute(f"DELETE FROM {_table(Contract)} WHERE number LIKE %s", [PREFIX + "%"])  # noqa: S608
    User.objects.filter(username__startswith=USER_PREFIX).delete()


def _setup_contracts() -> None:
    """50 staff owners (each sees the contracts they own) and one procurement manager; 10,000 active contracts."""
    staff, manager_group = (
        Group.objects.get(name=Role.PROCUREMENT_STAFF),
        Group.objects.get(name=Role.PROCUREMENT_MANAGER),
    )
    owners = User.objects.bulk_create(
        User(username=f"{USER_PREFIX}{n}", email=f"{USER_PREFIX}{n}@example.com", password="!") for n in range(OWNERS)
    )
    staff.user_set.add(*owners)
    manager = User.objects.create(username=f"{USER_PREFIX}manager", email="bench-manager@example.com", password="!")
    manager_group.user_set.add(manager)
    body = "913100009" + "88888888"
    vendor, _created = Vendor.objects.get_or_create(
        credit_code=body + credit_code_check_char(body), defaults={"name": "提醒基准测试供应商"}
    )
    Contract.objects.bulk_create(
        (
            Contract(
                number=f"{PREFIX}{i:06d}",
                title=f"提醒基准合同 {i}",
                vendor=vendor,
                owner=owners[i % OWNERS],
                effective_date=date(2026, 1, 1),
                end_date=date(2026, 12, 31),
                status=Contract.Status.ACTIVE,
            )
            for i in range(CONTRACTS)
        ),
        batch_size=2000,
    )


_INSERT_OBLIGATIONS = f"""
    INSERT INTO {_table(Obligation)} (
        contract_id, kind, key, title, description, due_date, starts_on, status, responsible, source,
        due_date_edited, provisional, created_at, updated_at
    )
    SELECT c.first_id + (n %% %(contracts)s), o.kind, 'bench-' || n, o.title, '', o.due_date, o.starts_on, o.status,
           'us', 'manual', false, false, now(), now()
    FROM generate_series(%(start)s, %(stop)s - 1) AS n
    CROSS JOIN (SELECT min(id) AS first_id FROM {_table(Contract)} WHERE number LIKE %(prefix)s) AS c
    CROSS JOIN LATERAL (SELECT
        CASE WHEN n < %(due)s THEN
                 CASE WHEN n %% 10 < 7 THEN 'custom' WHEN n %% 10 < 9 THEN 'data_handover' ELSE 'custom' END
             WHEN n %% 20 = 0 THEN 'trial_review'
             WHEN n %% 20 = 1 THEN 'custom'
             ELSE (ARRAY['renewal_window','price_change_notice','data_handover','trial_review',
                         'certificate_expiry','custom'])[1 + n %% 6] END AS kind,
        CASE WHEN n < %(due)s THEN 'due now'
             WHEN n %% 20 = 1 THEN 'reminded already' ELSE 'background' END AS title,
        CASE WHEN n < %(due)s THEN
                 CASE WHEN n %% 10 < 7 THEN %(day)s::date + 7 WHEN n %% 10 < 9 THEN %(day)s::date + 1
                      ELSE %(day)s::date - 2 END
             WHEN n %% 20 = 0 THEN %(day)s::date + 15 + (n %% 46)
             WHEN n %% 20 = 1 THEN %(day)s::date + 7
             WHEN n %% 2 = 0 THEN %(day)s::date - 30 - (n %% 1000)
             ELSE %(day)s::date + 61 + (n %% 1000) END AS due_date,
        NULL::date AS starts_on,
        CASE WHEN n < %(due)s OR n %% 20 IN (0, 1) OR n %% 2 = 1 THEN 'open'
             WHEN n %% 3 = 0 THEN 'waived' ELSE 'done' END AS status
    ) AS o
"""  # noqa: S608

_INSERT_SENT_REMINDERS = f"""
    INSERT INTO {_table(Reminder)} (obligation_id, recipient_id, "offset", scheduled_for, status, attempts, sent_at,
                                    message_id, last_error, created_at)
    SELECT o.id, c.owner_id, 7, %(sent)s, 'sent', 1, %(sent)s, '', '', now()
    FROM {_table(Obligation)} o JOIN {_table(Contract)} c ON c.id = o.contract_id
    WHERE c.number LIKE %(prefix)s AND o.title = 'reminded already'
      AND NOT EXISTS (SELECT 1 FROM {_table(Reminder)} r WHERE r.obligation_id = o.id)
"""  # noqa: S608


def _grow_to(start: int, stop: int) -> None:
    """Obligations number start .. stop-1; the first DUE are the ones due now, the rest never become due today."""
    params = {"contracts": CONTRACTS, "start": start, "stop": stop, "prefix": PREFIX + "%", "due": DUE, "day": DAY}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(_INSERT_OBLIGATIONS, params)
        cursor.execute(_INSERT_SENT_REMINDERS, {"sent": NOW - timedelta(days=1), "prefix": PREFIX + "%"})
    # What autovacuum does to a table in steady use (and what a bulk load leaves undone).
    with connection.cursor() as cursor:
        cursor.execute(f"VACUUM ANALYZE {_table(Obligation)}")
        cursor.execute(f"VACUUM ANALYZE {_table(Reminder)}")


def _forget_todays_sweep() -> None:
    """Put the 1,000 due obligations back to "not reminded yet", so the next data point sweeps the same work."""
    due_now = f"SELECT id FROM {_table(Obligation)} WHERE title = 'due now'"  # noqa: S608
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {_table(Reminder)} WHERE obligation_id IN ({due_now})")  # noqa: S608
    mail.outbox = []


def _sweep(total: int) -> dict:
    # A worker loads its URLconf once, at its first e-mail; do that before the clock starts.
    assert get_resolver().url_patterns
    with QueryCounter() as queries:
        started, cpu_started = time.perf_counter(), time.process_time()
        result = run_sweep(now=NOW)
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    # On a shared machine the wall time swells with everyone else's load; the CPU time of this process does not.
    print(
        f"{total:>9,} obligations, {DUE:,} due: sweep {elapsed:.2f} s wall ({cpu:.2f} s CPU in the app), "
        f"{queries.count} queries, {result.sent:,} reminders sent in {len(mail.outbox):,} e-mails"
    )
    return {"seconds": elapsed, "cpu_seconds": cpu, "queries": queries.count, "sent": result.sent}


def run() -> dict:
    try:
        return _run()
    finally:
        _clean_previous_run()


def _run() -> dict:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    _clean_previous_run()
    started = time.perf_counter()
    _setup_contracts()
    _grow_to(0, SMALL)
    print(f"created {CONTRACTS:,} contracts and {SMALL:,} obligations in {time.perf_counter() - started:.1f} s")
    small = _sweep(SMALL)

    _forget_todays_sweep()
    started = time.perf_counter()
    _grow_to(SMALL, LARGE)
    print(f"grew to {LARGE:,} obligations in {time.perf_counter() - started:.1f} s")
    large = _sweep(LARGE)
    again = run_sweep(now=NOW + timedelta(minutes=5))
    print(f"the next sweep, five minutes later, sends {again.sent} (nothing is sent twice)")

    verdict = "meets" if large["seconds"] < TARGET_SECONDS else "MISSES"
    growth = "does not grow" if large["queries"] <= small["queries"] else "GROWS"
    print(f"sweep over {LARGE:,} obligations: {large['seconds']:.2f} s {verdict} the target of {TARGET_SECONDS:.0f} s")
    print(f"query count {growth} with the number of obligations ({small['queries']} vs {large['queries']})")
    print("(e-mail: Django's in-memory backend, so this measures the sweep, not an SMTP server)")
    return {
        "sweep_100k_seconds": small["seconds"],
        "sweep_100k_queries": small["queries"],
        "sweep_1m_seconds": large["seconds"],
        "sweep_1m_cpu_seconds": large["cpu_seconds"],
        "sweep_1m_queries": large["queries"],
        "reminders_sent": large["sent"],
    }
