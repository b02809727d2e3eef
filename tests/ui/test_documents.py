"""Document upload and download from the contract page, within the contract's access rules."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from contracts.services.sharing import contract_share

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def upload(client, contract, name="签字扫描件.pdf", content=PDF):
    return client.post(
        reverse("contracts:document_upload", args=[contract.pk]),
        {"kind": "signed_scan", "file": SimpleUploadedFile(name, content, content_type="application/pdf")},
        follow=True,
    )


def test_owner_uploads_a_document_and_a_viewer_downloads_the_same_bytes(client, people, contract):
    client.force_login(people["owner"])
    upload(client, contract)
    document = contract.documents.get()

    client.force_login(people["auditor"])
    response = client.get(reverse("contracts:document_download", args=[document.pk]))

    assert response.status_code == 200
    assert b"".join(response.streaming_content) == PDF
    assert "attachment" in response["Content-Disposition"]


def test_a_file_that_is_not_what_its_extension_says_is_refused_with_a_message(client, people, contract):
    client.force_login(people["owner"])

    response = upload(client, contract, name="合同.pdf", content=b"MZ\x90\x00 not a pdf at all")

    assert contract.documents.count() == 0
    assert [m.level_tag for m in response.context["messages"]] == ["error"]


def test_hidden_contracts_document_answers_404(client, people, contract):
    client.force_login(people["owner"])
    upload(client, contract)
    document = contract.documents.get()

    client.force_login(people["other_staff"])

    assert client.get(reverse("contracts:document_download", args=[document.pk])).status_code == 404


def test_reader_cannot_upload(client, people, contract):
    client.force_login(people["auditor"])

    response = client.post(
        reverse("contracts:document_upload", args=[contract.pk]),
        {"kind": "annex", "file": SimpleUploadedFile("a.pdf", PDF)},
    )

    assert response.status_code == 403
    assert contract.documents.count() == 0


def test_owner_shares_the_contract_from_the_sharing_dialog(client, people, contract):
    client.force_login(people["owner"])

    response = client.post(
        reverse("contracts:share", args=[contract.pk]),
        {"user": "buyer2", "permission": "change"},
        headers={"HX-Request": "true"},
    )

    assert response.status_code == 200
    assert "buyer2" in response.content.decode()
    client.force_login(people["other_staff"])
    assert client.get(reverse("contracts:edit", args=[contract.pk])).status_code == 200


def test_shared_viewer_cannot_open_the_sharing_dialog(client, people, contract):
    client.force_login(people["shared"])

    assert client.get(reverse("contracts:share", args=[contract.pk])).status_code == 403


def test_a_document_whose_file_went_missing_answers_404_not_500(client, people, contract):
    client.force_login(people["owner"])
    upload(client, contract)
    document = contract.documents.get()
    document.file.storage.delete(document.file.name)

    response = client.get(reverse("contracts:document_download", args=[document.pk]))

    assert response.status_code == 404


@pytest.mark.parametrize("role", ["owner", "shared", "other_staff", None])
def test_uploaded_documents_are_never_served_from_media_even_with_debug_on(client, people, contract, debug_urls, role):
    client.force_login(people["owner"])
    upload(client, contract)
    document = contract.documents.get()
    client.logout()
    if role:
        client.force_login(people[role])

    response = client.get(document.file.url)

    assert response.status_code == 404


def test_the_checked_download_serves_a_reader_and_404s_once_their_access_is_revoked(
    client, people, contract, debug_urls
):
    client.force_login(people["owner"])
    upload(client, contract)
    document = contract.documents.get()
    url = reverse("contracts:document_download", args=[document.pk])
    client.force_login(people["shared"])
    assert client.get(url).status_code == 200

    contract_share(contract=contract, by=people["owner"], user=people["shared"], permission="none")

    assert client.get(url).status_code == 404
    assert client.get(document.file.url).status_code == 404
