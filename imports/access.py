"""One spreadsheet import for one user: only its owner ever learns that it exists (404 for anyone else)."""

from django.shortcuts import get_object_or_404

from accounts.models import AnyUser

from .models import ImportJob
from .selectors import import_jobs_visible_to


def access_import_job(user: AnyUser, pk: int | str) -> ImportJob:
    return get_object_or_404(import_jobs_visible_to(user), pk=pk)
