"""The SLA journey in a real browser: a buyer uploads the vendor's monthly report, sees the missed month in red (with
its word, not only the colour) and the credit it earned, then corrects the month by hand. On a phone too."""

import re
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from django.conf import settings

from contracts.lifecycle.actions import contract_activate, contract_sign
from contracts.services.terms import contract_create
from sla.models import SlaPeriod
from tests.factories import UserFactory, VendorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

SCREENSHOTS = Path(settings.BASE_DIR) / "var" / "screenshots"


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def contract():
    buyer = UserFactory(username="buyer1", role="procurement_staff")
    contract = contract_create(
        by=buyer,
        title="电话客服外包服务合同",
        vendor=VendorFactory(name="上海汇声客服外包有限公司"),
        effective_date=date(2026, 1, 1),
        initial_term_months=24,
        price_increase_cap_pct=Decimal("5"),
        sla_credit_cap_pct=Decimal("15"),
        sla_targets=[
            {
                "metric": "接通率",
                "kind": "answer_rate",
                "comparator": ">=",
                "target": Decimal("95"),
                "unit": "%",
                "credit_pct": Decimal("5"),
            },
            {
                "metric": "系统可用率",
                "kind": "availability",
                "comparator": ">=",
                "target": Decimal("99.9"),
                "unit": "%",
                "credit_pct": Decimal("10"),
                "critical": True,
            },
        ],
    )
    contract_sign(contract=contract, by=buyer, date=date(2025, 12, 20))
    return contract_activate(contract=contract, by=buyer, date=date(2026, 1, 1))


def test_buyer_uploads_the_monthly_report_and_sees_the_missed_month_in_red(
    page, login, live_server, contract, tmp_path
):
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    report = tmp_path / "汇声-SLA月报.csv"
    report.write_text(
        "period,metric,value,fee_amount\n"
        "2026-03,接通率,96.1,120000\n2026-03,系统可用率,99.95,120000\n"
        "2026-04,接通率,93.2,120000\n2026-04,系统可用率,99.5,120000\n",
        encoding="utf-8-sig",
    )
    login("buyer1")

    # The contract's SLA tab: nothing recorded yet
    page.goto(f"{live_server.url}/contracts/{contract.pk}/?tab=sla")
    page.get_by_text("No month recorded yet").wait_for()

    # Upload the vendor's report
    page.set_input_files("input[type=file][name=file]", str(report))
    page.click("button:has-text('Upload report')")
    page.wait_for_url(re.compile(r"tab=sla"))
    page.get_by_text("The report was imported").wait_for()

    # April is red and says "missed", March green and "met"; the credit of April is 15% of 120,000
    missed = page.locator("td.sla-missed[data-period='2026-04']")
    assert missed.count() == 2
    assert "missed" in missed.first.inner_text()
    assert page.locator("td.sla-missed").first.evaluate("e => getComputedStyle(e).backgroundColor") != (
        page.locator("td.sla-met").first.evaluate("e => getComputedStyle(e).backgroundColor")
    )
    assert "met" in page.locator("td.sla-met[data-period='2026-03']").first.inner_text()
    assert "18,000.00" in page.locator("tfoot").inner_text()
    page.screenshot(path=str(SCREENSHOTS / "sla-grid-desktop.png"), full_page=True)

    # On a phone the grid scrolls sideways inside its frame, the page itself does not
    page.set_viewport_size({"width": 390, "height": 844})
    page.reload()
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, width
    page.screenshot(path=str(SCREENSHOTS / "sla-grid-phone.png"), full_page=True)
    page.set_viewport_size({"width": 1280, "height": 900})

    # Click April to correct it: the answer rate was met after all
    page.click("a:has-text('2026-04')")
    page.wait_for_url(re.compile(r"/sla/2026-04/$"))
    answer_rate = contract.sla_targets.get(metric="接通率")
    page.fill(f"#id_target_{answer_rate.pk}", "95.5")
    page.click("button:has-text('Save results')")
    page.wait_for_url(re.compile(r"tab=sla"))
    assert page.locator("td.sla-missed[data-period='2026-04']").count() == 1
    assert SlaPeriod.objects.get(contract=contract, period="2026-04").credit_pct == Decimal("10")


def test_a_report_with_a_wrong_row_lists_it_and_records_nothing(page, login, live_server, contract, tmp_path):
    report = tmp_path / "report.csv"
    report.write_text("period,metric,value\n2026-03,接通率,96\n2026-03,客户满意度,90\n", encoding="utf-8")
    login("buyer1")
    page.goto(f"{live_server.url}/contracts/{contract.pk}/?tab=sla")
    page.set_input_files("input[type=file][name=file]", str(report))
    page.click("button:has-text('Upload report')")
    page.get_by_text("The report was not imported").first.wait_for()
    assert "Line 3" in page.locator("ul.errorlist").inner_text()
    assert not SlaPeriod.objects.exists()
    page.screenshot(path=str(SCREENSHOTS / "sla-import-errors.png"), full_page=True)
