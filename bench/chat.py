"""Reminders to chat robots and by e-mail: 1,000 due reminders, robots that answer after 200 ms.

Part 1, the sweep the way production runs it (target: under 10 s for both). Beat starts two tasks every few
minutes, `obligations.sweep_reminders` (plan, then e-mail) and `notifications.sweep_chat` (plan the chat deliveries
from what the e-mail planning made due, then send them concurrently, bounded). Here both run in this process, one
after the other, which is the slower case (beat starts them together, on two workers): the e-mail task's body is
`run_sweep` with the task's time budget and `now` pinned to the data's reminder day; the chat task is called as it is
(`sweep_chat_task()`, Celery's direct call, which runs its function in-process). Every owner has a chat channel:
WeCom, DingTalk with a signing secret, or Feishu with a signing secret, one of three owners each. The robots are
`bench._robots`: a threaded HTTP server on 127.0.0.1, in a process of its own, that verifies the signatures and
answers each platform's success body after 200 ms. The scenario asserts that each due reminder reached its owner's
robot exactly once (no duplicate, none missing), also after a second sweep.

Part 2, the e-mail sweep's own cost, side by side in one run: the sweep of the same 1,000 due reminders against
the bare cost of its e-mails, `REPETITIONS` times, alternating, with medians and their ratio (goal: at most 1.5x).
The bare cost renders and sends the same e-mails with the same function (`build_reminder_message`, both
templates, the recipient's language, one locmem connection) and nothing else: its rows and the working-day calendar
are loaded before its clock starts, and there is no planning, claiming or recording. The e-mails it sends are
checked to be the sweep's own (same recipients and subjects).

The data is `bench._support.ReminderWorld` with 100,000 obligations (1,100 e-mails: the 100 overdue also go to the
manager). E-mail goes to Django's in-memory backend; DEBUG is off, as in production.
"""

from __future__ import annotations

import re
import statistics
import time
from collections import Counter
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core import mail
from django.core.mail import get_connection
from django.test import override_settings
from django.urls import get_resolver

from accounts.models import User
from bench._robots import Received, RobotServer, robot_secret
from bench._support import QueryCounter, ReminderWorld
from notifications.models import ChatDelivery, DeliveryStatus
from notifications.services import chat_channels_replace
from notifications.tasks import sweep_chat_task
from obligations.calendar import load_calendar
from obligations.models import Reminder
from obligations.reminders.delivery import run_sweep
from obligations.reminders.emails import build_reminder_message
from obligations.tasks import _time_budget

WORLD = ReminderWorld(prefix="BENCH-CHAT-", user_prefix="bench-chat-")
OBLIGATIONS = 100_000
ROBOT_DELAY = 0.2
TARGET_SECONDS = 10.0
OVERHEAD_GOAL = 1.5
REPETITIONS = 5
KINDS = ("wecom", "dingtalk", "feishu")


def run() -> dict:
    try:
        return _run()
    finally:
        WORLD.clean()


def _run() -> dict:
    WORLD.clean()
    started = time.perf_counter()
    owners = WORLD.setup_contracts()
    WORLD.grow_to(0, OBLIGATIONS)
    elapsed = time.perf_counter() - started
    print(f"created {WORLD.contracts:,} contracts and {OBLIGATIONS:,} obligations in {elapsed:.1f} s")
    with (
        override_settings(
            DEBUG=False,
            EMAIL_BACKEND="django.core.mail.backends.locmem.EmailBackend",
            WEBHOOK_ALLOW_PRIVATE=True,
        ),
        RobotServer(delay=ROBOT_DELAY) as robots,
    ):
        channels = _give_channels(owners, robots)
        # A worker loads its URLconf once, at its first message; do that before the clock starts.
        assert get_resolver().url_patterns
        figures = _sweep_as_in_production()
        figures["chat_next_sweep_sent"] = sweep_chat_task()
        _check_exactly_once(robots.stop(), channels)
        figures |= _side_by_side()
    return figures


def _give_channels(owners: list[User], robots: RobotServer) -> dict[int, str]:
    """Owner n's robot is /<kind>/n (kind by n % 3); returns the path of each owner's robot by owner id."""
    paths = {}
    for n, owner in enumerate(owners):
        kind = KINDS[n % len(KINDS)]
        path = f"/{kind}/{n}"
        query = {"wecom": f"?key=bench-{n}", "dingtalk": f"?access_token=bench-{n}", "feishu": ""}[kind]
        secret = "" if kind == "wecom" else robot_secret(n)
        chat_channels_replace(user=owner, channels=[{"kind": kind, "url": robots.url(path + query), "secret": secret}])
        paths[owner.pk] = path
    return paths


def _measured(action: Callable[[], Any]) -> tuple[Any, dict]:
    with QueryCounter() as queries:
        started, cpu_started = time.perf_counter(), time.process_time()
        result = action()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
    return result, {"seconds": elapsed, "cpu_seconds": cpu, "queries": queries.count}


