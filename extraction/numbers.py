"""Numbers as contracts write them: Arabic or Chinese (capital 大写 too), English words, dates, durations, amounts,
percentages.

Every finder works on normalized text (see text.normalize: ASCII digits, simplified characters) and answers values
with their (start, end) in it, so the caller can tell which number sits next to which word. Chinese numerals are
read by cn2an, which handles the capital forms (叁拾陆万) and mixed forms (3.5万); what it does not read is handled
here: 〇 in years, 两, and the 元/角/分 of an amount.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from functools import lru_cache

CN_DIGIT = "零〇一二两三四五六七八九壹贰叁肆伍陆柒捌玖"
CN_UNIT = "十百千万亿拾佰仟廿"
CN_NUMERAL = f"[{CN_DIGIT}{CN_UNIT}点]+"
ARABIC = r"\d{1,3}(?:,\d{3})+(?:\.\d+)?|\d+(?:\.\d+)?"

ENGLISH_UNITS = {
    "zero": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9,
    "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
    "seventeen": 17, "eighteen": 18, "nineteen": 19,
}  # fmt: skip
ENGLISH_TENS = {
    "twenty": 20,
    "thirty": 30,
    "forty": 40,
    "fifty": 50,
    "sixty": 60,
    "seventy": 70,
    "eighty": 80,
    "ninety": 90,
}
_UNITS_RE = "|".join(sorted(ENGLISH_UNITS, key=len, reverse=True))
_TENS_RE = "|".join(ENGLISH_TENS)
# Word boundaries are written as lookarounds on Latin letters: `\b` fails between a Chinese character and a Latin
# one ("于January 15, 2026", "30 days内"), since both count as word characters.
ENGLISH_NUMBER = (
    rf"(?<![A-Za-z])(?:(?:{_UNITS_RE})\s+hundred(?:\s+(?:and\s+)?(?:(?:{_TENS_RE})(?:[-\s](?:{_UNITS_RE}))?|{_UNITS_RE}))?"
    rf"|(?:{_TENS_RE})(?:[-\s](?:{_UNITS_RE}))?|{_UNITS_RE})(?![A-Za-z])"
)

# A number in any of the forms: Arabic, Chinese, English words (optionally followed by the same in digits, "two (2)").
NUMBER = rf"(?:(?:{ENGLISH_NUMBER})\s*\(\s*(?:{ARABIC})\s*\)|\(?(?:{ARABIC})\)?|{CN_NUMERAL}|半|(?:{ENGLISH_NUMBER}))"


def parse_number(written: str) -> Decimal | None:
    """The value of one number written in any form above, or None."""
    written = written.strip()
    if not written:
        return None
    paren = re.search(rf"\(\s*({ARABIC})\s*\)", written)
    if paren:  # "two (2)": the digits are the authoritative form
        written = paren.group(1)
    written = written.strip("()").strip()
    if re.fullmatch(ARABIC, written):
        return Decimal(written.replace(",", ""))
    if written == "半":
        return Decimal("0.5")
    lowered = written.lower()
    if re.fullmatch(ENGLISH_NUMBER, lowered):
        return Decimal(_english(lowered))
    if re.fullmatch(CN_NUMERAL, written):
        return _chinese(written)
    return None


def _english(words: str) -> int:
    total = 0
    for word in re.split(r"[-\s]+", words):
        if word == "hundred":
            total *= 100
        elif word in ENGLISH_TENS:
            total += ENGLISH_TENS[word]
        elif word in ENGLISH_UNITS:
            total += ENGLISH_UNITS[word]
    return total


def _chinese(token: str) -> Decimal | None:
    token = token.replace("廿", "二十")
    if re.fullmatch(r"[〇零一二三四五六七八九]{2,}", token) and not re.search("[十百千万]", token):
        return Decimal("".join(str("〇一二三四五六七八九".index(ch)) if ch != "零" else "0" for ch in token))
    import cn2an  # loaded on first use: the web process starts without it

    try:
        value = cn2an.cn2an(token, "normal")
    except (ValueError, KeyError, IndexError):
        return None
    return _decimal(value)


def _decimal(value) -> Decimal | None:
    try:
        result = Decimal(str(value))
    except InvalidOperation:
        return None
    return Decimal(int(result)) if result == result.to_integral() else result


# --- dates ----------------------------------------------------------------------------------------------------------

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("january", "jan"), ("february", "feb"), ("march", "mar"), ("april", "apr"), ("may",), ("june", "jun"),
            ("july", "jul"), ("august", "aug"), ("september", "sept", "sep"), ("october", "oct"),
            ("november", "nov"), ("december", "dec"),
        ],
        start=1,
    )
    for name in names
}  # fmt: skip
_MONTH_RE = "|".join(sorted(MONTHS, key=len, reverse=True))
_CN_DAY = "[一二三四五六七八九十廿]{1,3}"
DATE_PATTERNS = [
    re.compile(r"(?<!\d)(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]"),
    re.compile(rf"(?P<y>[〇零一二三四五六七八九]{{4}})\s*年\s*(?P<m>{_CN_DAY})\s*月\s*(?P<d>{_CN_DAY})\s*[日号]"),
    re.compile(r"(?<![\d.])(?P<y>\d{4})\s*(?P<sep>[-/.])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<d>\d{1,2})(?![\d%])"),
    re.compile(
        rf"(?<![A-Za-z])(?P<mn>{_MONTH_RE})\.?\s+(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s*,?\s*(?P<y>\d{{4}})(?!\d)",
        re.IGNORECASE,
    ),
    re.compile(
        rf"(?<![\dA-Za-z])(?P<d>\d{{1,2}})(?:st|nd|rd|th)?\s+(?:day\s+of\s+)?(?P<mn>{_MONTH_RE})\.?\s*,?\s*(?P<y>\d{{4}})(?!\d)",
        re.IGNORECASE,
    ),
]


@dataclass(frozen=True)
class Found:
    """A value found in a normalized text, with its (start, end) there."""

    value: object
    start: int
    end: int


@lru_cache(maxsize=4096)
def find_dates(norm: str) -> tuple[Found, ...]:
    """Every valid calendar date in `norm`, in order (an impossible one such as 2月30日 is skipped).

    Cached: each sentence is asked by several readers."""
    found = []
    taken: list[tuple[int, int]] = []
    for pattern in DATE_PATTERNS:
        for match in pattern.finditer(norm):
            if any(match.start() < end and start < match.end() for start, end in taken):
                continue
            parsed = _date(match)
            if parsed is not None:
                found.append(Found(parsed, match.start(), match.end()))
                taken.append((match.start(), match.end()))
    return tuple(sorted(found, key=lambda f: f.start))


def _date(match: re.Match) -> date | None:
    groups = match.groupdict()
    year = parse_number(groups["y"])
    month = MONTHS[groups["mn"].lower()] if groups.get("mn") else parse_number(groups["m"])
    day = parse_number(groups["d"])
    if year is None or month is None or day is None:
        return None
    year, month, day = int(year), int(month), int(day)
    if not (1900 <= year <= 2200 and 1 <= month <= 12 and 1 <= day <= calendar.monthrange(year, month)[1]):
        return None
    return date(year, month, day)


# --- durations ------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Duration:
    """A length of time as written: `unit` is day, working_day, week, month, year, hour, minute or second."""

    amount: Decimal
    unit: str

    def days(self) -> Decimal | None:
        """Calendar days, a month counting 30 (三个月 = 90 days): how a notice period in months is read."""
        factor = {"day": 1, "week": 7, "month": 30, "year": 365}.get(self.unit)
        return None if factor is None else self.amount * factor

    def months(self) -> Decimal | None:
        if self.unit == "month":
            return self.amount
        if self.unit == "year":
            return self.amount * 12
        if self.unit == "day" and self.amount % 30 == 0:
            return self.amount / 30
        return None


_CN_UNITS = [
    (r"个?(?:工作日|营业日|工作天)", "working_day"),
    (r"个?自然日|个?日历日", "day"),
    (r"天|日(?!历)", "day"),
    (r"个?(?:星期|礼拜)|周(?!年)", "week"),
    (r"个月|个自然月|个日历月", "month"),
    (r"周?年", "year"),
    (r"个?小时|个?钟头", "hour"),
    (r"分钟", "minute"),
    (r"秒钟?", "second"),
]
_EN_UNITS = {
    "day": "day", "days": "day", "month": "month", "months": "month", "year": "year", "years": "year",
    "week": "week", "weeks": "week", "hour": "hour", "hours": "hour", "hrs": "hour", "hr": "hour",
    "minute": "minute", "minutes": "minute", "mins": "minute", "min": "minute", "second": "second",
    "seconds": "second", "secs": "second", "sec": "second",
}  # fmt: skip
_CN_DURATION = re.compile(rf"(?P<n>{ARABIC}|{CN_NUMERAL}|半)\s*(?P<u>{'|'.join(f'(?:{u})' for u, _ in _CN_UNITS)})")
_EN_DURATION = re.compile(
    rf"(?P<n>(?:{ENGLISH_NUMBER})\s*\(\s*\d+\s*\)|(?:{ARABIC})|\((?:{ARABIC})\)|(?:{ENGLISH_NUMBER}))\s*-?\s*"
    r"(?P<kind>(?:calendar|working|business)\s+)?(?P<u>days?|months?|years?|weeks?|hours?|hrs?|minutes?|mins?|"
    r"seconds?|secs?)(?![A-Za-z])",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)
def find_durations(norm: str) -> tuple[Found, ...]:
    """Every length of time in `norm` (Found.value is a Duration); a year or day that belongs to a date is not one."""
    dates = [(f.start, f.end) for f in find_dates(norm)]
    found = []
    for match in _CN_DURATION.finditer(norm):
        start, end = match.span()
        if any(s <= start < e for s, e in dates):
            continue
        number, unit_text = match.group("n"), match.group("u")
        unit = next(name for pattern, name in _CN_UNITS if re.fullmatch(pattern, unit_text))
        if unit == "year" and re.fullmatch(r"\d{4}|[〇零一二三四五六七八九]{4}", number):
            continue  # 2026年 is a year, not a duration
        if unit == "day" and unit_text == "日" and re.search(r"月\s*$", norm[max(0, start - 3) : start]):
            continue
        amount = parse_number(number)
        if amount is not None and amount > 0:
            found.append(Found(Duration(amount, unit), start, end))
    for match in _EN_DURATION.finditer(norm):
        start, end = match.span()
        if any(s <= start < e for s, e in dates):
            continue
        amount = parse_number(match.group("n"))
        unit = _EN_UNITS[match.group("u").lower()]
        kind = (match.group("kind") or "").strip().lower()
        if unit == "day" and kind in ("working", "business"):
            unit = "working_day"
        if amount is not None and amount > 0:
            found.append(Found(Duration(amount, unit), start, end))
    return tuple(sorted(found, key=lambda f: f.start))


# --- percentages and amounts ----------------------------------------------------------------------------------------

_PERCENT = re.compile(
    rf"(?P<a>{ARABIC})\s*(?:%|percent(?![A-Za-z])|per\s+cent(?![A-Za-z]))|百分之(?P<c>{CN_NUMERAL})|"
    rf"(?P<w>{ENGLISH_NUMBER})\s*(?:\(\s*(?P<wd>{ARABIC})\s*%?\s*\)\s*)?(?:percent|per\s+cent)(?![A-Za-z])",
    re.IGNORECASE,
)


def find_percents(norm: str) -> list[Found]:
    found = []
    for match in _PERCENT.finditer(norm):
        token = match.group("a") or match.group("c") or match.group("wd") or match.group("w")
        value = parse_number(token)
        if value is not None:
            found.append(Found(value, match.start(), match.end()))
    return found


CURRENCY_WORDS = [
    (r"人民币|RMB|CNY|¥|￥|元|圆", "CNY"),
    (r"美元|美金|USD|US\$", "USD"),
    (r"港币|港元|HKD|HK\$", "HKD"),
    (r"欧元|EUR|€", "EUR"),
    (r"新台币|TWD|NT\$", "TWD"),
]
_CURRENCY_PREFIX = r"人民币|RMB|CNY|¥|￥|美元|USD|US\$|HKD|HK\$|港币|EUR|€|TWD|NT\$|\$"
_AMOUNT = re.compile(
    rf"(?P<cur>{_CURRENCY_PREFIX})?\s*(?:大写\s*:?\s*)?"
    rf"(?:(?P<a>{ARABIC})\s*(?P<mul>万|百万|千万|亿|million|thousand)?|"
    rf"(?P<c>[{CN_DIGIT}{CN_UNIT}]+(?:元|圆)(?:[{CN_DIGIT}]角)?(?:[{CN_DIGIT}]分)?|[{CN_DIGIT}{CN_UNIT}]+万))"
    r"\s*(?P<suf>美元|港元|港币|欧元|元|圆|块)?",
    re.IGNORECASE,
)


@dataclass(frozen=True)
class Amount:
    value: Decimal
    currency: str | None
    chinese: bool  # written in Chinese numerals (the 大写 form that governs when the two disagree)


def find_amounts(norm: str) -> list[Found]:
    """Sums of money: a number with a currency sign, word or 元 next to it (a bare number is not money)."""
    found = []
    for match in _AMOUNT.finditer(norm):
        currency_text = match.group("cur") or match.group("suf") or ""
        if match.group("c"):
            # 三万通 is a count; 叁拾陆万元 and 人民币贰佰肆拾万 are money.
            if not (currency_text or re.search("[元圆]", match.group("c"))):
                continue
            value = parse_chinese_amount(match.group("c"))
            currency_text = currency_text or "元"
            chinese = True
        else:
            value = parse_number(match.group("a"))
            multiplier = (match.group("mul") or "").lower()
            if value is not None and multiplier:
                value *= {"万": 10_000, "百万": 1_000_000, "千万": 10_000_000, "亿": 100_000_000,
                          "million": 1_000_000, "thousand": 1_000}[multiplier]  # fmt: skip
            chinese = False
        if value is None or not currency_text:
            continue
        found.append(Found(Amount(value, currency_of(currency_text), chinese), match.start(), match.end()))
    return found


def currency_of(text: str) -> str | None:
    for pattern, code in CURRENCY_WORDS:
        if re.search(pattern, text, re.IGNORECASE):
            return code
    if "$" in text:
        return "USD"
    return None


def parse_chinese_amount(token: str) -> Decimal | None:
    """叁拾陆万元整, 伍仟陆佰柒拾捌元玖角, 贰佰肆拾万: yuan through cn2an, jiao and fen digit by digit."""
    token = token.rstrip("整正")
    yuan, _, rest = token.partition("元") if "元" in token else token.partition("圆")
    value = _chinese(yuan) if yuan else Decimal(0)
    if value is None:
        return None
    jiao = re.search(f"([{CN_DIGIT}])角", rest)
    fen = re.search(f"([{CN_DIGIT}])分", rest)
    for found, scale in ((jiao, Decimal("0.1")), (fen, Decimal("0.01"))):
        if found:
            digit = _chinese(found.group(1))
            if digit is None:
                return None
            value += digit * scale
    return value
