"""`GET contracts/{id}/history/` and `GET vendors/{id}/history/`: every change as who, when, what, why and each field's
old -> new value, stored and as read, in the language of the request, a page at a time."""

from datetime import date
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.services.clauses import clause_add_revision
from contracts.services.sharing import contract_share
from contracts.services.terms import contract_update
from tests.factories import make_credit_code
from vendors.services import certification_create, certification_update, vendor_create, vendor_update


def history(client, url, language="en", **params):
    response = client.get(url, params, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200, response.data
    return response.json()


def test_a_term_change_reads_as_old_and_new_values_in_english_and_chinese(world):
    # Given the owner changes the price cap and the notice period
    contract, owner = world.contract, world.users["owner"]
    contract.refresh_from_db()
    contract_update(
        contract=contract,
        by=owner,
        version=contract.version,
        price_increase_cap_pct=Decimal("10"),
        price_change_notice_days=30,
    )
    url = f"/api/v1/contracts/{contract.pk}/history/"

    # When an auditor reads the history
    body = history(world.client("auditor"), url)

    # Then the newest entry of the contract names who, what and why, with stored and readable values side by side
    entry = next(e for e in body["results"] if e["object"]["kind"] == "contract")
    assert entry["user"] == {"username": "owner", "name": "owner"}
    assert entry["object"] == {
        "kind": "contract",
        "kind_label": "Contract",
        "id": contract.pk,
        "label": contract.number,
    }
    assert (entry["action"], entry["reason"], entry["reason_label"]) == ("changed", "update", "Terms edited")
    changes = {c["field"]: c for c in entry["changes"]}
    assert changes["price_change_notice_days"] == {
        "field": "price_change_notice_days",
        "label": "Price-change notice (days)",
        "old": 90,
        "new": 30,
        "old_display": "90",
        "new_display": "30",
    }
    assert (changes["price_increase_cap_pct"]["old"], changes["price_increase_cap_pct"]["new_display"]) == (None, "10%")
    # And in Chinese the labels and values are the reader's
    chinese = next(
        e for e in history(world.client("auditor"), url, "zh-hans")["results"] if e["object"]["id"] == contract.pk
    )
    labels = {c["field"]: c["label"] for c in chinese["changes"]}
    assert labels["price_increase_cap_pct"] == "涨价上限（%）"
    assert chinese["reason_label"] == "合同信息已修改"


def test_the_history_lists_every_part_of_the_contract(world):
    body = history(world.client("viewer"), f"/api/v1/contracts/{world.contract.pk}/history/")

    kinds = {entry["object"]["kind"] for entry in body["results"]}
    assert {"contract", "share", "clause", "obligation", "pricechangenotice", "document"} <= kinds
    share = next(e for e in body["results"] if e["object"]["kind"] == "share")
    assert share["changes"][0]["field"] == "permission"


def test_pages_are_bounded_and_a_longer_history_costs_no_more_queries(world):
    contract, owner = world.contract, world.users["owner"]
    client = world.client("manager")
    url = f"/api/v1/contracts/{contract.pk}/history/"

    def edit_everything(round):
        contract.refresh_from_db()
        contract_update(contract=contract, by=owner, version=contract.version, title=f"第{round}版标题")
        clause_add_revision(clause=world.clause, by=owner, text=f"第{round}版条款", side="ours")
        contract_share(contract=contract, by=owner, user=world.users["other_staff"], permission="view")

    edit_everything(1)
    with CaptureQueriesContext(connection) as shorter:
        before = history(client, url, page_size=200)
    for round in range(2, 6):
        edit_everything(round)
    with CaptureQueriesContext(connection) as longer:
        after = history(client, url, page_size=200)

    assert after["count"] > before["count"] + 8
    assert len(longer.captured_queries) == len(shorter.captured_queries)
    first = history(client, url, page_size=3)
    assert len(first["results"]) == 3 and first["next"]
    assert history(client, url)["count"] == after["count"]


def test_a_page_past_the_end_is_404_and_a_bad_page_size_400(world):
    client = world.client("owner")
    url = f"/api/v1/contracts/{world.contract.pk}/history/"
    assert client.get(url, {"page": 99}).status_code == 404
    assert client.get(url, {"page_size": "x"}).status_code == 400


def test_a_hidden_contract_has_no_history(world):
    response = world.client("other_staff").get(f"/api/v1/contracts/{world.contract.pk}/history/")
    assert response.status_code == 404


def test_a_vendor_history_shows_the_vendor_and_its_certifications(world):
    buyer, vendor = world.users["owner"], world.vendor_without_contracts
    vendor_update(vendor=vendor, by=buyer, status="blocked", legal_representative="李四")
    certification = certification_create(
        vendor=vendor, by=buyer, kind="iso27001", number="ISMS-1", expires_on=date(2027, 2, 28)
    )
    certification_update(certification=certification, by=buyer, expires_on=date(2028, 2, 29))
    url = f"/api/v1/vendors/{vendor.pk}/history/"

    english = history(world.client("auditor"), url)["results"]
    renewed, added, edited = english[:3]
    assert renewed["object"]["label"] == "ISO/IEC 27001 information security"
    assert [(c["label"], c["old_display"], c["new_display"]) for c in renewed["changes"]] == [
        ("Expires on", "February 28, 2027", "February 29, 2028")
    ]
    assert (added["action"], added["object"]["kind"]) == ("created", "certification")
    status = next(c for c in edited["changes"] if c["field"] == "status")
    assert (status["old"], status["new"], status["old_display"], status["new_display"]) == (
        "active",
        "blocked",
        "Active",
        "Blocked",
    )
    chinese = history(world.client("auditor"), url, "zh-hans")["results"]
    assert [(c["old_display"], c["new_display"]) for c in chinese[0]["changes"]] == [("2027年2月28日", "2028年2月29日")]


def test_a_vendor_contact_added_and_changed_is_in_the_vendor_history(world):
    manager = world.users["manager"]
    vendor = vendor_create(
        by=manager,
        name="杭州示例呼叫中心有限公司",
        credit_code=make_credit_code(424242),
        contacts=[{"name": "王芳", "role": "客户经理", "email": "wf@example.com", "is_primary": True}],
    )
    contact = vendor.contacts.get()
    contact.role = "大客户经理"
    contact._history_user = manager
    contact.save()

    changed, created = history(world.client("viewer"), f"/api/v1/vendors/{vendor.pk}/history/")["results"][:2]
    assert (changed["object"]["kind"], changed["object"]["label"], changed["user"]["username"]) == (
        "vendorcontact",
        "王芳",
        "manager",
    )
    assert [(c["label"], c["old"], c["new"]) for c in changed["changes"]] == [("Role", "客户经理", "大客户经理")]
    assert (created["action"], created["user"]["username"]) == ("created", "manager")
    assert ("Primary contact", "Yes") in [(c["label"], c["new_display"]) for c in created["changes"]]


def test_an_unknown_vendor_has_no_history(world):
    assert world.client("manager").get("/api/v1/vendors/999999/history/").status_code == 404
