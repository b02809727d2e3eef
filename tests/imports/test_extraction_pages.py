"""Reading a signed contract on the pages: upload, review beside the highlighted text, create the draft."""

from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from accounts.models import Role
from contracts.models import Clause, Contract
from imports.extraction_views import text_pieces
from imports.models import Extraction
from tests.factories import UserFactory
from vendors.models import Vendor

CORPUS = Path(__file__).resolve().parent.parent / "extraction" / "corpus"
DOCX = CORPUS / "c01_callcenter_software_zh" / "contract.docx"

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer_client(client):
    buyer = UserFactory(username="buyer", role=Role.PROCUREMENT_STAFF, language="en")
    client.force_login(buyer)
    client.buyer = buyer
    return client


def _upload(client, path=DOCX, name=None):
    file = SimpleUploadedFile(name or path.name, path.read_bytes())
    return client.post(reverse("extractions:upload"), {"file": file}, HTTP_ACCEPT_LANGUAGE="en")


def test_uploading_a_word_contract_leads_to_its_review_page(buyer_client):
    response = _upload(buyer_client)

    extraction = Extraction.objects.get()
    assert response.status_code == 302 and response["Location"] == extraction.get_absolute_url()
    page = buyer_client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="en").content.decode()
    # The proposal is the contract form, prefilled with what was read
    assert 'value="云呼叫中心软件服务合同"' in page
    assert 'name="effective_date" value="2026-03-01"' in page
    assert 'name="vendor_credit_code" value="91310115MA1K4PQ3XD"' in page
    # Each value's source sentence is marked in the text and quoted beside the field
    assert '<span id="src-effective_date"></span>' in page
    assert 'href="#src-price_change_notice_days"' in page
    # What the file does not state is listed, and the clauses are shown with their categories
    assert "Not found in the file" in page and "<li>Trial period (months)</li>" in page
    assert "服务内容" in page and "Service scope" in page
    # A value not read literally says how it was found
    assert "Computed from the start and end dates." in page


def test_a_file_that_cannot_be_read_is_a_form_error(buyer_client):
    scan = CORPUS / "c12_scanned_zh" / "contract.pdf"

    response = _upload(buyer_client, scan)

    assert response.status_code == 200
    assert "it is a scan" in response.content.decode()
    assert Extraction.objects.count() == 0


def test_the_text_is_escaped_and_only_the_marks_are_markup(buyer_client):
    # Given a text contract holding markup in the very sentence a value is read from
    text = (
        "服务合同\n第一条 期限\n本合同自2026年1月1日起生效<script>alert(1)</script>，有效期一年。\n"
        "第二条 费用\n合同总价为人民币10万元。\n"
    )
    extraction = Extraction(
        owner=buyer_client.buyer, original_name="x.txt", kind="text", size=1, sha256="0" * 64, text=text
    )
    start = text.index("本合同")
    end = text.index("。", start) + 1
    extraction.result = {
        "fields": {"effective_date": {"value": "2026-01-01", "source": text[start:end], "span": [start, end]}},
        "not_found": [],
        "clauses": [],
    }
    extraction.file.save("x.txt", ContentFile(text.encode()), save=False)
    extraction.save()

    page = buyer_client.get(extraction.get_absolute_url()).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert '<mark title="Effective date"><span id="src-effective_date"></span>本合同' in page
    assert "生效&lt;script&gt;alert(1)&lt;/script&gt;" in page


def test_creating_the_draft_uses_the_corrected_fields_and_goes_to_the_contract(buyer_client):
    _upload(buyer_client)
    extraction = Extraction.objects.get()
    page = buyer_client.get(extraction.get_absolute_url())
    form = page.context["form"]
    # The form as the page shows it (booleans posted only when ticked), with two corrections
    shown = {name: form[name].value() for name in form.fields if name not in ("vendor", "owner")}
    data = {name: value for name, value in shown.items() if value is not None and value is not False}
    data.update({"title": "更正后的标题", "non_renewal_notice_days": 45})
    for prefix, formset in (("sla", page.context["sla_formset"]), ("fee", page.context["fee_formset"])):
        # As the page's management form says: the rows read are initial rows, kept unless deleted (the empty
        # extra row is left out, as if the browser had not sent it)
        data[f"{prefix}-INITIAL_FORMS"] = formset.management_form["INITIAL_FORMS"].value()
        data[f"{prefix}-TOTAL_FORMS"] = data[f"{prefix}-INITIAL_FORMS"]
        for index, row in enumerate(formset.initial or []):
            data.update({f"{prefix}-{index}-{key}": value for key, value in row.items() if value is not None})

    response = buyer_client.post(extraction.get_absolute_url(), data)

    assert response.status_code == 302, [response.context[k].errors for k in ("form", "sla_formset", "fee_formset")]
    contract = Contract.objects.get()
    assert response["Location"] == contract.get_absolute_url()
    assert contract.title == "更正后的标题" and contract.non_renewal_notice_days == 45
    assert contract.vendor == Vendor.objects.get(credit_code="91310115MA1K4PQ3XD")
    assert contract.fee_items.count() == 2 and contract.sla_targets.count() >= 2
    assert contract.clauses.filter(status=Clause.Status.AGREED).count() == contract.clauses.count() > 5
    assert contract.documents.count() == 1


def test_pieces_split_the_text_at_every_source_and_overlaps_share_pieces():
    pieces = text_pieces("abcdefgh", {"title": (1, 4), "currency": (3, 6)})

    assert [(p.text, len(p.labels)) for p in pieces] == [("a", 0), ("bc", 1), ("d", 2), ("ef", 1), ("gh", 0)]
    assert [p.anchors for p in pieces] == [[], ["src-title"], ["src-currency"], [], []]
    assert "".join(p.text for p in pieces) == "abcdefgh"


def test_the_upload_page_is_phone_friendly_and_refused_to_auditors(client):
    client.force_login(UserFactory(username="auditor", role=Role.AUDITOR))
    assert client.get(reverse("extractions:upload")).status_code == 403
