"""Lifecycle actions (draft -> negotiating -> signed -> active -> expired | terminated): which transitions each
action allows, what it records and derives."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from contracts.lifecycle.actions import (
    contract_activate,
    contract_record_non_renewal_notice,
    contract_renew,
    contract_sign,
    contract_start_negotiation,
    contract_terminate,
    price_change_notice_record,
)
from contracts.models import Clause, Contract
from core.exceptions import ActionNotAllowed, StaleVersionError
from obligations.actions import obligation_complete
from obligations.derivation import derive_obligations
from obligations.models import Obligation
from tests.factories import ClauseFactory, ContractFactory, FeeItemFactory, SLATargetFactory, UserFactory

pytestmark = pytest.mark.django_db

S = Contract.Status
Kind = Obligation.Kind
ALL_STATUSES = list(S.values)


def contract_in(status, **fields):
    defaults = {"effective_date": date(2035, 1, 1), "end_date": date(2035, 12, 31)}
    defaults.update(fields)
    return ContractFactory(status=status, **defaults)


def assert_refused_and_unchanged(action, contract, **kwargs):
    before = (contract.status, contract.version)
    with pytest.raises(ActionNotAllowed) as refusal:
        action(contract=contract, by=contract.owner, **kwargs)
    contract.refresh_from_db()
    assert (contract.status, contract.version) == before
    assert str(refusal.value)


def last_reason(contract):
    return contract.history.first().history_change_reason


@pytest.mark.parametrize("status", [s for s in ALL_STATUSES if s != S.DRAFT])
def test_only_a_draft_can_go_into_negotiation(status):
    assert_refused_and_unchanged(contract_start_negotiation, contract_in(status))


def test_starting_negotiation_bumps_the_version_and_records_the_action():
    contract = contract_in(S.DRAFT)
    result = contract_start_negotiation(contract=contract, by=contract.owner)
    assert (result.status, result.version) == (S.NEGOTIATING, 2)
    assert last_reason(result) == "start negotiation"
    assert result.history.first().history_user == contract.owner
    contract.refresh_from_db()
    assert contract.status == S.NEGOTIATING


def test_signing_is_refused_while_a_clause_is_neither_agreed_nor_waived_and_names_it():
    contract = contract_in(S.NEGOTIATING)
    ClauseFactory(contract=contract, title="数据安全", status=Clause.Status.AGREED)
    ClauseFactory(contract=contract, title="服务水平", status=Clause.Status.COUNTERED)

    with pytest.raises(ActionNotAllowed) as refusal:
        contract_sign(contract=contract, by=contract.owner, date=date(2034, 12, 1))

    assert "服务水平" in str(refusal.value)
    assert "数据安全" not in str(refusal.value)
    contract.refresh_from_db()
    assert contract.status == S.NEGOTIATING


def test_signing_with_every_clause_agreed_or_waived_derives_the_renewal_window():
    contract = contract_in(S.NEGOTIATING)
    ClauseFactory(contract=contract, status=Clause.Status.AGREED)
    ClauseFactory(contract=contract, status=Clause.Status.WAIVED)

    signed = contract_sign(contract=contract, by=contract.owner, date=date(2034, 12, 1))

    assert (signed.status, signed.signed_on) == (S.SIGNED, date(2034, 12, 1))
    assert signed.obligations.filter(kind=Kind.RENEWAL_WINDOW, due_date=date(2035, 12, 1)).exists()


def test_a_draft_can_be_signed_directly_but_not_without_an_effective_date():
    assert contract_sign(contract=contract_in(S.DRAFT), by=None, date=date(2034, 12, 1)).status == S.SIGNED
    assert_refused_and_unchanged(
        contract_sign, contract_in(S.DRAFT, effective_date=None, end_date=None), date=date(2034, 12, 1)
    )


@pytest.mark.parametrize("status", [S.SIGNED, S.ACTIVE, S.EXPIRED, S.TERMINATED])
def test_a_contract_past_negotiation_cannot_be_signed_again(status):
    assert_refused_and_unchanged(contract_sign, contract_in(status), date=date(2035, 1, 1))


def test_signing_needs_a_date():
    with pytest.raises(ValidationError):
        contract_sign(contract=contract_in(S.DRAFT), by=None, date="yesterday")


@pytest.mark.parametrize("status", [s for s in ALL_STATUSES if s != S.SIGNED])
def test_only_a_signed_contract_can_be_activated(status):
    assert_refused_and_unchanged(contract_activate, contract_in(status), date=date(2035, 1, 1))


def test_activation_records_its_date_and_cannot_precede_the_signature():
    contract = contract_in(S.SIGNED, signed_on=date(2034, 12, 1))
    with pytest.raises(ValidationError):
        contract_activate(contract=contract, by=None, date=date(2034, 11, 1))
    active = contract_activate(contract=contract, by=None, date=date(2035, 1, 1), today=date(2035, 1, 1))
    assert (active.status, active.activated_on) == (S.ACTIVE, date(2035, 1, 1))


@pytest.mark.parametrize("status", [s for s in ALL_STATUSES if s != S.ACTIVE])
def test_only_an_active_contract_takes_a_non_renewal_notice(status):
    assert_refused_and_unchanged(contract_record_non_renewal_notice, contract_in(status), date=date(2035, 11, 1))


def test_a_non_renewal_notice_is_recorded_once_and_settles_the_renewal_window():
    contract = contract_in(S.ACTIVE, auto_renew=True)

    result = contract_record_non_renewal_notice(contract=contract, by=contract.owner, date=date(2035, 11, 1))

    assert result.notice_given_on == date(2035, 11, 1)
    [window] = result.obligations.filter(kind=Kind.RENEWAL_WINDOW)
    assert (window.key, window.status, window.completed_by) == ("term:2035-12-31", "done", contract.owner)
    assert_refused_and_unchanged(contract_record_non_renewal_notice, result, date=date(2035, 11, 2))


def test_renewing_extends_the_term_by_the_renewal_term_and_moves_the_renewal_window():
    contract = contract_in(S.ACTIVE, renewal_term_months=12)

    renewed = contract_renew(contract=contract, by=contract.owner)

    assert (renewed.pk, renewed.end_date, renewed.version) == (contract.pk, date(2036, 12, 31), 2)
    assert last_reason(renewed) == "renew"
    assert list(renewed.obligations.values_list("key", flat=True)) == ["term:2036-12-31"]


def test_renewing_for_a_given_number_of_months_clamps_to_the_month_end():
    contract = contract_in(S.ACTIVE, end_date=date(2035, 8, 31))
    assert contract_renew(contract=contract, by=None, months=6).end_date == date(2036, 2, 29)
    with pytest.raises(ValidationError):
        contract_renew(contract=contract, by=None, months=0)


def test_an_auto_renewing_contract_cannot_be_extended_by_hand():
    assert_refused_and_unchanged(contract_renew, contract_in(S.ACTIVE, auto_renew=True))


@pytest.mark.parametrize("status", [S.DRAFT, S.NEGOTIATING, S.EXPIRED, S.TERMINATED])
def test_only_a_signed_or_active_contract_can_be_extended(status):
    assert_refused_and_unchanged(contract_renew, contract_in(status))


def test_renewing_as_a_successor_creates_a_linked_draft_with_the_same_terms_sla_fees_and_clauses():
    contract = contract_in(S.ACTIVE, price_increase_cap_pct=Decimal("3"), renewal_term_months=24, service_level=False)
    SLATargetFactory(contract=contract, metric="接通率")
    FeeItemFactory(contract=contract, kind="坐席服务费")
    ClauseFactory(contract=contract, title="服务水平", status=Clause.Status.AGREED)

    successor = contract_renew(contract=contract, by=contract.owner, successor=True)

    assert successor.pk != contract.pk
    assert (successor.status, successor.predecessor) == (S.DRAFT, contract)
    assert (successor.effective_date, successor.end_date) == (date(2036, 1, 1), date(2037, 12, 31))
    assert (successor.vendor, successor.owner, successor.price_increase_cap_pct) == (
        contract.vendor,
        contract.owner,
        Decimal("3.00"),
    )
    assert list(successor.sla_targets.values_list("metric", flat=True)) == ["接通率"]
    assert list(successor.fee_items.values_list("kind", flat=True)) == ["坐席服务费"]
    [clause] = successor.clauses.all()
    assert (clause.title, clause.status, clause.revisions.count()) == ("服务水平", "agreed", 1)
    contract.refresh_from_db()
    assert (contract.status, contract.end_date) == (S.ACTIVE, date(2035, 12, 31))
    assert_refused_and_unchanged(contract_renew, contract, successor=True)


@pytest.mark.parametrize("status", [S.DRAFT, S.NEGOTIATING, S.EXPIRED, S.TERMINATED])
def test_termination_is_only_for_a_signed_or_active_contract(status):
    assert_refused_and_unchanged(contract_terminate, contract_in(status), date=date(2035, 6, 30), reason="x")


def test_terminating_records_date_and_reason_and_replaces_the_renewal_window_by_a_data_handover():
    # Without a service level, so the only obligations are the term's own (no monthly SLA report).
    contract = contract_in(S.ACTIVE, effective_date=date(2025, 1, 1), end_date=date(2026, 12, 31), service_level=False)
    derive_obligations(contract, today=date(2025, 9, 1))

    with pytest.raises(ValidationError):
        contract_terminate(contract=contract, by=contract.owner, date=date(2025, 9, 30), reason="  ")
    terminated = contract_terminate(
        contract=contract, by=contract.owner, date=date(2025, 9, 30), reason="SLA breached three months running"
    )

    assert (terminated.status, terminated.terminated_on) == (S.TERMINATED, date(2025, 9, 30))
    assert terminated.termination_reason == "SLA breached three months running"
    [handover] = terminated.obligations.all()
    assert (handover.kind, handover.due_date) == (Kind.DATA_HANDOVER, date(2025, 10, 16))


def test_worked_example_price_change_notice_with_40_days_against_90_is_recorded_as_not_compliant():
    contract = contract_in(S.ACTIVE, price_change_notice_days=90)

    notice = price_change_notice_record(
        contract=contract,
        by=contract.owner,
        received_on=date(2026, 11, 22),
        effective_on=date(2027, 1, 1),
        increase_pct="5",
        note="邮件通知",
    )

    assert notice.compliant is False
    assert [(i["code"], i["days"], i["required"]) for i in notice.issues] == [("notice_too_short", 40, 90)]
    assert notice.issues[0]["message"] == "40 days' notice, the contract requires 90"
    [response] = contract.obligations.filter(kind=Kind.PRICE_CHANGE_NOTICE)
    assert (response.due_date, response.starts_on, response.price_change_notice) == (
        date(2026, 12, 31),
        date(2026, 11, 22),
        notice,
    )


def test_a_price_change_within_notice_and_cap_is_compliant():
    contract = contract_in(S.ACTIVE, price_change_notice_days=30, price_increase_cap_pct=Decimal("5"))
    notice = price_change_notice_record(
        contract=contract, by=None, received_on=date(2035, 1, 1), effective_on=date(2035, 3, 1), increase_pct=5
    )
    assert (notice.compliant, notice.issues) == (True, [])


def test_a_price_change_notice_is_validated_and_refused_for_a_contract_not_in_force():
    contract = contract_in(S.ACTIVE)
    with pytest.raises(ValidationError) as error:
        price_change_notice_record(
            contract=contract, by=None, received_on=date(2035, 3, 1), effective_on=date(2035, 1, 1), increase_pct="x"
        )
    assert set(error.value.message_dict) == {"effective_on", "increase_pct"}
    with pytest.raises(ActionNotAllowed):
        price_change_notice_record(
            contract=contract_in(S.DRAFT),
            by=None,
            received_on=date(2035, 1, 1),
            effective_on=date(2035, 3, 1),
            increase_pct=1,
        )
    assert not contract.price_change_notices.exists()


# Admin actions ---------------------------------------------------------------------------------------------------


@pytest.fixture
def admin_client_for(client):
    admin_user = UserFactory(username="admin-actions", is_staff=True, is_superuser=True)
    client.force_login(admin_user)
    return client


def test_admin_action_applies_a_lifecycle_action_and_reports_refusals(admin_client_for):
    draft = contract_in(S.DRAFT)
    active = contract_in(S.ACTIVE)

    response = admin_client_for.post(
        reverse("admin:contracts_contract_changelist"),
        {"action": "start_negotiation", "_selected_action": [draft.pk, active.pk]},
        follow=True,
    )

    draft.refresh_from_db()
    active.refresh_from_db()
    assert (draft.status, active.status) == (S.NEGOTIATING, S.ACTIVE)
    messages = [str(m) for m in response.context["messages"]]
    assert any(active.number in m for m in messages)
    assert len(messages) == 2


def test_admin_action_reopens_selected_obligations(admin_client_for):
    contract = contract_in(S.ACTIVE)
    derive_obligations(contract)
    window = contract.obligations.get()
    obligation_complete(obligation=window, by=contract.owner, note="已发出不续约通知")

    admin_client_for.post(
        reverse("admin:obligations_obligation_changelist"),
        {"action": "reopen_selected", "_selected_action": [window.pk]},
    )

    window.refresh_from_db()
    assert window.status == Obligation.Status.OPEN
    assert window.history.first().history_user.username == "admin-actions"
    # The note of the completion stays for reference
    assert window.completion_note == "已发出不续约通知"


@pytest.mark.parametrize(
    ("status", "action", "kwargs"),
    [
        (S.DRAFT, contract_start_negotiation, {}),
        (S.DRAFT, contract_sign, {"date": date(2035, 1, 1)}),
        (S.SIGNED, contract_activate, {"date": date(2035, 1, 1)}),
        (S.ACTIVE, contract_record_non_renewal_notice, {"date": date(2035, 6, 1)}),
        (S.ACTIVE, contract_renew, {"months": 12}),
        (S.ACTIVE, contract_terminate, {"date": date(2035, 6, 1), "reason": "服务不达标"}),
    ],
)
def test_an_action_based_on_a_version_that_changed_since_is_refused_and_changes_nothing(status, action, kwargs):
    contract = contract_in(status, auto_renew=action is contract_record_non_renewal_notice)
    Contract.objects.filter(pk=contract.pk).update(version=2)
    contract.refresh_from_db()

    with pytest.raises(StaleVersionError) as refusal:
        action(contract=contract, by=contract.owner, version=1, **kwargs)

    assert refusal.value.current_version == 2
    contract.refresh_from_db()
    assert (contract.status, contract.version, contract.end_date) == (status, 2, date(2035, 12, 31))


def test_the_same_price_change_notice_recorded_twice_is_refused_the_second_time():
    contract = contract_in(S.ACTIVE)
    notice = {"received_on": date(2035, 3, 1), "effective_on": date(2035, 6, 1), "increase_pct": "5"}
    price_change_notice_record(contract=contract, by=contract.owner, **notice)

    with pytest.raises(ActionNotAllowed):
        price_change_notice_record(contract=contract, by=contract.owner, **notice)

    assert contract.price_change_notices.count() == 1
