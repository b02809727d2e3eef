"""Celery tasks for bulk PDF exports (ZIP of many contracts) and their retention.

The task names are the ones queued and scheduled before the exports had a package of their own; they stay.
"""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from celery.signals import worker_init
from django.utils import timezone, translation
from django.utils.translation import gettext_lazy as _

from contracts.models import ExportJob

from .services import export_files_purge, export_job_fail, export_job_run

# This bounds a whole export of up to PDF_EXPORT_MAX_CONTRACTS. Each document also has PDF_RENDER_TIMEOUT, enforced
# with SIGALRM on the worker's main thread (prefork and solo pools); in a threaded pool only this limit applies.
SOFT_TIME_LIMIT = 1800


@worker_init.connect
def _load_the_renderer(**kwargs) -> None:
    """The worker loads WeasyPrint (pdfrender.engine) when it starts, before its pool forks: every pool process then
    renders an export's documents with it loaded, and the first document's time limit is not spent importing it.
    The worker imports this module at start (CELERY_IMPORTS); a web process that imports it to queue an export sends
    no worker_init and stays without WeasyPrint."""
    import pdfrender.engine  # noqa: F401


def _fail(job_id: int, message) -> None:
    language = ExportJob.objects.filter(pk=job_id).values_list("language", flat=True).first() or "zh-hans"
    with translation.override(language):
        export_job_fail(job_id, str(message))


@shared_task(
    name="contracts.export_tasks.export_contracts_pdf",
    acks_late=True,
    soft_time_limit=SOFT_TIME_LIMIT,
    time_limit=SOFT_TIME_LIMIT + 60,
)
def export_contracts_pdf(job_id: int) -> None:
    """Documents render in this worker process (see render_contract_pdf), each under its own time limit."""
    try:
        export_job_run(job_id)
    except SoftTimeLimitExceeded:
        _fail(job_id, _("The export took too long and was stopped. Export fewer contracts at a time."))
    except Exception:
        _fail(job_id, _("The export failed unexpectedly. Try again later."))
        raise


@shared_task(name="contracts.purge_expired_pdf_exports", acks_late=True, ignore_result=True)
def purge_expired_pdf_exports() -> int:
    """Beat runs this hourly: delete the ZIP files kept longer than PDF_EXPORT_KEEP_DAYS. Idempotent."""
    return export_files_purge(now=timezone.now())
