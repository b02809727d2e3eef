"""Bulk export: each document's own time limit (SIGALRM on the worker's main thread)."""

import signal
import threading
import time
import zipfile

import pytest
from django.db import connection
from django.test import override_settings

from contracts.export_tasks import export_contracts_pdf
from contracts.models import ExportJob
from contracts.pdf import RenderTimeout, export_job_create, export_job_run
from contracts.pdf_deadline import document_time_limit

from .conftest import make_contract

pytestmark = pytest.mark.django_db


# Per-document time limit -------------------------------------------------------------------------------------------


@override_settings(PDF_RENDER_TIMEOUT=0.01)
def test_a_document_past_its_time_limit_fails_the_job_naming_the_contract(owner):
    contract = make_contract(owner, number="CLM-2026-0701")
    job = export_job_create(by=owner, language="en", contract_ids=[contract.pk])
    started = time.monotonic()

    job = export_job_run(job.pk)

    assert time.monotonic() - started < 10
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


def test_the_limit_interrupts_slow_python_code():
    with pytest.raises(RenderTimeout), document_time_limit(0.05) as armed:
        assert armed
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            pass


def test_the_limit_lets_a_running_query_finish_and_raises_after_it():
    with pytest.raises(RenderTimeout), document_time_limit(0.05), connection.cursor() as cursor:
        cursor.execute("SELECT pg_sleep(0.3)" if connection.vendor == "postgresql" else "SELECT 1")
        if connection.vendor != "postgresql":
            time.sleep(0.3)

    # The connection is still usable: the query was not cut off half-way.
    with connection.cursor() as cursor:
        cursor.execute("SELECT 42")
        assert cursor.fetchone() == (42,)


def test_a_timeout_swallowed_by_the_rendering_code_is_raised_when_it_returns():
    def library_call_that_catches_everything():
        try:
            time.sleep(0.3)
        except Exception:
            return "swallowed"
        return "finished"

    outcome = None
    with pytest.raises(RenderTimeout), document_time_limit(0.05):
        outcome = library_call_that_catches_everything()

    assert outcome == "swallowed"


def test_the_previous_handler_and_timer_are_restored():
    fired = []

    def outer_handler(signum, frame):
        fired.append(signum)

    previous = signal.signal(signal.SIGALRM, outer_handler)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.4)
        with document_time_limit(5):
            pass
        assert signal.getsignal(signal.SIGALRM) is outer_handler
        remaining, _interval = signal.getitimer(signal.ITIMER_REAL)
        assert 0 < remaining <= 0.4
        time.sleep(0.6)
        assert fired == [signal.SIGALRM]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_off_the_main_thread_no_limit_is_armed_and_the_task_limit_applies():
    outcome = {}

    def run():
        with document_time_limit(0.01) as armed:
            time.sleep(0.1)
        outcome["armed"] = armed

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()

    assert outcome == {"armed": False}
