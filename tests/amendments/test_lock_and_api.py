"""The lock on a signed contract and amendments over the API and the pages."""

from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from amendments.models import Amendment
from contracts.forms import ContractForm
from contracts.models import Contract
from contracts.services.terms import contract_update

pytestmark = pytest.mark.django_db


def api(user) -> APIClient:
    client = APIClient(HTTP_ACCEPT_LANGUAGE="en")
    token, _ = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_a_patch_of_a_signed_contracts_term_is_refused_and_changes_nothing(contract, people):
    # Given an active contract with a 5% price cap and 90 days' price-change notice
    before = Contract.objects.filter(pk=contract.pk).values().get()
    history = contract.history.count()

    # When its owner raises the cap and shortens the notice directly
    response = api(people["owner"]).patch(
        f"/api/v1/contracts/{contract.pk}/",
        {"price_increase_cap_pct": "10", "price_change_notice_days": 30, "version": contract.version},
        format="json",
    )

    # Then the API refuses with a message naming the amendment route, and nothing changed
    assert response.status_code == 400
    assert set(response.data) == {"price_increase_cap_pct", "price_change_notice_days"}
    assert f"/api/v1/contracts/{contract.pk}/amendments/" in str(response.data["price_change_notice_days"][0])
    assert Contract.objects.filter(pk=contract.pk).values().get() == before
    assert contract.history.count() == history


def test_sla_and_fee_rows_and_agreed_clauses_of_a_signed_contract_are_locked(contract, clause, people):
    client = api(people["owner"])
    rows = client.patch(
        f"/api/v1/contracts/{contract.pk}/",
        {"sla_targets": [{"metric": "接通率", "comparator": ">=", "target": "80", "unit": "%"}], "version": 1},
        format="json",
    )
    reworded = client.post(
        f"/api/v1/clauses/{clause.pk}/revisions/", {"text": "接通率不低于80%。", "side": "vendor"}, format="json"
    )
    added = client.post(
        f"/api/v1/contracts/{contract.pk}/clauses/",
        {"category": "other", "title": "新", "text": "新条款"},
        format="json",
    )

    assert (rows.status_code, reworded.status_code, added.status_code) == (400, 400, 400)
    assert [str(t.target) for t in contract.sla_targets.all()] == ["95.000"]
    clause.refresh_from_db()
    assert clause.text == "接通率不低于95%。"


def test_notes_and_the_owner_stay_editable_and_unchanged_terms_may_be_resent(contract, people):
    saved = contract_update(
        contract=contract,
        by=people["owner"],
        version=contract.version,
        notes="季度评审已安排",
        price_change_notice_days=90,
        owner=people["editor"],
    )
    assert (saved.notes, saved.owner) == ("季度评审已安排", people["editor"])


