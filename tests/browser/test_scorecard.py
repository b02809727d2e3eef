"""The vendor scorecard in a real browser: the trend charts draw from our own static files (no request leaves the
app), each next to its table, and the page fits a phone (390 px) with its tables as cards.

Screenshots are written to var/screens/ for a person to look at."""

from pathlib import Path

import pytest
from django.conf import settings

from tests.browser.test_phone_layout import LAYOUT_PROBLEMS, PHONE
from tests.fixtures.sla_scorecard import build_scorecard_world

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENS = Path(settings.BASE_DIR) / "var" / "screens"


@pytest.fixture
def world(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_scorecard_world()


def _outside_requests(page, base_url: str) -> list[str]:
    outside: list[str] = []
    page.on("request", lambda request: None if request.url.startswith(base_url) else outside.append(request.url))
    return outside


def test_the_scorecard_draws_a_chart_per_target_from_local_files(world, page, login, live_server):
    SCREENS.mkdir(parents=True, exist_ok=True)
    outside = _outside_requests(page, live_server.url)
    login("sc_buyer")

    page.goto(f"{live_server.url}/vendors/{world.vendor.pk}/scorecard/")

    # Every target's chart is drawn (ECharts renders SVG), as they scroll into view
    charts = page.locator(".trend-chart")
    assert charts.count() == 3
    for index in range(charts.count()):
        charts.nth(index).scroll_into_view_if_needed()
        charts.nth(index).locator("svg").first.wait_for()
    page.evaluate("window.scrollTo(0, 0)")
    assert page.locator("table.cards tfoot").inner_text().split() == [
        "Total",
        "15",
        "21",
        "/",
        "26",
        "CNY",
        "18,500.00",
        "1",
    ]
    page.screenshot(path=str(SCREENS / "scorecard-desktop.png"), full_page=True)
    assert outside == []


def test_the_scorecard_fits_a_phone(world, browser, live_server):
    SCREENS.mkdir(parents=True, exist_ok=True)
    context = browser.new_context(viewport=PHONE)
    context.add_cookies([{"name": "django_language", "value": "zh-hans", "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "sc_buyer")
    page.fill("#id_password", "pw-for-tests-2026")
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    page.goto(f"{live_server.url}/vendors/{world.vendor.pk}/scorecard/")
    page.locator(".trend-chart").first.scroll_into_view_if_needed()
    page.locator(".trend-chart svg").first.wait_for()
    # The numbers of a chart open as cards
    page.locator("details.disclosure summary").first.click()

    assert page.evaluate(LAYOUT_PROBLEMS) == []
    chart_width = page.locator(".trend-chart").first.bounding_box()["width"]
    assert 250 < chart_width <= PHONE["width"]
    page.screenshot(path=str(SCREENS / "scorecard-phone.png"), full_page=True)
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(SCREENS / "scorecard-phone-top.png"))
    page.locator(".trend").first.scroll_into_view_if_needed()
    page.screenshot(path=str(SCREENS / "scorecard-phone-chart.png"))
    context.close()
