"""The daily roll (auto-renewal into the next term, expiry at the end) and `recompute_obligations`."""

from datetime import date, timedelta
from io import StringIO

import pytest
from celery.schedules import crontab
from django.core.management import CommandError, call_command
from django.utils import timezone

from contracts.lifecycle.roll import roll_contracts
from contracts.models import Contract
from contracts.tasks import roll_contracts_daily
from obligations.actions import obligation_complete
from obligations.derivation import derive_obligations
from obligations.models import Obligation
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db

Kind = Obligation.Kind


def auto_renewing(**fields):
    defaults = {
        "status": Contract.Status.ACTIVE,
        "effective_date": date(2024, 1, 1),
        "end_date": date(2024, 12, 31),
        "auto_renew": True,
        # No service level: these tests are about terms and their windows, not the monthly SLA report the roll derives.
        "service_level": False,
    }
    defaults.update(fields)
    return ContractFactory(**defaults)


def windows(contract):
    return list(contract.obligations.filter(kind=Kind.RENEWAL_WINDOW).order_by("due_date").values_list("key", "status"))


def test_a_contract_renewed_three_times_by_itself_always_has_the_current_terms_window():
    contract = auto_renewing()
    derive_obligations(contract, today=date(2024, 10, 1))
    obligation_complete(obligation=contract.obligations.get(), by=contract.owner, note="已处理")

    for year in (2025, 2026, 2027):
        result = roll_contracts(today=date(year, 1, 1))
        assert result.rolled == 1
        assert windows(contract)[-1] == (f"term:{year}-12-31", "open")

    contract.refresh_from_db()
    assert (contract.status, contract.end_date) == (Contract.Status.ACTIVE, date(2024, 12, 31))
    # The completed window of the first term stays; the open ones of rolled-over terms were replaced.
    assert windows(contract) == [("term:2024-12-31", "done"), ("term:2027-12-31", "open")]
    window = contract.obligations.get(key="term:2027-12-31")
    assert (window.due_date, window.starts_on) == (date(2027, 12, 1), date(2027, 10, 2))


def test_rolling_twice_on_the_same_day_changes_nothing_the_second_time():
    rolling = auto_renewing()
    ending = ContractFactory(
        status=Contract.Status.ACTIVE, effective_date=date(2025, 1, 1), end_date=date(2025, 12, 31)
    )
    today = date(2026, 1, 1)

    first = roll_contracts(today=today)
    snapshot = list(Obligation.objects.order_by("pk").values())
    history = (Obligation.history.count(), Contract.history.count())
    second = roll_contracts(today=today)

    assert (first.rolled, first.expired) == (1, 1)
    assert (second.rolled, second.expired) == (0, 0)
    assert list(Obligation.objects.order_by("pk").values()) == snapshot
    assert (Obligation.history.count(), Contract.history.count()) == history
    assert windows(rolling) == [("term:2026-12-31", "open")]
    ending.refresh_from_db()
    assert ending.status == Contract.Status.EXPIRED


def test_a_contract_without_renewal_expires_on_its_end_date_with_a_data_handover():
    contract = ContractFactory(
        status=Contract.Status.ACTIVE,
        effective_date=date(2024, 10, 1),
        end_date=date(2025, 9, 30),
        data_handover_business_days=7,
        service_level=False,
    )
    derive_obligations(contract, today=date(2025, 9, 1))

    assert roll_contracts(today=date(2025, 9, 30)).expired == 0
    result = roll_contracts(today=date(2025, 10, 1))

    contract.refresh_from_db()
    assert result.expired == 1
    assert (contract.status, contract.expired_on) == (Contract.Status.EXPIRED, date(2025, 9, 30))
    assert contract.history.first().history_change_reason == "expire"
    [handover] = contract.obligations.all()
    assert (handover.kind, handover.starts_on, handover.due_date) == (
        Kind.DATA_HANDOVER,
        date(2025, 10, 1),
        date(2025, 10, 16),
    )


