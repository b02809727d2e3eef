"""Robot messages as WeCom, DingTalk and Feishu document them, received by a real local server; signatures are
recomputed here from the platforms' written algorithms, not with the code under test."""

import base64
import hashlib
import hmac
import json
import time

import pytest
from hypothesis import given
from hypothesis import strategies as st

from outbound.guard import Refusal, URLRefused
from outbound.http import DeliveryError, Failure, Response
from outbound.robots import (
    MAX_TEXT_BYTES,
    Reminder,
    RobotKind,
    build,
    dingtalk_signed_url,
    escape_markdown,
    interpret,
    send,
)

SECRET = "SEC0123456789abcdef"
REMINDER = Reminder(
    title="合同 HT-2026-001 的续约窗口将于2026年12月1日关闭",
    lines=["供应商：云呼科技", "截止：2026年12月1日"],
    link="https://clm.example.com/obligations/42/",
    link_label="查看义务",
)
HOSTILE = Reminder(
    title='[点我](https://evil.example) <@all> @all <font color="warning">x</font> ![i](http://e.example/x.png)',
    lines=["line one\n# heading\n> quote", "see www.evil.example or `code` **bold** \\"],
    link="https://clm.example.com/obligations/42/",
    link_label="[open](https://evil.example)",
)


def dingtalk_expected_sign(secret: str, timestamp: str) -> str:
    # 钉钉「加签」: timestamp + "\n" + secret, HmacSHA256 keyed with the secret, then Base64.
    digest = hmac.new(secret.encode("utf-8"), f"{timestamp}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def feishu_expected_sign(secret: str, timestamp: str) -> str:
    # 飞书「签名校验」: timestamp + "\n" + secret is the HMAC key; the message is empty; then Base64.
    digest = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode()


def send_to(receiver, kind, reminder=REMINDER, secret=SECRET, path="/hook", **kwargs):
    return send(kind, receiver.url(path), secret, reminder, timeout=5, allow_private=True, **kwargs)


# --- Each platform's format, end to end ----------------------------------------------------------------------------


def test_wecom_receives_a_markdown_message_with_the_title_lines_and_link(receiver):
    outcome = send_to(receiver, RobotKind.WECOM, path="/cgi-bin/webhook/send?key=k1")
    assert outcome.ok
    (request,) = receiver.requests
    assert request.query == {"key": "k1"}
    message = request.json
    assert message["msgtype"] == "markdown"
    content = message["markdown"]["content"]
    assert content.splitlines() == [
        "**合同 HT-2026-001 的续约窗口将于2026年12月1日关闭**",
        "供应商：云呼科技",
        "截止：2026年12月1日",
        "[查看义务](https://clm.example.com/obligations/42/)",
    ]


def test_dingtalk_receives_markdown_signed_in_the_url(receiver):
    before = time.time()
    outcome = send_to(receiver, RobotKind.DINGTALK, path="/robot/send?access_token=tok")
    assert outcome.ok
    (request,) = receiver.requests
    # The URL keeps its token and carries a millisecond timestamp close to now and its signature
    assert request.query["access_token"] == "tok"
    timestamp = request.query["timestamp"]
    assert len(timestamp) == 13 and before - 1 <= int(timestamp) / 1000 <= time.time() + 1
    assert request.query["sign"] == dingtalk_expected_sign(SECRET, timestamp)
    message = request.json
    assert message["msgtype"] == "markdown"
    assert message["markdown"]["title"] == REMINDER.title
    assert message["markdown"]["text"].split("\n\n") == [
        "#### 合同 HT-2026-001 的续约窗口将于2026年12月1日关闭",
        "供应商：云呼科技",
        "截止：2026年12月1日",
        "[查看义务](https://clm.example.com/obligations/42/)",
    ]
    assert message["at"]["isAtAll"] is False
    assert message["at"]["atMobiles"] == [] and message["at"]["atUserIds"] == []


def test_feishu_receives_an_interactive_card_signed_in_the_body(receiver):
    before = int(time.time())
    receiver.answer(body=b'{"code":0,"msg":"success","data":{}}')
    outcome = send_to(receiver, RobotKind.FEISHU, path="/open-apis/bot/v2/hook/abc")
    assert outcome.ok
    (request,) = receiver.requests
    message = request.json
    timestamp = message["timestamp"]
    assert isinstance(timestamp, str) and before - 1 <= int(timestamp) <= time.time() + 1
    assert message["sign"] == feishu_expected_sign(SECRET, timestamp)
    assert message["msg_type"] == "interactive"
    card = message["card"]
    assert card["header"]["title"] == {"tag": "plain_text", "content": REMINDER.title}
    div, action = card["elements"]
    assert div == {"tag": "div", "text": {"tag": "plain_text", "content": "供应商：云呼科技\n截止：2026年12月1日"}}
    (button,) = action["actions"]
    assert button["tag"] == "button"
    assert button["text"] == {"tag": "plain_text", "content": "查看义务"}
    assert button["url"] == REMINDER.link


@pytest.mark.parametrize("kind", [RobotKind.DINGTALK, RobotKind.FEISHU])
def test_a_robot_without_a_secret_gets_no_signature(receiver, kind):
    receiver.answer(body=b'{"errcode":0,"code":0}')
    assert send_to(receiver, kind, secret="").ok
    (request,) = receiver.requests
    assert "sign" not in request.query and "timestamp" not in request.query
    assert "sign" not in request.json and "timestamp" not in request.json


def test_the_dingtalk_signature_is_url_encoded_so_plus_and_slash_survive():
    # Given a timestamp whose Base64 signature contains "+" and "/"
    timestamp = next(
        t
        for t in range(1_700_000_000_000, 1_700_000_100_000)
        if {"+", "/"} <= set(dingtalk_expected_sign(SECRET, str(t)))
    )
    expected = dingtalk_expected_sign(SECRET, str(timestamp))
    url = dingtalk_signed_url("https://oapi.dingtalk.com/robot/send?access_token=tok", SECRET, timestamp)
    # Then the URL carries them percent-encoded, as the documentation's urlEncode step requires
    encoded = expected.replace("+", "%2B").replace("/", "%2F").replace("=", "%3D")
    assert url == f"https://oapi.dingtalk.com/robot/send?access_token=tok&timestamp={timestamp}&sign={encoded}"


def test_signing_uses_the_given_time():
    request = build(
        RobotKind.FEISHU, "https://open.feishu.cn/open-apis/bot/v2/hook/x", SECRET, REMINDER, now=1599360473.9
    )
    body = json.loads(request.body)
    assert body["timestamp"] == "1599360473"
    assert body["sign"] == feishu_expected_sign(SECRET, "1599360473")
    url = build(
        RobotKind.DINGTALK, "https://oapi.dingtalk.com/robot/send?access_token=t", SECRET, REMINDER, now=1599360473.9
    ).url
    assert "timestamp=1599360473900&" in url


# --- User text cannot become markup -------------------------------------------------------------------------------


@pytest.mark.parametrize("kind", [RobotKind.WECOM, RobotKind.DINGTALK])
def test_a_hostile_title_cannot_inject_links_images_html_or_mentions(kind):
    message = json.loads(build(kind, "https://robot.example.com/send", SECRET, HOSTILE).body)
    text = message["markdown"]["content" if kind is RobotKind.WECOM else "text"]
    # The only link is clm's own, at the end
    assert text.count("](") == 1
    assert text.endswith("(https://clm.example.com/obligations/42/)")
    for injected in ("@all", "<@", "<font", "![", "https://evil", "http://e.example", "www.evil", "\n#", "\n>", "`"):
        assert injected not in text
    assert "点我" in text and "evil" in text  # the words are still there, only inert


def test_an_urgent_wecom_message_is_coloured_by_clm_not_by_the_title():
    message = json.loads(
        build(
            RobotKind.WECOM,
            "https://robot.example.com/send",
            "",
            Reminder(title=HOSTILE.title, lines=[], link=REMINDER.link, link_label="open", urgent=True),
        ).body
    )
    content = message["markdown"]["content"]
    assert content.startswith('**<font color="warning">')
    assert content.count("<font") == 1


def test_feishu_user_text_is_plain_text_never_lark_markdown():
    body = build(RobotKind.FEISHU, "https://open.feishu.cn/open-apis/bot/v2/hook/x", SECRET, HOSTILE).body
    assert b"lark_md" not in body
    card = json.loads(body)["card"]
    assert card["header"]["title"]["tag"] == "plain_text"
    assert card["elements"][0]["text"]["tag"] == "plain_text"


@given(st.text())
def test_escaped_text_holds_no_markdown_syntax_for_links_html_or_mentions(text):
    escaped = escape_markdown(text)
    assert not set(escaped) & set("[]<>@`\\*#&\n\r")
    assert "://" not in escaped
    assert "www." not in escaped.lower()


def test_a_link_that_would_close_the_markdown_link_is_percent_encoded():
    reminder = Reminder(title="t", lines=[], link="https://clm.example.com/x?q=(a) [b]", link_label="open")
    content = json.loads(build(RobotKind.WECOM, "https://r.example.com/", "", reminder).body)["markdown"]["content"]
    assert content.endswith("[open](https://clm.example.com/x?q=%28a%29%20%5Bb%5D)")


def test_a_link_must_be_http_or_https():
    with pytest.raises(ValueError):
        build(RobotKind.WECOM, "https://r.example.com/", "", Reminder("t", [], "javascript:alert(1)", "open"))


@pytest.mark.parametrize("kind", [RobotKind.WECOM, RobotKind.DINGTALK])
def test_a_long_reminder_is_cut_to_the_documented_size_and_keeps_its_link(kind):
    reminder = Reminder(title="合同" * 50, lines=["很长的一行" * 200] * 10, link=REMINDER.link, link_label="查看")
    message = json.loads(build(kind, "https://r.example.com/", "", reminder).body)
    text = message["markdown"]["content" if kind is RobotKind.WECOM else "text"]
    assert len(text.encode()) <= MAX_TEXT_BYTES
    assert text.endswith(f"[查看]({REMINDER.link})")
    assert "…" in text


# --- What the robot's answer means ----------------------------------------------------------------------------------


def answer(status=200, body=b"", **kwargs):
    return Response(
        status=status, body=body if isinstance(body, bytes) else json.dumps(body).encode(), elapsed=0.1, **kwargs
    )


@pytest.mark.parametrize(
    ("kind", "response", "ok", "code"),
    [
        (RobotKind.WECOM, answer(body={"errcode": 0, "errmsg": "ok"}), True, ""),
        (RobotKind.DINGTALK, answer(body={"errcode": 0, "errmsg": "ok"}), True, ""),
        (RobotKind.FEISHU, answer(body={"code": 0, "msg": "success", "data": {}}), True, ""),
        (RobotKind.FEISHU, answer(body={"Extra": None, "StatusCode": 0, "StatusMessage": "success"}), True, ""),
        (RobotKind.WECOM, answer(body={"errcode": 93000, "errmsg": "invalid webhook url"}), False, "errcode"),
        (RobotKind.DINGTALK, answer(body={"errcode": 310000, "errmsg": "sign not match"}), False, "errcode"),
        (RobotKind.FEISHU, answer(body={"code": 19021, "msg": "sign match fail"}), False, "errcode"),
        (RobotKind.FEISHU, answer(body={"StatusCode": 9499, "StatusMessage": "Bad Request"}), False, "errcode"),
        (RobotKind.WECOM, answer(body={"errmsg": "ok"}), False, "bad_json"),
        (RobotKind.WECOM, answer(body={"errcode": "0"}), False, "bad_json"),
        (RobotKind.WECOM, answer(body={"errcode": False}), False, "bad_json"),
        (RobotKind.WECOM, answer(body=[0]), False, "bad_json"),
        (RobotKind.WECOM, answer(body=b"<html>gateway</html>"), False, "bad_json"),
        (RobotKind.WECOM, answer(body=b'{"errcode":0', truncated=True), False, "bad_json"),
        (RobotKind.WECOM, answer(status=500, body=b"oops"), False, "http_status"),
        (RobotKind.DINGTALK, answer(status=204), False, "http_status"),
        (RobotKind.WECOM, answer(status=302, location="http://10.0.0.1/"), False, "redirect"),
    ],
)
def test_only_http_200_with_error_code_zero_is_success(kind, response, ok, code):
    outcome = interpret(kind, response)
    assert outcome.ok is ok
    assert outcome.code == code
    assert bool(outcome.error) is not ok
    assert outcome.status == response.status


def test_an_error_code_failure_says_what_the_robot_said():
    outcome = interpret(RobotKind.DINGTALK, answer(body={"errcode": 310000, "errmsg": "sign not match"}))
    assert outcome.error == "dingtalk error 310000: sign not match"


def test_no_answer_at_all_is_a_failure_with_the_transport_code():
    assert interpret(RobotKind.WECOM, DeliveryError(Failure.TIMEOUT, "reading")).code == "timeout"
    assert interpret(RobotKind.WECOM, URLRefused(Refusal.NOT_PUBLIC, host="x.example.com")).code == "not_public"


def test_a_robot_answering_an_error_code_with_http_200_is_a_failure(receiver):
    receiver.answer(body=b'{"errcode":45009,"errmsg":"api freq out of limit"}')
    outcome = send_to(receiver, RobotKind.WECOM)
    assert not outcome.ok
    assert outcome.status == 200
    assert "45009" in outcome.error and "api freq out of limit" in outcome.error


def test_a_robot_that_never_answers_is_a_timeout_failure(receiver):
    receiver.answer(hang=True)
    outcome = send(RobotKind.WECOM, receiver.url(), "", REMINDER, timeout=0.5, allow_private=True)
    assert not outcome.ok
    assert outcome.code == "timeout"


def test_a_redirect_is_a_failure_that_names_where_it_pointed(receiver, second_receiver):
    receiver.answer(status=301, body=b"", headers={"Location": second_receiver.url("/steal")})
    outcome = send_to(receiver, RobotKind.DINGTALK)
    assert not outcome.ok and outcome.code == "redirect"
    assert second_receiver.url("/steal") in outcome.error
    assert second_receiver.requests == []


def test_a_robot_on_a_private_address_is_refused_without_sending(receiver):
    outcome = send(RobotKind.FEISHU, receiver.url(), SECRET, REMINDER, timeout=2, allow_private=False)
    assert not outcome.ok
    assert outcome.code == "scheme"  # http on 127.0.0.1: refused twice over; the scheme is checked first
    outcome = send(
        RobotKind.FEISHU, receiver.url().replace("http:", "https:"), SECRET, REMINDER, timeout=2, allow_private=False
    )
    assert outcome.code == "not_public"
    assert receiver.requests == []
