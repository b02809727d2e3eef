"""Deleting a contract: only a draft, recorded in the history, its uploaded files gone once the delete commits."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import translation

from contracts.lifecycle.actions import contract_sign
from contracts.models import Contract
from contracts.services.documents import document_upload
from contracts.services.terms import contract_create, contract_delete
from core.exceptions import ActionNotAllowed
from tests.factories import UserFactory, VendorFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer():
    return UserFactory(username="buyer", role="procurement_staff")


@pytest.fixture
def draft(buyer):
    # A cap and a service level: the review's high findings would stop the signature below.
    return contract_create(
        by=buyer,
        title="外包合同",
        vendor=VendorFactory(),
        effective_date=date(2026, 1, 1),
        price_increase_cap_pct=5,
        sla_targets=[{"metric": "接通率", "kind": "answer_rate", "comparator": ">=", "target": 80, "credit_pct": 3}],
    )


def test_deleting_a_draft_removes_it_and_its_files_and_the_history_names_who(
    buyer, draft, django_capture_on_commit_callbacks
):
    # Given a draft with an uploaded annex
    document = document_upload(
        contract=draft, by=buyer, uploaded_file=SimpleUploadedFile("附件.txt", "服务范围".encode()), kind="annex"
    )
    storage, name = document.file.storage, document.file.name
    assert storage.exists(name)

    # When its owner deletes it
    with django_capture_on_commit_callbacks(execute=True):
        contract_delete(contract=draft, by=buyer)

    # Then the contract and its file are gone, and the history keeps a deletion row naming the owner
    assert not Contract.objects.filter(pk=draft.pk).exists()
    assert not storage.exists(name)
    last = Contract.history.filter(id=draft.pk).latest()
    assert (last.history_type, last.history_user, last.history_change_reason) == ("-", buyer, "delete")


def test_a_signed_contract_cannot_be_deleted_and_stays_unchanged(buyer, draft):
    contract_sign(contract=draft, by=buyer, date=date(2025, 12, 20))
    rows_before = Contract.history.filter(id=draft.pk).count()

    with translation.override("en"), pytest.raises(ActionNotAllowed) as error:
        contract_delete(contract=draft, by=buyer)

    assert "terminating" in str(error.value.message)
    assert Contract.objects.get(pk=draft.pk).status == Contract.Status.SIGNED
    assert Contract.history.filter(id=draft.pk).count() == rows_before


def test_the_api_deletes_a_draft_through_the_service(client, buyer, draft):
    client.force_login(buyer)

    response = client.delete(f"/api/v1/contracts/{draft.pk}/", HTTP_ACCEPT_LANGUAGE="en")

    assert response.status_code == 204
    assert not Contract.objects.filter(pk=draft.pk).exists()
    assert Contract.history.filter(id=draft.pk).latest().history_user == buyer
