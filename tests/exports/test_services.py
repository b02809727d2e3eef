"""Bulk export limits: each document's own time limit (SIGALRM on the worker's main thread) and how long the ZIP is
kept (PDF_EXPORT_KEEP_DAYS, then the periodic purge deletes the file and keeps the record)."""

import signal
import zipfile
from datetime import timedelta
from pathlib import Path

import pytest
from django.core.files.base import ContentFile
from django.test import override_settings
from django.utils import timezone

from contracts.models import ExportJob
from exports.services import export_files_purge, export_job_create, export_job_run
from exports.tasks import export_contracts_pdf, purge_expired_pdf_exports
from tests.fixtures.pdf import make_contract

pytestmark = pytest.mark.django_db


# Per-document time limit -------------------------------------------------------------------------------------------


@override_settings(PDF_RENDER_TIMEOUT=0.01)
def test_a_document_past_its_time_limit_fails_the_job_naming_the_contract(owner):
    contract = make_contract(owner, number="CLM-2026-0701")
    job = export_job_create(by=owner, language="en", contract_ids=[contract.pk])

    job = export_job_run(job.pk)

    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert job.error == "The PDF of contract CLM-2026-0701 took longer than 0.01 seconds to render."
    assert not job.file
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL
    assert signal.getitimer(signal.ITIMER_REAL) == (0.0, 0.0)


@override_settings(PDF_RENDER_TIMEOUT=0.01)
def test_the_celery_task_fails_the_job_in_the_jobs_language_when_a_document_runs_out_of_time(owner):
    contract = make_contract(owner, number="CLM-2026-0702")
    job = export_job_create(by=owner, language="zh-hans", contract_ids=[contract.pk])

    export_contracts_pdf.apply(args=[job.pk])

    job.refresh_from_db()
    assert job.status == ExportJob.Status.FAILED
    assert job.error == "合同 CLM-2026-0702 的 PDF 生成超过 0.01 秒，已停止。"


@override_settings(PDF_RENDER_TIMEOUT=20)
def test_documents_within_their_time_limit_export_normally(owner):
    first = make_contract(owner, number="CLM-2026-0703")
    second = make_contract(owner, number="CLM-2026-0704", vendor=first.vendor)
    job = export_job_create(by=owner, language="en", contract_ids=[first.pk, second.pk])

    job = export_job_run(job.pk)

    assert (job.status, job.done, job.total) == (ExportJob.Status.DONE, 2, 2)
    assert zipfile.ZipFile(job.file.open("rb")).namelist() == ["CLM-2026-0703.pdf", "CLM-2026-0704.pdf"]
    assert signal.getsignal(signal.SIGALRM) is signal.SIG_DFL


@override_settings(PDF_RENDER_TIMEOUT=20)
def test_an_export_interrupted_once_is_done_from_the_start_on_its_next_run(owner):
    # Given an export a worker started and died in, halfway (see test_export_worker for the real worker's death)
    first = make_contract(owner, number="CLM-2026-0705")
    second = make_contract(owner, number="CLM-2026-0706", vendor=first.vendor)
    job = export_job_create(by=owner, language="en", contract_ids=[first.pk, second.pk])
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, attempts=1, total=2, done=1)

    # When the task is delivered again
    job = export_job_run(job.pk)

    # Then the export runs again from its first contract and finishes, counting the second start
    assert (job.status, job.done, job.attempts) == (ExportJob.Status.DONE, 2, 2)
    assert zipfile.ZipFile(job.file.open("rb")).namelist() == ["CLM-2026-0705.pdf", "CLM-2026-0706.pdf"]


