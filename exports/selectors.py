"""Who sees which bulk export."""

from django.db.models import QuerySet

from contracts.models import ExportJob


def export_jobs_visible_to(user) -> QuerySet[ExportJob]:
    """An export belongs to the person who asked for it; nobody else learns that it exists."""
    if not (user and user.is_authenticated and user.is_active):
        return ExportJob.objects.none()
    return ExportJob.objects.filter(requested_by=user)
