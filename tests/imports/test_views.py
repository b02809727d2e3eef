"""The import pages: upload with a refusal shown on the form, the dry run's rows in the reader's language, confirm."""

import pytest
from django.urls import reverse

from contracts.models import Contract
from contracts.services.terms import contract_create
from imports.models import ImportJob
from tests.factories import VendorFactory
from tests.imports.conftest import CHINESE_HEADER, CODE_B, chinese_row, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def signed_in(client, buyer, eager, django_capture_on_commit_callbacks):
    buyer.language = "en"
    buyer.save(update_fields=["language"])
    client.force_login(buyer)

    def call(method, url, data=None, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return getattr(client, method)(url, data or {}, **kwargs)

    return call


def test_the_upload_page_documents_every_column_and_offers_the_template(signed_in):
    page = signed_in("get", reverse("imports:list")).content.decode()
    for code in ("number", "effective_date", "auto_renew", "credit_code", "metric", "unit_price"):
        assert f"<code>{code}</code>" in page
    assert "生效日期" in page and "自动续约" in page
    assert reverse("imports:template") in page


def test_a_file_that_is_not_a_spreadsheet_is_refused_on_the_form(signed_in):
    response = signed_in("post", reverse("imports:list"), {"file": upload(b"hello\x00", "x.xlsx")})
    assert response.status_code == 400
    assert "not a spreadsheet" in response.content.decode()
    assert not ImportJob.objects.exists()


def test_the_dry_run_page_lists_the_rows_with_changes_and_errors_then_confirm_imports(signed_in, buyer):
    contract_create(by=buyer, number="HT-2026-002", title="旧名称", vendor=VendorFactory(credit_code=CODE_B))
    rows = [
        chinese_row(),
        ["HT-2026-002", "新名称", "", CODE_B, None, None, None, None, ""],
        chinese_row("HT-3", start="x"),
    ]

    uploaded = signed_in("post", reverse("imports:list"), {"file": upload(xlsx_bytes(CHINESE_HEADER, rows))})
    job = ImportJob.objects.get()
    assert uploaded["Location"] == job.get_absolute_url()

    page = signed_in("get", job.get_absolute_url()).content.decode()
    assert "旧名称" in page and "新名称" in page
    assert "title: <del>旧名称</del>" in page
    assert "effective date: “x” is not a date" in page
    only_errors = signed_in("get", job.get_absolute_url(), {"action": "error"})
    assert "HT-3" in only_errors.content.decode() and "HT-2026-001" not in only_errors.content.decode()

    signed_in("post", reverse("imports:confirm", args=[job.pk]))
    job.refresh_from_db()
    assert job.status == ImportJob.Status.DONE
    assert set(Contract.objects.values_list("number", flat=True)) == {"HT-2026-001", "HT-2026-002"}


def test_the_progress_part_reloads_the_page_once_the_dry_run_is_done(signed_in):
    signed_in("post", reverse("imports:list"), {"file": upload(xlsx_bytes(CHINESE_HEADER, [chinese_row()]))})
    job = ImportJob.objects.get()
    response = signed_in("get", reverse("imports:progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert response["HX-Refresh"] == "true"
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.RUNNING)
    polling = signed_in("get", reverse("imports:progress", args=[job.pk]), HTTP_HX_REQUEST="true")
    assert "HX-Refresh" not in polling
    assert 'hx-trigger="every 2s"' in polling.content.decode()
