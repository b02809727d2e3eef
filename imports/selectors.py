"""Who sees which spreadsheet import."""

from django.db.models import QuerySet

from accounts.models import AnyUser

from .models import ImportJob, ImportRow


def import_jobs_visible_to(user: AnyUser) -> QuerySet[ImportJob]:
    """An import belongs to the person who uploaded it; nobody else learns that it exists."""
    if not (user and user.is_authenticated and user.is_active):
        return ImportJob.objects.none()
    return ImportJob.objects.filter(owner=user)


def import_rows(job: ImportJob) -> QuerySet[ImportRow]:
    return job.rows.order_by("sheet", "row", "id")
