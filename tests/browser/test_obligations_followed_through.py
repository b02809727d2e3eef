"""Following an obligation through on a phone (390 px): the page says when to act for a due date on a holiday, the
done dialog takes a note and an evidence file, and a termination for cause is scheduled from the contract page."""

import importlib
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from contracts.lifecycle.actions import contract_activate, contract_sign
from contracts.services.terms import contract_create
from obligations.actions import obligation_create_custom
from tests.factories import SIGNABLE_TERMS, UserFactory, VendorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"width": 390, "height": 844}
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PASSWORD = "pw-for-tests-2026"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _roles(transactional_db):
    """The role groups, as their migration creates them: a transactional test that ran before may have flushed them."""
    importlib.import_module("accounts.migrations.0002_roles").create_roles(apps, None)


@pytest.fixture
def world():
    buyer = UserFactory(username="buyer1", role="procurement_staff", language="en")
    contract = contract_create(
        by=buyer,
        title="云呼客服外包服务合同",
        vendor=VendorFactory(name="上海云呼客服外包有限公司"),
        effective_date=date(2026, 1, 1),
        initial_term_months=24,
        termination_notice_days=30,
        **SIGNABLE_TERMS,
    )
    contract_sign(contract=contract, by=buyer, date=date(2025, 12, 20))
    contract = contract_activate(contract=contract, by=buyer, date=date(2026, 1, 1))
    obligation = obligation_create_custom(
        contract=contract, by=buyer, title="Send the written non-renewal notice", due_date=date(2026, 10, 1)
    )
    return contract, obligation


@pytest.fixture
def phone(browser, live_server, world):
    context = browser.new_context(viewport=PHONE)
    context.add_cookies([{"name": "django_language", "value": "en", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "buyer1")
    page.fill("#id_password", PASSWORD)
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    page.wait_for_load_state()
    yield page
    context.close()


def fits_the_screen(page) -> bool:
    box = page.locator("dialog[open]").bounding_box()
    wide = page.evaluate("document.documentElement.scrollWidth")
    return box is not None and box["x"] >= 0 and box["x"] + box["width"] <= PHONE["width"] and wide <= PHONE["width"]


def test_an_obligation_is_completed_with_a_note_and_evidence_on_a_phone(phone, live_server, world, tmp_path):
    _contract, obligation = world
    phone.goto(f"{live_server.url}{obligation.get_absolute_url()}")
    assert "Due October 1, 2026, a public holiday: act by September 30, 2026." in phone.inner_text("main")

    phone.click("button[data-dialog=dlg-complete]")
    assert fits_the_screen(phone)
    evidence = tmp_path / "notice-receipt.pdf"
    evidence.write_bytes(PDF)
    dialog = phone.locator("dialog[open]")
    dialog.locator("textarea[name=note]").fill("Notice sent by registered mail, receipt attached")
    dialog.locator("input[name=document]").set_input_files(str(evidence))
    dialog.locator("button[type=submit]").click()
    phone.wait_for_load_state()

    main = phone.inner_text("main")
    assert "Notice sent by registered mail, receipt attached" in main
    assert "notice-receipt.pdf" in main
    obligation.refresh_from_db()
    assert (obligation.status, obligation.evidence.original_name) == ("done", "notice-receipt.pdf")


def test_a_termination_for_cause_is_scheduled_from_the_contract_page_on_a_phone(phone, live_server, world):
    contract, _obligation = world
    day = timezone.localdate() + timedelta(days=10)
    phone.goto(f"{live_server.url}{contract.get_absolute_url()}")

    phone.click("button[data-dialog=dlg-terminate]")
    assert fits_the_screen(phone)
    dialog = phone.locator("dialog[open]")
    dialog.locator("input[name=date]").fill(day.isoformat())
    dialog.locator("textarea[name=reason]").fill("SLA missed three months running: exit right exercised")
    dialog.locator("input[name=for_cause]").check()
    dialog.locator("button[type=submit]").click()
    phone.wait_for_load_state()

    assert f"Terminates on {day:%B} {day.day}, {day.year}" in phone.inner_text(".page-head")
    contract.refresh_from_db()
    assert (contract.status, contract.scheduled_termination_on, contract.termination_for_cause) == ("active", day, True)
