"""The reminder sweep against a real SMTP server: what arrives, to whom, in which language, and how often."""

from datetime import date, datetime, timedelta
from html import unescape
from zoneinfo import ZoneInfo

import pytest
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation
from django.utils.translation import gettext

from accounts.models import Role
from clm.celery import app as celery_app
from core.exceptions import ActionNotAllowed
from obligations.actions import obligation_complete
from obligations.calendar import act_by_for
from obligations.models import Obligation, Reminder
from obligations.reminders import delivery
from obligations.reminders.delivery import reminder_retry, run_sweep
from obligations.reminders.planning import due_points, plan_reminders
from rules.reminders import MAX_ATTEMPTS, latest_due_offset
from tests.factories import ContractFactory, ObligationFactory, PriceChangeNoticeFactory, UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
Kind = Obligation.Kind


def at(day: date, hour: int = 9, minute: int = 30) -> datetime:
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


def plain(message) -> str:
    return message.get_body(preferencelist=("plain",)).get_content()


def html(message) -> str:
    """The HTML part with entities decoded, so assertions read like the text the reader sees."""
    return unescape(message.get_body(preferencelist=("html",)).get_content())


def test_a_reminder_arrives_with_subject_both_parts_and_the_link(smtp, make_obligation):
    # Given an English-speaking owner and a custom obligation due in 7 days
    owner = UserFactory(username="ann", role=Role.PROCUREMENT_STAFF, language="en")
    obligation = make_obligation(owner=owner, title="Quarterly service review", due_date=date(2026, 12, 15))
    contract = obligation.contract

    # When the sweep runs at 09:30 on 2026-12-08
    result = run_sweep(now=at(date(2026, 12, 8)))

    # Then exactly one e-mail reached the owner, in English, with both parts and the link
    assert result.sent == 1
    [message] = smtp.messages
    assert message["To"] == "ann@example.com"
    assert contract.number in message["Subject"]
    assert contract.vendor.name in message["Subject"]
    assert "Quarterly service review" in message["Subject"]
    assert message["Content-Language"] == "en"
    link = f"https://clm.example.com{obligation.get_absolute_url()}"
    assert link in plain(message)
    assert f'href="{link}"' in html(message)
    assert "December 15, 2026" in plain(message)
    assert "7 days left" in plain(message)
    reminder = Reminder.objects.get()
    assert (reminder.status, reminder.offset, reminder.recipient) == (Reminder.Status.SENT, 7, owner)
    assert reminder.message_id == message["Message-ID"]


def test_reminders_count_down_to_the_day_to_act_by_and_say_so(smtp, make_obligation):
    # Given an English-speaking owner and an obligation of ours due on National Day, Thursday 2026-10-01
    owner = UserFactory(username="ann", role=Role.PROCUREMENT_STAFF, language="en")
    obligation = make_obligation(
        owner=owner, title="Send the non-renewal notice", due_date=date(2026, 10, 1), act_by=date(2026, 9, 30)
    )

    # When the sweep runs on 2026-09-23 (7 days before the day to act by) and on 2026-09-30
    run_sweep(now=at(date(2026, 9, 23)))
    run_sweep(now=at(date(2026, 9, 30)))
    # and on the due date itself, which is not late yet
    run_sweep(now=at(date(2026, 10, 1)))

    # Then the 7-day reminder and the last-day reminder arrived, saying when to act
    first, last = smtp.messages
    assert "7 days left" in plain(first)
    assert "Due October 1, 2026, a public holiday: act by September 30, 2026." in plain(first)
    assert "Today is the last working day to act." in plain(last)
    assert "act by September 30, 2026" in html(last)
    assert sorted(obligation.reminders.values_list("offset", flat=True)) == [0, 7]


