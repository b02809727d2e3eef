"""The app on a phone (390 px wide), in Chinese and English, as the demo's procurement manager: no page scrolls
sideways, no table squeezes its cells into a column of single characters, every tab of a contract is on screen,
dialogs fit the screen, and the menu opens as a full-width panel."""

import re

import pytest
from django.core.management import call_command

from contracts.models import Contract
from vendors.models import Vendor

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]

PHONE = {"width": 390, "height": 844}
DEMO_PASSWORD = "demo-pass-2026"
CONTRACT_TABS = ("terms", "clauses", "obligations", "sla", "documents", "history")

# Elements the page puts wholly or partly outside the viewport, and table cells narrower than about four characters.
LAYOUT_PROBLEMS = """() => {
  const width = window.innerWidth;
  const problems = [];
  if (document.documentElement.scrollWidth > width) {
    problems.push(`page is ${document.documentElement.scrollWidth}px wide`);
  }
  for (const cell of document.querySelectorAll("main td, main th")) {
    const box = cell.getBoundingClientRect();
    if (box.width > 0 && box.height > 0 && cell.textContent.trim() && box.width < 64) {
      problems.push(`cell "${cell.textContent.trim().slice(0, 20)}" is ${Math.round(box.width)}px wide`);
    }
  }
  for (const tab of document.querySelectorAll(".tabs [role=tab]")) {
    const box = tab.getBoundingClientRect();
    if (box.left < 0 || box.right > width) problems.push(`tab "${tab.textContent.trim()}" is off screen`);
  }
  return problems;
}"""

DIALOG_BOX = """() => {
  const box = document.querySelector("dialog[open]").getBoundingClientRect();
  return {left: box.left, top: box.top, right: box.right, bottom: box.bottom};
}"""


@pytest.fixture
def demo(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    call_command("seed_demo", "--force")
    return {
        "contract": Contract.objects.get(number="CLM-2026-0001"),
        "vendor": Vendor.objects.order_by("pk").first(),
    }


def phone_page(browser, live_server, language: str):
    context = browser.new_context(viewport=PHONE)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "manager")
    page.fill("#id_password", DEMO_PASSWORD)
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    page.wait_for_url(re.compile(r"/$"))
    return context, page


def test_main_pages_fit_a_phone_screen_in_chinese_and_english(browser, live_server, demo):
    contract, vendor = demo["contract"], demo["vendor"]
    paths = [
        "/",
        "/contracts/",
        *(f"/contracts/{contract.pk}/?tab={tab}" for tab in CONTRACT_TABS),
        "/vendors/",
        f"/vendors/{vendor.pk}/",
        "/obligations/",
        "/obligations/calendar/",
        "/accounts/settings/",
        "/reports/",
        "/reports/saved-views/",
    ]
    problems = []
    for language in ("zh-hans", "en"):
        context, page = phone_page(browser, live_server, language)
        try:
            for path in paths:
                response = page.goto(f"{live_server.url}{path}")
                assert response is not None and response.status == 200, path
                problems += [f"{language} {path}: {p}" for p in page.evaluate(LAYOUT_PROBLEMS)]

            # Every dialog of the contract page fits the screen.
            page.goto(f"{live_server.url}/contracts/{contract.pk}/")
            openers = page.locator("main [data-dialog]")
            assert openers.count() >= 2
            for index in range(openers.count()):
                opener = openers.nth(index)
                name = opener.get_attribute("data-dialog")
                opener.click()
                page.wait_for_selector("dialog[open]")
                box = page.evaluate(DIALOG_BOX)
                if (
                    box["left"] < 0
                    or box["top"] < 0
                    or box["right"] > PHONE["width"]
                    or box["bottom"] > PHONE["height"]
                ):
                    problems.append(f"{language}: dialog {name} does not fit the screen: {box}")
                page.locator("dialog[open] [data-close]").first.click()
                page.wait_for_selector("dialog[open]", state="detached")

            # The menu opens as a full-width panel below the brand, with every section in it.
            page.goto(f"{live_server.url}/")
            nav = page.locator("#main-nav")
            assert not nav.is_visible()
            page.click(".nav-toggle")
            assert page.get_attribute(".nav-toggle", "aria-expanded") == "true"
            nav_box = nav.bounding_box()
            brand_box = page.locator(".topbar .brand").bounding_box()
            assert nav_box is not None and brand_box is not None
            if nav_box["width"] < PHONE["width"] * 0.9:
                problems.append(f"{language}: the open menu is {nav_box['width']}px wide, not a full-width panel")
            if nav_box["y"] < brand_box["y"] + brand_box["height"]:
                problems.append(f"{language}: the open menu sits beside the brand instead of below it")
            assert nav.locator(":scope > a").count() == 5
            assert nav.locator("details.nav-saved summary").is_visible()
            assert page.locator(".topbar-tools").is_visible()
        finally:
            context.close()
    assert problems == [], "\n".join(problems)
