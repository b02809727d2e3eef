"""A lifecycle action sent twice at the same moment applies once: the second answers 409 (the contract changed since
it was read) or 400 (the new state does not allow it), and nothing is applied twice.

These run on PostgreSQL with real, committed transactions and one connection per thread: row locks only mean
something there.
"""

import threading
from datetime import date

import pytest
from django.db import connections
from django.urls import reverse
from rest_framework.test import APIClient

import contracts.api.contract as contract_api
from accounts.models import Role
from contracts.models import Clause, Contract, PriceChangeNotice
from tests.factories import ClauseFactory, ContractFactory, UserFactory

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]

S = Contract.Status


@pytest.fixture
def manager():
    return UserFactory(username="manager", role=Role.PROCUREMENT_MANAGER)


def at_once(requests: list, *, after_read: bool = False, monkeypatch=None) -> list[int]:
    """Send the requests from parallel threads; return their status codes, sorted.

    With `after_read`, every request has read the contract before any of them goes on to the action (the window a
    second click or a retried request hits)."""
    barrier = threading.Barrier(len(requests))
    if after_read:
        read = contract_api.access_contract

        def read_then_wait(*args, **kwargs):
            contract = read(*args, **kwargs)
            barrier.wait(timeout=30)
            return contract

        monkeypatch.setattr(contract_api, "access_contract", read_then_wait)
    codes: list[int] = []
    errors: list[Exception] = []

    def send(request):
        try:
            if not after_read:
                barrier.wait(timeout=30)
            codes.append(request().status_code)
        except Exception as error:  # surfaced below
            errors.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=send, args=(request,)) for request in requests]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert errors == []
    return sorted(codes)


def poster(user, url, body):
    def post():
        client = APIClient()
        client.force_authenticate(user)
        return client.post(url, body, format="json")

    return post


def test_two_renewals_sent_at_once_without_a_version_extend_the_term_once(manager, monkeypatch):
    contract = ContractFactory(status=S.ACTIVE, effective_date=date(2030, 1, 1), end_date=date(2030, 12, 31))
    url = reverse("api:contract-renew", args=[contract.pk])

    codes = at_once([poster(manager, url, {"months": 12})] * 2, after_read=True, monkeypatch=monkeypatch)

    assert codes == [200, 409]
    contract.refresh_from_db()
    assert (contract.end_date, contract.version) == (date(2031, 12, 31), 2)
    assert contract.history.filter(history_change_reason="renew").count() == 1


def test_two_renewals_sent_at_once_with_the_version_read_extend_the_term_once(manager):
    contract = ContractFactory(status=S.ACTIVE, effective_date=date(2030, 1, 1), end_date=date(2030, 12, 31))
    url = reverse("api:contract-renew", args=[contract.pk])

    codes = at_once([poster(manager, url, {"months": 12, "version": 1})] * 2)

    assert codes == [200, 409]
    contract.refresh_from_db()
    assert (contract.end_date, contract.version) == (date(2031, 12, 31), 2)


@pytest.mark.parametrize(
    ("status", "name", "body", "after", "reason"),
    [
        (S.DRAFT, "start-negotiation", {}, S.NEGOTIATING, "start negotiation"),
        (S.NEGOTIATING, "sign", {"date": "2030-01-01"}, S.SIGNED, "sign"),
        # Past dates: a future activation or termination would be scheduled, not applied (PRODUCT.md section 18)
        (S.SIGNED, "activate", {"date": "2026-01-01"}, S.ACTIVE, "activate"),
        (S.ACTIVE, "non-renewal-notice", {"date": "2030-06-01"}, S.ACTIVE, "non-renewal notice"),
        (S.ACTIVE, "terminate", {"date": "2026-06-01", "reason": "服务不达标"}, S.TERMINATED, "terminate"),
    ],
)
def test_every_lifecycle_action_sent_twice_at_once_applies_once(
    manager, monkeypatch, status, name, body, after, reason
):
    contract = ContractFactory(
        status=status, effective_date=date(2030, 1, 1), end_date=date(2030, 12, 31), auto_renew=True
    )
    ClauseFactory(contract=contract, status=Clause.Status.AGREED)
    url = reverse(f"api:contract-{name}", args=[contract.pk])

    codes = at_once([poster(manager, url, body)] * 2, after_read=True, monkeypatch=monkeypatch)

    assert codes[0] == 200 and codes[1] in (400, 409)
    contract.refresh_from_db()
    assert (contract.status, contract.version) == (after, 2)
    assert contract.history.filter(history_change_reason=reason).count() == 1


def test_a_price_change_notice_sent_twice_at_once_is_recorded_once(manager):
    contract = ContractFactory(status=S.ACTIVE, effective_date=date(2030, 1, 1), end_date=date(2030, 12, 31))
    url = reverse("api:contract-price-change-notices", args=[contract.pk])
    body = {"received_on": "2030-03-01", "effective_on": "2030-06-01", "increase_pct": "5"}

    codes = at_once([poster(manager, url, body)] * 2)

    assert codes == [201, 400]
    assert PriceChangeNotice.objects.filter(contract=contract).count() == 1
