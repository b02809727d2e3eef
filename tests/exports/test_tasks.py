"""Bulk export end to end: the API queues the job on Redis, a real Celery worker (prefork, as deployed) renders the
ZIP, and the requester downloads it."""

import io
import os
import signal
import time
import zipfile
from pathlib import Path

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from contracts.models import ExportJob
from contracts.services.sharing import contract_share
from tests.celery_worker import celery_worker
from tests.fixtures.pdf import make_contract

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


def _pool_children(worker) -> list[int]:
    """The process ids of the worker's pool children (prefork: the processes that run the tasks)."""
    children = []
    for stat in Path("/proc").glob("[0-9]*/stat"):
        try:
            fields = stat.read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[1]) == worker.pid:
            children.append(int(stat.parent.name))
    return children


def _wait_for(job_id: int, predicate, *, seconds: float = 120) -> ExportJob:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job = ExportJob.objects.get(pk=job_id)
        if predicate(job):
            return job
        time.sleep(0.05)
    raise AssertionError(f"export {job_id} never reached the expected state: {job.status}, {job.done}/{job.total}")


def test_an_export_whose_worker_dies_is_run_again_and_one_that_kills_two_workers_fails(owner, celery_queue, tmp_path):
    # Given an export of eight contracts, in Chinese
    from exports.services import export_job_create

    first = make_contract(owner, number="CLM-2026-0311")
    others = [make_contract(owner, number=f"CLM-2026-031{n}", vendor=first.vendor) for n in range(2, 9)]
    with celery_worker(celery_queue, tmp_path / "worker.log") as worker:
        job = export_job_create(by=owner, language="zh-hans", contract_ids=[first.pk, *(c.pk for c in others)])

        # When the worker's process is killed (as the kernel does when memory runs out) in the middle of the export
        _wait_for(job.pk, lambda j: j.attempts == 1 and j.status == "running" and j.done >= 1)
        for pid in _pool_children(worker):
            os.kill(pid, signal.SIGKILL)
        # Then the task goes back to the queue and a new worker process starts the export again from the beginning
        _wait_for(job.pk, lambda j: j.attempts == 2 and j.status == "running" and j.done >= 1)

        # And when that process is killed too, the third delivery fails the job instead of starting it again
        for pid in _pool_children(worker):
            os.kill(pid, signal.SIGKILL)
        job = _wait_for(job.pk, lambda j: j.finished)

    log = (tmp_path / "worker.log").read_text(errors="replace")
    assert job.status == ExportJob.Status.FAILED, log[-3000:]
    assert job.attempts == 2
    # naming the contract the second process was rendering when it was killed (after `done` finished documents)
    stopped_at = sorted([first.number, *(c.number for c in others)])[job.done]
    assert job.error == (
        f"导出在完成前两次中断，最后一次中断于合同 {stopped_at}，可能是所需内存超出了服务器的容量。"
        "请单独导出该合同，或减少每次导出的合同数量。"
    )
    assert not job.file
    assert "signal 9" in log
