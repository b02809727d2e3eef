"""A buyer adds a chat robot on a phone (390 px) and sets a contract's team robot: nothing scrolls sideways."""

import pytest

from accounts.models import Role
from notifications.models import ChatChannel
from tests.browser.test_phone_layout import LAYOUT_PROBLEMS, PHONE
from tests.factories import ContractFactory, UserFactory

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("language", ["en", "zh-hans"])
def test_a_buyer_adds_a_robot_and_a_team_robot_on_a_phone(browser, live_server, settings, language):
    # Given a buyer with a contract, on a phone
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    buyer = UserFactory(username="ann", role=Role.PROCUREMENT_STAFF, language=language)
    buyer.set_password("robot-pass-2026")
    buyer.save()
    contract = ContractFactory(owner=buyer)
    context = browser.new_context(viewport=PHONE)
    context.add_cookies([{"name": "django_language", "value": language, "url": live_server.url}])
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("#id_username", "ann")
    page.fill("#id_password", "robot-pass-2026")
    page.click("form[action$='/accounts/login/'] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/")

    # When they add their DingTalk robot on "My chat robots"
    page.goto(f"{live_server.url}/notifications/chat/")
    page.select_option("#id_kind", "dingtalk")
    page.fill("#id_url", "https://oapi.dingtalk.com/robot/send?access_token=abc")
    page.fill("#id_secret", "SEC123")
    page.click("main form[novalidate] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/notifications/chat/")

    # Then it is listed, and the page fits the phone
    assert ChatChannel.objects.filter(user=buyer, kind="dingtalk", secret="SEC123").exists()
    assert page.evaluate(LAYOUT_PROBLEMS) == []
    page.screenshot(path=f"var/chat-robots-{language}.png", full_page=True)

    # When they set the contract's team robot from the contract page
    page.goto(f"{live_server.url}{contract.get_absolute_url()}")
    page.click(f"a[href='/notifications/contracts/{contract.pk}/chat/']")
    page.select_option("#id_kind", "wecom")
    page.fill("#id_url", "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=team")
    page.click("main form[novalidate] button[type=submit]")
    page.wait_for_url(f"{live_server.url}/notifications/contracts/{contract.pk}/chat/")

    assert ChatChannel.objects.filter(contract=contract, kind="wecom").exists()
    assert page.evaluate(LAYOUT_PROBLEMS) == []
    page.screenshot(path=f"var/team-robot-{language}.png", full_page=True)
    context.close()
