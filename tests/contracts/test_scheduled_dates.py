"""Dates in the future schedule, dates in the past record (PRODUCT.md section 18): a future activation keeps the
contract signed until its day, a future termination keeps it running (and needs the notice period unless for cause),
and the daily roll carries both out on their day."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from contracts.lifecycle.actions import contract_activate, contract_terminate
from contracts.lifecycle.roll import roll_contracts
from contracts.models import Contract
from obligations.models import Obligation
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db

S = Contract.Status
TODAY = date(2026, 12, 7)


def running(status=S.ACTIVE, **fields):
    defaults = {
        "effective_date": date(2026, 1, 1),
        "end_date": date(2027, 12, 31),
        "signed_on": date(2025, 12, 1),
        "termination_notice_days": 30,
    }
    return ContractFactory(status=status, **{**defaults, **fields})


def test_a_future_activation_keeps_the_contract_signed_until_the_roll_activates_it_on_its_day():
    contract = running(S.SIGNED)

    scheduled = contract_activate(contract=contract, by=contract.owner, date=date(2027, 1, 1), today=TODAY)

    assert (scheduled.status, scheduled.activated_on, scheduled.scheduled_activation_on) == (
        S.SIGNED,
        None,
        date(2027, 1, 1),
    )
    assert scheduled.history.first().history_change_reason == "schedule activation"

    # The day before, the roll leaves it; on the day, it activates it, dated that day
    assert roll_contracts(today=date(2026, 12, 31)).activated == 0
    assert roll_contracts(today=date(2027, 1, 1)).activated == 1
    contract.refresh_from_db()
    assert (contract.status, contract.activated_on, contract.scheduled_activation_on) == (
        S.ACTIVE,
        date(2027, 1, 1),
        None,
    )
    record = contract.history.first()
    assert (record.history_change_reason, record.history_user) == ("activate", None)


def test_a_past_activation_date_records_what_happened():
    contract = running(S.SIGNED)
    active = contract_activate(contract=contract, by=contract.owner, date=date(2026, 1, 1), today=TODAY)
    assert (active.status, active.activated_on, active.scheduled_activation_on) == (S.ACTIVE, date(2026, 1, 1), None)


def test_a_termination_closer_than_the_notice_period_is_refused_with_the_earliest_date():
    contract = running()

    with pytest.raises(ValidationError) as refused:
        contract_terminate(
            contract=contract, by=contract.owner, date=date(2026, 12, 20), reason="服务不达标", today=TODAY
        )

    # 2026-12-07 + 30 days
    assert refused.value.message_dict["earliest_date"] == ["2027-01-06"]
    assert refused.value.error_dict["date"][0].code == "notice_too_short"
    contract.refresh_from_db()
    assert (contract.status, contract.scheduled_termination_on, contract.version) == (S.ACTIVE, None, 1)


def test_a_termination_for_cause_may_come_sooner_and_is_carried_out_by_the_roll():
    contract = running()

    scheduled = contract_terminate(
        contract=contract,
        by=contract.owner,
        date=date(2026, 12, 20),
        reason="连续三个月接通率未达标，行使SLA退出权",
        for_cause=True,
        today=TODAY,
    )

    assert (scheduled.status, scheduled.scheduled_termination_on, scheduled.termination_for_cause) == (
        S.ACTIVE,
        date(2026, 12, 20),
        True,
    )
    assert not scheduled.obligations.filter(kind=Obligation.Kind.DATA_HANDOVER).exists()

    roll_contracts(today=date(2026, 12, 19))
    contract.refresh_from_db()
    assert contract.status == S.ACTIVE

    assert roll_contracts(today=date(2026, 12, 20)).terminated == 1
    contract.refresh_from_db()
    assert (contract.status, contract.terminated_on, contract.scheduled_termination_on) == (
        S.TERMINATED,
        date(2026, 12, 20),
        None,
    )
    # The vendor's data handover is derived from the day it ended: 7 working days after 2026-12-20
    handover = contract.obligations.get(kind=Obligation.Kind.DATA_HANDOVER)
    assert handover.due_date == date(2026, 12, 29)


def test_a_termination_at_the_end_of_the_notice_period_is_scheduled_without_cause():
    contract = running()
    scheduled = contract_terminate(
        contract=contract, by=contract.owner, date=date(2027, 1, 6), reason="业务调整", today=TODAY
    )
    assert (scheduled.status, scheduled.scheduled_termination_on) == (S.ACTIVE, date(2027, 1, 6))
    assert scheduled.history.first().history_change_reason == "schedule termination"


def test_a_past_termination_date_records_what_happened_whatever_the_notice():
    contract = running()
    ended = contract_terminate(
        contract=contract, by=contract.owner, date=date(2026, 11, 30), reason="双方协商一致解除", today=TODAY
    )
    assert (ended.status, ended.terminated_on) == (S.TERMINATED, date(2026, 11, 30))
