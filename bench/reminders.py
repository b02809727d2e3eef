"""The reminder sweep at scale: 1,000,000 obligations of which 1,000 are due.

Figures: the time of one sweep (target: under 5 s) and its query count, which must not grow with the number of
obligations; hence two data points, 100,000 and 1,000,000 obligations with the same 1,000 due. The data is
`bench._support.ReminderWorld`'s year of steady use.

E-mail goes to Django's in-memory backend: the benchmark measures the sweep (plan, claim, render, record), not an
SMTP server. Delivery through real SMTP is what tests/obligations/reminders prove.
"""

from __future__ import annotations

import time
from datetime import timedelta

from django.conf import settings
from django.core import mail
from django.urls import get_resolver

from bench._support import QueryCounter, ReminderWorld
from obligations.reminders.delivery import run_sweep

WORLD = ReminderWorld(prefix="BENCH-REM-", user_prefix="bench-rem-")
NOW = WORLD.now
SMALL, LARGE = 100_000, 1_000_000
DUE = WORLD.due
TARGET_SECONDS = 5.0


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
        WORLD.clean()


def _run() -> dict:
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    mail.outbox = []
    WORLD.clean()
    started = time.perf_counter()
    WORLD.setup_contracts()
    WORLD.grow_to(0, SMALL)
    print(f"created {WORLD.contracts:,} contracts and {SMALL:,} obligations in {time.perf_counter() - started:.1f} s")
    small = _sweep(SMALL)

    WORLD.forget_todays_sweep()
    mail.outbox = []
    started = time.perf_counter()
    WORLD.grow_to(SMALL, LARGE)
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
