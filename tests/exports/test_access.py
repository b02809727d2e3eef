"""Who sees, polls and downloads a bulk export: its requester, and only the contracts they may see."""

import io
import zipfile

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Role
from contracts.models import ExportJob
from contracts.services.sharing import contract_share
from exports.services import export_job_create
from exports.tasks import export_contracts_pdf
from tests.factories import UserFactory
from tests.fixtures.pdf import make_contract, pdf_text, squeeze


def api(user=None) -> APIClient:
    client = APIClient()
    if user is not None:
        token, _created = Token.objects.get_or_create(user=user)
        client.credentials(HTTP_AUTHORIZATION=f"Token {token.key}")
    return client


@pytest.fixture
def people(owner):
    return {
        "owner": owner,
        "shared": UserFactory(username="pdf_shared", role=Role.PROCUREMENT_STAFF),
        "other_staff": UserFactory(username="pdf_other", role=Role.PROCUREMENT_STAFF),
        "manager": UserFactory(username="pdf_manager", role=Role.PROCUREMENT_MANAGER),
        "auditor": UserFactory(username="pdf_auditor", role=Role.AUDITOR),
    }


def test_bulk_export_zips_one_pdf_per_contract_the_requester_may_see(people, tmp_path):
    # Given two contracts of the owner, one shared with a colleague, and one the colleague cannot see
    owner, shared = people["owner"], people["shared"]
    mine = make_contract(owner, number="CLM-2026-0101")
    also_mine = make_contract(owner, number="CLM-2026-0102")
    hidden = make_contract(people["other_staff"], number="CLM-2026-0103")
    contract_share(contract=mine, by=owner, user=shared, permission="view")

    # When the colleague asks for a hidden contract, the request is refused without saying whether it exists
    response = api(shared).post(reverse("api:export-create"), {"ids": [mine.pk, hidden.pk]}, format="json")
    assert response.status_code == 400
    assert ExportJob.objects.count() == 0

    # When the owner exports by filter, the job is queued and the task renders what the owner may see
    response = api(owner).post(
        reverse("api:export-create"), {"filter": {"owner": "pdf_owner"}, "lang": "en"}, format="json"
    )
    assert response.status_code == 202
    job_id = response.json()["id"]
    assert response.json()["total"] == 2
    export_contracts_pdf.apply(args=[job_id])

    # Then the job is done, shows full progress, and its ZIP holds one PDF per contract
    status = api(owner).get(reverse("api:export-detail", args=[job_id])).json()
    assert (status["status"], status["progress"], status["done"]) == ("done", 100, 2)
    download = api(owner).get(reverse("api:export-download", args=[job_id]))
    assert download.status_code == 200
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert sorted(archive.namelist()) == [f"{mine.number}.pdf", f"{also_mine.number}.pdf"]
    for name in archive.namelist():
        pdf = archive.read(name)
        assert pdf.startswith(b"%PDF")
        assert name.removesuffix(".pdf") in squeeze(pdf_text(pdf, tmp_path))
    # And nobody else learns the job exists
    assert api(shared).get(reverse("api:export-detail", args=[job_id])).status_code == 404
    assert api(shared).get(reverse("api:export-download", args=[job_id])).status_code == 404


def test_bulk_export_skips_a_contract_whose_share_was_revoked_before_the_task_ran(people):
    owner, shared = people["owner"], people["shared"]
    mine = make_contract(owner, number="CLM-2026-0201")
    contract_share(contract=mine, by=owner, user=shared, permission="view")
    job = export_job_create(by=shared, language="zh-hans", contract_ids=[mine.pk])

    contract_share(contract=mine, by=owner, user=shared, permission="none")
    export_contracts_pdf.apply(args=[job.pk])

    job.refresh_from_db()
    assert (job.status, job.total, job.done) == ("done", 0, 0)
    assert zipfile.ZipFile(job.file.open("rb")).namelist() == []


def test_download_before_the_export_is_done_answers_409(contract, owner):
    job = export_job_create(by=owner, language="en", contract_ids=[contract.pk])

    response = api(owner).get(reverse("api:export-download", args=[job.pk]))

    assert response.status_code == 409
    assert response.json()["status"] == "pending"
