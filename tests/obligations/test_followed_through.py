"""Obligations followed through (PRODUCT.md section 18): a note to complete, a reason to waive, evidence checked as
any upload, repeating obligations, and the day to act by wherever a due date is set. Dates are on the official 2026
schedule (`holidays.China`): National Day 2026-10-01 to 2026-10-07, Saturday 2026-10-10 worked instead."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from contracts.models import Contract, Document
from obligations.actions import (
    obligation_complete,
    obligation_create_custom,
    obligation_move_due_date,
    obligation_reopen,
    obligation_waive,
)
from obligations.calendar import load_calendar
from obligations.deadlines import deadline_note
from obligations.derivation import derive_obligations, obligations_recompute_for_calendar
from obligations.models import Obligation, WorkingDayOverride
from rules.obligation_dates import MAX_OCCURRENCES
from tests.factories import ContractFactory, ObligationFactory

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def obligation():
    return ObligationFactory(contract=ContractFactory(status=Contract.Status.ACTIVE))


def test_completing_needs_a_note_and_keeps_it_on_the_obligation_and_in_its_history(obligation):
    owner = obligation.contract.owner
    with pytest.raises(ValidationError) as refused:
        obligation_complete(obligation=obligation, by=owner, note="   ")
    assert "note" in refused.value.message_dict
    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.OPEN

    obligation_complete(obligation=obligation, by=owner, note="已于10月9日书面确认数据已删除")

    obligation.refresh_from_db()
    assert (obligation.status, obligation.completion_note) == ("done", "已于10月9日书面确认数据已删除")
    record = obligation.history.first()
    assert (record.history_change_reason, record.completion_note) == ("complete", "已于10月9日书面确认数据已删除")


def test_waiving_needs_a_reason(obligation):
    with pytest.raises(ValidationError) as refused:
        obligation_waive(obligation=obligation, by=obligation.contract.owner, reason="")
    assert "reason" in refused.value.message_dict
    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.OPEN


def test_reopening_keeps_the_old_note_and_a_new_completion_replaces_it_with_both_in_the_history(obligation):
    owner = obligation.contract.owner
    obligation_complete(obligation=obligation, by=owner, note="第一次评审完成")

    reopened = obligation_reopen(obligation=obligation, by=owner)
    assert (reopened.status, reopened.completion_note) == ("open", "第一次评审完成")

    obligation_complete(obligation=reopened, by=owner, note="补充评审完成")
    notes = list(obligation.history.filter(history_change_reason="complete").values_list("completion_note", flat=True))
    assert notes == ["补充评审完成", "第一次评审完成"]


def test_evidence_is_checked_as_any_upload_and_a_refused_file_changes_nothing(obligation):
    owner = obligation.contract.owner
    fake = SimpleUploadedFile("确认函.pdf", b"MZ\x90\x00 an executable, not a PDF")

    with pytest.raises(ValidationError) as refused:
        obligation_complete(obligation=obligation, by=owner, note="供应商已确认", evidence=fake)

    assert refused.value.error_dict["document"][0].code == "content_mismatch"
    obligation.refresh_from_db()
    assert obligation.status == Obligation.Status.OPEN
    assert not Document.objects.exists()

    with pytest.raises(ValidationError) as refused:
        obligation_complete(
            obligation=obligation, by=owner, note="供应商已确认", evidence=SimpleUploadedFile("run.exe", b"MZ")
        )
    assert refused.value.error_dict["document"][0].code == "extension_not_allowed"


def test_evidence_is_kept_among_the_contracts_documents_linked_from_the_obligation(obligation):
    owner = obligation.contract.owner

    obligation_complete(
        obligation=obligation, by=owner, note="供应商已确认", evidence=SimpleUploadedFile("确认函.pdf", PDF)
    )

    obligation.refresh_from_db()
    document = obligation.evidence
    assert (document.contract, document.kind, document.original_name) == (
        obligation.contract,
        Document.Kind.EVIDENCE,
        "确认函.pdf",
    )
    assert len(document.sha256) == 64 and document.uploaded_by == owner


def test_a_monthly_obligation_is_created_ahead_up_to_its_end_date_each_its_own(obligation):
    contract, owner = obligation.contract, obligation.contract.owner

    # Given a monthly report due on 31 January 2026 until 30 June 2026, with a week to work on each
    first = obligation_create_custom(
        contract=contract,
        by=owner,
        title="月度服务报告审核",
        due_date=date(2026, 1, 31),
        starts_on=date(2026, 1, 24),
        recurrence="monthly",
        recurs_until=date(2026, 6, 30),
    )

    # Then six obligations: the month's last day when the 31st does not exist, each starting a week before
    series = sorted([first, *Obligation.objects.filter(series=first)], key=lambda o: o.due_date)
    assert [o.due_date for o in series] == [
        date(2026, 1, 31),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
        date(2026, 5, 31),
        date(2026, 6, 30),
    ]
    assert [o.starts_on for o in series][:2] == [date(2026, 1, 24), date(2026, 2, 21)]
    # Saturday 2026-01-31 and Sunday 2026-05-31 are acted on the Friday before; Saturday 2026-02-28 is a make-up day
    assert [o.act_by for o in series] == [
        date(2026, 1, 30),
        date(2026, 2, 28),
        date(2026, 3, 31),
        date(2026, 4, 30),
        date(2026, 5, 29),
        date(2026, 6, 30),
    ]
    # And completing one leaves the others open
    obligation_complete(obligation=series[0], by=owner, note="一月报告已审核")
    assert [o.status for o in Obligation.objects.filter(pk__in=[o.pk for o in series]).order_by("due_date")] == [
        "done",
        *["open"] * 5,
    ]


def test_quarterly_and_yearly_repetitions(obligation):
    contract, owner = obligation.contract, obligation.contract.owner
    quarterly = obligation_create_custom(
        contract=contract,
        by=owner,
        title="季度评审",
        due_date=date(2026, 3, 31),
        recurrence="quarterly",
        recurs_until=date(2026, 12, 31),
    )
    yearly = obligation_create_custom(
        contract=contract,
        by=owner,
        title="年度审计",
        due_date=date(2026, 6, 30),
        recurrence="yearly",
        recurs_until=date(2028, 6, 29),
    )
    assert sorted(quarterly.occurrences.values_list("due_date", flat=True)) == [
        date(2026, 6, 30),
        date(2026, 9, 30),
        date(2026, 12, 31),
    ]
    assert list(yearly.occurrences.values_list("due_date", flat=True)) == [date(2027, 6, 30)]


def test_a_repetition_needs_an_end_date_after_the_first_and_a_bounded_number_of_occurrences(obligation):
    contract, owner = obligation.contract, obligation.contract.owner
    common = {"contract": contract, "by": owner, "title": "月度评审", "due_date": date(2026, 3, 31)}
    for until, field in [
        (None, "recurs_until"),
        (date(2026, 3, 1), "recurs_until"),
        (date(2040, 1, 1), "recurs_until"),
    ]:
        with pytest.raises(ValidationError) as refused:
            obligation_create_custom(**common, recurrence="monthly", recurs_until=until)
        assert field in refused.value.message_dict
    with pytest.raises(ValidationError) as refused:
        obligation_create_custom(**common, recurrence="daily", recurs_until=date(2026, 5, 1))
    assert "recurrence" in refused.value.message_dict
    assert Obligation.objects.filter(title="月度评审").count() == 0
    assert MAX_OCCURRENCES == 120


def test_derived_obligations_carry_the_day_to_act_by():
    # Given an active contract from 2026-07-02 with a three-month trial: the trial review is due 2026-10-01
    contract = ContractFactory(
        status=Contract.Status.ACTIVE,
        effective_date=date(2026, 7, 2),
        end_date=date(2027, 7, 1),
        trial_period_months=3,
    )

    derive_obligations(contract, today=date(2026, 7, 2))

    trial = contract.obligations.get(kind=Obligation.Kind.TRIAL_REVIEW)
    assert (trial.due_date, trial.act_by) == (date(2026, 10, 1), date(2026, 9, 30))


def test_moving_a_due_date_moves_the_day_to_act_by(obligation):
    owner = obligation.contract.owner
    moved = obligation_move_due_date(obligation=obligation, by=owner, due_date=date(2026, 11, 7))  # a Saturday
    assert moved.act_by == date(2026, 11, 6)
    moved = obligation_move_due_date(obligation=obligation, by=owner, due_date=date(2026, 10, 10))  # worked Saturday
    assert moved.act_by == date(2026, 10, 10)


def test_a_vendors_deadline_acts_on_its_due_date(obligation):
    vendor_owes = obligation_create_custom(
        contract=obligation.contract,
        by=obligation.contract.owner,
        title="供应商提交年度安全审计报告",
        due_date=date(2026, 10, 1),
        responsible=Obligation.Responsible.VENDOR,
    )
    assert vendor_owes.act_by == date(2026, 10, 1)


def test_a_new_override_moves_the_day_to_act_by_of_open_obligations(obligation):
    # Given an obligation due Saturday 2026-11-07, acted on Friday 2026-11-06
    obligation = obligation_move_due_date(
        obligation=obligation, by=obligation.contract.owner, due_date=date(2026, 11, 7)
    )
    # When the admin records Friday 2026-11-06 as a day off
    WorkingDayOverride.objects.create(date=date(2026, 11, 6), is_working_day=False)
    obligations_recompute_for_calendar(days=[date(2026, 11, 6)])
    # Then it is acted on the Thursday
    obligation.refresh_from_db()
    assert obligation.act_by == date(2026, 11, 5)


def test_the_deadline_note_names_the_holiday_and_the_day_to_act_by_or_the_statutory_end():
    ours = ObligationFactory(due_date=date(2026, 10, 1), act_by=date(2026, 9, 30))
    theirs = ObligationFactory(
        due_date=date(2026, 10, 1), act_by=date(2026, 10, 1), responsible=Obligation.Responsible.VENDOR
    )
    weekend = ObligationFactory(due_date=date(2026, 11, 7), act_by=date(2026, 11, 6))
    working = ObligationFactory(due_date=date(2026, 10, 10), act_by=date(2026, 10, 10))
    calendar = load_calendar()

    with translation.override("en"):
        assert deadline_note(ours, calendar) == "Due October 1, 2026, a public holiday: act by September 30, 2026."
        assert "article 203 of the Civil Code" in deadline_note(theirs, calendar)
        assert "October 8, 2026" in deadline_note(theirs, calendar)
        assert deadline_note(weekend, calendar) == "Due November 7, 2026, a weekend day: act by November 6, 2026."
        assert deadline_note(working, calendar) == ""
    with translation.override("zh-hans"):
        assert "2026年9月30日" in deadline_note(ours, calendar)
