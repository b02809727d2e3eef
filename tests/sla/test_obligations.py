"""The obligations SLA results call for: the exit right after three misses of a critical target in a row, and the
vendor's monthly report, created and completed as months are entered."""

from datetime import date
from decimal import Decimal as D

from django.core import mail
from django.utils import timezone, translation

from contracts.lifecycle.roll import roll_contracts
from contracts.models import Contract
from obligations.actions import obligation_complete
from obligations.derivation import derive_obligations
from obligations.models import Obligation, Reminder
from obligations.reminders.emails import build_reminder_message
from sla.services import MeasurementInput, sla_period_delete, sla_period_save

EXIT = Obligation.Kind.SLA_EXIT_RIGHT
REPORT = Obligation.Kind.SLA_REPORT


def record(w, period, availability, today=date(2026, 12, 15)):
    return sla_period_save(
        contract=w.contract,
        by=w.owner,
        period=period,
        fee_amount=D("100000"),
        measurements=[MeasurementInput(w.availability.pk, D(availability)), MeasurementInput(w.answer_rate.pk, D(95))],
        today=today,
    )


def exit_rights(w):
    return list(Obligation.objects.filter(contract=w.contract, kind=EXIT).order_by("key"))


def test_three_misses_in_a_row_of_a_critical_target_give_an_exit_right(sla_world):
    w = sla_world
    record(w, "2026-01", "99.5")
    record(w, "2026-02", "99.0")
    assert exit_rights(w) == []

    record(w, "2026-03", "98.7")

    [right] = exit_rights(w)
    assert right.key == f"sla_exit:{w.availability.pk}:2026-03"
    assert right.starts_on == date(2026, 4, 1)  # the day after the last missed month
    assert right.due_date == date(2026, 4, 30)  # 2026-03-31 + 30 decision days
    assert right.responsible == Obligation.Responsible.US
    assert right.status == Obligation.Status.OPEN


def test_a_fourth_miss_gives_no_second_exit_right_and_a_new_run_after_a_met_month_does(sla_world):
    w = sla_world
    for period in ("2026-01", "2026-02", "2026-03", "2026-04"):
        record(w, period, "99.0")
    assert [o.key for o in exit_rights(w)] == [f"sla_exit:{w.availability.pk}:2026-03"]

    record(w, "2026-05", "99.95")  # met: the run ends
    for period in ("2026-06", "2026-07", "2026-08"):
        record(w, period, "99.0")

    assert [o.key for o in exit_rights(w)] == [
        f"sla_exit:{w.availability.pk}:2026-03",
        f"sla_exit:{w.availability.pk}:2026-08",
    ]


def test_a_miss_of_a_target_that_is_not_critical_gives_no_exit_right(sla_world):
    w = sla_world
    for period in ("2026-01", "2026-02", "2026-03"):
        sla_period_save(
            contract=w.contract,
            by=w.owner,
            period=period,
            fee_amount=None,
            measurements=[MeasurementInput(w.answer_rate.pk, D(50))],
            today=date(2026, 12, 15),
        )
    assert exit_rights(w) == []


def test_re_entering_a_month_as_met_removes_the_open_exit_right_but_a_done_one_stays(sla_world):
    w = sla_world
    for period in ("2026-01", "2026-02", "2026-03"):
        record(w, period, "99.0")
    assert len(exit_rights(w)) == 1

    # When February is corrected: it was met after all
    record(w, "2026-02", "99.92")
    # Then the run is broken and the open exit right is gone
    assert exit_rights(w) == []

    # Given the run again, and the buyer having decided on it (done)
    record(w, "2026-02", "99.0")
    [right] = exit_rights(w)
    obligation_complete(obligation=right, by=w.owner, note="决定继续合作")
    # When February is corrected again
    record(w, "2026-02", "99.92")
    # Then the decision taken stays
    [kept] = exit_rights(w)
    assert kept.pk == right.pk and kept.status == Obligation.Status.DONE


