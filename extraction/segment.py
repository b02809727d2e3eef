"""Splitting a contract into its clauses, each with a number, a title, its text and a category.

A contract numbers its clauses in one style (第X条, Article N, 一、, 1., ...) and numbers the items inside a clause in
another, so the clauses are the paragraphs that open with the top-ranked style found at least twice whose numbers
run on (1, 2, 3: a list restarting at 1 inside clause 3 is not clause 1 again). A contract without numbers has its
headings in bold or in Word's heading styles. What precedes the first clause (title, parties) and the signature
block are not clauses.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

from .document import Document, Paragraph
from .numbers import parse_number
from .text import normalize
from .vocabulary import CATEGORY_PATTERNS, OTHER_TITLE_WORDS

CN_NUM = "[一二三四五六七八九十百零〇两]+"
ROMAN = r"[IVXLC]+"

# Ranked: the first style that numbers at least two clauses is the clause style.
SCHEMES: list[tuple[str, re.Pattern]] = [
    ("article_cn", re.compile(rf"^\s*第\s*(?P<n>{CN_NUM}|\d+)\s*条[\s.:、]*")),
    ("article_en", re.compile(rf"^\s*(?:article|clause|section)\s+(?P<n>\d+|{ROMAN})\b[\s.:\-]*", re.IGNORECASE)),
    ("cn_enum", re.compile(rf"^\s*(?P<n>{CN_NUM})\s*[、.]\s*")),
    ("decimal", re.compile(r"^\s*(?P<n>\d{1,2})\s*(?:[.、](?!\d)|\s(?=[A-Z\u4e00-\u9fff]{2}))\s*")),
    ("decimal2", re.compile(r"^\s*(?P<n>\d{1,2}\.\d{1,2})(?![.\d])\s*[.、]?\s*")),
    ("paren_cn", re.compile(rf"^\s*\(\s*(?P<n>{CN_NUM})\s*\)\s*")),
]
CHAPTER = re.compile(rf"^\s*第\s*(?:{CN_NUM}|\d+)\s*(?:章|部分|节)")
ANNEX = re.compile(r"^\s*(?:附件|附表|annex|appendix|schedule|exhibit)\s*[一二三四五六七八九十\dA-Z]*\s*[:.、]?", re.I)
SIGNATURE = re.compile(
    r"^\s*(?:[(]?以下无正文|[(]?本页无正文|in witness whereof|signed\s+(?:by|for)\b|signature\s*:|"
    r"(?:甲方|乙方|委托方|受托方|服务方|客户)\s*[(]?\s*(?:盖章|签章|签字|签名|公章)|"
    r"(?:甲方|乙方)\s*[(]?\s*(?:授权代表|法定代表人)\s*[)]?\s*[(]?\s*签)",
    re.IGNORECASE,
)
TITLE_WORDS = re.compile(r"合同|协议|agreement|contract", re.IGNORECASE)
MAX_TITLE = 30


@dataclass(frozen=True)
class Clause:
    """One clause: `number` as written ("第一条", "一", "1", "Article 5"; "" for an unnumbered heading), its
    `title` ("" when it has none), its `text` (everything after the title, sub-items and table rows included), the
    category code name, and its span in Document.text."""

    number: str
    title: str
    text: str
    category: str
    start: int
    end: int


@dataclass(frozen=True)
class _Heading:
    index: int  # paragraph index
    scheme: str
    number: str
    value: int | None
    rest: int  # offset in the paragraph where the number ends
    title_like: bool


def segment(document: Document) -> list[Clause]:
    """The clauses of `document`, in order (empty when it has no recognisable structure)."""
    paragraphs = document.paragraphs
    norms = [normalize(p.text) for p in paragraphs]
    headings = _choose_headings(paragraphs, norms)
    if not headings:
        return []
    clauses = []
    for position, heading in enumerate(headings):
        stop = headings[position + 1].index if position + 1 < len(headings) else len(paragraphs)
        last = heading.index
        for index in range(heading.index + 1, stop):
            if paragraphs[index].table is None and (SIGNATURE.match(norms[index]) or CHAPTER.match(norms[index])):
                break
            last = index
        clauses.append(_clause(document, paragraphs, norms, heading, last))
    return clauses


def _choose_headings(paragraphs: tuple[Paragraph, ...], norms: list[str]) -> list[_Heading]:
    candidates: dict[str, list[_Heading]] = {name: [] for name, _ in SCHEMES}
    for index, (paragraph, norm) in enumerate(zip(paragraphs, norms, strict=True)):
        if paragraph.table is not None:
            continue
        for name, pattern in SCHEMES:
            match = pattern.match(norm)
            if match:
                rest = norm[match.end() :]
                candidates[name].append(
                    _Heading(
                        index,
                        name,
                        _label(paragraph.text, match),
                        _value(match.group("n")),
                        match.end(),
                        _title_like(rest, paragraph),
                    )
                )
                break
    for name, _ in SCHEMES:
        chosen = _running(candidates[name])
        if len(chosen) >= 2:
            return _with_annexes(chosen, paragraphs, norms)
    styled = [
        _Heading(index, "heading", "", None, 0, True)
        for index, (paragraph, norm) in enumerate(zip(paragraphs, norms, strict=True))
        if paragraph.table is None and _styled_heading(paragraph, norm)
    ]
    if styled and TITLE_WORDS.search(norms[styled[0].index]) and styled[0].index == _first_text(paragraphs):
        styled = styled[1:]  # the document's own title
    if len(styled) < 2:
        auto = [
            _Heading(index, "auto", "", None, 0, True)
            for index, paragraph in enumerate(paragraphs)
            if paragraph.list_level == 0
            and paragraph.table is None
            and _title_like(normalize(paragraph.text), paragraph)
        ]
        return auto if len(auto) >= 2 else []
    return _with_annexes(styled, paragraphs, norms)


def _running(headings: list[_Heading]) -> list[_Heading]:
    """The headings whose numbers run on from one to the next, preferring the ones shaped like titles."""
    titled = [h for h in headings if h.title_like]
    pool = titled if len(_sequence(titled)) >= 2 else headings
    return _sequence(pool)


def _sequence(headings: list[_Heading]) -> list[_Heading]:
    chosen: list[_Heading] = []
    for heading in headings:
        if heading.value is None:
            continue
        if not chosen:
            if heading.value <= 3:
                chosen.append(heading)
        elif heading.value == chosen[-1].value + 1:
            chosen.append(heading)
    return chosen


def _with_annexes(chosen: list[_Heading], paragraphs, norms) -> list[_Heading]:
    """Annexes after the last clause (附件一, Schedule 1) are clauses of their own, not part of the last one."""
    extra = [
        _Heading(index, "annex", norms[index][: match.end()].strip(" :.、"), None, match.end(), True)
        for index in range(chosen[-1].index + 1, len(paragraphs))
        if paragraphs[index].table is None
        and (match := ANNEX.match(norms[index]))
        and _title_like(norms[index], paragraphs[index])
    ]
    return chosen + extra


def _label(original: str, match: re.Match) -> str:
    return re.sub(r"[\s.:、:：．]+$", "", original[: match.end()]).strip()


def _value(token: str) -> int | None:
    token = token.strip()
    if "." in token:
        return int(token.split(".")[1])
    if re.fullmatch(ROMAN, token.upper()) and not token.isdigit():
        return _roman(token.upper())
    number = parse_number(token)
    return int(number) if number is not None else None


def _roman(token: str) -> int:
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100}
    total = 0
    for position, ch in enumerate(token):
        value = values[ch]
        total += -value if position + 1 < len(token) and values[token[position + 1]] > value else value
    return total


def _title_like(rest: str, paragraph: Paragraph) -> bool:
    rest = rest.strip()
    return (
        (len(rest) <= MAX_TITLE * (2 if rest.isascii() else 1) and not re.search(r"[。;]|[.!?]\s*$", rest))
        or (paragraph.bold and len(rest) <= 60)
        or paragraph.heading_level is not None
    )


def _styled_heading(paragraph: Paragraph, norm: str) -> bool:
    if not (paragraph.bold or paragraph.heading_level is not None):
        return False
    text = norm.strip()
    return 0 < len(text) <= (60 if text.isascii() else MAX_TITLE) and not re.search(r"[。;]$", text)


def _first_text(paragraphs) -> int:
    return next((i for i, p in enumerate(paragraphs) if p.text.strip()), 0)


def _clause(document, paragraphs, norms, heading: _Heading, last: int) -> Clause:
    paragraph = paragraphs[heading.index]
    rest_start = paragraph.start + heading.rest
    rest = document.text[rest_start : paragraph.end]
    rest_norm = norms[heading.index][heading.rest :]
    title, body_offset = _split_title(rest, rest_norm, heading, paragraph)
    body_start = rest_start + body_offset
    if body_offset >= len(rest):
        body_start = paragraphs[heading.index + 1].start if last > heading.index else paragraph.end
    end = paragraphs[last].end
    text = document.text[body_start:end].strip() if body_start < end else ""
    title = title.strip(" :：.、")
    category = categorize(title, text)
    return Clause(heading.number, title, text, category, paragraph.start, end)


def _split_title(rest: str, rest_norm: str, heading: _Heading, paragraph: Paragraph) -> tuple[str, int]:
    """The title and where the body starts in the rest of the heading paragraph."""
    stripped = rest_norm.strip()
    if not stripped:
        return "", len(rest)
    if heading.title_like and not re.search(r"[。;]", stripped):
        return rest.strip(), len(rest)
    lead = len(rest_norm) - len(rest_norm.lstrip())
    # "保密条款: 乙方应..." / "Fees and Payment. The Customer shall..." / "保密  乙方应..."
    match = re.match(r"([^:;。,.]{1,40}?)(?::|\.\s+|\s{2,}|\s(?=[\u4e00-\u9fff]))", rest_norm[lead:])
    if match and _is_title_phrase(match.group(1)):
        return rest[lead : lead + len(match.group(1))], lead + match.end()
    return "", lead


def _is_title_phrase(phrase: str) -> bool:
    phrase = phrase.strip()
    if not phrase:
        return False
    if phrase.isascii():
        words = [
            w for w in re.findall(r"[A-Za-z]+", phrase) if w.lower() not in ("and", "of", "the", "for", "to", "or")
        ]
        return 0 < len(words) <= 6 and all(w[0].isupper() for w in words)
    return len(phrase) <= 12 and not re.search(r"应|须|将|有权|同意|承诺|为|是|的", phrase)


# In a clause's text, the end of the contract and its term are mentioned as context by many clauses ("合同终止后
# 五个工作日内移交数据"), so their words weigh less there than the words of what the clause is about; a price
# change and the data handover are special cases of fees and of the end, so their words weigh more.
BODY_WEIGHTS = {"termination": 0.5, "term_renewal": 0.5, "price_adjustment": 1.5, "data_handover": 1.5}


def categorize(title: str, text: str) -> str:
    """The category code name for a clause: the keywords of its title decide; its text decides when the title has
    none. The highest score wins, and on a tie the category named first."""
    if OTHER_TITLE_WORDS.search(normalize(title)) and not _matches(normalize(title).lower()):
        return "other"
    for source, weights in ((title, {}), (text, BODY_WEIGHTS)):
        matches = _matches(normalize(source).lower())
        if matches:
            scores: Counter = Counter()
            for _, _, category in matches:
                scores[category] += weights.get(category, 1)
            best = max(scores.values())
            return min((start, category) for start, _, category in matches if scores[category] == best)[1]
    return "other"


def _matches(text: str) -> list[tuple[int, int, str]]:
    found = [
        (match.start(), match.end(), category)
        for category, pattern in CATEGORY_PATTERNS.items()
        for match in pattern.finditer(text)
    ]
    # A keyword inside a longer one of another category (价格 in 价格调整) does not count.
    return [
        (s, e, c)
        for s, e, c in found
        if not any(s2 <= s and e <= e2 and (e2 - s2) > (e - s) and c2 != c for s2, e2, c2 in found)
    ]