def test_the_edit_page_of_a_signed_contract_offers_notes_and_owner_and_shows_the_refusal(client, contract, people):
    client.force_login(people["owner"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # a signed-in user's own language outranks Accept-Language
    page = client.get(reverse("contracts:edit", args=[contract.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert page.status_code == 200
    assert set(page.context["form"].fields) == {"owner", "notes", "version"}

    # A full form of the terms (opened before signing) posting a changed notice period is refused on the page
    form = ContractForm(instance=contract)
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "vendor": contract.vendor_id,
            "owner": contract.owner_id,
            "price_change_notice_days": 30,
            "auto_renew": "",
            "sla-TOTAL_FORMS": 0,
            "sla-INITIAL_FORMS": 0,
            "fee-TOTAL_FORMS": 0,
            "fee-INITIAL_FORMS": 0,
        }
    )
    data = {k: v for k, v in data.items() if v != ""}
    response = client.post(reverse("contracts:edit", args=[contract.pk]), data, HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    assert "change only through an amendment" in " ".join(response.context["form"].errors["price_change_notice_days"])
    contract.refresh_from_db()
    assert contract.price_change_notice_days == 90


def test_an_amendment_over_the_api_from_proposal_to_in_force(contract, people, monkeypatch):
    # Given the owner proposes an amendment for a later day
    created = api(people["owner"]).post(
        f"/api/v1/contracts/{contract.pk}/amendments/",
        {
            "title": "调整调价通知期",
            "effective_on": "2026-09-01",
            "changes": {"price_change_notice_days": 60, "fee_items": [{"kind": "坐席费", "unit_price": "5500"}]},
        },
        format="json",
    )
    assert created.status_code == 201, created.data
    assert (created.data["number"], created.data["status"]) == (f"{contract.number}-A1", "draft")
    pk = created.data["id"]

    # When the owner tries to approve it, then a manager does
    assert api(people["owner"]).post(f"/api/v1/amendments/{pk}/approve/").status_code == 403
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *a: date(2026, 8, 1))
    approved = api(people["manager"]).post(f"/api/v1/amendments/{pk}/approve/")

    # Then it waits for its day, and is listed with the contract
    assert approved.status_code == 200 and approved.data["status"] == "approved"
    listed = api(people["reader"]).get(f"/api/v1/contracts/{contract.pk}/amendments/")
    assert [row["number"] for row in listed.data["results"]] == [f"{contract.number}-A1"]
    # And a second approval is refused with the reason
    again = api(people["manager"]).post(f"/api/v1/amendments/{pk}/approve/")
    assert again.status_code == 400


def test_bad_amendment_input_is_a_400_with_field_errors(contract, people):
    client = api(people["owner"])
    url = f"/api/v1/contracts/{contract.pk}/amendments/"
    unknown = client.post(url, {"title": "x", "effective_on": "2026-09-01", "changes": {"vendor": 1}}, format="json")
    wrong = client.post(
        url, {"title": "x", "effective_on": "2026-09-01", "changes": {"price_increase_cap_pct": "abc"}}, format="json"
    )
    clause = client.post(
        url,
        {"title": "x", "effective_on": "2026-09-01", "clauses": [{"id": 999999, "title": "t", "text": "t"}]},
        format="json",
    )
    assert (unknown.status_code, wrong.status_code, clause.status_code) == (400, 400, 400)
    assert "changes" in unknown.data and "changes" in wrong.data and "clauses" in clause.data
    assert not Amendment.objects.exists()


def test_the_amendment_pages_propose_and_approve(client, contract, people):
    client.force_login(people["owner"])
    tab = client.get(reverse("contracts:detail", args=[contract.pk]), {"tab": "amendments"})
    assert reverse("amendments:create", args=[contract.pk]) in tab.content.decode()

    amendment = Amendment.objects.create(
        contract=contract,
        sequence=1,
        number=f"{contract.number}-A1",
        title="调整终止通知期",
        effective_on=date(2026, 3, 1),
        changes={"termination_notice_days": 60},
        created_by=people["owner"],
    )
    page = client.get(reverse("amendments:detail", args=[amendment.pk]), HTTP_ACCEPT_LANGUAGE="en")
    assert [(r.old, r.new) for r in page.context["changes"]] == [(["30"], ["60"])]
    assert not page.context["can_approve"]

    client.force_login(people["manager"])
    response = client.post(reverse("amendments:action", args=[amendment.pk, "approve"]), {"version": 1})
    assert response.status_code == 302
    contract.refresh_from_db()
    assert contract.termination_notice_days == 60


def test_the_admin_obeys_the_lock(client, contract, people):
    from django.contrib.auth import get_user_model

    from tests.test_admin import contract_post_data

    admin = get_user_model().objects.create_superuser("root", "root@example.com", "pw-for-tests-2026")
    client.force_login(admin)
    data = contract_post_data(
        contract.vendor,
        contract.owner,
        number=contract.number,
        title=contract.title,
        category=contract.category,
        effective_date="2026-01-01",
        end_date="2027-12-31",
        initial_term_months=24,
        fee_model=contract.fee_model,
        data_storage_location="",
        price_change_notice_days=30,
        expected_version=contract.version,
    )
    before = Contract.objects.filter(pk=contract.pk).values().get()

    response = client.post(reverse("admin:contracts_contract_change", args=[contract.pk]), data)

    assert response.status_code == 200
    form = response.context["adminform"].form
    assert form.errors
    assert Contract.objects.filter(pk=contract.pk).values().get() == before
