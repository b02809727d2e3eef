"""The main user journeys, in a real browser: negotiate and sign, price-change notice, terminate, PDF, language,
and access (another buyer can neither find nor open the contract)."""

import re
from datetime import date, timedelta

import pytest
from django.utils import timezone

from contracts.lifecycle.actions import contract_activate, contract_sign
from contracts.models import ClauseTemplate, Contract
from contracts.services.terms import contract_create
from obligations.calendar import add_working_days
from tests.factories import SIGNABLE_TERMS, UserFactory, VendorFactory, make_credit_code

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def buyer1():
    return UserFactory(username="buyer1", first_name="晓敏", role="procurement_staff")


@pytest.fixture
def buyer2():
    return UserFactory(username="buyer2", role="procurement_staff")


@pytest.fixture
def active_contract(buyer1):
    """An active, auto-renewing contract of buyer1's, set up through the services."""
    vendor = VendorFactory(name="上海云呼客服外包有限公司", short_name="云呼客服")
    contract = contract_create(
        by=buyer1,
        title="云呼客服外包服务合同",
        vendor=vendor,
        effective_date=date(2025, 1, 1),
        initial_term_months=12,
        auto_renew=True,
        price_change_notice_days=90,
        price_increase_cap_pct=5,
        data_handover_business_days=7,
        sla_targets=SIGNABLE_TERMS["sla_targets"],
    )
    contract_sign(contract=contract, by=buyer1, date=date(2024, 12, 20))
    return contract_activate(contract=contract, by=buyer1, date=date(2025, 1, 1))


def confirm_in_dialog(page, opener: str, fields: dict[str, str]):
    page.click(opener)
    dialog = page.locator("dialog[open]")
    for selector, value in fields.items():
        dialog.locator(selector).fill(value)
    dialog.locator("button[type=submit]").click()
    page.wait_for_load_state()


def test_buyer_creates_vendor_and_contract_from_library_negotiates_signs_and_activates(
    page, login, live_server, buyer1
):
    login("buyer1")
    today = timezone.localdate()
    effective = today.replace(day=1) - timedelta(days=60)
    effective = effective.replace(day=1)

    # A new vendor.
    page.goto(f"{live_server.url}/vendors/new/")
    page.fill("#id_name", "杭州智聊科技有限公司")
    page.fill("#id_credit_code", make_credit_code(424242))
    page.fill("#id_contacts-0-name", "王五")
    page.click("button:has-text('Save vendor'), form button.btn-primary")
    page.wait_for_url(re.compile(r"/vendors/\d+/$"))

    # A new contract for it, started from two clause-library templates.
    page.click("a[href*='/contracts/new/?vendor=']")
    page.fill("#id_title", "智聊在线客服外包合同")
    page.fill("#id_effective_date", effective.isoformat())
    # A price cap and a service level with a credit: what the review asks for before the contract can be signed.
    page.fill("#id_price_increase_cap_pct", "5")
    page.fill("#id_sla-0-metric", "接通率")
    page.select_option("#id_sla-0-kind", "answer_rate")
    page.fill("#id_sla-0-target", "90")
    page.fill("#id_sla-0-credit_pct", "3")
    templates = list(ClauseTemplate.objects.filter(category__in=["data_handover", "price_adjustment"])[:2])
    for template in templates:
        page.check(f"input[name=clause_templates][value='{template.pk}']")
    page.click("form button[type=submit].btn-primary")
    page.wait_for_url(re.compile(r"/contracts/\d+/$"))
    contract = Contract.objects.get(title="智聊在线客服外包合同")
    assert contract.clauses.count() == 2

    # Negotiate: the vendor counters the first clause, then every clause is agreed.
    page.click("role=tab[name='Clauses']")
    for index, clause in enumerate(contract.clauses.order_by("order")):
        page.goto(f"{live_server.url}/contracts/{contract.pk}/clauses/{clause.pk}/")
        if index == 0:
            page.fill("#id_text", clause.text + "乙方可收取合理的数据导出费用。")
            page.check("input[name=side][value=vendor]")
            page.fill("#id_comment", "供应商反提案")
            page.click("button:has-text('Add revision')")
            page.wait_for_load_state()
            assert page.locator(".redline ins").first.inner_text() == "乙方可收取合理的数据导出费用。"
        page.select_option("#id_status", "agreed")
        page.click("button:has-text('Save status')")
        page.wait_for_load_state()
        assert "Agreed" in page.locator(".page-head .badge").inner_text()

    # Sign and activate, each confirmed in a dialog with a date.
    page.goto(f"{live_server.url}/contracts/{contract.pk}/")
    confirm_in_dialog(page, "button[data-dialog=dlg-sign]", {"input[name=date]": effective.isoformat()})
    confirm_in_dialog(page, "button[data-dialog=dlg-activate]", {"input[name=date]": effective.isoformat()})
    contract.refresh_from_db()
    assert contract.status == "active"

    page.click("role=tab[name='Obligations']")
    page.wait_for_selector("#tab-panel table")
    renewal = contract.obligations.get(kind="renewal_window")
    row = page.locator("#tab-panel tr", has_text=renewal.title)
    assert renewal.due_date.strftime("%Y-%m-%d") in row.inner_text()