def test_each_recipient_reads_the_reminder_in_their_own_language(smtp, make_obligation):
    # Given a Chinese-speaking owner and an English-speaking watcher who may see the contract (legal sees all)
    owner = UserFactory(username="wang", role=Role.PROCUREMENT_STAFF, language="zh-hans")
    watcher = UserFactory(username="lee", role=Role.LEGAL, language="en")
    obligation = make_obligation(owner=owner, due_date=date(2026, 12, 15))
    obligation.watchers.add(watcher)

    run_sweep(now=at(date(2026, 12, 8)))

    [chinese] = smtp.by_recipient("wang@example.com")
    [english] = smtp.by_recipient("lee@example.com")
    assert chinese["Content-Language"] == "zh-hans"
    assert "2026年12月15日" in plain(chinese)
    with translation.override("zh-hans"):
        what_to_do_in_chinese = gettext("What to do")
    assert what_to_do_in_chinese != "What to do"
    assert what_to_do_in_chinese in plain(chinese)
    assert what_to_do_in_chinese in html(chinese)
    assert "What to do" in plain(english)
    assert '<html lang="zh-hans">' in html(chinese)
    assert english["Content-Language"] == "en"
    assert "December 15, 2026" in plain(english)


def test_a_price_change_reminder_says_why_the_notice_is_not_compliant_and_flags_a_provisional_date(
    smtp, make_obligation
):
    # Given a vendor notice with only 40 days' notice where the contract requires 90
    owner = UserFactory(username="ann", role=Role.PROCUREMENT_STAFF, language="en")
    contract = ContractFactory(owner=owner)
    notice = PriceChangeNoticeFactory(
        contract=contract,
        compliant=False,
        issues=[{"code": "notice_too_short", "days": 40, "required": 90}],
    )
    ObligationFactory(
        contract=contract,
        kind=Kind.PRICE_CHANGE_NOTICE,
        source=Obligation.Source.DERIVED,
        price_change_notice=notice,
        due_date=date(2026, 12, 31),
        provisional=True,
    )

    run_sweep(now=at(date(2026, 12, 24)))

    [message] = smtp.messages
    assert "40 days' notice, the contract requires 90" in plain(message)
    assert "40 days' notice, the contract requires 90" in html(message)
    assert "provisional" in plain(message)
    assert "object to it in writing" in plain(message)


def test_after_downtime_one_catch_up_reminder_for_the_latest_missed_offset(smtp, make_obligation):
    # Given a renewal window due 2026-12-01 (opened 2026-10-02) and a server that was down for two months
    obligation = make_obligation(
        kind=Kind.RENEWAL_WINDOW,
        source=Obligation.Source.DERIVED,
        due_date=date(2026, 12, 1),
        starts_on=date(2026, 10, 2),
    )

    # When sweeps resume on 2026-11-29 and run every few minutes
    for minute in (0, 5, 10):
        run_sweep(now=at(date(2026, 11, 29), 10, minute))

    # Then the owner got one reminder (3 days before), not one per missed offset
    assert len(smtp.messages) == 1
    assert list(obligation.reminders.values_list("offset", flat=True)) == [3]

    # And the next day brings the 1-day reminder
    run_sweep(now=at(date(2026, 11, 30)))
    assert sorted(obligation.reminders.values_list("offset", flat=True)) == [1, 3]


def test_nothing_of_a_day_is_sent_before_nine(smtp, make_obligation):
    make_obligation(due_date=date(2026, 12, 15))
    assert run_sweep(now=at(date(2026, 12, 8), 8, 59)).sent == 0
    assert run_sweep(now=at(date(2026, 12, 8), 9, 0)).sent == 1


def test_overdue_escalates_daily_fourteen_times_then_weekly_to_owner_and_managers(smtp, make_obligation, manager):
    # Given an obligation due 2026-12-01 that nobody completes
    owner = UserFactory(username="ann", role=Role.PROCUREMENT_STAFF)
    make_obligation(owner=owner, due_date=date(2026, 12, 1))

    # When the sweep runs every day for five weeks after the due date
    for n in range(1, 36):
        run_sweep(now=at(date(2026, 12, 1) + timedelta(days=n)))

    # Then owner and manager each got one escalation a day for 14 days, then one a week (days 21, 28 and 35)
    assert len(smtp.by_recipient("ann@example.com")) == 17
    assert len(smtp.by_recipient("boss@example.com")) == 17
    assert all("Overdue" in m["Subject"] for m in smtp.by_recipient("boss@example.com"))
    reminders = Reminder.objects.filter(recipient=manager)
    assert sorted(reminders.values_list("offset", flat=True)) == [-35, -28, -21, *range(-14, 0)]
    weekly_days = sorted(r.scheduled_for.astimezone(SHANGHAI).date() for r in reminders if r.offset < -14)
    assert weekly_days == [date(2026, 12, 22), date(2026, 12, 29), date(2027, 1, 5)]


