"""Celery tasks of spreadsheet imports: each takes the job's id and is safe to run again (see imports.services)."""

from celery import shared_task
from celery.exceptions import SoftTimeLimitExceeded
from django.utils import translation
from django.utils.translation import gettext_lazy as _

from .models import ImportJob
from .services import import_job_analyse, import_job_apply, import_job_fail

SOFT_TIME_LIMIT = 900


def _fail(job_id: int, message) -> None:
    language = ImportJob.objects.filter(pk=job_id).values_list("language", flat=True).first() or "zh-hans"
    with translation.override(language):
        import_job_fail(job_id, str(message))


@shared_task(
    name="imports.analyse_import", acks_late=True, soft_time_limit=SOFT_TIME_LIMIT, time_limit=SOFT_TIME_LIMIT + 60
)
def analyse_import(job_id: int) -> None:
    """The dry run of an uploaded spreadsheet (and the import itself when it was confirmed at upload)."""
    try:
        import_job_analyse(job_id)
    except SoftTimeLimitExceeded:
        _fail(job_id, _("Reading the file took too long and was stopped. Split it into smaller files."))
    except Exception:
        _fail(job_id, _("The import failed unexpectedly. Try again later."))
        raise


@shared_task(
    name="imports.apply_import", acks_late=True, soft_time_limit=SOFT_TIME_LIMIT, time_limit=SOFT_TIME_LIMIT + 60
)
def apply_import(job_id: int) -> None:
    """Write the confirmed rows; rows already written by an interrupted run are skipped."""
    try:
        import_job_apply(job_id)
    except SoftTimeLimitExceeded:
        _fail(job_id, _("The import took too long and was stopped. Rows written so far stay; import the rest again."))
    except Exception:
        _fail(job_id, _("The import failed unexpectedly. Try again later."))
        raise
