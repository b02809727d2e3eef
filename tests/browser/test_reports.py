"""The Reports page in a real browser: every chart draws from our own static files (no request leaves the app), each
over its table, and the page fits a phone (390 px). Saving a register view from the register puts it in the menu.

Screenshots are written to var/screens/ for a person to look at."""

from pathlib import Path

import pytest
from django.conf import settings

from tests.browser.test_phone_layout import LAYOUT_PROBLEMS, PHONE
from tests.fixtures.reports import build_report_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = Path(settings.BASE_DIR) / "var" / "screens"


@pytest.fixture
def world(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_report_world()


def test_the_reports_page_draws_every_chart_from_local_files(world, page, login, live_server):
    SCREENS.mkdir(parents=True, exist_ok=True)
    outside: list[str] = []
    page.on("request", lambda r: None if r.url.startswith(live_server.url) else outside.append(r.url))
    login("r_manager")

    page.goto(f"{live_server.url}/reports/")

    # Every chart with rows to draw is drawn (ECharts renders SVG) as it scrolls into view
    charts = page.locator(".report-chart")
    assert charts.count() >= 6
    for index in range(charts.count()):
        charts.nth(index).scroll_into_view_if_needed()
        charts.nth(index).locator("svg").first.wait_for()
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENS / "reports-desktop.png"), full_page=True)
    assert outside == []


def test_the_reports_page_fits_a_phone(world, browser, live_server):
    SCREENS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=PHONE)
    context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "r_buyer")
    page.fill("#id_password", "pw-for-tests-2026")
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/reports/")
    page.locator(".report-chart").first.scroll_into_view_if_needed()
    page.locator(".report-chart svg").first.wait_for()

    assert page.evaluate(LAYOUT_PROBLEMS) == []
    chart_width = page.locator(".report-chart").first.bounding_box()["width"]
    assert 250 < chart_width <= PHONE["width"]
    page.screenshot(path=str(SCREENS / "reports-phone.png"), full_page=True)
    context.close()


def test_a_register_search_saved_as_a_view_opens_from_the_menu(world, page, login, live_server):
    login("r_buyer")
    page.goto(f"{live_server.url}/contracts/")
    page.select_option("#id_status", "active")
    page.wait_for_url("**status=active**")

    page.fill("#id_saved_view_name", "Active ones")
    page.click("form.save-view button[type=submit]")

    page.wait_for_url("**/contracts/?status=active**")
    page.goto(f"{live_server.url}/")
    page.click(".nav-saved summary")
    page.click(".nav-saved >> text=Active ones")
    page.wait_for_url("**/contracts/?status=active**")
    assert page.locator("#id_status").input_value() == "active"