def test_non_compliant_price_change_notice_is_flagged_on_the_dashboard(page, login, live_server, active_contract):
    login("buyer1")
    today = timezone.localdate()
    page.goto(f"{live_server.url}/contracts/{active_contract.pk}/")

    confirm_in_dialog(
        page,
        "button[data-dialog=dlg-price]",
        {
            "input[name=received_on]": today.isoformat(),
            "input[name=effective_on]": (today + timedelta(days=40)).isoformat(),
            "input[name=increase_pct]": "8",
        },
    )

    assert "does NOT comply" in page.locator(".messages").inner_text()
    page.goto(f"{live_server.url}/")
    section = page.locator("section", has=page.locator("#d-price"))
    assert section.locator(".flag-danger").inner_text() == "Non-compliant"
    section.locator("a", has_text="price-change").first.click()
    page.wait_for_url(re.compile(r"/obligations/\d+/$"))
    assert page.locator(".flag-danger").first.is_visible()


def test_termination_creates_the_data_handover_obligation_on_the_right_working_day(
    page, login, live_server, active_contract
):
    login("buyer1")
    page.goto(f"{live_server.url}/contracts/{active_contract.pk}/")

    confirm_in_dialog(
        page,
        "button[data-dialog=dlg-terminate]",
        {"input[name=date]": "2025-09-30", "textarea[name=reason]": "服务质量不达标"},
    )
    page.goto(f"{live_server.url}/contracts/{active_contract.pk}/?tab=obligations")

    row = page.locator("#tab-panel tr", has_text="Data handover")
    assert "2025-10-16" in row.inner_text()
    assert add_working_days(date(2025, 9, 30), 7) == date(2025, 10, 16)


def test_contract_pdf_downloads_in_both_languages(page, login, live_server, active_contract):
    login("buyer1")
    page.goto(f"{live_server.url}/contracts/{active_contract.pk}/")

    for label, lang in [("PDF (Chinese)", "zh-hans"), ("PDF (English)", "en")]:
        with page.expect_download() as info:
            page.click(f"a:has-text('{label}')")
        download = info.value
        assert download.suggested_filename == f"{active_contract.number}-{lang}.pdf"
        with open(download.path(), "rb") as pdf:
            assert pdf.read(5) == b"%PDF-"


def test_switching_to_english_shows_the_same_pages_in_english(page, login, live_server, active_contract, buyer1):
    login("buyer1", language="zh-hans")
    assert page.locator("html").get_attribute("lang") == "zh-hans"
    assert page.locator("h1").inner_text() != "Dashboard"
    page.goto(f"{live_server.url}/contracts/{active_contract.pk}/")
    assert not page.locator("role=tab[name='Terms']").is_visible()
    page.goto(f"{live_server.url}/")

    page.click(".lang-switch button[value=en]")
    page.wait_for_load_state()

    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("h1").inner_text() == "Dashboard"
    page.goto(f"{live_server.url}/contracts/{active_contract.pk}/")
    assert page.locator("html").get_attribute("lang") == "en"
    assert page.locator("role=tab[name='Terms']").is_visible()
    buyer1.refresh_from_db()
    assert buyer1.language == "en"


def test_another_buyer_can_neither_find_nor_open_the_contract(page, login, live_server, active_contract, buyer2):
    login("buyer2")

    page.goto(f"{live_server.url}/contracts/")
    page.fill("#id_q", "云呼客服")
    page.press("#id_q", "Enter")
    page.wait_for_load_state()
    assert active_contract.number not in page.content()
    assert page.locator("#register-results .empty").is_visible()

    response = page.goto(f"{live_server.url}/contracts/{active_contract.pk}/")
    assert response.status == 404
    assert active_contract.title not in page.content()


def test_register_csv_link_follows_the_search_typed_without_a_page_reload(
    page, login, live_server, active_contract, buyer1
):
    other = contract_create(
        by=buyer1, title="机房托管服务合同", vendor=VendorFactory(name="北京数据港机房服务有限公司")
    )
    login("buyer1")
    page.goto(f"{live_server.url}/contracts/")

    # When the buyer searches and htmx replaces the results (no page load)
    page.fill("#id_q", "客服外包")
    with page.expect_response(lambda response: "q=" in response.url and "/contracts/" in response.url):
        page.press("#id_q", "Enter")
    page.wait_for_function("document.querySelector('#register-export-links a').href.includes('q=')")

    # Then the export links carry the search, so the CSV holds what the register shows
    href = page.locator("#register-export-links a").first.get_attribute("href")
    assert "q=%E5%AE%A2%E6%9C%8D%E5%A4%96%E5%8C%85" in href
    response = page.request.get(f"{live_server.url}{href}")
    assert response.status == 200
    assert active_contract.number in response.text()
    assert other.number not in response.text()
