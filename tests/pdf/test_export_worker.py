"""Bulk export end to end: the API queues the job on Redis, a real Celery worker (prefork, as deployed) renders the
ZIP, and the requester downloads it."""

import io
import time
import zipfile

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from contracts.models import ExportJob
from contracts.sharing import contract_share
from tests.celery_worker import celery_worker

from .conftest import make_contract

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


def test_a_real_worker_builds_the_zip_of_the_contracts_the_requester_may_see(owner, celery_queue, tmp_path):
    # Given two contracts of the owner, one shared with a colleague who also asks for it
    from accounts.models import Role
    from tests.factories import UserFactory

    colleague = UserFactory(username="pdf_colleague", role=Role.PROCUREMENT_STAFF)
    first = make_contract(owner, number="CLM-2026-0301")
    second = make_contract(owner, number="CLM-2026-0302", vendor=first.vendor)
    contract_share(contract=first, by=owner, user=colleague, permission="view")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=colleague).key}")
    # When the colleague asks for both contracts by filter (only the shared one is visible to them)
    with celery_worker(celery_queue, tmp_path / "worker.log"):
        response = client.post(reverse("api:export-create"), {"filter": {"vendor": first.vendor_id}}, format="json")
        assert response.status_code == 202, response.content
        job_id = response.json()["id"]
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            status = client.get(reverse("api:export-detail", args=[job_id])).json()
            if status["status"] in ("done", "failed"):
                break
            time.sleep(0.5)

    # Then the worker finished the job and the ZIP holds the shared contract's PDF only
    assert status["status"] == "done", (status, (tmp_path / "worker.log").read_text(errors="replace")[-3000:])
    assert (status["total"], status["done"], status["progress"]) == (1, 1, 100)
    download = client.get(status["download_url"])
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert archive.namelist() == [f"{first.number}.pdf"]
    assert archive.read(f"{first.number}.pdf").startswith(b"%PDF")
    assert second.number not in str(archive.namelist())
    assert ExportJob.objects.get(pk=job_id).requested_by == colleague
