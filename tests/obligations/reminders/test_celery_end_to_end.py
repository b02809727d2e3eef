"""Celery end to end: real worker and beat processes on Redis deliver a reminder to a real SMTP server, once."""

import os
import subprocess
import sys
import time
from contextlib import ExitStack
from datetime import timedelta

import pytest
import redis
from django.conf import settings
from django.utils import timezone

from accounts.models import Role
from obligations.models import Reminder
from rules.reminders import reminder_day
from tests.factories import UserFactory

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BROKER_URL = os.environ.get("CELERY_TEST_BROKER_URL", "redis://127.0.0.1:6379/4")


@pytest.fixture
def broker():
    client = redis.Redis.from_url(BROKER_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not answering at {BROKER_URL}")
    client.flushdb()
    yield BROKER_URL
    client.flushdb()


def wait_for(condition, *, timeout: float) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(0.5)
    return condition()


def test_two_workers_and_two_beats_deliver_each_reminder_exactly_once(
    smtp, broker, make_obligation, tmp_path, database_url
):
    # Given an obligation due tomorrow (so its 1-day reminder is due now) with an owner and a watcher
    day = reminder_day(timezone.now(), timezone.get_default_timezone())
    owner = UserFactory(username="ann", role=Role.PROCUREMENT_STAFF)
    obligation = make_obligation(owner=owner, due_date=day + timedelta(days=1))
    obligation.watchers.add(UserFactory(username="lee", role=Role.LEGAL))

    # When two workers and two beat processes (sweeping every second) run against the test database
    env = {
        **os.environ,
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": broker,
        "EMAIL_URL": f"smtp://127.0.0.1:{smtp.port}",
        "SITE_URL": settings.SITE_URL,
        "REMINDER_SWEEP_SECONDS": "1",
    }
    celery = [sys.executable, "-m", "celery", "-A", "clm"]
    commands = [
        [*celery, "worker", "--pool=solo", f"--hostname=w{n}@%h", "--without-mingle", "--without-gossip"]
        for n in (1, 2)
    ] + [
        # Each beat keeps its own schedule file: two independent schedulers, as with two beat hosts by mistake.
        [*celery, "beat", "--scheduler=celery.beat:PersistentScheduler", f"--schedule={tmp_path / f'beat{n}'}"]
        for n in (1, 2)
    ]
    log_files = [tmp_path / f"process{n}.log" for n in range(len(commands))]

    def sweeps_done() -> int:
        """Sweeps the workers finished so far, from their logs ("Task obligations.sweep_reminders[..] succeeded")."""
        lines = (line for path in log_files for line in path.read_text(errors="replace").splitlines())
        return sum("obligations.sweep_reminders" in line and "succeeded" in line for line in lines)

    with ExitStack() as stack:
        logs = [stack.enter_context(open(path, "wb")) for path in log_files]
        processes = [
            subprocess.Popen([*cmd, "--loglevel=INFO"], cwd=settings.BASE_DIR, env=env, stdout=log, stderr=log)
            for cmd, log in zip(commands, logs, strict=True)
        ]
        try:
            delivered = wait_for(lambda: len(smtp.messages) >= 2, timeout=120)
            # Let several more sweeps run on the workers: none may send anything again.
            later = sweeps_done() + 8
            swept_again = wait_for(lambda: sweeps_done() >= later, timeout=60)
        finally:
            for process in processes:
                process.terminate()
            for process in processes:
                try:
                    process.wait(timeout=30)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait()

    # Then the owner and the watcher each got the reminder once, recorded as sent
    output = "\n".join(path.read_text(errors="replace")[-2000:] for path in log_files)
    assert delivered, output
    assert swept_again
    assert sorted(m["To"] for m in smtp.messages) == ["ann@example.com", "lee@example.com"]
    assert set(Reminder.objects.values_list("offset", "status")) == {(1, Reminder.Status.SENT)}
