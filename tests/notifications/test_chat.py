"""Reminders to chat robots, against a real HTTP server on 127.0.0.1: each platform's format and signature, exactly
once across sweeps and after failures, the recipient's language, the access gate, and the SSRF guard."""

import base64
import hashlib
import hmac
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from accounts.models import Role
from notifications import chat
from notifications.chat import deliver_chat, run_chat_sweep
from notifications.models import ChatChannel, ChatDelivery, DeliveryStatus
from notifications.services import chat_channels_replace, contract_channel_set
from obligations.reminders.delivery import run_sweep
from tests.factories import ContractFactory, ObligationFactory, UserFactory

pytestmark = pytest.mark.django_db

SHANGHAI = ZoneInfo("Asia/Shanghai")
DUE = date(2026, 12, 15)
SWEEP_DAY = datetime(2026, 12, 8, 9, 30, tzinfo=SHANGHAI)  # seven days before DUE: a reminder point of a custom one


@pytest.fixture(autouse=True)
def _loopback_allowed(settings):
    settings.WEBHOOK_ALLOW_PRIVATE = True
    settings.SITE_URL = "https://clm.example.com"
    settings.OUTBOUND_TIMEOUT = 2.0


def sweep_both():
    """What beat does: the e-mail sweep (which plans the points), then the chat sweep."""
    run_sweep(now=SWEEP_DAY)
    return run_chat_sweep()


def owner_with_channel(kind, url, secret="", language="en"):
    owner = UserFactory(username="ann", role=Role.PROCUREMENT_STAFF, language=language)
    chat_channels_replace(user=owner, channels=[{"kind": kind, "url": url, "secret": secret}])
    return owner