def _sweep_as_in_production() -> dict:
    mail.outbox = []
    emailed, email = _measured(lambda: run_sweep(now=WORLD.now, time_budget=_time_budget()))
    chatted, chat = _measured(sweep_chat_task)
    total = email["seconds"] + chat["seconds"]
    # CPU time counts every thread of this process (the chat task's senders too); the robots are another process.
    print(
        f"e-mail task: {email['seconds']:.2f} s wall ({email['cpu_seconds']:.2f} s CPU), {email['queries']} queries, "
        f"{emailed.sent:,} reminders in {len(mail.outbox):,} e-mails"
    )
    print(
        f"chat task:   {chat['seconds']:.2f} s wall ({chat['cpu_seconds']:.2f} s CPU), {chat['queries']} queries, "
        f"{chatted:,} robot messages sent"
    )
    verdict = "meets" if total < TARGET_SECONDS else "MISSES"
    print(
        f"sweep of {WORLD.due:,} due reminders to e-mail and chat, robots answering after {ROBOT_DELAY * 1000:.0f} ms: "
        f"{total:.2f} s {verdict} the target of {TARGET_SECONDS:.0f} s"
    )
    return {
        "email_seconds": email["seconds"],
        "email_cpu_seconds": email["cpu_seconds"],
        "email_queries": email["queries"],
        "emails_sent": len(mail.outbox),
        "chat_seconds": chat["seconds"],
        "chat_cpu_seconds": chat["cpu_seconds"],
        "chat_queries": chat["queries"],
        "chat_sent": chatted,
        "total_seconds": total,
    }


_LINK = re.compile(re.escape(settings.SITE_URL) + r"/obligations/(\d+)/")


def _check_exactly_once(received: list[Received], channels: dict[int, str]) -> None:
    """Every due obligation reached its owner's robot exactly once, and nothing else arrived."""
    expected = {(channels[owner], pk) for pk, owner in WORLD.due_now().values_list("pk", "contract__owner_id")}
    got: Counter[tuple[str, int]] = Counter()
    for request in received:
        links = {int(pk) for pk in _LINK.findall(request.body.decode())}
        assert len(links) == 1, f"a message without exactly one obligation link: {request.body[:200]!r}"
        got[(request.path.partition("?")[0], links.pop())] += 1
    duplicates = sum(count - 1 for count in got.values())
    missing, unexpected = expected - got.keys(), got.keys() - expected
    unsent = ChatDelivery.objects.exclude(status=DeliveryStatus.SENT).filter(obligation__in=WORLD.due_now()).count()
    print(
        f"robots received {len(received):,} messages for {len(expected):,} due reminders: {duplicates} duplicates, "
        f"{len(missing)} missing, {len(unexpected)} unexpected; {unsent} deliveries not marked sent"
    )
    assert (duplicates, len(missing), len(unexpected), unsent) == (0, 0, 0, 0), "chat reminders not exactly once"


def _email_keys() -> list[tuple[str, str]]:
    return sorted((message.to[0], message.subject) for message in mail.outbox)


def _sweep_once() -> tuple[dict, list[tuple[str, str]]]:
    WORLD.forget_todays_sweep()
    mail.outbox = []
    _result, figures = _measured(lambda: run_sweep(now=WORLD.now))
    return figures, _email_keys()


def _bare_once() -> tuple[dict, list[tuple[str, str]]]:
    """Render and send the e-mails of the reminders the sweep just sent, and nothing else."""
    rows = list(
        Reminder.objects.filter(obligation__in=WORLD.due_now(), status=Reminder.Status.SENT)
        .select_related(
            "recipient", "obligation__contract__vendor", "obligation__price_change_notice", "obligation__certification"
        )
        .order_by("recipient_id", "pk")
    )
    calendar = load_calendar()
    mail.outbox = []

    def render_and_send() -> None:
        mailer = get_connection()
        mailer.open()
        for row in rows:
            mailer.send_messages([build_reminder_message(row, calendar=calendar)])
        mailer.close()

    _result, figures = _measured(render_and_send)
    return figures, _email_keys()


def _side_by_side() -> dict:
    sweeps, bares = [], []
    for _ in range(REPETITIONS):
        sweep, sweep_emails = _sweep_once()
        bare, bare_emails = _bare_once()
        assert sweep_emails == bare_emails and len(sweep_emails) > 0, "the bare loop must send the sweep's e-mails"
        sweeps.append(sweep)
        bares.append(bare)
    emails = len(mail.outbox)

    def median(runs: list[dict], key: str) -> float:
        return statistics.median(run[key] for run in runs)

    print(f"side by side, {REPETITIONS} runs each, alternating, {emails:,} e-mails per run (medians):")
    ratios = {}
    for key, label in (("seconds", "s wall"), ("cpu_seconds", "s CPU")):
        sweep, bare = median(sweeps, key), median(bares, key)
        ratios[key] = sweep / bare
        print(f"  sweep {sweep:.2f} {label} vs bare render-and-send {bare:.2f} {label}: {ratios[key]:.2f}x")
    print(f"  queries: sweep {median(sweeps, 'queries'):.0f}, bare {median(bares, 'queries'):.0f}")
    for label, runs in (("each sweep", sweeps), ("each bare ", bares)):
        print(f"  {label}: {', '.join(format(run['seconds'], '.2f') for run in runs)} s")
    verdict = "meets" if ratios["seconds"] <= OVERHEAD_GOAL else "MISSES"
    print(f"the sweep's own cost: {ratios['seconds']:.2f}x the bare cost {verdict} the goal of {OVERHEAD_GOAL}x")
    return {
        "sweep_median_seconds": median(sweeps, "seconds"),
        "bare_median_seconds": median(bares, "seconds"),
        "sweep_median_cpu_seconds": median(sweeps, "cpu_seconds"),
        "bare_median_cpu_seconds": median(bares, "cpu_seconds"),
        "overhead_ratio": ratios["seconds"],
        "overhead_ratio_cpu": ratios["cpu_seconds"],
    }