def test_an_auto_renewing_contract_with_a_notice_expires_at_the_end_of_the_term_the_notice_was_given_in():
    contract = auto_renewing(notice_given_on=date(2025, 11, 20))

    assert roll_contracts(today=date(2025, 12, 31)).expired == 0
    roll_contracts(today=date(2026, 1, 2))

    contract.refresh_from_db()
    assert (contract.status, contract.expired_on) == (Contract.Status.EXPIRED, date(2025, 12, 31))
    assert contract.obligations.get().kind == Kind.DATA_HANDOVER


def test_contracts_in_their_term_or_not_yet_signed_are_left_alone():
    # Without a service level (a contract with one owes its monthly SLA report, which the roll derives).
    in_term = ContractFactory(status=Contract.Status.ACTIVE, end_date=date(2026, 12, 31), service_level=False)
    draft = ContractFactory(
        status=Contract.Status.DRAFT, effective_date=date(2025, 1, 1), end_date=date(2025, 12, 31), service_level=False
    )

    result = roll_contracts(today=date(2026, 6, 1))

    assert (result.rolled, result.expired) == (0, 0)
    for contract in (in_term, draft):
        status, version = contract.status, contract.version
        contract.refresh_from_db()
        assert (contract.status, contract.version) == (status, version)
    assert not Obligation.objects.exists()


def test_the_daily_task_rolls_as_of_the_local_date():
    yesterday = timezone.localdate() - timedelta(days=1)
    contract = ContractFactory(
        status=Contract.Status.ACTIVE, effective_date=yesterday - timedelta(days=365), end_date=yesterday
    )

    assert roll_contracts_daily.apply().get() == {"rolled": 0, "expired": 1, "activated": 0, "terminated": 0}

    contract.refresh_from_db()
    assert (contract.status, contract.expired_on) == (Contract.Status.EXPIRED, yesterday)


def test_recompute_command_derives_one_contract_as_of_a_given_day():
    contract = auto_renewing()
    other = auto_renewing()
    out = StringIO()

    call_command("recompute_obligations", "--contract", contract.number, "--today", "2026-11-22", stdout=out)

    assert windows(contract) == [("term:2026-12-31", "open")]
    window = contract.obligations.get()
    assert (window.due_date, window.starts_on) == (date(2026, 12, 1), date(2026, 10, 2))
    assert not other.obligations.exists()
    assert "1 contract(s) as of 2026-11-22" in out.getvalue()


def test_recompute_command_for_all_contracts_rolls_expires_and_derives():
    auto_renewing()
    ending = ContractFactory(
        status=Contract.Status.ACTIVE, effective_date=date(2025, 1, 1), end_date=date(2025, 12, 31)
    )
    out = StringIO()

    call_command("recompute_obligations", "--today", "2026-01-05", stdout=out)
    call_command("recompute_obligations", "--today", "2026-01-05", stdout=out)

    ending.refresh_from_db()
    assert ending.status == Contract.Status.EXPIRED
    assert Obligation.objects.filter(kind=Kind.RENEWAL_WINDOW, key="term:2026-12-31").count() == 1
    assert out.getvalue().splitlines()[-1].endswith("obligations 0 created, 0 updated, 0 removed.")


def test_recompute_command_rejects_a_bad_date_and_an_unknown_contract():
    with pytest.raises(CommandError, match="--today"):
        call_command("recompute_obligations", "--today", "22/11/2026")
    with pytest.raises(CommandError, match="CLM-1999-0001"):
        call_command("recompute_obligations", "--contract", "CLM-1999-0001")


def test_the_roll_is_scheduled_every_day_at_half_past_midnight_company_time(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["contracts-roll-daily"]
    assert entry["task"] == roll_contracts_daily.name
    assert entry["schedule"] == crontab(hour=0, minute=30)
    assert settings.CELERY_TIMEZONE == settings.TIME_ZONE
