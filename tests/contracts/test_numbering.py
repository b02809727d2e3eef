"""Contract numbers (CLM-YYYY-NNNN): drawn from a locked counter per year, so contracts created at the same moment
get distinct numbers; a number given by hand that is taken is a field error; other integrity errors are not
disguised as one."""

import threading
from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connections

from contracts.models import Contract, ContractNumberCounter
from contracts.services.terms import contract_create
from tests.factories import ContractFactory, UserFactory, VendorFactory


@pytest.fixture
def buyer():
    return UserFactory(username="buyer", role="procurement_staff")


@pytest.fixture
def vendor():
    return VendorFactory()


def create(buyer, vendor, **fields):
    fields.setdefault("title", "坐席外包")
    return contract_create(by=buyer, vendor=vendor, **fields)


@pytest.mark.django_db
def test_the_counter_starts_after_the_highest_number_already_used_in_the_year(buyer, vendor):
    ContractFactory(number="CLM-2031-0007")
    ContractFactory(number="CLM-2030-0042")

    contract = create(buyer, vendor, effective_date=date(2031, 3, 1))

    assert contract.number == "CLM-2031-0008"
    assert ContractNumberCounter.objects.get(year=2031).last == 8


@pytest.mark.django_db
def test_a_number_given_by_hand_ahead_of_the_counter_is_skipped(buyer, vendor):
    create(buyer, vendor, effective_date=date(2031, 1, 1))
    create(buyer, vendor, effective_date=date(2031, 1, 1), number="CLM-2031-0002")

    third = create(buyer, vendor, effective_date=date(2031, 1, 1))

    assert third.number == "CLM-2031-0003"


@pytest.mark.django_db
def test_a_number_given_by_hand_that_is_taken_is_a_field_error_and_nothing_is_created(buyer, vendor):
    first = create(buyer, vendor, effective_date=date(2031, 1, 1))

    with pytest.raises(ValidationError) as refusal:
        create(buyer, vendor, effective_date=date(2031, 1, 1), number=first.number)

    assert "number" in refusal.value.message_dict
    assert Contract.objects.count() == 1


@pytest.mark.django_db
def test_an_integrity_error_other_than_a_taken_number_is_not_reported_as_one(buyer, vendor, monkeypatch):
    def refuse(self, *args, **kwargs):
        raise IntegrityError("some other constraint")

    monkeypatch.setattr(Contract, "save", refuse)

    with pytest.raises(IntegrityError):
        create(buyer, vendor, effective_date=date(2031, 1, 1), number="CLM-2031-0500")


@pytest.mark.django_db
def test_an_integrity_error_with_an_automatic_number_propagates_instead_of_leaving_an_unsaved_contract(
    buyer, vendor, monkeypatch
):
    def refuse(self, *args, **kwargs):
        raise IntegrityError("some other constraint")

    monkeypatch.setattr(Contract, "save", refuse)

    with pytest.raises(IntegrityError):
        create(buyer, vendor, effective_date=date(2031, 1, 1))


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_ten_contracts_created_at_once_in_one_year_get_ten_distinct_numbers():
    # Given a year that already has a contract, and ten people who create a contract in it at the same moment
    buyer = UserFactory(username="buyer", role="procurement_staff")
    vendor = VendorFactory()
    ContractFactory(number="CLM-2031-0001")
    barrier = threading.Barrier(10)
    errors: list[Exception] = []
    numbers: list[str] = []

    def create_one(n):
        try:
            barrier.wait(timeout=30)
            numbers.append(create(buyer, vendor, title=f"合同 {n}", effective_date=date(2031, 6, 1)).number)
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=create_one, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    # Then every one was created, each with its own number following the one already used
    assert errors == []
    assert sorted(numbers) == [f"CLM-2031-{n:04d}" for n in range(2, 12)]
    assert Contract.objects.filter(number__startswith="CLM-2031-").count() == 11
