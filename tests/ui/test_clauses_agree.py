"""Agreeing clauses several at a time, and a refused signing that leads straight to the open clauses."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from rest_framework.test import APIClient

from contracts.models import Clause, Contract
from contracts.services.clauses import clauses_agree
from core.exceptions import StaleVersionError
from tests.factories import ClauseFactory, ContractFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def open_clauses(contract):
    return list(contract.clauses.order_by("order", "id"))


def statuses(contract):
    return list(contract.clauses.order_by("order", "id").values_list("status", flat=True))


def test_several_clauses_are_agreed_in_one_call(people, contract, open_clauses):
    agreed = clauses_agree(contract=contract, by=people["owner"], versions={c.pk: c.version for c in open_clauses})
    assert len(agreed) == len(open_clauses) >= 2
    assert set(statuses(contract)) == {Clause.Status.AGREED}


def test_one_stale_version_agrees_nothing(people, contract, open_clauses):
    versions = {c.pk: c.version for c in open_clauses}
    versions[open_clauses[-1].pk] -= 1
    before = statuses(contract)
    with pytest.raises(StaleVersionError):
        clauses_agree(contract=contract, by=people["owner"], versions=versions)
    assert statuses(contract) == before


def test_a_clause_of_another_contract_agrees_nothing(people, contract, open_clauses):
    stranger = ClauseFactory(contract=ContractFactory(number="CLM-2099-0001"))
    before = statuses(contract)
    versions = {c.pk: c.version for c in open_clauses} | {stranger.pk: stranger.version}
    with pytest.raises(ValidationError):
        clauses_agree(contract=contract, by=people["owner"], versions=versions)
    assert statuses(contract) == before
    assert Clause.objects.get(pk=stranger.pk).status == stranger.status


@pytest.mark.parametrize("who", ["auditor", "shared"])
def test_only_who_may_edit_clauses_agrees_them(people, contract, open_clauses, who):
    with pytest.raises(PermissionDenied):
        clauses_agree(contract=contract, by=people[who], versions={c.pk: c.version for c in open_clauses})
    assert Clause.Status.AGREED not in statuses(contract)


def test_agree_selected_on_the_clause_list(client, people, contract, open_clauses):
    client.force_login(people["legal"])
    page = client.get(f"/contracts/{contract.pk}/", {"tab": "clauses"}).content.decode()
    assert f'name="clause" value="{open_clauses[0].pk}:{open_clauses[0].version}"' in page
    assert "Agree selected" in page
    first = open_clauses[0]
    response = client.post(f"/contracts/{contract.pk}/clauses/agree/", {"clause": [f"{first.pk}:{first.version}"]})
    assert response.status_code == 302
    assert response["Location"].endswith("?tab=clauses")
    assert statuses(contract)[0] == Clause.Status.AGREED
    assert Clause.Status.AGREED not in statuses(contract)[1:]


@pytest.mark.parametrize("posted", [[], ["abc"], ["1:"], ["99999999999999999999:1"], ["１:1"]])
def test_agree_selected_refuses_garbage_without_writing(client, people, contract, open_clauses, posted):
    client.force_login(people["owner"])
    before = statuses(contract)
    response = client.post(f"/contracts/{contract.pk}/clauses/agree/", {"clause": posted}, follow=True)
    assert response.status_code == 200
    assert statuses(contract) == before
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_the_auditor_cannot_agree_clauses_on_the_page(client, people, contract, open_clauses):
    client.force_login(people["auditor"])
    first = open_clauses[0]
    response = client.post(f"/contracts/{contract.pk}/clauses/agree/", {"clause": [f"{first.pk}:{first.version}"]})
    assert response.status_code == 403
    assert Clause.Status.AGREED not in statuses(contract)


def test_a_refused_signing_links_to_the_open_clauses(client, people, contract, open_clauses):
    first = open_clauses[0]
    clauses_agree(contract=contract, by=people["owner"], versions={first.pk: first.version})
    client.force_login(people["owner"])
    response = client.post(f"/contracts/{contract.pk}/actions/sign/", {"date": "2026-01-01"}, follow=True)
    assert Contract.objects.get(pk=contract.pk).status == Contract.Status.DRAFT
    page = response.content.decode()
    link = f'href="/contracts/{contract.pk}/?tab=clauses&amp;clauses=open"'
    assert link in page and "Show the open clauses" in page

    open_tab = client.get(f"/contracts/{contract.pk}/", {"tab": "clauses", "clauses": "open"})
    assert [c.pk for c in open_tab.context["clauses"]] == [c.pk for c in open_clauses[1:]]


def test_the_api_lists_the_open_clause_ids_when_signing_is_refused(people, contract, open_clauses):
    api = APIClient()
    api.force_authenticate(people["owner"])
    response = api.post(f"/api/v1/contracts/{contract.pk}/sign/", {"date": "2026-01-01"}, format="json")
    assert response.status_code == 400
    assert response.data["code"] == "action_not_allowed"
    assert response.data["open_clauses"] == [c.pk for c in open_clauses]
