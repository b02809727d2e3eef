"""Spreadsheet import in a real browser with a real Celery worker: upload, watch the dry run arrive, read the rows
(an error in the reader's language, an update old -> new), confirm, watch the import finish; and the page on a phone."""

import re
from pathlib import Path

import pytest

from accounts.models import Role
from contracts.models import Contract
from contracts.services.terms import contract_create
from tests.celery_worker import celery_worker
from tests.factories import UserFactory, VendorFactory
from tests.imports.conftest import CHINESE_HEADER, CODE_B, chinese_row, xlsx_bytes

pytestmark = [
    pytest.mark.browser,
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.slow,
    pytest.mark.django_db(transaction=True),
]

SHOTS = Path(__file__).resolve().parents[2] / "var" / "screenshots"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def test_upload_dry_run_confirm_and_the_contracts_are_there(page, login, live_server, celery_queue, tmp_path):
    # Given a buyer with one contract the file will update, and a file of three rows, one with a bad date
    buyer = UserFactory(username="buyer1", role=Role.PROCUREMENT_STAFF)
    contract_create(by=buyer, number="HT-2026-002", title="旧名称", vendor=VendorFactory(credit_code=CODE_B))
    rows = [
        chinese_row("HT-2026-001"),
        ["HT-2026-002", "新名称", "", CODE_B, None, None, None, None, "草稿"],
        chinese_row("HT-2026-003", start="2026年13月1日"),
    ]
    path = tmp_path / "合同台账.xlsx"
    path.write_bytes(xlsx_bytes(CHINESE_HEADER, rows))
    SHOTS.mkdir(parents=True, exist_ok=True)

    login("buyer1")
    page.goto(f"{live_server.url}/contracts/imports/")
    assert page.locator("#columns code", has_text="effective_date").count() == 1

    with celery_worker(celery_queue, tmp_path / "worker.log"):
        # When the buyer uploads it
        page.set_input_files("#id_file", str(path))
        page.click("form[enctype] button[type=submit]")
        page.wait_for_url(re.compile(r"/contracts/imports/\d+/$"))
        # Then the dry run arrives by itself: one create, one update (old -> new), one error in English
        page.wait_for_selector("button:has-text('Import the valid rows')", timeout=120_000)
        table = page.inner_text("table.import-rows")
        assert "旧名称" in table and "新名称" in table
        assert "is not a date" in table
        assert not Contract.objects.filter(number="HT-2026-001").exists()
        page.screenshot(path=str(SHOTS / "import-dry-run.png"), full_page=True)

        # When the buyer confirms, the import finishes and says what it wrote
        page.click("button:has-text('Import the valid rows')")
        page.wait_for_selector("text=Imported: 1 created, 1 updated.", timeout=120_000)
    page.screenshot(path=str(SHOTS / "import-done.png"), full_page=True)
    assert Contract.objects.get(number="HT-2026-001").status == "active"
    assert Contract.objects.get(number="HT-2026-002").title == "新名称"
    assert not Contract.objects.filter(number="HT-2026-003").exists()

    # And on a phone the rows read as cards, without sideways scrolling
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
    page.screenshot(path=str(SHOTS / "import-phone.png"), full_page=True)
