"""Who sees which bulk export."""

from django.db.models import QuerySet

from accounts.models import AnyUser
from contracts.models import ExportJob


def export_jobs_visible_to(user: AnyUser) -> QuerySet[ExportJob]:
    """An export belongs to the person who asked for it; nobody else learns that it exists."""
    if not (user and user.is_authenticated and user.is_active):
        return ExportJob.objects.none()
    return ExportJob.objects.filter(requested_by=user)
