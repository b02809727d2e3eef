"""One bulk export for one user: only its requester ever learns that it exists (404 for anyone else)."""

from django.shortcuts import get_object_or_404

from accounts.models import AnyUser
from contracts.models import ExportJob

from .selectors import export_jobs_visible_to


def access_export_job(user: AnyUser, pk: int | str) -> ExportJob:
    return get_object_or_404(export_jobs_visible_to(user), pk=pk)
