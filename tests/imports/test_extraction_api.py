"""Reading a signed contract over the API: upload -> proposal with sources -> draft contract, and what is refused."""

from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Role
from contracts.models import Clause, ClauseRevision, Contract, Document
from core.history import reason_label
from imports.models import Extraction
from tests.factories import UserFactory, VendorFactory
from vendors.models import Vendor

CORPUS = Path(__file__).resolve().parent.parent / "extraction" / "corpus"
DOCX = CORPUS / "c01_callcenter_software_zh" / "contract.docx"
PDF = CORPUS / "c05_bpo_en_pdf" / "contract.pdf"
SCAN = CORPUS / "c12_scanned_zh" / "contract.pdf"

pytestmark = pytest.mark.django_db


def client_for(user) -> APIClient:
    client = APIClient()
    token, _created = Token.objects.get_or_create(user=user)
    client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}", HTTP_ACCEPT_LANGUAGE="en")
    return client


@pytest.fixture
def buyer():
    return UserFactory(username="buyer", role=Role.PROCUREMENT_STAFF)


def upload(client, path: Path, name: str | None = None):
    file = SimpleUploadedFile(name or path.name, path.read_bytes())
    return client.post("/api/v1/extractions/", {"file": file}, format="multipart")


def test_a_word_contract_is_read_into_fields_with_their_source_sentences(buyer):
    # Given a signed Word contract (simplified Chinese, fee and SLA tables)
    client = client_for(buyer)

    # When it is uploaded
    response = upload(client, DOCX, "云呼叫中心合同.docx")

    # Then the answer is the proposal: each value with the sentence it came from, in the document's text
    assert response.status_code == 201, response.data
    data = response.data
    assert data["fields"]["effective_date"]["value"] == "2026-03-01"
    assert data["fields"]["price_change_notice_days"]["value"] == 90
    assert data["fields"]["contract_value"]["value"] == "360000.00"
    start, end = data["fields"]["contract_value"]["span"]
    assert data["text"][start:end] == data["fields"]["contract_value"]["source"]
    assert data["vendor"] == {
        "name": "上海声联智能科技有限公司",
        "credit_code": "91310115MA1K4PQ3XD",
        "registered": None,
    }
    assert data["not_found"] == ["trial_period_months"]
    assert data["fields"]["trial_period_months"] == {"value": None, "source": None, "span": None, "note": None}
    assert {"category": "scope", "title": "服务内容"}.items() <= data["clauses"][0].items()
    assert len(data["sla_targets"]) >= 2 and len(data["fee_items"]) == 2
    # And reading it again answers the same
    again = client.get(f"/api/v1/extractions/{data['id']}/")
    assert again.status_code == 200
    assert again.data == data


def test_a_pdf_with_a_text_layer_round_trips_into_a_draft_contract(buyer):
    # Given an English PDF contract read by clm
    client = client_for(buyer)
    read = upload(client, PDF)
    assert read.status_code == 201, read.data

    # When the draft is created without changes
    response = client.post(f"/api/v1/extractions/{read.data['id']}/create-contract/", {}, format="json")

    # Then it holds the terms read, a newly registered vendor, the clauses and the file
    assert response.status_code == 201, response.data
    contract = Contract.objects.get(pk=response.data["id"])
    assert contract.status == Contract.Status.DRAFT and contract.owner == buyer
    assert str(contract.effective_date) == "2026-04-01" and str(contract.end_date) == "2027-03-31"
    assert contract.data_handover_business_days == 10 and contract.trial_period_months == 3
    assert contract.vendor.credit_code == "91500000MA5U7GQ4DB"
    assert contract.vendor.name == "Chongqing Harbor BPO Services Co., Ltd."
    assert contract.clauses.count() == len(read.data["clauses"])
    document = contract.documents.get()
    assert document.kind == Document.Kind.SIGNED_SCAN and document.original_name == "contract.pdf"
    assert document.size == PDF.stat().st_size
    # And the extraction remembers the contract made from it
    assert client.get(f"/api/v1/extractions/{read.data['id']}/").data["contract"] == contract.pk


