"""Saving chat robots: the API (me/, a contract's chat-channel/) and the pages, each person only their own."""

import pytest
from django.conf import settings
from django.urls import reverse
from rest_framework.test import APIClient

from accounts.models import Role
from notifications.models import ChatChannel
from tests.factories import ContractFactory, UserFactory

pytestmark = pytest.mark.django_db

WECOM = "https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=abc"
DINGTALK = "https://oapi.dingtalk.com/robot/send?access_token=t"


def api(user):
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_me_replaces_the_chat_channels_and_never_sends_a_secret_back():
    # Given a buyer
    buyer = UserFactory(role=Role.PROCUREMENT_STAFF)
    channels = [{"kind": "wecom", "url": WECOM}, {"kind": "dingtalk", "url": DINGTALK, "secret": "SEC1"}]

    # When they send their list of robots, then read it back
    saved = api(buyer).patch("/api/v1/me/", {"chat_channels": channels}, format="json")
    read = api(buyer).get("/api/v1/me/")

    # Then both are stored as theirs, and the secret stays on the server
    assert saved.status_code == 200
    assert read.json()["chat_channels"] == [
        {"kind": "wecom", "url": WECOM, "has_secret": False},
        {"kind": "dingtalk", "url": DINGTALK, "has_secret": True},
    ]
    assert "SEC1" not in read.content.decode()
    assert ChatChannel.objects.get(kind="dingtalk").secret == "SEC1"

    # And an empty list removes them
    api(buyer).patch("/api/v1/me/", {"chat_channels": []}, format="json")
    assert not ChatChannel.objects.filter(user=buyer).exists()


@pytest.mark.parametrize(
    "url, code",
    [("https://10.0.0.1/send", "not_public"), ("http://oapi.dingtalk.com/robot/send", "scheme")],
)
def test_a_refused_robot_url_is_a_400_on_the_url_field(url, code):
    buyer = UserFactory(role=Role.PROCUREMENT_STAFF)
    response = api(buyer).patch("/api/v1/me/", {"chat_channels": [{"kind": "wecom", "url": url}]}, format="json")
    assert response.status_code == 400
    assert "url" in response.json()["chat_channels"]["0"]
    assert not ChatChannel.objects.exists()


def test_a_contracts_team_channel_is_set_by_a_changer_and_read_by_a_viewer():
    owner = UserFactory(role=Role.PROCUREMENT_STAFF)
    contract = ContractFactory(owner=owner)
    url = f"/api/v1/contracts/{contract.pk}/chat-channel/"

    put = api(owner).put(url, {"kind": "dingtalk", "url": DINGTALK, "secret": "s", "language": "en"}, format="json")
    legal = api(UserFactory(role=Role.LEGAL)).get(url)

    assert put.status_code == 200
    assert legal.json() == {"chat_channel": {"kind": "dingtalk", "url": DINGTALK, "has_secret": True, "language": "en"}}
    assert api(owner).delete(url).status_code == 204
    assert api(owner).get(url).json() == {"chat_channel": None}


def test_the_page_adds_a_robot_and_refuses_a_private_address(client):
    buyer = UserFactory(role=Role.PROCUREMENT_STAFF)
    client.force_login(buyer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # pages follow the user's saved language, not Accept-Language
    page = reverse("notifications:my_chat_channels")

    refused = client.post(page, {"kind": "wecom", "url": "https://192.168.1.10/hook"})
    added = client.post(page, {"kind": "wecom", "url": WECOM})

    assert refused.status_code == 200
    assert "not a public internet address" in refused.content.decode()
    assert added.status_code == 302
    assert list(ChatChannel.objects.filter(user=buyer).values_list("url", flat=True)) == [WECOM]


def test_nobody_removes_someone_elses_robot(client):
    # Given Ann's robot
    ann = UserFactory(role=Role.PROCUREMENT_STAFF)
    channel = ChatChannel.objects.create(user=ann, kind="wecom", url=WECOM)

    # When Bob posts its removal
    client.force_login(UserFactory(role=Role.PROCUREMENT_STAFF))
    client.post(reverse("notifications:my_chat_channel_delete", args=[channel.pk]))

    # Then it is still there
    assert ChatChannel.objects.filter(pk=channel.pk).exists()
