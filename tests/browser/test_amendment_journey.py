"""Amending a signed contract in the pages: the buyer proposes, a manager approves on a phone, the terms in force
change and the obligations follow."""

import os
import re
from datetime import date

import pytest
from django.utils import timezone

from amendments.models import Amendment
from contracts.lifecycle.actions import contract_activate, contract_sign
from contracts.services.terms import contract_create
from tests.factories import SIGNABLE_TERMS, UserFactory, VendorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def look(page, name: str) -> None:
    """With SCREENSHOTS_DIR set, keep a picture of the page for a person to look at."""
    folder = os.environ.get("SCREENSHOTS_DIR")
    if folder:
        page.screenshot(path=os.path.join(folder, f"{name}.png"), full_page=True)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def people():
    return {
        "buyer1": UserFactory(username="buyer1", role="procurement_staff"),
        "manager": UserFactory(username="manager", role="procurement_manager"),
    }


@pytest.fixture
def signed_contract(people):
    buyer = people["buyer1"]
    contract = contract_create(
        by=buyer,
        title="云呼客服外包服务合同",
        vendor=VendorFactory(name="上海云呼客服外包有限公司"),
        effective_date=date(2026, 1, 1),
        initial_term_months=24,
        price_change_notice_days=90,
        price_increase_cap_pct=5,
        sla_targets=SIGNABLE_TERMS["sla_targets"],
    )
    contract_sign(contract=contract, by=buyer, date=date(2025, 12, 20))
    return contract_activate(contract=contract, by=buyer, date=date(2026, 1, 1))


def test_a_buyer_amends_a_signed_contract_and_a_manager_approves_it_on_a_phone(
    page, login, live_server, signed_contract, people
):
    contract = signed_contract
    login("buyer1")

    # The edit page of a signed contract offers the notes, not the terms
    page.goto(f"{live_server.url}/contracts/{contract.pk}/edit/")
    assert page.locator("#id_notes").count() == 1
    assert page.locator("#id_price_change_notice_days").count() == 0

    # The buyer proposes an amendment from the Amendments tab, starting from the terms in force
    page.goto(f"{live_server.url}/contracts/{contract.pk}/")
    page.click("role=tab[name='Amendments']")
    page.click("a:has-text('New amendment')")
    page.wait_for_url(re.compile(r"/amendments/new/$"))
    assert page.input_value("#id_terms-price_change_notice_days") == "90"
    look(page, "amendment-new")
    page.fill("#id_title", "缩短调价通知期")
    page.fill("#id_effective_on", timezone.localdate().isoformat())
    page.fill("#id_terms-price_change_notice_days", "60")
    page.click("button:has-text('Propose the amendment')")
    page.wait_for_url(re.compile(r"/contracts/amendments/\d+/$"))
    amendment = Amendment.objects.get(contract=contract)
    assert amendment.number == f"{contract.number}-A1"
    row = page.locator("tr", has_text="Price-change notice")
    assert "90" in row.locator("del").inner_text() and "60" in row.locator("ins").inner_text()
    assert page.locator("button:has-text('Approve')").count() == 0
    look(page, "amendment-proposed")

    # A manager approves it on a phone; its day has come, so it is in force at once
    page.context.clear_cookies()
    page.set_viewport_size({"width": 390, "height": 844})
    login("manager")
    page.goto(f"{live_server.url}/contracts/amendments/{amendment.pk}/")
    page.once("dialog", lambda dialog: dialog.accept())
    page.click("button:has-text('Approve')")
    page.wait_for_load_state()
    assert "The amendment was approved and is now in force." in page.content()
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    look(page, "amendment-approved-phone")

    # The contract's terms in force are the amended ones, and the amendment is listed with them
    page.goto(f"{live_server.url}/contracts/{contract.pk}/")
    terms = page.locator("#tab-panel").inner_text()
    assert "60 days" in terms and amendment.number in terms
    look(page, "contract-terms-in-force-phone")
    contract.refresh_from_db()
    assert contract.price_change_notice_days == 60