def test_create_contract_makes_vendor_contract_clauses_and_document_with_history_naming_the_file(buyer):
    client = client_for(buyer)
    read = upload(client, DOCX, "声联合同.docx")

    response = client.post(f"/api/v1/extractions/{read.data['id']}/create-contract/", {}, format="json")

    assert response.status_code == 201, response.data
    contract = Contract.objects.get(pk=response.data["id"])
    vendor = Vendor.objects.get(credit_code="91310115MA1K4PQ3XD")
    assert contract.vendor == vendor and vendor.name == "上海声联智能科技有限公司"
    # Clauses are the vendor's signed wording, agreed
    first = contract.clauses.order_by("order").first()
    assert (first.title, first.category, first.status) == ("服务内容", "scope", Clause.Status.AGREED)
    revision = first.revisions.get()
    assert revision.side == ClauseRevision.Side.VENDOR and revision.author == buyer
    # SLA targets and fee items as read
    assert contract.fee_items.count() == 2 and contract.sla_targets.count() >= 2
    # The history says which file the contract came from, and who
    created = contract.history.last()
    assert created.history_change_reason == "read from file: 声联合同.docx" and created.history_user == buyer
    assert vendor.history.last().history_change_reason == "read from file: 声联合同.docx"
    with translation.override("en"):
        assert reason_label(created.history_change_reason) == "Created from the file 声联合同.docx"
    # And a second draft from the same file is refused
    again = client.post(f"/api/v1/extractions/{read.data['id']}/create-contract/", {}, format="json")
    assert again.status_code == 400 and again.data["code"] == "action_not_allowed"
    assert Contract.objects.count() == 1


def test_overrides_win_over_what_was_read_and_a_registered_vendor_is_matched_by_credit_code(buyer):
    # Given the vendor is already registered (another name), and the user corrects two terms and the fee rows
    registered = VendorFactory(name="声联（已登记）", credit_code="91310115MA1K4PQ3XD")
    client = client_for(buyer)
    read = upload(client, DOCX)
    assert read.data["vendor"]["registered"] == registered.pk

    response = client.post(
        f"/api/v1/extractions/{read.data['id']}/create-contract/",
        {
            "title": "改过的标题",
            "price_change_notice_days": 60,
            "fee_items": [{"kind": "坐席费", "unit_price": "450.00", "unit": "坐席/月", "quantity": "40"}],
        },
        format="json",
    )

    assert response.status_code == 201, response.data
    contract = Contract.objects.get(pk=response.data["id"])
    assert contract.title == "改过的标题" and contract.price_change_notice_days == 60
    assert [(f.kind, f.quantity) for f in contract.fee_items.all()] == [("坐席费", 40)]
    assert contract.non_renewal_notice_days == 30  # as read
    assert contract.vendor == registered and Vendor.objects.count() == 1


def test_a_wrong_override_is_a_field_error_and_nothing_is_written(buyer):
    client = client_for(buyer)
    read = upload(client, DOCX)

    response = client.post(
        f"/api/v1/extractions/{read.data['id']}/create-contract/",
        {"trial_period_months": 9, "effective_date": "not a date"},
        format="json",
    )

    assert response.status_code == 400
    assert "effective_date" in response.data
    assert Contract.objects.count() == 0 and Vendor.objects.count() == 0 and Document.objects.count() == 0


def test_a_scanned_pdf_is_refused_with_a_clear_message(buyer):
    response = upload(client_for(buyer), SCAN, "扫描件.pdf")

    assert response.status_code == 400
    assert "scan" in response.data["file"][0]
    assert Extraction.objects.count() == 0