def test_weekly_escalation_after_missed_sweeps_is_one_catch_up_for_the_latest_week(smtp, make_obligation, manager):
    # Given an obligation due 2026-12-01, escalated daily until the 14th day, then no sweep for three weeks
    owner = UserFactory(username="ann", role=Role.PROCUREMENT_STAFF)
    make_obligation(owner=owner, due_date=date(2026, 12, 1))
    for n in range(1, 15):
        run_sweep(now=at(date(2026, 12, 1) + timedelta(days=n)))

    # When the sweep runs again on day 37 (weekly points on days 21, 28 and 35 were missed)
    run_sweep(now=at(date(2027, 1, 7)))

    # Then one escalation goes out, for the latest weekly point (day 35), not one per missed week
    assert len(smtp.by_recipient("ann@example.com")) == 15
    assert sorted(Reminder.objects.filter(recipient=owner).values_list("offset", flat=True))[:2] == [-35, -14]


def test_an_obligation_created_long_overdue_is_escalated_once_at_the_next_sweep(smtp, make_obligation, manager):
    # Given a data handover that was already due 40 days ago when it was recorded (a back-dated termination)
    owner = UserFactory(username="ann", role=Role.PROCUREMENT_STAFF)
    today = date(2026, 12, 11)
    make_obligation(owner=owner, due_date=today - timedelta(days=40), kind=Kind.DATA_HANDOVER)

    # When the next sweep runs, and again later the same day and the next day
    run_sweep(now=at(today))
    run_sweep(now=at(today, 15))
    run_sweep(now=at(today + timedelta(days=1)))

    # Then owner and manager got exactly one escalation each (the point of day 35), not silence and not a burst
    assert len(smtp.by_recipient("ann@example.com")) == 1
    assert len(smtp.by_recipient("boss@example.com")) == 1
    assert set(Reminder.objects.values_list("offset", flat=True)) == {-35}

    # And the next weekly escalation comes on day 42
    run_sweep(now=at(today + timedelta(days=2)))
    assert len(smtp.by_recipient("ann@example.com")) == 2


def test_escalation_stops_once_the_obligation_is_done(smtp, make_obligation, manager):
    owner = UserFactory(username="ann", role=Role.PROCUREMENT_STAFF)
    obligation = make_obligation(owner=owner, due_date=date(2026, 12, 1))
    run_sweep(now=at(date(2026, 12, 2)))
    run_sweep(now=at(date(2026, 12, 3)))
    assert len(smtp.by_recipient("ann@example.com")) == 2

    obligation_complete(obligation=obligation, by=owner, note="已处理")
    for n in range(4, 10):
        run_sweep(now=at(date(2026, 12, n)))

    assert len(smtp.by_recipient("ann@example.com")) == 2
    assert len(smtp.by_recipient("boss@example.com")) == 2


def test_only_active_people_with_an_email_who_can_see_the_contract_are_reminded(smtp, make_obligation):
    # Given an obligation owned by someone else than the contract owner, and four watchers
    contract_owner = UserFactory(username="ann", role=Role.PROCUREMENT_STAFF)
    obligation_owner = UserFactory(username="bob", role=Role.PROCUREMENT_MANAGER)
    can_see = UserFactory(username="legal1", role=Role.LEGAL)
    cannot_see = UserFactory(username="other", role=Role.PROCUREMENT_STAFF)
    inactive = UserFactory(username="gone", role=Role.LEGAL, is_active=False)
    no_email = UserFactory(username="noemail", role=Role.LEGAL, email="")
    obligation = make_obligation(owner=contract_owner, due_date=date(2026, 12, 15))
    obligation.owner = obligation_owner
    obligation.save()
    obligation.watchers.add(can_see, cannot_see, inactive, no_email)

    run_sweep(now=at(date(2026, 12, 8)))

    # Then the obligation's own owner and the watcher who may see the contract got it; nobody else
    assert sorted(m["To"] for m in smtp.messages) == ["bob@example.com", "legal1@example.com"]


