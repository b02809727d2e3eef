"""Bulk exports over the API."""

from datetime import timedelta

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from contracts.models import ExportJob

pytestmark = pytest.mark.django_db


# Per-document time limit -------------------------------------------------------------------------------------------


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


def test_the_api_neither_links_nor_serves_an_expired_export(owner, settings):
    settings.PDF_EXPORT_KEEP_DAYS = 7
    job = done_job(owner, finished_days_ago=8)
    api = APIClient()
    api.force_authenticate(owner)

    detail = api.get(reverse("api:export-detail", args=[job.pk])).json()
    download = api.get(reverse("api:export-download", args=[job.pk]))

    assert (detail["status"], detail["download_url"]) == ("done", None)
    assert download.status_code == 410
    assert download.json()["code"] == "expired"
