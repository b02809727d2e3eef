"""Amendment numbers under concurrency, on PostgreSQL with real transactions."""

import threading
from datetime import date

import pytest
from django.db import connections

from accounts.models import Role
from amendments.models import Amendment
from amendments.services import amendment_create
from tests.amendments.conftest import make_active_contract
from tests.factories import UserFactory


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_eight_amendments_proposed_at_once_get_eight_distinct_numbers():
    # Given an active contract and eight proposals of an amendment at the same moment
    manager = UserFactory(username="boss", role=Role.PROCUREMENT_MANAGER)
    contract = make_active_contract(manager)
    barrier = threading.Barrier(8)
    errors: list[Exception] = []
    numbers: list[str] = []

    def propose(n):
        try:
            barrier.wait(timeout=30)
            amendment = amendment_create(
                contract=contract,
                by=manager,
                title=f"补充协议 {n}",
                effective_on=date(2026, 6, 1),
                changes={"termination_notice_days": 31 + n},
            )
            numbers.append(amendment.number)
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=propose, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)

    # Then each got its own number, A1 to A8, with no gap
    assert errors == []
    assert sorted(numbers, key=lambda n: int(n.rsplit("A", 1)[1])) == [f"{contract.number}-A{n}" for n in range(1, 9)]
    assert Amendment.objects.filter(contract=contract).count() == 8