def test_planning_asks_no_more_queries_for_five_owners_than_for_one(make_obligation):
    # Given one obligation due in 7 days, then four more with an owner each, of two different roles
    def planning_queries() -> int:
        Reminder.objects.all().delete()
        with CaptureQueriesContext(connection) as queries:
            planned = plan_reminders(now=at(date(2026, 12, 8)))
        assert planned == Obligation.objects.count()
        return len(queries)

    make_obligation(due_date=date(2026, 12, 15))
    one = planning_queries()
    for role in (Role.PROCUREMENT_STAFF, Role.LEGAL, Role.PROCUREMENT_STAFF, Role.LEGAL):
        make_obligation(owner=UserFactory(role=role), due_date=date(2026, 12, 15))

    # Then planning their reminders asks the database as often as for one (whose role each has is read at once)
    assert planning_queries() == one


def test_a_worker_whose_rows_were_taken_over_after_its_lease_cannot_mark_them_sent(make_obligation, caplog):
    # Given reminders claimed by a first worker, then claimed again by a second once the first one's lease expired
    make_obligation(due_date=date(2026, 12, 15))
    make_obligation(due_date=date(2026, 12, 15))
    now = at(date(2026, 12, 8))
    plan_reminders(now=now)
    first = delivery._claim(now=now, clock=lambda: now)
    later = now + delivery.SENDING_LEASE + timedelta(minutes=1)
    second = delivery._claim(now=later, clock=lambda: later)
    assert first.ids == second.ids and len(first.ids) == 2

    # When the first worker, having sent its e-mail after all, records it
    delivery._record_sent(sorted(first.ids), first, "<first@clm>", later)

    # Then nothing is marked (the rows are the second worker's), and the slip is logged
    assert set(Reminder.objects.values_list("status", "claimed_at")) == {(Reminder.Status.SENDING, later)}
    assert "reclaimed by another worker" in caplog.text

    # And the second worker's record does mark them
    delivery._record_sent(sorted(second.ids), second, "<second@clm>", later)
    assert set(Reminder.objects.values_list("status", "message_id")) == {(Reminder.Status.SENT, "<second@clm>")}


def test_a_digest_reader_gets_one_email_listing_every_item_and_no_second_one_that_day(smtp, make_obligation):
    # Given a digest reader with three obligations coming up on the same day
    reader = UserFactory(username="dig", role=Role.PROCUREMENT_STAFF, language="en", email_mode="digest")
    titles = ["Check SLA report", "Review seat count", "Renew licence"]
    obligations = [make_obligation(owner=reader, title=t, due_date=date(2026, 12, 15)) for t in titles]

    result = run_sweep(now=at(date(2026, 12, 8)))

    # Then one e-mail lists all three, and every reminder row is recorded as sent with that e-mail's id
    assert (result.sent, result.emails) == (3, 1)
    [digest] = smtp.messages
    for title in titles:
        assert title in plain(digest)
        assert title in html(digest)
    rows = Reminder.objects.filter(recipient=reader)
    assert {r.message_id for r in rows} == {digest["Message-ID"]}

    # When another item falls due later that day, it waits for the next day's digest
    late = make_obligation(owner=reader, title="Late item", due_date=date(2026, 12, 9))
    assert run_sweep(now=at(date(2026, 12, 8), 15)).sent == 0
    run_sweep(now=at(date(2026, 12, 9)))
    assert len(smtp.messages) == 2
    assert "Late item" in plain(smtp.messages[1])
    assert all(o.reminders.filter(status=Reminder.Status.SENT).exists() for o in [*obligations, late])


def test_an_obligations_own_offsets_replace_the_kinds_defaults(smtp, make_obligation):
    obligation = make_obligation(due_date=date(2026, 12, 15), reminder_offsets=[10, 2])
    assert run_sweep(now=at(date(2026, 12, 8))).sent == 1  # the 10-day reminder, caught up
    assert run_sweep(now=at(date(2026, 12, 13))).sent == 1
    assert run_sweep(now=at(date(2026, 12, 15))).sent == 0  # no 0-day reminder in its own list
    assert sorted(obligation.reminders.values_list("offset", flat=True)) == [2, 10]


