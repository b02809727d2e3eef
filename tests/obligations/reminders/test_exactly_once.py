"""Exactly one e-mail per (obligation, recipient, offset): concurrent sweeps, SMTP outages and a killed worker.

These run on PostgreSQL with real, committed transactions: row locks and SKIP LOCKED only mean something there.
"""

import os
import signal
import subprocess
import sys
import threading
from collections import Counter
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.db import connections

from accounts.models import Role
from obligations.models import Reminder
from obligations.reminders.delivery import SENDING_LEASE, run_sweep
from tests.factories import UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

NOW = datetime(2026, 12, 8, 9, 30, tzinfo=ZoneInfo("Asia/Shanghai"))


@pytest.fixture
def many_due(make_obligation):
    """Twelve obligations due in a week, each with an owner and a watcher who may see it: 24 reminders."""
    made = []
    for n in range(12):
        owner = UserFactory(username=f"owner{n}", role=Role.PROCUREMENT_STAFF)
        obligation = make_obligation(owner=owner, due_date=date(2026, 12, 15))
        obligation.watchers.add(UserFactory(username=f"legal{n}", role=Role.LEGAL))
        made.append(obligation)
    return made


def deliveries(mailbox) -> Counter:
    return Counter((m["To"], m["X-CLM-Obligations"]) for m in mailbox.messages)


def test_four_sweeps_at_once_send_each_reminder_exactly_once(smtp, many_due):
    # Given two workers and two beats that all start a sweep at the same moment
    barrier = threading.Barrier(4)
    errors = []

    def sweep():
        try:
            barrier.wait(timeout=30)
            run_sweep(now=NOW)
        except Exception as error:  # surfaced below, with the thread's own traceback lost but the error kept
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=sweep) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    # Then every reminder went out once, and a later sweep finds nothing left to send
    assert errors == []
    assert len(smtp.messages) == 24
    assert set(deliveries(smtp).values()) == {1}
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 24
    assert run_sweep(now=NOW + timedelta(minutes=5)).sent == 0
    assert len(smtp.messages) == 24


def test_an_smtp_server_that_refuses_and_comes_back_loses_nothing_and_doubles_nothing(smtp, many_due):
    # Given an SMTP server that answers "try again later"
    smtp.refusing = True
    first = run_sweep(now=NOW)
    assert (first.sent, first.failed) == (0, 24)
    assert set(Reminder.objects.values_list("status", "attempts")) == {(Reminder.Status.PENDING, 1)}

    # When sweeps run before the backoff has passed, nothing is retried yet
    smtp.refusing = False
    assert run_sweep(now=NOW + timedelta(minutes=1)).sent == 0

    # When the server is back and the backoff has passed, everything goes out once
    assert run_sweep(now=NOW + timedelta(minutes=3)).sent == 24
    assert run_sweep(now=NOW + timedelta(minutes=10)).sent == 0
    assert len(smtp.messages) == 24
    assert set(deliveries(smtp).values()) == {1}


def test_an_unreachable_smtp_server_is_retried_with_backoff_and_never_marked_sent(settings, smtp, many_due):
    # Given a port where nothing listens
    real_port = settings.EMAIL_PORT
    with socket_closed_port() as port:
        settings.EMAIL_PORT = port
        result = run_sweep(now=NOW)
    assert (result.sent, result.failed) == (0, 24)
    assert not Reminder.objects.filter(status=Reminder.Status.SENT).exists()
    assert Reminder.objects.exclude(last_error="").count() == 24

    settings.EMAIL_PORT = real_port
    assert run_sweep(now=NOW + timedelta(minutes=3)).sent == 24
    assert set(deliveries(smtp).values()) == {1}


def test_a_worker_killed_mid_sweep_neither_loses_nor_doubles_a_reminder(smtp, many_due, database_url):
    # Given a worker process whose third SMTP transaction hangs, and which is killed right then
    smtp.hold_at = 3
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        "SITE_URL": settings.SITE_URL,
    }
    worker = subprocess.Popen(
        [sys.executable, "manage.py", "send_reminders", "--now", NOW.isoformat()],
        cwd=settings.BASE_DIR,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        assert smtp.holding.wait(timeout=60), worker.stderr.read1() if worker.poll() is not None else "no send"
        worker.send_signal(signal.SIGKILL)
        worker.wait(timeout=30)
    finally:
        if worker.poll() is None:
            worker.kill()
        worker.stderr.close()
    smtp.release.set()
    assert len(smtp.messages) == 2
    in_flight = Reminder.objects.filter(status=Reminder.Status.SENDING).count()
    assert in_flight == 22

    # When another sweep runs while the dead worker's lease still holds, it leaves those rows alone
    assert run_sweep(now=NOW + timedelta(minutes=1)).sent == 0

    # Then once the lease has expired the rest goes out, and every reminder has arrived exactly once
    assert run_sweep(now=NOW + SENDING_LEASE + timedelta(minutes=1)).sent == 22
    assert len(smtp.messages) == 24
    assert set(deliveries(smtp).values()) == {1}
    assert Reminder.objects.filter(status=Reminder.Status.SENT).count() == 24


class socket_closed_port:
    """A TCP port on 127.0.0.1 that refuses connections (bound, never listening) for the duration of the block."""

    def __enter__(self) -> int:
        import socket

        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        return self._socket.getsockname()[1]

    def __exit__(self, *exc):
        self._socket.close()
