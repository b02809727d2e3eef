"""The review where people meet it: the API, the Review tab, the sign dialog, the register and the dashboard."""

from datetime import date

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Role
from contracts.lifecycle.actions import contract_start_negotiation
from contracts.models import Clause, Contract
from contracts.services.terms import contract_create
from pdf.document import contract_document_html
from review.models import Finding
from review.services import review_contracts
from tests.factories import ContractFactory, UserFactory, VendorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _fast_passwords(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people():
    return {
        "buyer": UserFactory(username="buyer", role=Role.PROCUREMENT_STAFF),
        "manager": UserFactory(username="boss", role=Role.PROCUREMENT_MANAGER),
        "legal": UserFactory(username="counsel", role=Role.LEGAL),
        "auditor": UserFactory(username="audit", role=Role.AUDITOR),
    }


@pytest.fixture
def contract(people):
    """In negotiation, with no price cap: one open high finding."""
    made = contract_create(
        by=people["buyer"],
        title="在线客服外包合同",
        vendor=VendorFactory(),
        category="cs_outsourcing",
        effective_date=date(2035, 1, 1),
        sla_targets=[{"metric": "接通率", "kind": "answer_rate", "comparator": ">=", "target": 90, "credit_pct": 3}],
    )
    return contract_start_negotiation(contract=made, by=people["buyer"])


def api(user) -> APIClient:
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


def test_the_api_lists_findings_with_counts_in_the_readers_language(people, contract):
    response = api(people["auditor"]).get(f"/api/v1/contracts/{contract.pk}/review/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 200
    body = response.json()
    assert body["counts"]["high"] == 1
    assert set(body["counts"]) == {"high", "medium", "low"}
    [cap] = [f for f in body["findings"] if f["rule"] == "price_cap_missing"]
    assert cap["severity"] == "high" and cap["field"] == "price_increase_cap_pct" and cap["status"] == "open"
    assert cap["suggested_template"] == "price-adjustment-notice-cap-exit"
    assert "cap on increases" in cap["message"]


def test_legal_accepts_over_the_api_and_the_finding_shows_who_and_why(people, contract):
    url = f"/api/v1/contracts/{contract.pk}/review/accept/"

    response = api(people["legal"]).post(url, {"rule": "price_cap_missing", "reason": "唯一供应商"}, format="json")

    assert response.status_code == 200
    assert (response.json()["status"], response.json()["accepted_by"]) == ("accepted", "counsel")
    counts = api(people["buyer"]).get(f"/api/v1/contracts/{contract.pk}/review/").json()["counts"]
    assert counts["high"] == 0


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"rule": "no_such_rule", "reason": "x"}, "rule"),
        ({"rule": "sla_missing", "reason": "x"}, "rule"),
        ({"rule": "price_cap_missing"}, "reason"),
        ({"rule": "price_cap_missing", "reason": ""}, "reason"),
    ],
)
def test_a_bad_acceptance_is_a_400_with_the_field_and_changes_nothing(people, contract, body, field):
    before = list(Finding.objects.values())

    response = api(people["manager"]).post(f"/api/v1/contracts/{contract.pk}/review/accept/", body, format="json")

    assert response.status_code == 400
    assert field in response.json()
    assert list(Finding.objects.values()) == before


def test_the_api_refuses_to_sign_past_an_open_high_finding_and_lists_it(people, contract):
    response = api(people["buyer"]).post(f"/api/v1/contracts/{contract.pk}/sign/", {"date": "2035-01-01"})

    assert response.status_code == 400
    assert response.json()["open_findings"] == ["price_cap_missing"]
    assert Contract.objects.get(pk=contract.pk).status == Contract.Status.NEGOTIATING