@pytest.mark.parametrize("day", [date(2026, 12, 8), date(2026, 9, 23)])
def test_the_database_planner_agrees_with_the_pure_rule(make_obligation, day):
    # Given obligations of every kind spread from 40 days overdue to 70 days ahead, with the day to act by of what
    # we must do (2026-09-23 puts National Day and its make-up days inside the range)
    owner = UserFactory(role=Role.PROCUREMENT_STAFF)
    contract = ContractFactory(owner=owner)
    made = []
    for kind in Kind.values:
        for shift in range(-40, 71, 3):
            due = day + timedelta(days=shift)
            starts_on = due - timedelta(days=45) if kind == Kind.RENEWAL_WINDOW else None
            made.append(
                ObligationFactory(
                    contract=contract,
                    kind=kind,
                    due_date=due,
                    starts_on=starts_on,
                    act_by=act_by_for(due, Obligation.Responsible.US),
                )
            )

    # When the database computes the due points
    planned = {p.obligation_id: p.offset for p in due_points(day)}

    # Then they are exactly what the pure rule says
    expected = {
        o.pk: offset
        for o in made
        if (
            offset := latest_due_offset(
                kind=o.kind, due_date=o.due_date, starts_on=o.starts_on, override=None, day=day, act_by=o.act_by
            )
        )
        is not None
    }
    assert any(o.act_by != o.due_date for o in made)
    assert planned == expected


def test_send_reminders_command_runs_one_sweep_and_prints_the_count(smtp, make_obligation, capsys):
    make_obligation(due_date=date(2026, 12, 15))
    make_obligation(due_date=date(2026, 12, 9))

    call_command("send_reminders", "--now", "2026-12-08T09:30:00")

    assert capsys.readouterr().out.startswith("Sent 2 reminders")
    assert len(smtp.messages) == 2


def test_retrying_a_failed_reminder_sends_it_right_after_the_commit(
    smtp, make_obligation, django_capture_on_commit_callbacks
):
    # Given a reminder that gave up after the SMTP server refused it every time
    obligation = make_obligation(due_date=date(2026, 12, 15))
    smtp.refusing = True
    run_sweep(now=at(date(2026, 12, 8)))
    reminder = Reminder.objects.get()
    Reminder.objects.filter(pk=reminder.pk).update(status=Reminder.Status.FAILED, attempts=MAX_ATTEMPTS)
    smtp.refusing = False

    # When someone retries it (the Celery task runs in-process here)
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    try:
        with django_capture_on_commit_callbacks(execute=True):
            reminder_retry(reminder=reminder)
    finally:
        celery_app.conf.task_always_eager = previous

    # Then it arrives once and is recorded as sent
    reminder.refresh_from_db()
    assert reminder.status == Reminder.Status.SENT
    assert [m["X-CLM-Obligations"] for m in smtp.messages] == [str(obligation.pk)]
    with pytest.raises(ActionNotAllowed):
        reminder_retry(reminder=reminder)


def test_a_digest_reader_gets_one_email_even_when_a_claim_batch_would_split_their_items(
    smtp, make_obligation, monkeypatch
):
    # Given claim batches of three rows, two reminders for an immediate reader and two for a digest reader after them
    monkeypatch.setattr(delivery, "CLAIM_BATCH", 3)
    first = UserFactory(username="first", role=Role.PROCUREMENT_STAFF)
    reader = UserFactory(username="dig", role=Role.PROCUREMENT_STAFF, email_mode="digest")
    for owner in (first, first, reader, reader):
        make_obligation(owner=owner, due_date=date(2026, 12, 15))

    result = run_sweep(now=at(date(2026, 12, 8)))

    # Then all four are sent and the digest reader's two arrive in one e-mail
    assert result.sent == 4
    assert len(smtp.by_recipient("dig@example.com")) == 1
    assert len(smtp.by_recipient("first@example.com")) == 2


def test_a_sweep_out_of_time_hands_its_unsent_reminders_back_for_the_next_sweep(smtp, make_obligation, monkeypatch):
    # Given three reminders due and a sweep whose time budget runs out after its first e-mail
    for _ in range(3):
        make_obligation(due_date=date(2026, 12, 15))
    checks = iter([False, False, True])
    monkeypatch.setattr(delivery, "_out_of_time", lambda deadline: next(checks, True))

    first = run_sweep(now=at(date(2026, 12, 8)), time_budget=60)

    # Then one went out and the other two are waiting again, not counted as attempts, not stuck in "sending"
    assert first.sent == 1
    waiting = Reminder.objects.exclude(status=Reminder.Status.SENT)
    assert {(r.status, r.attempts, r.claimed_at) for r in waiting} == {(Reminder.Status.PENDING, 0, None)}
    monkeypatch.undo()
    assert run_sweep(now=at(date(2026, 12, 8), 9, 35)).sent == 2
    assert len(smtp.messages) == 3
