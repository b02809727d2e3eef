"""Bulk exports over the API."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient

from contracts.models import ExportJob
from contracts.services.terms import contract_create
from exports.services import export_job_create
from tests.factories import VendorFactory

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


# Filters ---------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("given", "named"),
    [
        ({"stauts": "active"}, ["stauts"]),
        ({"status": "draft", "vendr": "1", "owner_name": "x"}, ["owner_name", "vendr"]),
    ],
)
def test_an_export_filter_with_unknown_keys_answers_400_naming_them_and_queues_nothing(owner, given, named):
    contract_create(by=owner, title="客服外包合同", vendor=VendorFactory())
    api = APIClient()
    api.force_authenticate(owner)

    response = api.post(reverse("api:export-create"), {"filter": given, "lang": "en"}, format="json")

    assert response.status_code == 400
    message = " ".join(response.json()["filter"])
    assert all(name in message for name in named)
    assert not ExportJob.objects.exists()


def test_the_export_service_refuses_unknown_filter_keys(owner):
    contract_create(by=owner, title="客服外包合同", vendor=VendorFactory())

    with pytest.raises(ValidationError) as exc:
        export_job_create(by=owner, language="en", filters={"status": "draft", "ownr": owner.username})

    assert "ownr" in " ".join(exc.value.message_dict["filter"])
    assert not ExportJob.objects.exists()


def test_an_export_filter_with_known_keys_only_is_queued(owner):
    contract_create(by=owner, title="客服外包合同", vendor=VendorFactory())
    api = APIClient()
    api.force_authenticate(owner)

    response = api.post(
        reverse("api:export-create"), {"filter": {"status": "draft", "owner": owner.username}}, format="json"
    )

    assert response.status_code == 202
    assert response.json()["total"] == 1
