"""An amendment's life in the services: propose, approve, come into force on its day, and what follows."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command

from amendments.models import Amendment
from amendments.services import (
    amendment_approve,
    amendment_create,
    amendment_reject,
    amendment_update,
    amendment_withdraw,
    amendments_apply_due,
)
from contracts.models import Clause, Contract
from core.exceptions import ActionNotAllowed
from obligations.models import Obligation

pytestmark = pytest.mark.django_db


def _renewal_due(contract: Contract) -> date:
    return Obligation.objects.get(contract=contract, kind=Obligation.Kind.RENEWAL_WINDOW, status="open").due_date


def test_a_new_amendment_is_a_draft_numbered_after_its_contract(contract, people):
    first = amendment_create(
        contract=contract,
        by=people["owner"],
        title="延长服务期",
        effective_on=date(2026, 6, 1),
        changes={"end_date": date(2028, 6, 30)},
    )
    second = amendment_create(
        contract=contract,
        by=people["editor"],
        title="调价通知期",
        effective_on=date(2026, 6, 1),
        changes={"price_change_notice_days": 60},
    )

    assert (first.number, second.number) == (f"{contract.number}-A1", f"{contract.number}-A2")
    assert first.status == second.status == Amendment.Status.DRAFT
    assert first.changes == {"end_date": "2028-06-30"}
    contract.refresh_from_db()
    assert contract.end_date == date(2027, 12, 31)


def test_the_changes_are_validated_like_an_edit_of_the_contract(contract, people):
    with pytest.raises(ValidationError) as exc:
        amendment_create(
            contract=contract,
            by=people["owner"],
            title="坏的修改",
            effective_on=date(2026, 6, 1),
            changes={"end_date": date(2025, 1, 1), "price_increase_cap_pct": Decimal("150")},
        )

    assert {"end_date", "price_increase_cap_pct"} <= set(exc.value.message_dict)
    assert not Amendment.objects.exists()


def test_an_amendment_that_changes_nothing_or_an_unknown_field_is_refused(contract, people):
    with pytest.raises(ValidationError):
        amendment_create(contract=contract, by=people["owner"], title="空", effective_on=date(2026, 6, 1))
    with pytest.raises(ValidationError):
        amendment_create(
            contract=contract,
            by=people["owner"],
            title="换供应商",
            effective_on=date(2026, 6, 1),
            changes={"vendor": contract.vendor_id},
        )
    assert not Amendment.objects.exists()


def test_a_draft_contract_is_edited_directly_not_amended(people):
    from contracts.services.terms import contract_create
    from tests.factories import VendorFactory

    draft = contract_create(by=people["owner"], title="草稿", vendor=VendorFactory())
    with pytest.raises(ActionNotAllowed):
        amendment_create(
            contract=draft,
            by=people["owner"],
            title="改",
            effective_on=date(2026, 6, 1),
            changes={"termination_notice_days": 60},
        )


@pytest.mark.parametrize("role", ["reader", "stranger", "auditor", "legal"])
def test_only_those_who_may_change_the_contract_propose_amendments(contract, people, role):
    with pytest.raises(PermissionDenied):
        amendment_create(
            contract=contract,
            by=people[role],
            title="改",
            effective_on=date(2026, 6, 1),
            changes={"termination_notice_days": 60},
        )


def test_a_future_amendment_is_approved_and_comes_into_force_on_its_day_with_obligations_moved(contract, people):
    # Given an active contract ending 2027-12-31, whose renewal window is due 30 days before its end
    assert _renewal_due(contract) == date(2027, 12, 1)
    amendment = amendment_create(
        contract=contract,
        by=people["owner"],
        title="延长服务期并调整条款",
        effective_on=date(2026, 6, 1),
        changes={
            "end_date": date(2028, 6, 30),
            "non_renewal_notice_days": 60,
            "price_change_notice_days": 120,
            "sla_targets": [{"metric": "接通率", "comparator": ">=", "target": Decimal("98"), "unit": "%"}],
        },
    )

    # When a manager approves it before its day
    amendment = amendment_approve(amendment=amendment, by=people["manager"], today=date(2026, 5, 20))

    # Then it is approved and nothing changed yet
    assert amendment.status == Amendment.Status.APPROVED
    contract.refresh_from_db()
    assert contract.end_date == date(2027, 12, 31)
    assert amendments_apply_due(today=date(2026, 5, 31)) == 0

    # When the daily roll runs on its day
    version = contract.version
    call_command("apply_amendments", "--today", "2026-06-01")

    # Then the terms in force are the amended ones, the version moved on, and the history names the amendment
    contract.refresh_from_db()
    amendment.refresh_from_db()
    assert amendment.status == Amendment.Status.IN_FORCE and amendment.applied_at is not None
    assert (contract.end_date, contract.non_renewal_notice_days, contract.price_change_notice_days) == (
        date(2028, 6, 30),
        60,
        120,
    )
    assert [t.target for t in contract.sla_targets.all()] == [Decimal("98")]
    assert contract.version == version + 1
    assert contract.history.first().history_change_reason == f"amendment {amendment.number}"
    # And the old values are kept on the amendment
    assert amendment.old_values["terms"] == {
        "end_date": "2027-12-31",
        "non_renewal_notice_days": 30,
        "price_change_notice_days": 90,
    }
    assert amendment.old_values["sla_targets"][0]["target"] == "95"
    # And the obligations were re-derived from the new end: 60 days before 2028-06-30
    assert _renewal_due(contract) == date(2028, 5, 1)
    # And running the roll again that day changes nothing
    assert amendments_apply_due(today=date(2026, 6, 1)) == 0


def test_an_amendment_whose_day_has_come_applies_when_approved(contract, people):
    amendment = amendment_create(
        contract=contract,
        by=people["owner"],
        title="终止通知期",
        effective_on=date(2026, 3, 1),
        changes={"termination_notice_days": 60},
    )

    amendment_approve(amendment=amendment, by=people["manager"], today=date(2026, 3, 5))

    contract.refresh_from_db()
    assert contract.termination_notice_days == 60
    assert Amendment.objects.get().status == Amendment.Status.IN_FORCE


@pytest.mark.parametrize("role", ["owner", "editor", "legal", "auditor", "reader"])
def test_only_a_manager_approves_an_amendment_of_terms(contract, people, role):
    amendment = amendment_create(
        contract=contract,
        by=people["owner"],
        title="改",
        effective_on=date(2026, 6, 1),
        changes={"termination_notice_days": 60},
    )
    with pytest.raises(PermissionDenied):
        amendment_approve(amendment=amendment, by=people[role], today=date(2026, 5, 1))
    assert Amendment.objects.get().status == Amendment.Status.DRAFT


def test_legal_approves_an_amendment_of_clauses_only_and_the_clause_keeps_its_revisions(contract, clause, people):
    amendment = amendment_create(
        contract=contract,
        by=people["owner"],
        title="服务水平条款修改",
        effective_on=date(2026, 3, 1),
        clauses=[
            {"id": clause.pk, "title": "服务水平", "text": "接通率不低于98%。"},
            {"category": "data_handover", "title": "数据交接", "text": "终止后五个工作日内交还全部数据。"},
        ],
    )

    amendment_approve(amendment=amendment, by=people["legal"], today=date(2026, 3, 1))

    clause.refresh_from_db()
    assert (clause.text, clause.status) == ("接通率不低于98%。", Clause.Status.AGREED)
    assert [r.text for r in clause.revisions.order_by("number")] == ["接通率不低于95%。", "接通率不低于98%。"]
    added = contract.clauses.get(category="data_handover")
    assert added.status == Clause.Status.AGREED
    amendment.refresh_from_db()
    assert amendment.old_values["clauses"] == [{"id": clause.pk, "title": "服务水平", "text": "接通率不低于95%。"}]


def test_rejected_and_withdrawn_amendments_are_kept(contract, people):
    one = amendment_create(
        contract=contract,
        by=people["owner"],
        title="一",
        effective_on=date(2026, 6, 1),
        changes={"termination_notice_days": 60},
    )
    two = amendment_create(
        contract=contract,
        by=people["owner"],
        title="二",
        effective_on=date(2026, 6, 1),
        changes={"termination_notice_days": 45},
    )
    with pytest.raises(ValidationError):
        amendment_reject(amendment=one, by=people["manager"], reason=" ")

    amendment_reject(amendment=one, by=people["manager"], reason="不接受")
    amendment_withdraw(amendment=two, by=people["editor"])

    assert list(Amendment.objects.order_by("sequence").values_list("status", flat=True)) == ["rejected", "withdrawn"]
    with pytest.raises(ActionNotAllowed):
        amendment_approve(amendment=one, by=people["manager"], today=date(2026, 6, 1))


def test_only_a_draft_is_edited(contract, people):
    amendment = amendment_create(
        contract=contract,
        by=people["owner"],
        title="改",
        effective_on=date(2026, 6, 1),
        changes={"termination_notice_days": 60},
    )
    amendment = amendment_update(
        amendment=amendment, by=people["owner"], version=amendment.version, changes={"termination_notice_days": 45}
    )
    assert amendment.changes == {"termination_notice_days": 45}
    amendment = amendment_approve(amendment=amendment, by=people["manager"], today=date(2026, 5, 1))

    with pytest.raises(ActionNotAllowed):
        amendment_update(amendment=amendment, by=people["owner"], version=amendment.version, title="再改")


def test_an_amendment_that_no_longer_fits_its_contract_on_its_day_stays_approved(contract, people):
    # Given an amendment approved to end the contract early, and a later-made one moving the start past that end
    early_end = amendment_create(
        contract=contract,
        by=people["owner"],
        title="提前结束",
        effective_on=date(2026, 9, 1),
        changes={"end_date": date(2026, 9, 30)},
    )
    amendment_approve(amendment=early_end, by=people["manager"], today=date(2026, 8, 1))
    later_start = amendment_create(
        contract=contract,
        by=people["owner"],
        title="推迟起始",
        effective_on=date(2026, 8, 1),
        changes={"effective_date": date(2026, 10, 1), "end_date": date(2028, 9, 30)},
    )
    amendment_approve(amendment=later_start, by=people["manager"], today=date(2026, 8, 1))

    # When the roll reaches the first one's day
    applied = amendments_apply_due(today=date(2026, 9, 1))

    # Then it is marked failed with the reason, and the contract keeps the terms in force
    assert applied == 0
    early_end.refresh_from_db()
    contract.refresh_from_db()
    assert early_end.status == Amendment.Status.FAILED
    assert early_end.failure_reason
    assert (contract.effective_date, contract.end_date) == (date(2026, 10, 1), date(2028, 9, 30))
    # And the next day's roll does not try it again
    assert amendments_apply_due(today=date(2026, 9, 2)) == 0
    assert early_end.history.first().history_change_reason == "fail"


def test_many_amendments_due_on_one_day_are_applied_together_with_their_history(people):
    from tests.amendments.conftest import make_active_contract

    contracts = [make_active_contract(people["owner"]) for _ in range(3)]
    for n, contract in enumerate(contracts):
        amendment = amendment_create(
            contract=contract,
            by=people["owner"],
            title=f"改 {n}",
            effective_on=date(2026, 7, 1),
            changes={"termination_notice_days": 40 + n},
        )
        amendment_approve(amendment=amendment, by=people["manager"], today=date(2026, 6, 1))

    assert amendments_apply_due(today=date(2026, 7, 1)) == 3

    for n, contract in enumerate(contracts):
        contract.refresh_from_db()
        assert contract.termination_notice_days == 40 + n
        latest = contract.history.first()
        assert (latest.history_change_reason, latest.termination_notice_days) == (
            f"amendment {contract.number}-A1",
            40 + n,
        )
    assert set(Amendment.objects.values_list("status", flat=True)) == {Amendment.Status.IN_FORCE}
    assert Amendment.history.filter(history_change_reason="apply").count() == 3


def test_an_amended_sla_target_of_the_same_metric_is_changed_in_place(contract, people):
    [target] = contract.sla_targets.all()
    amendment = amendment_create(
        contract=contract,
        by=people["owner"],
        title="提高接通率",
        effective_on=date(2026, 3, 1),
        changes={
            "sla_targets": [
                {"metric": "接通率", "comparator": ">=", "target": Decimal("98"), "unit": "%"},
                {"metric": "满意度", "comparator": ">=", "target": Decimal("90"), "unit": "%", "kind": "csat"},
            ]
        },
    )

    amendment_approve(amendment=amendment, by=people["manager"], today=date(2026, 3, 1))

    rows = list(contract.sla_targets.order_by("order"))
    assert [(r.metric, r.target) for r in rows] == [("接通率", Decimal("98")), ("满意度", Decimal("90"))]
    assert rows[0].pk == target.pk


def test_beat_runs_the_amendment_roll_every_day_before_the_contract_roll(settings, contract, people):
    from amendments.tasks import apply_due_amendments_daily

    schedule = settings.CELERY_BEAT_SCHEDULE
    entry = schedule["amendments-apply-daily"]
    assert entry["task"] == apply_due_amendments_daily.name
    assert (entry["schedule"].hour, entry["schedule"].minute) == ({0}, {20})
    assert schedule["contracts-roll-daily"]["schedule"].minute == {30}

    amendment = amendment_create(
        contract=contract,
        by=people["owner"],
        title="改",
        effective_on=date(2026, 1, 2),
        changes={"termination_notice_days": 60},
    )
    amendment_approve(amendment=amendment, by=people["manager"], today=date(2026, 1, 1))
    assert apply_due_amendments_daily.apply().get() == {"applied": 1}


def test_the_contract_history_names_the_amendment_that_changed_it(contract, people):
    from django.utils import translation

    from core.history import reason_label

    amendment = amendment_create(
        contract=contract,
        by=people["owner"],
        title="改",
        effective_on=date(2026, 3, 1),
        changes={"termination_notice_days": 60},
    )
    amendment_approve(amendment=amendment, by=people["manager"], today=date(2026, 3, 1))

    latest = contract.history.first()
    with translation.override("en"):
        assert reason_label(latest.history_change_reason) == f"Changed by amendment {amendment.number}"
        reasons = [reason_label(r.history_change_reason) for r in amendment.history.order_by("history_id")]
        assert reasons == ["Created", "Approved", "Came into force"]
    assert latest.history_user == people["manager"]
