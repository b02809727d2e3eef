"""Bulk PDF export in a real browser: start it from the filtered register, watch htmx carry the progress to done on
the job page while a real Celery worker (prefork, on Redis) renders, then download the ZIP."""

import re
import zipfile

import pytest

from contracts.models import ExportJob
from tests.celery_worker import celery_worker
from tests.factories import ContractFactory, UserFactory, VendorFactory

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_export_from_the_register_progresses_to_done_and_downloads(page, login, live_server, celery_queue, tmp_path):
    buyer = UserFactory(username="buyer1", role="procurement_staff")
    vendor = VendorFactory(name="上海云呼客服外包有限公司", short_name="云呼客服")
    for n in (1, 2, 3):
        ContractFactory(
            number=f"CLM-2026-090{n}", title=f"客服外包合同{n}", owner=buyer, vendor=vendor, status="active"
        )
    ContractFactory(number="CLM-2026-0909", title="草稿合同", owner=buyer, vendor=vendor)
    ContractFactory(number="CLM-2026-0999", title="他人的合同", vendor=vendor, status="active")

    login("buyer1")
    page.goto(f"{live_server.url}/contracts/")
    page.select_option("#id_status", "active")
    page.wait_for_selector("form.export-bar[action*='status=active']")
    page.select_option("#id_export_lang", "en")

    with celery_worker(celery_queue, tmp_path / "worker.log"):
        page.click("form.export-bar button[type=submit]")
        page.wait_for_url(re.compile(r"/contracts/pdf-exports/\d+/$"))
        page.evaluate("window.__sameDocument = true")
        job = ExportJob.objects.get()
        assert job.total == 3

        page.wait_for_selector("a:has-text('Download ZIP')", timeout=120_000)

    # The page was never reloaded: htmx swapped the progress in and stopped polling when the export was done.
    assert page.evaluate("window.__sameDocument") is True
    assert page.locator("#export-progress progress").get_attribute("value") == "100"
    assert "3 of 3 contracts exported (100%)" in page.inner_text("#export-progress")
    assert page.locator("#export-progress[hx-trigger]").count() == 0

    with page.expect_download() as info:
        page.click("a:has-text('Download ZIP')")
    download = info.value
    assert re.fullmatch(rf"contract-pdfs-\d{{8}}-en-{job.pk}\.zip", download.suggested_filename)
    archive = zipfile.ZipFile(download.path())
    assert archive.namelist() == ["CLM-2026-0901.pdf", "CLM-2026-0902.pdf", "CLM-2026-0903.pdf"]
    assert all(archive.read(name).startswith(b"%PDF") for name in archive.namelist())

    page.click("a:has-text('My exports')")
    assert page.locator(f"a[href$='/contracts/pdf-exports/{job.pk}/download/']").count() == 1
