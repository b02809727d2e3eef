"""Deriving a contract's obligations from its terms and events, and the actions a person takes on one obligation."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import translation

from contracts.models import Contract
from core.exceptions import ActionNotAllowed
from obligations.actions import (
    obligation_complete,
    obligation_create_custom,
    obligation_move_due_date,
    obligation_reassign,
    obligation_reopen,
    obligation_waive,
)
from obligations.derivation import derive_obligations, derive_obligations_bulk, obligations_recompute_for_calendar
from obligations.models import Obligation, WorkingDayOverride
from tests.factories import CertificationFactory, ContractFactory, PriceChangeNoticeFactory, UserFactory, amend_now

pytestmark = pytest.mark.django_db

Kind = Obligation.Kind
ACTIVE = Contract.Status.ACTIVE


def obligations_of(contract, kind=None):
    qs = Obligation.objects.filter(contract=contract)
    return list(qs.filter(kind=kind) if kind else qs)


def worked_example_contract(**overrides):
    fields = {
        "status": ACTIVE,
        "effective_date": date(2024, 1, 1),
        "end_date": date(2024, 12, 31),
        "auto_renew": True,
        "renewal_term_months": 12,
        "non_renewal_notice_days": 30,
        "renewal_review_lead_days": 90,
    }
    fields.update(overrides)
    return ContractFactory(**fields)


def far_contract(**overrides):
    """A non-renewing contract whose single term lies far ahead, so the real today does not matter."""
    fields = {"status": ACTIVE, "effective_date": date(2035, 1, 1), "end_date": date(2035, 12, 31)}
    fields.update(overrides)
    return ContractFactory(**fields)


def test_worked_example_renewal_window_of_the_current_term_after_two_auto_renewals():
    contract = worked_example_contract()

    derive_obligations(contract, today=date(2026, 11, 22))

    [window] = obligations_of(contract, Kind.RENEWAL_WINDOW)
    assert (window.due_date, window.starts_on) == (date(2026, 12, 1), date(2026, 10, 2))
    assert window.key == "term:2026-12-31"
    assert window.responsible == Obligation.Responsible.US
    assert window.source == Obligation.Source.DERIVED


def test_worked_example_data_handover_after_termination():
    contract = worked_example_contract(
        status=Contract.Status.TERMINATED, terminated_on=date(2025, 9, 30), data_handover_business_days=7
    )

    derive_obligations(contract, today=date(2025, 9, 30))

    [handover] = obligations_of(contract)
    assert handover.kind == Kind.DATA_HANDOVER
    assert (handover.starts_on, handover.due_date) == (date(2025, 10, 1), date(2025, 10, 16))
    assert handover.responsible == Obligation.Responsible.VENDOR
    assert handover.provisional is False


def test_data_handover_counted_into_a_year_without_an_official_schedule_is_marked_provisional():
    contract = far_contract(status=Contract.Status.EXPIRED, expired_on=date(2035, 12, 31))

    derive_obligations(contract, today=date(2036, 1, 1))

    [handover] = obligations_of(contract, Kind.DATA_HANDOVER)
    assert handover.provisional is True


def test_a_new_calendar_override_moves_the_open_handover_deadlines_it_falls_into():
    affected = worked_example_contract(status=Contract.Status.TERMINATED, terminated_on=date(2025, 9, 30))
    unaffected = worked_example_contract(status=Contract.Status.TERMINATED, terminated_on=date(2025, 3, 31))
    derive_obligations_bulk([affected, unaffected], today=date(2025, 10, 1))
    before = obligations_of(unaffected)[0].due_date

    WorkingDayOverride.objects.create(date=date(2025, 10, 13), is_working_day=False, note="company day off")
    result = obligations_recompute_for_calendar(days=[date(2025, 10, 13)])

    assert result.updated == 1
    assert obligations_of(affected)[0].due_date == date(2025, 10, 17)
    assert obligations_of(unaffected)[0].due_date == before


def test_trial_review_and_certificate_expiry_are_derived_for_a_running_contract():
    contract = far_contract(trial_period_months=2)
    certificate = CertificationFactory(vendor=contract.vendor, expires_on=date(2036, 2, 28))
    CertificationFactory(vendor=contract.vendor, expires_on=None)

    derive_obligations(contract, today=date(2035, 1, 1))

    [trial] = obligations_of(contract, Kind.TRIAL_REVIEW)
    assert trial.due_date == date(2035, 2, 28)
    [expiry] = obligations_of(contract, Kind.CERTIFICATE_EXPIRY)
    assert (expiry.due_date, expiry.key, expiry.certification) == (
        date(2036, 2, 28),
        f"cert:{certificate.pk}:2036-02-28",
        certificate,
    )
    assert expiry.responsible == Obligation.Responsible.VENDOR


def test_a_renewed_certificate_moves_its_open_deadline_or_adds_one_beside_the_completed_one():
    contract = far_contract()
    certificate = CertificationFactory(vendor=contract.vendor, expires_on=date(2036, 2, 28))
    derive_obligations(contract, today=date(2035, 1, 1))
    [first] = obligations_of(contract, Kind.CERTIFICATE_EXPIRY)

    certificate.expires_on = date(2036, 6, 30)
    certificate.save()
    derive_obligations(contract, today=date(2035, 1, 1))
    [moved] = obligations_of(contract, Kind.CERTIFICATE_EXPIRY)
    assert (moved.pk, moved.due_date) == (first.pk, date(2036, 6, 30))

    obligation_complete(obligation=moved, by=contract.owner, note="已处理")
    certificate.expires_on = date(2039, 6, 30)
    certificate.save()
    derive_obligations(contract, today=date(2035, 1, 1))
    done, renewed = sorted(obligations_of(contract, Kind.CERTIFICATE_EXPIRY), key=lambda o: o.due_date)
    assert (done.pk, done.status) == (first.pk, Obligation.Status.DONE)
    assert (renewed.status, renewed.due_date) == (Obligation.Status.OPEN, date(2039, 6, 30))


def test_a_draft_contract_has_no_derived_obligations():
    contract = far_contract(status=Contract.Status.DRAFT, trial_period_months=1)
    CertificationFactory(vendor=contract.vendor)

    derive_obligations(contract, today=date(2035, 1, 1))

    assert obligations_of(contract) == []


def test_a_price_change_notice_gets_a_response_deadline_the_day_before_it_applies():
    contract = far_contract()
    notice = PriceChangeNoticeFactory(contract=contract, received_on=date(2035, 3, 1), effective_on=date(2035, 6, 1))

    derive_obligations(contract, today=date(2035, 3, 1))

    [response] = obligations_of(contract, Kind.PRICE_CHANGE_NOTICE)
    assert (response.starts_on, response.due_date) == (date(2035, 3, 1), date(2035, 5, 31))
    assert response.price_change_notice == notice


def test_re_deriving_twice_changes_nothing_and_writes_no_history():
    contract = far_contract(trial_period_months=1)
    CertificationFactory(vendor=contract.vendor, expires_on=date(2036, 1, 1))
    derive_obligations(contract, today=date(2035, 1, 1))
    history_rows = Obligation.history.count()
    before = {o.pk: (o.due_date, o.starts_on, o.title, o.updated_at) for o in obligations_of(contract)}

    result = derive_obligations(contract, today=date(2035, 1, 1))

    assert (result.created, result.updated, result.deleted) == (0, 0, 0)
    assert {o.pk: (o.due_date, o.starts_on, o.title, o.updated_at) for o in obligations_of(contract)} == before
    assert Obligation.history.count() == history_rows


def test_a_term_change_updates_the_open_renewal_window_in_place():
    contract = far_contract()
    derive_obligations(contract)
    [window] = obligations_of(contract, Kind.RENEWAL_WINDOW)

    amend_now(contract, end_date=date(2036, 6, 30))

    [moved] = obligations_of(contract, Kind.RENEWAL_WINDOW)
    assert moved.pk == window.pk
    assert (moved.key, moved.due_date) == ("term:2036-06-30", date(2036, 5, 31))
    assert moved.history.first().history_type == "~"


def test_re_deriving_keeps_a_completed_obligation_and_derives_the_new_one_beside_it():
    contract = far_contract()
    derive_obligations(contract)
    [window] = obligations_of(contract, Kind.RENEWAL_WINDOW)
    obligation_complete(obligation=window, by=contract.owner, note="已处理")

    amend_now(contract, end_date=date(2036, 12, 31))

    done, new = sorted(obligations_of(contract, Kind.RENEWAL_WINDOW), key=lambda o: o.due_date)
    assert (done.pk, done.status, done.due_date) == (window.pk, Obligation.Status.DONE, date(2035, 12, 1))
    assert (new.status, new.due_date) == (Obligation.Status.OPEN, date(2036, 12, 1))


def test_re_deriving_keeps_a_due_date_moved_by_hand():
    contract = far_contract()
    derive_obligations(contract)
    [window] = obligations_of(contract, Kind.RENEWAL_WINDOW)
    obligation_move_due_date(obligation=window, by=contract.owner, due_date=date(2035, 11, 15))

    amend_now(contract, non_renewal_notice_days=60)

    [kept] = obligations_of(contract, Kind.RENEWAL_WINDOW)
    assert (kept.pk, kept.due_date, kept.due_date_edited) == (window.pk, date(2035, 11, 15), True)
    assert kept.starts_on == date(2035, 10, 2)


def test_re_deriving_deletes_open_obligations_that_no_longer_apply_but_keeps_done_ones():
    contract = far_contract(trial_period_months=3)
    certificate = CertificationFactory(vendor=contract.vendor, expires_on=date(2036, 1, 1))
    derive_obligations(contract, today=date(2035, 1, 1))
    trial = obligations_of(contract, Kind.TRIAL_REVIEW)[0]
    obligation_complete(obligation=trial, by=contract.owner, note="已处理")

    certificate.expires_on = None
    certificate.save()
    amend_now(contract, trial_period_months=0)

    assert obligations_of(contract, Kind.CERTIFICATE_EXPIRY) == []
    assert [o.pk for o in obligations_of(contract, Kind.TRIAL_REVIEW)] == [trial.pk]
    assert Obligation.history.filter(kind=Kind.CERTIFICATE_EXPIRY, history_type="-").count() == 1


def test_when_the_term_rolls_the_old_open_window_goes_and_the_new_terms_window_comes():
    contract = worked_example_contract()
    derive_obligations(contract, today=date(2025, 11, 1))
    [old] = obligations_of(contract, Kind.RENEWAL_WINDOW)
    assert old.key == "term:2025-12-31"

    derive_obligations(contract, today=date(2026, 1, 1))

    [new] = obligations_of(contract, Kind.RENEWAL_WINDOW)
    assert new.pk != old.pk
    assert (new.key, new.due_date, new.starts_on) == ("term:2026-12-31", date(2026, 12, 1), date(2026, 10, 2))


def test_hand_made_obligations_are_never_touched_by_derivation():
    contract = far_contract()
    custom = obligation_create_custom(
        contract=contract, by=contract.owner, title="季度服务评审", due_date=date(2035, 4, 1)
    )

    derive_obligations(contract, today=date(2035, 1, 1))
    contract.status = Contract.Status.TERMINATED
    contract.terminated_on = date(2035, 2, 1)
    contract.save()
    derive_obligations(contract, today=date(2035, 2, 1))

    custom.refresh_from_db()
    assert (custom.title, custom.due_date, custom.status) == ("季度服务评审", date(2035, 4, 1), "open")


def test_titles_are_stored_in_english_and_shown_in_the_readers_language():
    contract = far_contract()
    derive_obligations(contract)
    [window] = obligations_of(contract, Kind.RENEWAL_WINDOW)

    assert window.title == "Renewal decision for the term ending December 31, 2035"
    with translation.override("en"):
        assert window.display_title == window.title


def test_a_renewal_window_whose_key_names_no_date_shows_its_stored_title():
    """Keys come from the derivation, but a row edited in the admin or restored from an old backup must not take
    down every page that lists it."""
    contract = far_contract()
    derive_obligations(contract)
    [window] = obligations_of(contract, Kind.RENEWAL_WINDOW)
    window.key = "term:not-a-date"

    with translation.override("zh-hans"):
        assert window.display_title == "Renewal decision for the term ending December 31, 2035"


def test_queries_per_contract_do_not_grow_with_the_number_of_obligations():
    few = far_contract()
    many = far_contract(trial_period_months=2)
    for month in range(1, 11):
        CertificationFactory(vendor=many.vendor, expires_on=date(2036, month, 1))
    for month in range(2, 6):
        PriceChangeNoticeFactory(contract=many, received_on=date(2035, month, 1), effective_on=date(2035, 9, 1))

    counts = []
    for contract in (few, many):
        with CaptureQueriesContext(connection) as create_queries:
            derive_obligations(contract, today=date(2035, 1, 1))
        with CaptureQueriesContext(connection) as again_queries:
            derive_obligations(contract, today=date(2035, 1, 1))
        counts.append((len(create_queries), len(again_queries)))

    assert len(obligations_of(many)) == 16
    assert counts[0] == counts[1]


def test_bulk_derivation_uses_a_fixed_number_of_queries_for_many_contracts():
    contracts = [far_contract(trial_period_months=1) for _ in range(3)]
    with CaptureQueriesContext(connection) as three:
        derive_obligations_bulk(contracts[:1], today=date(2035, 1, 1))
    with CaptureQueriesContext(connection) as many:
        derive_obligations_bulk(contracts, today=date(2035, 1, 1))
    assert len(many) == len(three)


# Actions on one obligation -----------------------------------------------------------------------------------------


@pytest.fixture
def open_obligation():
    contract = far_contract()
    derive_obligations(contract)
    return obligations_of(contract, Kind.RENEWAL_WINDOW)[0]


def test_completing_records_who_and_when_and_cannot_be_done_twice(open_obligation):
    user = open_obligation.contract.owner
    done = obligation_complete(obligation=open_obligation, by=user, note="已处理")
    assert (done.status, done.completed_by) == (Obligation.Status.DONE, user)
    assert done.completed_at is not None
    assert done.history.first().history_user == user
    with pytest.raises(ActionNotAllowed):
        obligation_complete(obligation=open_obligation, by=user, note="已处理")


def test_waiving_keeps_the_reason_in_the_history_and_reopening_brings_it_back(open_obligation):
    user = open_obligation.contract.owner
    obligation_waive(obligation=open_obligation, by=user, reason="vendor replaced")
    assert open_obligation.status == Obligation.Status.WAIVED
    record = open_obligation.history.first()
    assert (record.history_change_reason, record.waive_reason) == ("waive", "vendor replaced")

    reopened = obligation_reopen(obligation=open_obligation, by=user)
    assert (reopened.status, reopened.completed_at, reopened.completed_by) == (Obligation.Status.OPEN, None, None)
    assert reopened.waive_reason == "vendor replaced"
    with pytest.raises(ActionNotAllowed):
        obligation_reopen(obligation=open_obligation, by=user)


def test_reassigning_to_an_inactive_user_is_refused(open_obligation):
    colleague = UserFactory(role="procurement_staff")
    assert obligation_reassign(obligation=open_obligation, by=colleague, owner=colleague).owner == colleague
    gone = UserFactory(is_active=False)
    with pytest.raises(ValidationError):
        obligation_reassign(obligation=open_obligation, by=colleague, owner=gone)


def test_moving_the_due_date_before_the_start_pulls_the_start_along(open_obligation):
    moved = obligation_move_due_date(obligation=open_obligation, by=None, due_date=date(2035, 9, 1))
    assert (moved.due_date, moved.starts_on, moved.due_date_edited) == (date(2035, 9, 1), date(2035, 9, 1), True)


def test_a_custom_obligation_needs_a_title_and_a_start_not_after_its_due_date():
    contract = far_contract()
    with pytest.raises(ValidationError) as error:
        obligation_create_custom(
            contract=contract, by=contract.owner, title=" ", due_date=date(2035, 1, 1), starts_on=date(2035, 2, 1)
        )
    assert set(error.value.message_dict) == {"title", "starts_on"}
    assert obligations_of(contract) == []


def test_a_contract_in_negotiation_owes_its_trial_review_and_certificate_deadline_but_no_renewal_decision():
    """Not running yet (Contract.RUNNING_STATUSES: signed, active), but under way (Contract.UNDER_WAY_STATUSES)."""
    contract = far_contract(status=Contract.Status.NEGOTIATING, trial_period_months=2, auto_renew=True)
    CertificationFactory(vendor=contract.vendor, expires_on=date(2036, 2, 28))

    derive_obligations(contract, today=date(2035, 1, 1))

    assert sorted(o.kind for o in obligations_of(contract)) == [Kind.CERTIFICATE_EXPIRY, Kind.TRIAL_REVIEW]