def dingtalk_signature(secret: str, timestamp: str) -> str:
    digest = hmac.new(secret.encode(), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_signature(secret: str, timestamp: str) -> str:
    digest = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def test_wecom_gets_the_reminder_as_markdown_exactly_once_across_two_sweeps(receiver, make_obligation):
    # Given an English-speaking owner whose WeCom robot is their chat channel, and an obligation due in 7 days
    owner = owner_with_channel("wecom", receiver.url("/cgi-bin/webhook/send?key=k1"))
    obligation = make_obligation(owner=owner, title="Quarterly service review", due_date=DUE)

    # When two sweeps run
    first = sweep_both()
    second = sweep_both()

    # Then the robot received one markdown message with the e-mail's content and the link, and nothing more
    assert (first.sent, second.sent, second.planned) == (1, 0, 0)
    [request] = receiver.requests
    assert request.query == {"key": "k1"}
    content = request.json["markdown"]["content"]
    assert request.json["msgtype"] == "markdown"
    assert "Quarterly service review" in content
    assert obligation.contract.number in content
    assert "7 days left" in content
    assert f"(https://clm.example.com{obligation.get_absolute_url()})" in content
    delivery = ChatDelivery.objects.get()
    assert (delivery.status, delivery.offset, delivery.response_code) == (DeliveryStatus.SENT, 7, 200)


def test_dingtalk_gets_signed_markdown_whose_signature_the_receiver_verifies(receiver, make_obligation):
    # Given a DingTalk robot with signing turned on
    owner = owner_with_channel("dingtalk", receiver.url("/robot/send?access_token=t1"), secret="SECabc")
    make_obligation(owner=owner, title="Quarterly service review", due_date=DUE)

    sweep_both()
    sweep_both()

    # Then exactly one request arrived, signed the way DingTalk checks it: HMAC-SHA256 of "timestamp\nsecret"
    [request] = receiver.requests
    timestamp = request.query["timestamp"]
    assert request.query["sign"] == dingtalk_signature("SECabc", timestamp)
    assert abs(int(timestamp) / 1000 - timezone.now().timestamp()) < 3600
    assert request.query["access_token"] == "t1"
    assert request.json["msgtype"] == "markdown"
    assert "Quarterly service review" in request.json["markdown"]["title"]
    assert "7 days left" in request.json["markdown"]["text"]


def test_feishu_gets_a_signed_card_in_the_owners_language(receiver, make_obligation):
    # Given a Chinese-speaking owner with a Feishu robot with signing turned on
    owner = owner_with_channel("feishu", receiver.url("/open-apis/bot/v2/hook/x"), secret="fs", language="zh-hans")
    obligation = make_obligation(owner=owner, title="季度服务回顾", due_date=DUE)
    receiver.answer(body=b'{"code":0,"msg":"success","data":{}}')

    sweep_both()
    sweep_both()

    # Then one interactive card arrived, with Feishu's body signature, a button to the obligation, in Chinese
    [request] = receiver.requests
    body = request.json
    assert body["msg_type"] == "interactive"
    assert body["sign"] == feishu_signature("fs", body["timestamp"])
    card = body["card"]
    assert "季度服务回顾" in card["header"]["title"]["content"]
    [button] = card["elements"][1]["actions"]
    assert button["url"] == f"https://clm.example.com{obligation.get_absolute_url()}"
    assert "7 days left" not in card["elements"][0]["text"]["content"]


def test_an_error_code_is_a_failure_retried_after_the_backoff_and_then_sent_once(receiver, make_obligation):
    # Given a DingTalk robot that first answers HTTP 200 with a non-zero errcode (its usual way to fail)
    owner = owner_with_channel("dingtalk", receiver.url("/robot/send?access_token=t1"), secret="s")
    make_obligation(owner=owner, due_date=DUE)
    receiver.answer(body=b'{"errcode":310000,"errmsg":"sign not match"}')

    # When the sweep runs, then again at once
    first = sweep_both()
    again = sweep_both()

    # Then the first attempt counted as failed, is waiting for its backoff and was not retried early
    assert (first.sent, first.failed, again.sent, again.failed) == (0, 1, 0, 0)
    delivery = ChatDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert "310000" in delivery.last_error
    assert delivery.next_attempt_at > timezone.now()

    # When the backoff has passed, it is sent; and later sweeps send nothing more
    later = deliver_chat(now=timezone.now() + timedelta(hours=2))
    assert later.sent == 1
    assert deliver_chat(now=timezone.now() + timedelta(hours=4)).sent == 0
    assert len(receiver.requests) == 2
    delivery.refresh_from_db()
    assert (delivery.status, delivery.attempts) == (DeliveryStatus.SENT, 2)


def test_a_message_that_cannot_be_built_fails_alone_and_the_rest_of_the_batch_is_sent(
    receiver, make_obligation, monkeypatch
):
    # Given two reminders due to one robot, the first of which cannot be written (say, a broken translation)
    owner = owner_with_channel("wecom", receiver.url("/send?key=k"))
    broken = make_obligation(owner=owner, title="Broken", due_date=DUE)
    make_obligation(owner=owner, title="Quarterly service review", due_date=DUE)
    build = chat.build_reminder

    def build_or_fail(obligation, *args):
        if obligation.pk == broken.pk:
            raise KeyError("title")
        return build(obligation, *args)

    monkeypatch.setattr(chat, "build_reminder", build_or_fail)

    # When the sweep runs
    result = sweep_both()

    # Then the other reminder reached the robot and is sent; the broken one waits for its retry, never sent
    assert (result.sent, result.failed) == (1, 1)
    [request] = receiver.requests
    assert "Quarterly service review" in request.json["markdown"]["content"]
    failed = ChatDelivery.objects.get(obligation=broken)
    assert (failed.status, failed.attempts) == (DeliveryStatus.PENDING, 1)
    assert failed.last_error.startswith("error: KeyError")
    assert failed.next_attempt_at > timezone.now()


def test_robot_requests_run_concurrently_up_to_the_bound_and_never_beyond_it(receiver, make_obligation, monkeypatch):
    # Given ten reminders due to one slow robot and a bound of four requests in flight
    monkeypatch.setattr(chat, "CONCURRENCY", 4)
    owner = owner_with_channel("wecom", receiver.url("/send?key=k"))
    for n in range(10):
        make_obligation(owner=owner, title=f"Review {n}", due_date=DUE)
        receiver.answer(delay=0.3)

    # When the sweep runs
    result = sweep_both()

    # Then all ten went out, four at a time at most, and the robot did have four at once
    assert result.sent == 10
    assert len(receiver.requests) == 10
    assert receiver.most_in_flight == 4


def test_a_server_error_is_retried_and_a_redirect_is_never_followed(receiver, make_obligation):
    # Given a WeCom robot that answers 500, then redirects to the cloud metadata address, then works
    owner = owner_with_channel("wecom", receiver.url("/send?key=k"))
    make_obligation(owner=owner, due_date=DUE)
    receiver.answer(status=500, body=b"oops")
    receiver.answer(status=302, body=b"", headers={"Location": "http://169.254.169.254/latest/meta-data/"})

    sweep_both()
    deliver_chat(now=timezone.now() + timedelta(hours=2))
    delivery = ChatDelivery.objects.get()
    # Then neither counted as sent, and the redirect was not followed (only our server was ever called)
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_error.startswith("redirect")
    deliver_chat(now=timezone.now() + timedelta(hours=4))
    delivery.refresh_from_db()
    assert delivery.status == DeliveryStatus.SENT
    assert len(receiver.requests) == 3


def test_a_contract_team_channel_gets_its_contracts_reminders_in_its_language(receiver):
    # Given a contract whose owner set an English team channel on it
    owner = UserFactory(role=Role.PROCUREMENT_STAFF, language="zh-hans")
    contract = ContractFactory(owner=owner)
    contract_channel_set(contract=contract, by=owner, kind="wecom", url=receiver.url("/team?key=t"), language="en")
    ObligationFactory(contract=contract, title="Quarterly service review", due_date=DUE)
    ObligationFactory(contract=ContractFactory(owner=owner), due_date=DUE)  # another contract of the same owner

    sweep_both()
    sweep_both()

    # Then the team channel got its contract's reminder once, in English, and nothing about the other contract
    [request] = receiver.requests
    assert request.path == "/team"
    assert contract.number in request.json["markdown"]["content"]
    assert "7 days left" in request.json["markdown"]["content"]


def test_a_team_channel_hears_nothing_once_whoever_set_it_cannot_see_the_contract(receiver):
    # Given a team channel set by a staff member who has since been deactivated
    owner = UserFactory(role=Role.PROCUREMENT_STAFF)
    setter = UserFactory(role=Role.PROCUREMENT_STAFF)
    contract = ContractFactory(owner=owner)
    contract_channel_set(contract=contract, by=setter, kind="wecom", url=receiver.url("/team?key=t"))
    ObligationFactory(contract=contract, due_date=DUE)

    sweep_both()

    # Then the setter (who cannot see the owner's contract) makes the channel hear nothing
    assert receiver.requests == []
    assert not ChatDelivery.objects.exists()


def test_a_person_without_sight_of_the_contract_gets_nothing_in_their_channel(receiver):
    # Given a staff member with a chat channel watching an obligation of a contract they cannot see
    outsider = owner_with_channel("wecom", receiver.url("/o?key=o"))
    obligation = ObligationFactory(
        contract=ContractFactory(owner=UserFactory(role=Role.PROCUREMENT_STAFF)), due_date=DUE
    )
    obligation.watchers.add(outsider)

    sweep_both()

    assert receiver.requests == []


@pytest.mark.parametrize(
    "url",
    [
        "https://10.0.0.8/hook",
        "https://192.168.1.1/hook",
        "https://127.0.0.1/hook",
        "https://[::1]/hook",
        "https://169.254.169.254/latest/meta-data/",
        "http://robot.example.com/hook",
    ],
)
def test_a_channel_on_a_private_loopback_or_link_local_address_is_refused_when_saved(settings, url):
    settings.WEBHOOK_ALLOW_PRIVATE = False
    user = UserFactory()
    with pytest.raises(ValidationError) as refused:
        chat_channels_replace(user=user, channels=[{"kind": "wecom", "url": url, "secret": ""}])
    assert refused.value.code in {"not_public", "scheme"}
    assert not ChatChannel.objects.exists()


def test_a_channel_that_became_private_is_refused_again_at_send_time(settings, receiver, make_obligation):
    # Given a channel saved while local addresses were allowed, and a deployment that no longer allows them
    owner = owner_with_channel("wecom", receiver.url("/send?key=k"))
    make_obligation(owner=owner, due_date=DUE)
    settings.WEBHOOK_ALLOW_PRIVATE = False

    result = sweep_both()

    # Then nothing reached the address, and the delivery waits, failed, never marked sent
    assert (result.sent, result.failed) == (0, 1)
    assert receiver.requests == []
    delivery = ChatDelivery.objects.get()
    assert delivery.status == DeliveryStatus.PENDING
    assert delivery.last_error.split(":")[0] in {"scheme", "not_public"}


def test_a_slow_robot_never_holds_the_e_mail(receiver, make_obligation, mailoutbox):
    # Given a robot that never answers
    owner = owner_with_channel("wecom", receiver.url("/slow?key=s"))
    make_obligation(owner=owner, due_date=DUE)
    receiver.answer(hang=True)

    # When the e-mail sweep runs, the e-mail is out before the chat sweep even starts
    assert run_sweep(now=SWEEP_DAY).sent == 1
    assert len(mailoutbox) == 1
    # And the chat sweep gives up within its bound and keeps the delivery for a retry
    result = run_chat_sweep()
    assert result.failed == 1
    assert ChatDelivery.objects.get().status == DeliveryStatus.PENDING


def test_a_new_channel_is_not_flooded_with_reminders_planned_before_it_existed(receiver, make_obligation):
    owner = UserFactory(role=Role.PROCUREMENT_STAFF, language="en")
    make_obligation(owner=owner, due_date=DUE)
    run_sweep(now=SWEEP_DAY)
    chat_channels_replace(user=owner, channels=[{"kind": "wecom", "url": receiver.url("/n?key=n"), "secret": ""}])

    assert run_chat_sweep().planned == 0
    assert receiver.requests == []