def test_deleting_a_month_of_the_run_removes_the_open_exit_right(sla_world):
    w = sla_world
    months = [record(w, period, "99.0") for period in ("2026-01", "2026-02", "2026-03")]
    sla_period_delete(sla_period=months[1], by=w.owner, today=date(2026, 12, 15))
    assert exit_rights(w) == []


def test_the_exit_right_email_names_the_target_the_missed_values_and_the_way_out(sla_world):
    w = sla_world
    record(w, "2026-01", "99.5")
    record(w, "2026-02", "99.05")
    record(w, "2026-03", "98.7")
    [right] = exit_rights(w)
    reminder = Reminder.objects.create(obligation=right, recipient=w.owner, offset=7, scheduled_for=timezone.now())
    w.owner.language = "en"

    message = build_reminder_message(reminder)

    body = message.body
    assert "系统可用率 >= 99.9%" in body
    assert "2026-01: 99.5%" in body and "2026-02: 99.05%" in body and "2026-03: 98.7%" in body
    assert "terminated without liability" in body
    assert "98.7%" in message.alternatives[0][0]
    assert not mail.outbox  # built, not sent


def test_the_vendor_owes_last_months_report_until_it_is_entered(sla_world):
    w = sla_world
    # Given an active contract with SLA targets, on 2026-04-03
    derive_obligations(w.contract, today=date(2026, 4, 3))

    # Then the report of March is due on 10 April, from the vendor
    [report] = Obligation.objects.filter(contract=w.contract, kind=REPORT)
    assert report.key == "sla_report:2026-03"
    assert report.due_date == date(2026, 4, 10)
    assert report.responsible == Obligation.Responsible.VENDOR
    with translation.override("en"):
        assert report.display_title == "Monthly SLA report for 2026-03"

    # When March is entered, the report obligation is done, not deleted
    record(w, "2026-03", "99.95", today=date(2026, 4, 8))
    report.refresh_from_db()
    assert report.status == Obligation.Status.DONE
    assert report.completed_by == w.owner


def test_an_unentered_report_stays_owed_when_the_next_month_begins(sla_world):
    w = sla_world
    derive_obligations(w.contract, today=date(2026, 4, 3))
    # When the daily roll runs in May and nothing was entered
    result = roll_contracts(today=date(2026, 5, 2))
    # Then March is still owed (overdue) and April is asked for
    keys = set(Obligation.objects.filter(contract=w.contract, kind=REPORT, status="open").values_list("key", flat=True))
    assert keys == {"sla_report:2026-03", "sla_report:2026-04"}
    assert result.sla_reports == 1
    # And a second roll the same day finds nothing to do
    assert roll_contracts(today=date(2026, 5, 2)).sla_reports == 0


def test_no_report_is_asked_of_a_contract_without_targets_or_not_active(sla_world):
    w = sla_world
    Contract.objects.filter(pk=w.contract.pk).update(status=Contract.Status.SIGNED)
    w.contract.refresh_from_db()
    derive_obligations(w.contract, today=date(2026, 4, 3))
    assert not Obligation.objects.filter(contract=w.contract, kind=REPORT).exists()

    Contract.objects.filter(pk=w.contract.pk).update(status=Contract.Status.ACTIVE)
    w.contract.refresh_from_db()
    w.contract.sla_targets.all().delete()
    derive_obligations(w.contract, today=date(2026, 4, 3))
    assert not Obligation.objects.filter(contract=w.contract, kind=REPORT).exists()


def test_re_deriving_after_a_change_of_terms_keeps_the_sla_obligations(sla_world):
    w = sla_world
    for period in ("2026-01", "2026-02", "2026-03"):
        record(w, period, "99.0", today=date(2026, 4, 3))
    before = set(Obligation.objects.filter(contract=w.contract, kind__in=[EXIT, REPORT]).values_list("pk", "status"))
    assert len(before) == 2  # the exit right, and March's report (done)

    derive_obligations(w.contract, today=date(2026, 4, 3))

    after = set(Obligation.objects.filter(contract=w.contract, kind__in=[EXIT, REPORT]).values_list("pk", "status"))
    assert after == before
