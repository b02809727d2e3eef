"""Dates outside the accepted range (rules.dates: 1990-01-01 to 2199-12-31, terms of 1 to 600 months) are field
errors everywhere a person enters one: 400 in the API, never a 500, and nothing is written."""

from datetime import date

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from contracts.models import Clause, Contract, PriceChangeNotice
from obligations.models import Obligation
from tests.factories import ClauseFactory, ContractFactory, ObligationFactory, UserFactory, VendorFactory

pytestmark = pytest.mark.django_db

S = Contract.Status
FAR = "9999-12-31"


@pytest.fixture
def manager():
    return UserFactory(username="manager", role=Role.PROCUREMENT_MANAGER)


@pytest.fixture
def api(manager):
    client = APIClient()
    client.force_authenticate(manager)
    return client


def contract_in(status, **fields):
    defaults = {"effective_date": date(2030, 1, 1), "end_date": date(2030, 12, 31)}
    return ContractFactory(status=status, **{**defaults, **fields})


def action(api, contract, name, body):
    return api.post(reverse(f"api:contract-{name}", args=[contract.pk]), body, format="json")


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        ({"effective_date": FAR}, "effective_date"),
        ({"effective_date": FAR, "initial_term_months": 600}, "effective_date"),
        ({"effective_date": "0999-06-01"}, "effective_date"),
        ({"effective_date": "2030-01-01", "end_date": FAR}, "end_date"),
        ({"effective_date": "2190-01-01", "initial_term_months": 600}, "initial_term_months"),
    ],
)
def test_creating_a_contract_with_a_date_out_of_range_is_a_field_error(api, terms, field):
    body = {"title": "坐席外包", "vendor": VendorFactory().pk, **terms}

    response = api.post(reverse("api:contract-list"), body, format="json")

    assert response.status_code == 400, response.content
    assert field in response.json()
    assert not Contract.objects.exists()


def test_a_contract_in_a_year_before_1000_after_another_is_a_field_error_not_a_crash(api):
    vendor = VendorFactory().pk
    for _ in range(2):
        response = api.post(
            reverse("api:contract-list"),
            {"title": "坐席外包", "vendor": vendor, "effective_date": "0999-06-01"},
            format="json",
        )
        assert response.status_code == 400


def test_editing_a_contract_to_a_date_out_of_range_is_a_field_error_and_changes_nothing(api):
    contract = contract_in(S.DRAFT)

    response = api.patch(
        reverse("api:contract-detail", args=[contract.pk]),
        {"effective_date": FAR, "initial_term_months": 600, "version": contract.version},
        format="json",
    )

    assert response.status_code == 400
    assert "effective_date" in response.json()
    contract.refresh_from_db()
    assert (contract.effective_date, contract.version) == (date(2030, 1, 1), 1)


@pytest.mark.parametrize(
    ("status", "name", "body"),
    [
        (S.DRAFT, "sign", {"date": FAR}),
        (S.SIGNED, "activate", {"date": FAR}),
        (S.ACTIVE, "non-renewal-notice", {"date": FAR}),
        (S.ACTIVE, "terminate", {"date": FAR, "reason": "服务质量不达标"}),
        (S.DRAFT, "sign", {"date": "1989-12-31"}),
    ],
)
def test_a_lifecycle_action_dated_out_of_range_is_a_field_error_and_changes_nothing(api, status, name, body):
    contract = contract_in(status, auto_renew=True)
    ClauseFactory(contract=contract, status=Clause.Status.AGREED)

    response = action(api, contract, name, body)

    assert response.status_code == 400, response.content
    assert "date" in response.json()
    contract.refresh_from_db()
    assert (contract.status, contract.version, contract.notice_given_on) == (status, 1, None)


def test_the_latest_accepted_date_is_accepted(api):
    contract = contract_in(S.DRAFT)

    response = action(api, contract, "sign", {"date": "2199-12-31"})

    assert response.status_code == 200
    assert response.json()["signed_on"] == "2199-12-31"


def test_renewing_past_the_last_accepted_date_is_a_field_error(api):
    contract = contract_in(S.ACTIVE, effective_date=date(2190, 1, 1), end_date=date(2199, 6, 30))

    response = action(api, contract, "renew", {"months": 600})

    assert response.status_code == 400
    assert "months" in response.json()
    contract.refresh_from_db()
    assert (contract.end_date, contract.version) == (date(2199, 6, 30), 1)


def test_renewing_a_contract_whose_stored_end_is_out_of_range_is_refused_not_a_crash(api):
    contract = contract_in(S.ACTIVE, end_date=date(9999, 12, 31))

    response = action(api, contract, "renew", {"months": 12})

    assert response.status_code == 400
    contract.refresh_from_db()
    assert contract.end_date == date(9999, 12, 31)


def test_a_price_change_notice_dated_out_of_range_is_a_field_error(api):
    contract = contract_in(S.ACTIVE)

    response = api.post(
        reverse("api:contract-price-change-notices", args=[contract.pk]),
        {"received_on": "2030-03-01", "effective_on": FAR, "increase_pct": "5"},
        format="json",
    )

    assert response.status_code == 400, response.content
    assert "effective_on" in response.json()
    assert not PriceChangeNotice.objects.exists()


def test_moving_an_obligation_out_of_range_is_a_field_error(api):
    obligation = ObligationFactory(contract=contract_in(S.ACTIVE))

    response = api.patch(reverse("api:obligation-detail", args=[obligation.pk]), {"due_date": FAR}, format="json")

    assert response.status_code == 400
    assert "due_date" in response.json()
    obligation.refresh_from_db()
    assert obligation.due_date == date(2026, 12, 15)
    assert Obligation.objects.filter(due_date__year=9999).count() == 0
