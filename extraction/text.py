"""One matching form for every script a contract comes in, and its sentences, without moving a single offset.

Patterns are written once, for simplified Chinese with ASCII digits and punctuation. A traditional-Chinese contract
with full-width digits is matched through `normalize`, which maps each character to one character (full-width to
ASCII by NFKC, traditional to simplified by OpenCC) so that an offset found in the normalized text is the same
offset in the original: values are then cut from the original, in the contract's own script.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

import opencc

_T2S = opencc.OpenCC("t2s")
# Traditional forms OpenCC keeps (they are valid simplified characters too) but contracts use for the same words.
_EXTRA = str.maketrans({"參": "叁", "叄": "叁", "○": "〇", "０": "0", "–": "-", "—": "-", "－": "-", "～": "~"})


@lru_cache(maxsize=4096)
def _nfkc_char(ch: str) -> str:
    folded = unicodedata.normalize("NFKC", ch)
    return folded if len(folded) == 1 else ch


def normalize(text: str) -> str:
    """`text` with full-width forms folded, traditional characters simplified and dashes unified; same length."""
    folded = "".join(_nfkc_char(ch) if ord(ch) > 127 else ch for ch in text).translate(_EXTRA)
    simplified = _T2S.convert(folded)
    if len(simplified) != len(folded):  # a phrase conversion changed the length: fall back to one char at a time
        simplified = "".join(_T2S.convert(ch) if len(_T2S.convert(ch)) == 1 else ch for ch in folded)
    return simplified


@dataclass(frozen=True)
class Sentence:
    """A sentence of the document: its original text, its normalized text and its span in Document.text."""

    text: str
    norm: str
    start: int
    end: int


# A sentence ends at a Chinese full stop or semicolon, ! and ?, at a line end, and at an English full stop followed by
# a space and a capital, digit or bracket (never inside 99.9% or 1.1 or "Co., Ltd.").
_SENTENCE_END = re.compile(
    r"[。;!?]+|\n|(?<![A-Z])(?<!\bCo)(?<!\bNo)(?<!Ltd)(?<!Inc)(?<!\bMr)(?<!\bMs)(?<!\bSt)(?<!\bvs)(?<!\bart)(?<!\bArt)"
    r"\.(?=\s+[A-Z0-9(\"“])"
)


def sentences(text: str, norm: str | None = None, start: int = 0, end: int | None = None) -> list[Sentence]:
    """The sentences of text[start:end], each stripped of surrounding blanks."""
    norm = normalize(text) if norm is None else norm
    end = len(text) if end is None else end
    found = []
    position = start
    for match in _SENTENCE_END.finditer(norm, start, end):
        _add(found, text, norm, position, match.end())
        position = match.end()
    _add(found, text, norm, position, end)
    return found


def _add(found: list[Sentence], text: str, norm: str, start: int, end: int) -> None:
    while start < end and norm[start].isspace():
        start += 1
    while end > start and norm[end - 1].isspace():
        end -= 1
    if end > start:
        found.append(Sentence(text=text[start:end], norm=norm[start:end], start=start, end=end))


def comma_parts(norm: str, *, words: bool = True) -> list[tuple[int, int]]:
    """The (start, end) spans of a sentence's comma-separated parts: the unit that ties a number to its verb.

    With `words`, English "and"/"or" separate parts too ("availability of 99.9% and ASA under 20 seconds")."""
    spans, position = [], 0
    for match in re.finditer(r"[,，、]|\band\b|\bor\b" if words else r"[,，、]", norm):
        spans.append((position, match.start()))
        position = match.end()
    spans.append((position, len(norm)))
    return spans