def test_the_api_signs_and_accepts_in_one_step_for_a_manager_only(people, contract):
    body = {"date": "2035-01-01", "accept_findings": True, "reason": "框架协议约束价格"}
    url = f"/api/v1/contracts/{contract.pk}/sign/"

    assert api(people["buyer"]).post(url, body, format="json").status_code == 403
    assert Contract.objects.get(pk=contract.pk).status == Contract.Status.NEGOTIATING
    no_reason = api(people["manager"]).post(url, {**body, "reason": ""}, format="json")
    assert no_reason.status_code == 400 and "reason" in no_reason.json()

    response = api(people["manager"]).post(url, body, format="json")

    assert response.status_code == 200 and response.json()["status"] == "signed"
    assert Finding.objects.get(contract=contract, rule="price_cap_missing").accepted_reason == "框架协议约束价格"


# Pages ------------------------------------------------------------------------------------------------------------


def test_the_review_tab_shows_each_finding_and_the_accept_form_to_a_manager_only(client, people, contract):
    client.force_login(people["manager"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # pages follow the user's saved language, not Accept-Language
    page = client.get(reverse("contracts:detail", args=[contract.pk]), {"tab": "review"})
    html = page.content.decode()

    assert "No cap on price increases" in html
    assert 'data-rule="price_cap_missing" data-status="open"' in html
    assert reverse("review:accept", args=[contract.pk]) in html
    assert "1 open high finding" in html  # the header

    client.force_login(people["auditor"])
    html = client.get(reverse("contracts:detail", args=[contract.pk]), {"tab": "review"}).content.decode()
    assert 'data-rule="price_cap_missing"' in html
    assert reverse("review:accept", args=[contract.pk]) not in html
    assert reverse("review:add_clause", args=[contract.pk]) not in html


def test_accepting_on_the_page_shows_who_accepted_and_why(client, people, contract):
    client.force_login(people["legal"])

    response = client.post(
        reverse("review:accept", args=[contract.pk]), {"rule": "price_cap_missing", "reason": "唯一来源采购"}
    )

    assert response.status_code == 302
    html = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'data-rule="price_cap_missing" data-status="accepted"' in html
    assert "唯一来源采购" in html


def test_a_page_acceptance_without_a_reason_is_refused(client, people, contract):
    client.force_login(people["manager"])

    client.post(reverse("review:accept", args=[contract.pk]), {"rule": "price_cap_missing", "reason": ""})

    assert Finding.objects.get(contract=contract, rule="price_cap_missing").status == "open"


def test_one_click_adds_the_suggested_clause_with_the_contracts_values(client, people, contract):
    Contract.objects.filter(pk=contract.pk).update(price_change_notice_days=120)
    client.force_login(people["buyer"])

    response = client.post(
        reverse("review:add_clause", args=[contract.pk]),
        {"template": "price-adjustment-notice-cap-exit"},
        HTTP_ACCEPT_LANGUAGE="en",
    )

    assert response.status_code == 302
    clause = Clause.objects.get(contract=contract, template__code="price-adjustment-notice-cap-exit")
    # In the buyer's language (Chinese), with this contract's notice and no cap agreed yet.
    assert "至少提前120日书面通知" in clause.text
    with translation.override("zh-hans"):
        assert f"累计涨幅不得超过{gettext('[to be agreed]')}%" in clause.text
    assert clause.follows_terms and clause.status == "draft"


def test_an_unknown_template_adds_nothing(client, people, contract):
    client.force_login(people["buyer"])

    client.post(reverse("review:add_clause", args=[contract.pk]), {"template": "no-such-template"})

    assert not contract.clauses.exists()


def test_the_sign_dialog_refuses_a_buyer_and_lets_a_manager_accept_and_sign(client, people, contract):
    url = reverse("contracts:action", args=[contract.pk, "sign"])
    client.force_login(people["buyer"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # pages follow the user's saved language, not Accept-Language
    page = client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    assert "cannot be signed until it is fixed or accepted" in page
    assert 'name="accept_findings"' not in page

    client.post(url, {"date": "2035-01-01", "version": contract.version})
    assert Contract.objects.get(pk=contract.pk).status == Contract.Status.NEGOTIATING

    client.force_login(people["manager"])
    page = client.get(reverse("contracts:detail", args=[contract.pk])).content.decode()
    assert 'name="accept_findings"' in page
    client.post(url, {"date": "2035-01-01", "version": contract.version, "accept_findings": "on", "reason": "已批准"})
    assert Contract.objects.get(pk=contract.pk).status == Contract.Status.SIGNED


def test_the_admin_sign_action_is_held_by_the_gate_too(client, contract):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(admin)

    client.post(
        reverse("admin:contracts_contract_changelist"),
        {"action": "sign_today", "_selected_action": [contract.pk]},
    )

    assert Contract.objects.get(pk=contract.pk).status == Contract.Status.NEGOTIATING


def test_the_register_filters_and_counts_open_high_findings_from_stored_counts(
    client, people, contract, django_assert_max_num_queries
):
    clean = ContractFactory(owner=people["buyer"], title="合规合同")
    risky = [ContractFactory(owner=people["buyer"], price_increase_cap_pct=None) for _ in range(12)]
    review_contracts([clean.pk, *[c.pk for c in risky]])
    client.force_login(people["buyer"])

    with django_assert_max_num_queries(12):
        response = client.get(reverse("contracts:list"), {"review": "high"})

    shown = {c.pk: c.open_high for c in response.context["contracts"]}
    assert clean.pk not in shown
    assert contract.pk in shown and all(c.pk in shown for c in risky)
    assert set(shown.values()) == {1}
    all_rows = client.get(reverse("contracts:list")).context["contracts"]
    assert {c.pk: c.open_high for c in all_rows}[clean.pk] == 0


def test_the_register_query_count_does_not_grow_with_the_rows(client, people, django_assert_num_queries):
    for _ in range(3):
        ContractFactory(owner=people["buyer"], price_increase_cap_pct=None)
    review_contracts(Contract.objects.values_list("pk", flat=True))
    client.force_login(people["buyer"])
    client.get(reverse("contracts:list"), {"review": "high"})

    with CaptureQueriesContext(connection) as few:
        client.get(reverse("contracts:list"), {"review": "high"})
    for _ in range(15):
        ContractFactory(owner=people["buyer"], price_increase_cap_pct=None)
    review_contracts(Contract.objects.values_list("pk", flat=True))
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("contracts:list"), {"review": "high"})


def test_the_api_contract_list_filters_review_high(people, contract):
    clean = ContractFactory(owner=people["buyer"])
    review_contracts([clean.pk])

    rows = api(people["buyer"]).get("/api/v1/contracts/", {"review": "high"}).json()["results"]

    assert [r["id"] for r in rows] == [contract.pk]
    assert api(people["buyer"]).get("/api/v1/contracts/", {"review": "bogus"}).status_code == 400


def test_the_dashboard_counts_contracts_with_open_high_findings(client, people, contract):
    client.force_login(people["manager"])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # pages follow the user's saved language, not Accept-Language

    response = client.get(reverse("dashboard"))

    assert response.context["review_high"] == 1
    assert "Contracts with open high findings" in response.content.decode()


def test_the_vendor_facing_pdf_prints_no_finding(people, contract):
    # Given a contract with findings, one of them accepted with an internal reason
    from review.services import finding_accept

    finding_accept(contract=contract, by=people["legal"], rule="price_cap_missing", reason="内部理由不可外泄")
    assert Finding.objects.filter(contract=contract).count() > 1

    # When the document sent to the vendor is made, in either language
    documents = [
        contract_document_html(Contract.objects.get(pk=contract.pk), language=language)
        for language in ("en", "zh-hans")
    ]

    # Then it says nothing of the review
    for html in documents:
        assert "内部理由不可外泄" not in html
        # (The terms themselves say that no cap was agreed; the review's words about it are not there.)
        assert "Nothing limits how much the vendor may raise prices" not in html and "price_cap_missing" not in html
        assert "Review" not in html and "审查" not in html
