"""Bulk export end to end: the API queues the job on Redis, a real Celery worker (prefork, as deployed) renders the
ZIP, and the requester downloads it."""

import io
import os
import subprocess
import sys
import time
import uuid
import zipfile

import pytest
import redis
from django.conf import settings
from django.db import connection
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from clm.celery import app as celery_app
from contracts.models import ExportJob
from contracts.sharing import contract_share

from .conftest import make_contract

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]

BROKER_URL = os.environ.get("CELERY_PDF_TEST_BROKER_URL", "redis://127.0.0.1:6379/5")


@pytest.fixture
def broker(monkeypatch):
    """This process publishes to Redis on a queue of its own, so no other worker can take the test's task."""
    client = redis.Redis.from_url(BROKER_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError:
        pytest.skip(f"Redis is not answering at {BROKER_URL}")
    queue = f"pdf-test-{uuid.uuid4().hex[:8]}"
    monkeypatch.setitem(celery_app.conf, "broker_url", BROKER_URL)
    monkeypatch.setitem(celery_app.conf, "task_default_queue", queue)
    # Drop connections made with the previous broker URL (as Celery itself does after a fork).
    celery_app._after_fork()
    yield queue
    celery_app._after_fork()
    client.delete(queue)


def test_a_real_worker_builds_the_zip_of_the_contracts_the_requester_may_see(owner, broker, tmp_path):
    # Given two contracts of the owner, one shared with a colleague who also asks for it
    from accounts.models import Role
    from tests.factories import UserFactory

    colleague = UserFactory(username="pdf_colleague", role=Role.PROCUREMENT_STAFF)
    first = make_contract(owner, number="CLM-2026-0301")
    second = make_contract(owner, number="CLM-2026-0302", vendor=first.vendor)
    contract_share(contract=first, by=owner, user=colleague, permission="view")
    client = APIClient()
    client.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=colleague).key}")
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": BROKER_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    log_path = tmp_path / "worker.log"

    with open(log_path, "wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "clm", "worker", "--pool=prefork", "--concurrency=1",
             f"--queues={broker}", f"--hostname=pdf-{broker}@%h", "--without-mingle", "--without-gossip",
             "--loglevel=INFO"],
            cwd=settings.BASE_DIR, env=env, stdout=log, stderr=log,
        )  # fmt: skip
        try:
            # When the colleague asks for both contracts by filter (only the shared one is visible to them)
            response = client.post(reverse("api:export-create"), {"filter": {"vendor": first.vendor_id}}, format="json")
            assert response.status_code == 202, response.content
            job_id = response.json()["id"]
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline:
                status = client.get(reverse("api:export-detail", args=[job_id])).json()
                if status["status"] in ("done", "failed"):
                    break
                time.sleep(0.5)
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()

    # Then the worker finished the job and the ZIP holds the shared contract's PDF only
    assert status["status"] == "done", (status, log_path.read_text(errors="replace")[-3000:])
    assert (status["total"], status["done"], status["progress"]) == (1, 1, 100)
    download = client.get(status["download_url"])
    archive = zipfile.ZipFile(io.BytesIO(b"".join(download.streaming_content)))
    assert archive.namelist() == [f"{first.number}.pdf"]
    assert archive.read(f"{first.number}.pdf").startswith(b"%PDF")
    assert second.number not in str(archive.namelist())
    assert ExportJob.objects.get(pk=job_id).requested_by == colleague