def test_an_export_started_twice_without_finishing_fails_naming_the_contract_it_stopped_at(owner):
    # Given an export of three contracts whose worker died twice, the last time after finishing the first contract
    first = make_contract(owner, number="CLM-2026-0707")
    second = make_contract(owner, number="CLM-2026-0708", vendor=first.vendor)
    third = make_contract(owner, number="CLM-2026-0709", vendor=first.vendor)
    job = export_job_create(by=owner, language="en", contract_ids=[third.pk, first.pk, second.pk])
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, attempts=2, total=3, done=1)

    # When the task is delivered a third time
    job = export_job_run(job.pk)

    # Then the job fails, naming the second contract in number order: the one the worker was rendering
    assert (job.status, job.attempts, job.done, bool(job.file)) == (ExportJob.Status.FAILED, 2, 1, False)
    assert job.error == (
        "The export was interrupted twice before it could finish, the last time at contract CLM-2026-0708, probably "
        "because it needed more memory than the server has. Export that contract on its own, or fewer contracts at a "
        "time."
    )


def test_an_export_interrupted_after_its_last_document_fails_without_naming_a_contract(owner):
    contract = make_contract(owner, number="CLM-2026-0710")
    job = export_job_create(by=owner, language="en", contract_ids=[contract.pk])
    ExportJob.objects.filter(pk=job.pk).update(status=ExportJob.Status.RUNNING, attempts=2, total=1, done=1)

    job = export_job_run(job.pk)

    assert job.status == ExportJob.Status.FAILED
    assert job.error == (
        "The export was interrupted twice before it could finish, probably because it needed more memory than the "
        "server has. Export fewer contracts at a time."
    )


def done_job(owner, *, finished_days_ago: float) -> ExportJob:
    job = ExportJob.objects.create(
        requested_by=owner,
        language="en",
        contract_ids=[],
        status=ExportJob.Status.DONE,
        finished_at=timezone.now() - timedelta(days=finished_days_ago),
    )
    job.file.save(f"contracts-{job.pk}.zip", ContentFile(b"zip bytes"))
    return job


def test_the_purge_deletes_files_past_the_keep_days_and_keeps_newer_ones(owner, settings):
    settings.PDF_EXPORT_KEEP_DAYS = 7
    old = done_job(owner, finished_days_ago=7.1)
    new = done_job(owner, finished_days_ago=6.9)
    old_path, new_path = old.file.path, new.file.path

    purged = purge_expired_pdf_exports.apply().get()

    assert purged == 1
    old.refresh_from_db()
    new.refresh_from_db()
    assert not old.file and old.expired and not old.downloadable
    assert old.status == ExportJob.Status.DONE  # the record stays
    assert new.file and not new.expired and new.downloadable
    assert new.expires_at == new.finished_at + timedelta(days=7)
    assert not Path(old_path).exists()
    assert Path(new_path).read_bytes() == b"zip bytes"


def test_the_keep_days_come_from_the_setting(owner, settings):
    settings.PDF_EXPORT_KEEP_DAYS = 2
    job = done_job(owner, finished_days_ago=3)

    assert job.expired
    assert export_files_purge(now=timezone.now()) == 1
    assert export_files_purge(now=timezone.now()) == 0  # idempotent


def test_the_purge_leaves_unfinished_and_failed_exports_alone(owner):
    running = ExportJob.objects.create(requested_by=owner, status=ExportJob.Status.RUNNING)
    failed = ExportJob.objects.create(
        requested_by=owner, status=ExportJob.Status.FAILED, finished_at=timezone.now() - timedelta(days=30)
    )

    assert export_files_purge(now=timezone.now() + timedelta(days=60)) == 0
    assert {running.pk, failed.pk} == set(ExportJob.objects.values_list("pk", flat=True))


def test_the_purge_works_through_more_than_one_batch(owner):
    jobs = [done_job(owner, finished_days_ago=10) for _ in range(5)]

    assert export_files_purge(now=timezone.now(), batch=2) == 5
    assert not ExportJob.objects.filter(pk__in=[j.pk for j in jobs]).exclude(file="").exists()


def test_the_purge_is_scheduled_by_celery_beat(settings):
    entries = [
        entry for entry in settings.CELERY_BEAT_SCHEDULE.values() if entry["task"] == purge_expired_pdf_exports.name
    ]

    assert len(entries) == 1
    assert "exports.tasks" in settings.CELERY_IMPORTS
