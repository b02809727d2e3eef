"""The review in a real browser: a buyer is refused signing while a high finding is open, legal accepts it on the
Review tab with a reason, and the buyer signs. The Review tab is also looked at on a 390 px phone."""

import importlib
import os
import re
from datetime import date

import pytest
from django.apps import apps as django_apps

from contracts.lifecycle.actions import contract_start_negotiation
from contracts.models import Contract
from contracts.services.terms import contract_create
from review.models import Finding
from tests.conftest import _DATA_MIGRATIONS
from tests.factories import UserFactory, VendorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = os.environ.get("CLM_SCREENSHOTS")  # a folder to keep the pages looked at, when set


@pytest.fixture(autouse=True)
def _migration_data():
    """A journey with serialized rollback before this one leaves the tables empty (its data is restored only for the
    next serialized test): the role groups, the clause library and the review's permissions are put back first."""
    from django.contrib.auth.models import Group

    if not Group.objects.exists():
        for module, function in _DATA_MIGRATIONS:
            getattr(importlib.import_module(module), function)(django_apps, None)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def negotiating():
    """buyer1's contract in negotiation: a service level with a credit, but no cap on price increases."""
    buyer = UserFactory(username="buyer1", role="procurement_staff")
    UserFactory(username="legal", role="legal")
    contract = contract_create(
        by=buyer,
        title="云呼在线客服外包合同",
        vendor=VendorFactory(name="上海云呼客服外包有限公司"),
        category="chat_outsourcing",
        effective_date=date(2035, 1, 1),
        sla_targets=[{"metric": "接通率", "kind": "answer_rate", "comparator": ">=", "target": 90, "credit_pct": 3}],
    )
    return contract_start_negotiation(contract=contract, by=buyer)


def sign(page, when: str):
    page.click("button[data-dialog=dlg-sign]")
    dialog = page.locator("dialog[open]")
    dialog.locator("input[name=date]").fill(when)
    dialog.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_a_buyer_is_refused_legal_accepts_and_the_buyer_signs(page, login, live_server, negotiating, browser):
    url = f"{live_server.url}/contracts/{negotiating.pk}/"

    # The buyer sees the open high finding in the header and is refused the signature, with a link to the review
    login("buyer1")
    page.goto(url)
    assert "1 open high finding" in page.locator("[data-testid=open-high]").inner_text()
    sign(page, "2035-01-01")
    assert "neither fixed nor accepted" in page.locator(".messages").inner_text()
    assert Contract.objects.get(pk=negotiating.pk).status == "negotiating"

    # Legal opens the Review tab and accepts the missing cap with a reason
    page.context.clear_cookies()
    login("legal")
    page.goto(url + "?tab=review")
    finding = page.locator("li[data-rule=price_cap_missing]")
    finding.locator("textarea[name=reason]").fill("唯一来源采购，价格已在框架协议中锁定")
    finding.locator("button:has-text('Accept')").click()
    page.wait_for_load_state()
    accepted = page.locator("li[data-rule=price_cap_missing]")
    assert accepted.get_attribute("data-status") == "accepted"
    assert "唯一来源采购" in accepted.inner_text()

    # The buyer signs
    page.context.clear_cookies()
    login("buyer1")
    page.goto(url)
    assert page.locator("[data-testid=open-high]").count() == 0
    sign(page, "2035-01-01")
    assert Contract.objects.get(pk=negotiating.pk).status == "signed"
    assert Finding.objects.get(contract=negotiating, rule="price_cap_missing").accepted_by.username == "legal"


def test_the_review_tab_fits_a_phone(browser, live_server, negotiating, login, page):
    phone = browser.new_context(viewport={"width": 390, "height": 844})
    small = phone.new_page()
    small.context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
    small.goto(f"{live_server.url}/accounts/login/")
    small.fill("#id_username", "legal")
    small.fill("#id_password", "pw-for-tests-2026")
    small.click("form[action$='/accounts/login/'] button[type=submit]")
    small.wait_for_url(re.compile(r"/$"))

    small.goto(f"{live_server.url}/contracts/{negotiating.pk}/?tab=review")

    width = small.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    assert small.locator("li[data-rule=price_cap_missing] textarea[name=reason]").is_visible()
    if SCREENSHOTS:
        small.screenshot(path=os.path.join(SCREENSHOTS, "review-tab-390.png"), full_page=True)
    phone.close()
