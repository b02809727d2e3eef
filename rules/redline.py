"""Redline of two clause wordings: what was deleted and what was inserted.

Chinese has no spaces between words, so Chinese text is compared character by character; Latin text is compared
word by word so that a changed word reads as one replacement, not as scattered letters. Mixed text is split into
both kinds of token: every CJK character is a token, every run of letters or digits is a token, and so is every run
of whitespace and every other character (punctuation).
"""

import re
from dataclasses import dataclass
from difflib import SequenceMatcher
from typing import Literal

# CJK ideographs (incl. extension A and compatibility), CJK punctuation, kana, full-width forms, Hangul.
_CJK = r"\u3000-\u303f\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef\uac00-\ud7af"
_TOKEN = re.compile(rf"[{_CJK}]|[^\W{_CJK}_]+(?:['’][^\W{_CJK}_]+)*|\s+|.", re.UNICODE)

Op = Literal["equal", "insert", "delete"]


@dataclass(frozen=True)
class Segment:
    op: Op
    text: str


def tokenize(text: str) -> list[str]:
    """Split into comparison units: CJK characters, Latin words, whitespace runs, single punctuation marks."""
    return _TOKEN.findall(text)


def redline(old: str, new: str) -> list[Segment]:
    """The segments that turn `old` into `new`, adjacent segments of the same kind merged.

    A replacement is shown as the deletion followed by the insertion, as a lawyer's redline does.
    """
    a, b = tokenize(old), tokenize(new)
    matcher = SequenceMatcher(None, a, b, autojunk=False)
    segments: list[Segment] = []

    def add(op: Op, tokens: list[str]) -> None:
        if not tokens:
            return
        text = "".join(tokens)
        if segments and segments[-1].op == op:
            segments[-1] = Segment(op, segments[-1].text + text)
        else:
            segments.append(Segment(op, text))

    for tag, i1, i2, j1, j2 in matcher.get_opcodes():
        if tag == "equal":
            add("equal", a[i1:i2])
        else:
            add("delete", a[i1:i2])
            add("insert", b[j1:j2])
    return segments
