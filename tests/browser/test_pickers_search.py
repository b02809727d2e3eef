"""In a real browser: the register searches Chinese typed through an input method, and the owner picker finds a
person by part of their name."""

import re
from datetime import date

import pytest
from playwright.sync_api import expect

from contracts.models import Contract
from contracts.services.terms import contract_create
from tests.factories import UserFactory, VendorFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture
def world(db):
    buyer = UserFactory(username="buyer1", role="procurement_staff")
    manager = UserFactory(username="manager", role="procurement_manager")
    li = UserFactory(username="lixm", first_name="晓敏", last_name="李", role="procurement_staff")
    yunhu = contract_create(
        by=buyer,
        title="云呼客服外包服务合同",
        vendor=VendorFactory(name="上海云呼客服外包有限公司", short_name="云呼客服"),
        effective_date=date(2026, 1, 1),
        initial_term_months=12,
    )
    other = contract_create(
        by=buyer,
        title="在线坐席外包合同",
        vendor=VendorFactory(name="杭州在线服务有限公司"),
        effective_date=date(2026, 1, 1),
        initial_term_months=12,
    )
    return {"buyer": buyer, "manager": manager, "li": li, "yunhu": yunhu, "other": other}


COMPOSE = """([selector, text]) => {
    const box = document.querySelector(selector);
    box.focus();
    box.dispatchEvent(new CompositionEvent("compositionstart", {bubbles: true, data: ""}));
    box.value = text;
    box.dispatchEvent(new InputEvent("input", {bubbles: true, isComposing: true, data: text,
                                              inputType: "insertCompositionText"}));
    box.dispatchEvent(new CompositionEvent("compositionend", {bubbles: true, data: text}));
}"""


def test_chinese_typed_through_an_input_method_searches_the_register(page, login, live_server, world):
    login("buyer1")
    page.goto(f"{live_server.url}/contracts/")
    results = page.locator("#register-results")
    expect(results).to_contain_text("在线坐席外包合同")
    expect(results).to_contain_text("云呼客服外包服务合同")

    # An input method: the word is composed (input events with isComposing), then committed (compositionend).
    page.evaluate(COMPOSE, ["#id_q", "云呼"])
    expect(results).not_to_contain_text("在线坐席外包合同")
    expect(results).to_contain_text("云呼客服外包服务合同")
    expect(page).to_have_url(re.compile(r"q=%E4%BA%91%E5%91%BC"))

    # Pasted or inserted text searches on `input` alone.
    page.fill("#id_q", "")
    page.focus("#id_q")
    page.keyboard.insert_text("在线坐席")
    expect(results).not_to_contain_text("云呼客服外包服务合同")
    expect(results).to_contain_text("在线坐席外包合同")


def test_the_owner_is_picked_by_typing_part_of_a_name(page, login, live_server, world):
    login("manager")
    contract = world["yunhu"]
    page.goto(f"{live_server.url}/contracts/{contract.pk}/edit/")
    # The page holds only the current owner; the picker asks the server as one types.
    assert page.locator("#id_owner option").count() == 1
    page.locator("#id_owner + .ts-wrapper .ts-control").click()
    page.keyboard.insert_text("晓敏")
    option = page.locator(".ts-dropdown .option", has_text="李晓敏 (lixm)")
    expect(option).to_be_visible()
    option.click()
    expect(page.locator("#id_owner")).to_have_value(str(world["li"].pk))
    page.click("form[method=post] button.btn-primary[type=submit]")
    page.wait_for_url(re.compile(rf"/contracts/{contract.pk}/$"))
    assert Contract.objects.get(pk=contract.pk).owner == world["li"]
