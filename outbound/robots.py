"""Reminders as chat robot messages: WeCom (企业微信), DingTalk (钉钉) and Feishu/Lark (飞书) group robots.

The caller hands over a `Reminder` in the recipient's language, as plain text (no markup); this module lays it out
in each platform's documented robot format, signs it where the platform signs, and reads the platform's answer.

Formats and signatures as the platforms document them (read in the official pages where the search tool had them,
otherwise in verbatim copies of them):

- WeCom group robot, "群机器人配置说明" (developer.work.weixin.qq.com/document/path/91770; read in copies): POST
  ``{"msgtype": "markdown", "markdown": {"content": ...}}``; content at most 4,096 bytes of UTF-8 (a real answer to
  a longer one: errcode 40058 "markdown.content exceed max length 4096"); the markdown subset has headings, bold,
  links ``[text](url)``, quotes, ``<font color="info|comment|warning">`` and ``<@userid>`` mentions. No signature:
  the key in the URL is the secret. Answer ``{"errcode": 0, "errmsg": "ok"}``.
- DingTalk custom robot, "自定义机器人接入" and "消息类型" (open.dingtalk.com/document/orgapp/custom-robot-access,
  open.dingtalk.com/document/development/robot-message-type; read in copies): ``{"msgtype": "markdown",
  "markdown": {"title", "text"}, "at": {...}}``; `title` is the plain preview in the chat list; people are mentioned
  only through `at`, sent here with nobody in it. Signing ("加签"): ``f"{timestamp}\n{secret}"`` signed with
  HMAC-SHA256 keyed with the secret, Base64, then URL-encoded, appended as ``&timestamp=<ms>&sign=<sign>``; the
  timestamp must be within one hour of DingTalk's clock. Answer ``{"errcode": 0, "errmsg": "ok"}``; failures such
  as 310000 (sign not match, keyword missing) and 90030 (webhook over limit) also come with HTTP 200.
- Feishu/Lark custom bot, "自定义机器人使用指南" (open.larkoffice.com/document/ukTMukTMukTM/ucTM5YjL3ETO24yNxkjN),
  "Sending Feishu Cards with a Custom Bot" (open.feishu.cn/document/feishu-cards/quick-start/
  send-message-cards-with-custom-bot), the card "文本" and "按钮" components (open.larksuite.com/document/
  ukTMukTMukTM/uUzNwUjL1cDM14SN3ATN, open.larkoffice.com/document/common-capabilities/message-card/
  add-card-interaction/interactive-components/button): ``{"msg_type": "interactive", "card": {...}, "timestamp":
  "<seconds>", "sign": ...}``; the signature is Base64 of HMAC-SHA256 keyed with ``f"{timestamp}\n{secret}"``
  over an *empty* message (key and message the other way round from DingTalk), in the body; a body of at most
  20 KB. User text goes into ``plain_text`` elements, which the card renders as ordinary text (mentions such as
  ``<at id=all></at>`` and links are ``lark_md`` syntax only), and the link into a ``button`` with ``url``. Answer
  ``{"code": 0, "msg": "success", ...}`` (older deployments: ``{"StatusCode": 0, ...}``); failures such as 19021
  (sign match fail), 9499 (bad request) and 11232 (rate limit).

User text in the two markdown dialects (a contract title, a vendor name) is escaped with `escape_markdown`: the
characters that make links, images, HTML and mentions are replaced by their full-width forms, which no renderer
treats as syntax (the dialects are subsets whose backslash escaping is not documented), line breaks are collapsed so
a value cannot start a heading or a quote, and URL schemes and ``www.`` are broken up so a title cannot become an
auto-link.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import re
import time
import urllib.parse
from collections.abc import Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from .guard import URLRefused
from .http import DeliveryError, Outcome, Response, attempt, snippet

MAX_TEXT_BYTES = 4096  # WeCom's documented limit for markdown content; also applied to DingTalk and Feishu text


class RobotKind(StrEnum):
    WECOM = "wecom"
    DINGTALK = "dingtalk"
    FEISHU = "feishu"


@dataclass(frozen=True)
class Reminder:
    """One reminder, already in the recipient's language: a title, lines of plain text and a link to clm.

    `urgent` (an escalation, an overdue obligation) colours the message where the platform can.
    """

    title: str
    lines: Sequence[str]
    link: str
    link_label: str
    urgent: bool = False


@dataclass(frozen=True)
class RobotRequest:
    """What to POST: the final URL (DingTalk's carries the signature) and the exact JSON body."""

    url: str
    body: bytes


# --- Escaping -----------------------------------------------------------------------------------------------------

_MARKDOWN_LOOKALIKES = str.maketrans(
    {
        "[": "［",
        "]": "］",
        "<": "＜",
        ">": "＞",
        "@": "＠",
        "*": "＊",
        "`": "｀",
        "\\": "＼",
        "#": "＃",
        "&": "＆",
    }
)
_WHITESPACE = re.compile(r"\s+")
_AUTOLINK = re.compile(r"://|www\.", re.IGNORECASE)


def plain(text: str) -> str:
    """One line of text: every run of whitespace (line breaks, tabs) becomes one space."""
    return _WHITESPACE.sub(" ", str(text)).strip()


def escape_markdown(text: str) -> str:
    """User text made inert in WeCom and DingTalk markdown: no link, image, HTML tag, mention, heading or auto-link."""
    text = plain(text).translate(_MARKDOWN_LOOKALIKES)
    return _AUTOLINK.sub(lambda m: "：//" if m.group() == "://" else m.group()[:3] + "．", text)


def _link_target(url: str) -> str:
    """The link as a markdown link target: http(s) only, and percent-encoded so that it cannot close the link."""
    if not re.match(r"^https?://", url, re.IGNORECASE):
        raise ValueError("a reminder link must be an http or https URL")
    return urllib.parse.quote(url, safe=":/?=&%+,;!$~-._")


def _fit(lines: Sequence[str], budget: int, separator: str = "\n") -> list[str]:
    """The lines that fit in `budget` bytes of UTF-8, counting one `separator` each; the last one is cut with an
    ellipsis when it does not fit whole, and the rest are dropped."""
    kept: list[str] = []
    used = 0
    extra = len(separator.encode())
    for line in lines:
        size = len(line.encode()) + extra
        if used + size <= budget:
            kept.append(line)
            used += size
            continue
        room = budget - used - len("…".encode()) - extra
        cut = line.encode()[: max(room, 0)].decode(errors="ignore")
        if cut:
            kept.append(cut + "…")
        break
    return kept


# --- Messages -----------------------------------------------------------------------------------------------------


def wecom_message(reminder: Reminder) -> dict[str, Any]:
    """The WeCom group robot markdown message."""
    title = escape_markdown(reminder.title)
    if reminder.urgent:
        title = f'<font color="warning">{title}</font>'
    head = f"**{title}**"
    link = f"[{escape_markdown(reminder.link_label)}]({_link_target(reminder.link)})"
    budget = MAX_TEXT_BYTES - len(head.encode()) - len(link.encode()) - 2
    body = _fit([escape_markdown(line) for line in reminder.lines], budget)
    return {"msgtype": "markdown", "markdown": {"content": "\n".join([head, *body, link])}}


def dingtalk_message(reminder: Reminder) -> dict[str, Any]:
    """The DingTalk custom robot markdown message, mentioning nobody."""
    head = f"#### {escape_markdown(reminder.title)}"
    link = f"[{escape_markdown(reminder.link_label)}]({_link_target(reminder.link)})"
    budget = MAX_TEXT_BYTES - len(head.encode()) - len(link.encode()) - 4
    # A blank line separates paragraphs in DingTalk markdown; a single newline would run the lines together.
    body = _fit([escape_markdown(line) for line in reminder.lines], budget, separator="\n\n")
    return {
        "msgtype": "markdown",
        "markdown": {"title": plain(reminder.title), "text": "\n\n".join([head, *body, link])},
        "at": {"atMobiles": [], "atUserIds": [], "isAtAll": False},
    }


def feishu_message(reminder: Reminder) -> dict[str, Any]:
    """The Feishu/Lark custom bot interactive card: plain-text title and lines, a button to the link."""
    _link_target(reminder.link)
    lines = _fit([plain(line) for line in reminder.lines], MAX_TEXT_BYTES)
    elements: list[dict[str, Any]] = [{"tag": "div", "text": {"tag": "plain_text", "content": "\n".join(lines)}}]
    elements.append(
        {
            "tag": "action",
            "actions": [
                {
                    "tag": "button",
                    "text": {"tag": "plain_text", "content": plain(reminder.link_label)},
                    "type": "primary",
                    "url": reminder.link,
                }
            ],
        }
    )
    return {
        "msg_type": "interactive",
        "card": {
            "config": {"wide_screen_mode": True},
            "header": {
                "title": {"tag": "plain_text", "content": plain(reminder.title)},
                "template": "red" if reminder.urgent else "blue",
            },
            "elements": elements,
        },
    }


# --- Signatures ---------------------------------------------------------------------------------------------------


def dingtalk_sign(secret: str, timestamp_ms: int) -> str:
    """DingTalk's signature (before URL-encoding): Base64(HMAC-SHA256(key=secret, msg=f"{timestamp}\\n{secret}"))."""
    digest = hmac.new(secret.encode(), f"{timestamp_ms}\n{secret}".encode(), hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def dingtalk_signed_url(url: str, secret: str, timestamp_ms: int) -> str:
    """The robot URL with ``timestamp`` and the URL-encoded ``sign`` appended (Base64's + / = must be encoded)."""
    query = urllib.parse.urlencode({"timestamp": timestamp_ms, "sign": dingtalk_sign(secret, timestamp_ms)})
    return f"{url}{'&' if '?' in url else '?'}{query}"


def feishu_sign(secret: str, timestamp: int) -> str:
    """Feishu's signature: Base64(HMAC-SHA256(key=f"{timestamp}\\n{secret}", msg=b"")), timestamp in seconds."""
    digest = hmac.new(f"{timestamp}\n{secret}".encode(), b"", hashlib.sha256).digest()
    return base64.b64encode(digest).decode("ascii")


def build(
    kind: RobotKind | str, url: str, secret: str, reminder: Reminder, *, now: float | None = None
) -> RobotRequest:
    """The signed request for one reminder to one robot. `secret` may be empty (a robot without signing; WeCom
    never signs); `now` is the signing time in seconds since the epoch."""
    kind = RobotKind(kind)
    now = time.time() if now is None else now
    if kind is RobotKind.WECOM:
        return RobotRequest(url, _json(wecom_message(reminder)))
    if kind is RobotKind.DINGTALK:
        signed = dingtalk_signed_url(url, secret, int(now * 1000)) if secret else url
        return RobotRequest(signed, _json(dingtalk_message(reminder)))
    message = feishu_message(reminder)
    if secret:
        timestamp = int(now)
        message = {"timestamp": str(timestamp), "sign": feishu_sign(secret, timestamp), **message}
    return RobotRequest(url, _json(message))


def _json(message: dict[str, Any]) -> bytes:
    return json.dumps(message, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


# --- Answers ------------------------------------------------------------------------------------------------------


def interpret(kind: RobotKind | str, result: Response | URLRefused | DeliveryError) -> Outcome:
    """Success only for HTTP 200 with error code 0 (``errcode`` for WeCom and DingTalk, ``code`` or else
    ``StatusCode`` for Feishu). Robots answer most errors (bad signature, rate limit, content too long) with HTTP 200
    and a non-zero code, so the status alone proves nothing."""
    kind = RobotKind(kind)
    if isinstance(result, (URLRefused, DeliveryError)):
        return Outcome.from_error(result)
    if result.is_redirect:
        return Outcome.redirect(result)
    if result.status != 200:
        return Outcome.unexpected_status(result)
    if result.truncated:
        return Outcome.failure("bad_json", f"the answer is longer than {len(result.body)} bytes", result.status)
    try:
        answer = json.loads(result.body)
    except ValueError:
        return Outcome.failure("bad_json", f"the answer is not JSON: {snippet(result.body)}", result.status)
    if not isinstance(answer, dict):
        return Outcome.failure("bad_json", f"the answer is not a JSON object: {snippet(result.body)}", result.status)
    if kind is RobotKind.FEISHU:
        code = answer["code"] if "code" in answer else answer.get("StatusCode")
        message = answer.get("msg") or answer.get("StatusMessage") or ""
    else:
        code = answer.get("errcode")
        message = answer.get("errmsg") or ""
    if isinstance(code, bool) or not isinstance(code, int):
        return Outcome.failure("bad_json", f"the answer has no error code: {snippet(result.body)}", result.status)
    if code != 0:
        return Outcome.failure("errcode", f"{kind.value} error {code}: {message}", result.status)
    return Outcome.success(result.status)


def send(
    kind: RobotKind | str,
    url: str,
    secret: str,
    reminder: Reminder,
    *,
    timeout: float,
    allow_private: bool,
    deadline: float | None = None,
    now: float | None = None,
    ca_certs: str | None = None,
) -> Outcome:
    """Build, sign, POST and interpret one reminder; never raises for anything the network or the robot does."""
    request = build(kind, url, secret, reminder, now=now)
    result = attempt(
        request.url, request.body, timeout=timeout, allow_private=allow_private, deadline=deadline, ca_certs=ca_certs
    )
    return interpret(kind, result)
