"""Reading a signed Word contract in a real browser: upload it, correct one field, create the draft, see its clauses;
and the review page on a phone."""

import os
import re
from pathlib import Path

import pytest

from contracts.models import Contract
from tests.browser.test_phone_layout import LAYOUT_PROBLEMS, PHONE
from tests.factories import UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

DOCX = Path(__file__).resolve().parent.parent / "extraction" / "corpus" / "c01_callcenter_software_zh" / "contract.docx"
# Set to a folder to keep screenshots of the pages for a look by eye.
SCREENSHOTS = os.environ.get("CLM_SCREENSHOTS")


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _shot(page, name: str) -> None:
    if SCREENSHOTS:
        Path(SCREENSHOTS).mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(Path(SCREENSHOTS) / f"{name}.png"), full_page=True)


def test_a_buyer_reads_a_word_contract_corrects_a_field_and_creates_the_draft(page, live_server, login):
    UserFactory(username="buyer1", role="procurement_staff")
    login("buyer1")

    # Given the register's "Read a signed contract", a Word contract is uploaded
    page.goto(f"{live_server.url}/contracts/")
    page.click("text=Read a signed contract")
    page.set_input_files("#id_file", str(DOCX))
    page.click("button:has-text('Read the file')")
    page.wait_for_url(re.compile(r"/extractions/\d+/$"))

    # Then the proposed terms sit beside the text, each source sentence marked
    assert page.input_value("#id_title") == "云呼叫中心软件服务合同"
    assert page.input_value("#id_vendor_credit_code") == "91310115MA1K4PQ3XD"
    assert page.locator(".document-text mark").count() >= 10
    _shot(page, "extraction-review-desktop")
    # And following a field's source leads to the marked sentence
    page.click("a[href='#src-price_change_notice_days']")
    assert page.locator("#src-price_change_notice_days").count() == 1

    # When the buyer corrects the title and creates the draft
    page.fill("#id_title", "云呼叫中心软件服务合同（2026）")
    page.click("button:has-text('Create draft contract')")
    # (the form posts to the page's address, fragment included, which the browser keeps through the redirect)
    page.wait_for_url(re.compile(r"/contracts/\d+/(#.*)?$"))

    # Then the new draft holds the correction, and its clauses are the file's
    contract = Contract.objects.get()
    assert contract.title == "云呼叫中心软件服务合同（2026）"
    page.goto(f"{live_server.url}/contracts/{contract.pk}/?tab=clauses")
    assert page.locator("main").get_by_text("服务内容").count() >= 1
    _shot(page, "extraction-contract-clauses")


def test_the_review_page_fits_a_phone(browser, live_server):
    UserFactory(username="buyer1", role="procurement_staff")
    context = browser.new_context(viewport=PHONE)
    context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
    page = context.new_page()
    try:
        page.goto(f"{live_server.url}/accounts/login/")
        page.fill("#id_username", "buyer1")
        page.fill("#id_password", "pw-for-tests-2026")
        page.click("form[action$='/accounts/login/'] button[type=submit]")
        page.wait_for_url(re.compile(r"/$"))
        page.goto(f"{live_server.url}/extractions/")
        assert page.evaluate(LAYOUT_PROBLEMS) == []
        page.set_input_files("#id_file", str(DOCX))
        page.click("main button[type=submit]")
        page.wait_for_url(re.compile(r"/extractions/\d+/$"))

        # The text and the proposal are stacked: nothing wider than the screen
        assert page.evaluate(LAYOUT_PROBLEMS) == []
        text_box = page.locator(".extraction-text").bounding_box()
        form_box = page.locator(".extraction-proposal").bounding_box()
        assert form_box["y"] >= text_box["y"] + text_box["height"]
        _shot(page, "extraction-review-phone")
    finally:
        context.close()