@pytest.mark.parametrize(
    ("name", "content", "words"),
    [
        ("contract.docx", (CORPUS / "hostile" / "zip_bomb.docx").read_bytes(), "unpack"),
        ("contract.docx", (CORPUS / "hostile" / "corrupt.docx").read_bytes(), "damaged"),
        ("contract.pdf", (CORPUS / "hostile" / "encrypted.pdf").read_bytes(), "password"),
        ("contract.txt", (CORPUS / "hostile" / "undecodable.txt").read_bytes(), "neither UTF-8 nor GB18030"),
        ("contract.pdf", DOCX.read_bytes(), "not a .pdf file"),
        ("contract.exe", b"MZ\x90\x00", "cannot be read"),
        ("contract.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, ".docx"),
        ("contract.txt", b"", "empty"),
    ],
)
def test_a_bad_file_is_a_400_naming_the_problem(buyer, name, content, words):
    response = client_for(buyer).post(
        "/api/v1/extractions/", {"file": SimpleUploadedFile(name, content)}, format="multipart"
    )

    assert response.status_code == 400, response.data
    assert words in response.data["file"][0]
    assert Extraction.objects.count() == 0


def test_a_file_over_the_size_limit_is_refused(buyer, settings):
    settings.DOCUMENT_MAX_BYTES = 1000
    response = upload(client_for(buyer), DOCX)

    assert response.status_code == 400
    assert "files up to" in response.data["file"][0]


def test_a_gb18030_text_contract_is_read_and_attached_as_utf8_text(buyer):
    client = client_for(buyer)
    read = upload(client, CORPUS / "c09_outsourcing_gb18030" / "contract.txt")
    assert read.status_code == 201, read.data

    response = client.post(f"/api/v1/extractions/{read.data['id']}/create-contract/", {}, format="json")

    assert response.status_code == 201, response.data
    document = Contract.objects.get(pk=response.data["id"]).documents.get()
    with document.file.open("rb") as stored:
        attached = stored.read().decode("utf-8")
    assert read.data["fields"]["vendor_name"]["value"] in attached
    assert document.content_type == "text/plain"


def test_another_users_extraction_is_404_and_cannot_be_used(buyer):
    read = upload(client_for(buyer), DOCX)
    other = client_for(UserFactory(username="other", role=Role.PROCUREMENT_MANAGER))

    assert other.get(f"/api/v1/extractions/{read.data['id']}/").status_code == 404
    assert other.post(f"/api/v1/extractions/{read.data['id']}/create-contract/", {}).status_code == 404
    assert Contract.objects.count() == 0


def test_an_auditor_may_not_read_files_or_create_from_one(buyer):
    auditor = UserFactory(username="auditor", role=Role.AUDITOR)
    client = client_for(auditor)

    assert upload(client, DOCX).status_code == 403
    # Even an extraction of their own (e.g. from before a role change) makes no contract
    mine = Extraction.objects.create(
        owner=auditor, original_name="a.txt", kind="text", size=1, sha256="0" * 64, text="x", result={}
    )
    assert client.get(f"/api/v1/extractions/{mine.pk}/").status_code == 200
    assert client.post(f"/api/v1/extractions/{mine.pk}/create-contract/", {}).status_code == 403
    assert Contract.objects.count() == 0 and Extraction.objects.count() == 1


@pytest.mark.parametrize(
    ("override", "blocked"),
    [
        ({"vendor_credit_code": "91310115MA1K4PQ3XA"}, False),  # a wrong check character
        ({"vendor_credit_code": ""}, False),  # none at all
        ({}, True),  # the registered vendor with the file's code is blocked
    ],
)
def test_the_vendor_must_have_a_valid_credit_code_of_a_vendor_not_blocked(buyer, override, blocked):
    if blocked:
        VendorFactory(credit_code="91310115MA1K4PQ3XD", status=Vendor.Status.BLOCKED)
    vendors_before = Vendor.objects.count()
    client = client_for(buyer)
    read = upload(client, DOCX)

    response = client.post(f"/api/v1/extractions/{read.data['id']}/create-contract/", override, format="json")

    assert response.status_code == 400
    assert list(response.data) == ["vendor_credit_code"]
    assert Contract.objects.count() == 0 and Vendor.objects.count() == vendors_before
    assert Extraction.objects.get().contract is None


def test_reading_past_the_time_limit_is_stopped_and_answered_with_a_400(buyer, settings):
    # Given a time limit no reading can meet
    settings.EXTRACTION_TIMEOUT = 0.001

    response = upload(client_for(buyer), PDF)

    # Then the child is stopped and the caller learns why, nothing is kept
    assert response.status_code == 400
    assert "longer than" in response.data["file"][0]
    assert Extraction.objects.count() == 0


def test_reading_past_the_memory_cap_is_answered_with_a_400(buyer, settings):
    # Given a memory cap below what the reader's child already holds
    settings.EXTRACTION_MEMORY_MB = 20
    text = ("第一条 服务内容\n乙方提供热线服务。\n" * 20000).encode()

    response = client_for(buyer).post(
        "/api/v1/extractions/", {"file": SimpleUploadedFile("合同.txt", text)}, format="multipart"
    )

    assert response.status_code == 400
    assert "more memory" in response.data["file"][0]
    assert Extraction.objects.count() == 0
