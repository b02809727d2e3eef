"""How clm writes names, money, percentages, dates and lists for a reader, in Simplified Chinese and in English.

One implementation for pages, e-mails, exports and the PDF, so a figure reads the same wherever it appears. Each
helper takes the language as a keyword (``language="en"``; any ``zh*`` code is Chinese) and otherwise uses the
active Django language. Each returns a plain ``str`` (autoescaped in templates like any other value) and ``""`` for
a missing value (``None``), so the caller decides what absence looks like: ``{{ value|money|default:"—" }}``.
Templates use the same helpers as filters: ``{% load clm_format %}`` (see ``core/templatetags/clm_format.py``).

    person_name(user)                           李晓敏 (first_name 晓敏, last_name 李) · Grace Chen · the username
    person_name("晓敏", "李")                    李晓敏
    person_label(user)                          zh 李晓敏（lixm）        en Grace Chen (gchen)
    money(Decimal("372000"))                    zh ¥372,000.00          en CNY 372,000.00
    money(Decimal("1000"), "USD")               zh USD 1,000.00         en USD 1,000.00
    money(Decimal("-1200.5"))                   zh -¥1,200.50           en -CNY 1,200.50
    money(Decimal("0.0450"))                    zh ¥0.045               en CNY 0.045
    amount(Decimal("1234.5"))                   1,234.50
    amount(Decimal("0.0450"))                   0.045
    amount(Decimal("12"), places=0)             12
    percent(Decimal("3.00"))                    3%   (and 99.9%, 0.05%, 100%)
    prose_date(date(2026, 12, 1))               zh 2026年12月1日         en December 1, 2026
    month_heading(date(2026, 12, 1))            zh 2026年12月            en December 2026
    date_range(date(2026, 1, 1), date(2026, 12, 31))
                                                zh 2026年1月1日至2026年12月31日
                                                en January 1, 2026 – December 31, 2026
    date_range(date(2026, 1, 1), None)          zh 2026年1月1日起        en from January 1, 2026
    join_list(["SLA", "数据交接", "价格"])        zh SLA、数据交接、价格    en SLA, 数据交接, 价格
    join_clauses(["通知期仅 45 天", "涨幅 8% 超过上限 5%"])
                                                zh 通知期仅 45 天；涨幅 8% 超过上限 5%    en ...; ...
    label("合同")                                zh 合同：                en "Contract: "
    aside("暂定")                                zh （暂定）              en " (provisional)"
    join_list(["甲", "乙", "丙"], conjunction=True)
                                                zh 甲、乙和丙            en 甲, 乙, and 丙

The conventions, and why:

- Names: written in Chinese (or Japanese or Korean) characters, the family name comes first with no space, in every
  interface language, because that is the name; a Latin-script name is "Given Family". The order follows the
  script of the name, not the reader's language.
- Money: thousands separators and at least two decimals in both languages. Chinese CNY amounts carry ¥ right before
  the number, as invoices and banking apps write 人民币; every other currency, and every currency in English, is the
  ISO 4217 code, a space and the number. A code is never ambiguous where a symbol is ($ is American, Hong Kong,
  Singaporean...; ¥ is also the yen, so yen read "JPY 1,000.00"), and no symbol table has to be kept. The minus
  sign comes first (-¥1,200.50) and is ASCII, so a pasted amount parses back.
- Decimals are exact: the helpers never round a value. ``places`` is the least number of decimals shown; further
  non-zero decimals are kept (a unit price of 0.0450 reads 0.045, not 0.05). Rounding is a business decision made
  where the figure is computed, not when it is shown.
- Percentages are percent units (``Decimal("3")`` is 3%) without needless decimals.
- Prose dates use the project's date formats (Django's zh_Hans ``DATE_FORMAT``/``YEAR_MONTH_FORMAT`` and
  ``clm/formats/en``); tables keep ISO dates (``|date:"Y-m-d"``).
- Lists: 、 between items in Chinese, ", " in English. A UI list (tags, roles, cells) has no conjunction; a list
  inside a sentence passes ``conjunction=True`` for "和" / "and" (with the serial comma, as American English
  writes "A, B, and C").
"""

import re
from collections.abc import Iterable
from contextlib import nullcontext
from datetime import date, datetime
from decimal import Context, Decimal

from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import pgettext

# Han ideographs (with extensions and compatibility forms), kana, Hangul and the ideographic iteration marks.
_EAST_ASIAN = re.compile(
    "[\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3040-\u30ff\u3100-\u312f\u31a0-\u31bf\u3400-\u4dbf"
    "\u4e00-\u9fff\uac00-\ud7af\uf900-\ufaff\U00020000-\U0003134f]"
)


def _override(language: str | None):
    return translation.override(language) if language else nullcontext()


def _is_chinese(language: str | None) -> bool:
    return (language or translation.get_language() or "").lower().startswith("zh")


def _collapse(text: str | None) -> str:
    return " ".join((text or "").split())


def person_name(user_or_given, family: str | None = None, *, language: str | None = None) -> str:
    """A person's name as it is written: 李晓敏, Grace Chen; the username when the name is blank.

    Takes a user (first_name, last_name, username) or the given and family names as strings. ``language`` is
    accepted like every helper's, but the order depends on the script of the name, so the result is the same in
    both languages. A family name in Chinese characters with a Latin given name keeps the family first, spaced
    (陈 Grace).
    """
    if user_or_given is None or isinstance(user_or_given, str):
        given, family, fallback = _collapse(user_or_given), _collapse(family), ""
    else:
        user = user_or_given
        given, family = _collapse(getattr(user, "first_name", "")), _collapse(getattr(user, "last_name", ""))
        fallback = user.get_username() if hasattr(user, "get_username") else ""
    if not (given and family):
        return given or family or fallback
    if _EAST_ASIAN.search(given) or _EAST_ASIAN.search(family):
        joined = _EAST_ASIAN.match(given[0]) and _EAST_ASIAN.match(family[-1])
        return f"{family}{'' if joined else ' '}{given}"
    return f"{given} {family}"


def person_label(user, *, language: str | None = None) -> str:
    """A person in a picker or a list of people: the name and, to tell namesakes apart, the username.

    李晓敏（lixm） / Grace Chen (gchen); the username alone when the person has no name.
    """
    name, username = person_name(user), user.get_username()
    if not name or name == username:
        return username
    with _override(language):
        return pgettext("person label", "%(name)s (%(username)s)") % {"name": name, "username": username}


def _decimal(value) -> Decimal:
    """A Decimal of an int, str, float (by its shortest repr) or Decimal; refuses NaN and infinities."""
    if isinstance(value, bool):
        raise TypeError("a bool is not an amount")
    number = value if isinstance(value, Decimal) else Decimal(repr(value) if isinstance(value, float) else str(value))
    if not number.is_finite():
        raise ValueError(f"{value!r} is not a finite number")
    return number


def amount(value, places: int = 2) -> str:
    """A bare number with comma thousands separators and at least ``places`` decimals: 1,234.50, 0.045, -3.

    Non-zero decimals beyond ``places`` are kept and nothing is rounded; ``None`` gives "".
    """
    if value is None:
        return ""
    number = _decimal(value)
    _, digits, exponent = number.as_tuple()
    # Contexts as wide as the number, so neither stripping zeros nor padding them can round (28 digits by default).
    significant = max(0, -number.normalize(Context(prec=len(digits))).as_tuple().exponent)
    shown = max(places, significant)
    precision = len(digits) + max(exponent, 0) + shown + 1
    exact = number.quantize(Decimal(1).scaleb(-shown), context=Context(prec=precision))
    return format(exact.copy_abs() if exact.is_zero() else exact, ",f")


def money(value, currency: str | None = "CNY", *, language: str | None = None, places: int = 2) -> str:
    """An amount of money: ¥372,000.00 in Chinese, CNY 372,000.00 in English, USD 1,000.00 in both.

    A blank currency gives the bare amount. See the module docstring for the convention.
    """
    if value is None:
        return ""
    number = _decimal(value)
    digits = amount(number.copy_abs(), places)
    sign = "-" if number < 0 else ""
    code = (currency or "").strip().upper()
    if not code:
        return f"{sign}{digits}"
    if code == "CNY" and _is_chinese(language):
        return f"{sign}¥{digits}"
    return f"{sign}{code} {digits}"


def percent(value) -> str:
    """A percentage in percent units without needless decimals: 3%, 99.9%, 0.05%, 100%; ``None`` gives ""."""
    if value is None:
        return ""
    return f"{amount(value, places=0)}%"


def _day(value: date) -> date:
    if isinstance(value, datetime):
        return timezone.localtime(value).date() if timezone.is_aware(value) else value.date()
    return value


def prose_date(value: date | None, *, language: str | None = None) -> str:
    """A date in running text: 2026年12月1日 / December 1, 2026. An aware datetime is read in the site's time zone."""
    if value is None:
        return ""
    with _override(language):
        return date_format(_day(value), "DATE_FORMAT")


def month_heading(value: date | None, *, language: str | None = None) -> str:
    """The heading of a month (a calendar page): 2026年12月 / December 2026."""
    if value is None:
        return ""
    with _override(language):
        return date_format(_day(value), "YEAR_MONTH_FORMAT")


def date_range(start: date | None, end: date | None, *, language: str | None = None) -> str:
    """A period in running text, both dates in full (as contracts write them), either end open.

    2026年1月1日至2026年12月31日 / January 1, 2026 – December 31, 2026; 2026年1月1日起 / from January 1, 2026;
    至2026年12月31日 / until December 31, 2026; one date when both ends are the same day.
    """
    with _override(language):
        first, last = prose_date(start), prose_date(end)
        if first and last and first != last:
            return pgettext("date range", "%(start)s – %(end)s") % {"start": first, "end": last}
        if first and not last:
            return pgettext("date range", "from %(start)s") % {"start": first}
        if last and not first:
            return pgettext("date range", "until %(end)s") % {"end": last}
        return first


def join_list(items: Iterable, *, language: str | None = None, conjunction: bool = False) -> str:
    """Items joined as a reader expects: 甲、乙、丙 / A, B, C; with ``conjunction``: 甲、乙和丙 / A, B, and C.

    Blank items (None, "") are left out.
    """
    words = [text for text in (str(item).strip() for item in items if item is not None) if text]
    with _override(language):
        separator = pgettext("list separator", ", ")
        if not conjunction or len(words) < 2:
            return separator.join(words)
        if len(words) == 2:
            return pgettext("list of two", "%(first)s and %(last)s") % {"first": words[0], "last": words[1]}
        head = separator.join(words[:-1])
        return pgettext("list of three or more", "%(items)s, and %(last)s") % {"items": head, "last": words[-1]}


def label(text, *, language: str | None = None) -> str:
    """A label before its value: 合同：… in Chinese (full-width colon, no space), "Contract: …" in English."""
    with _override(language):
        return pgettext("label before a value", "%(label)s: ") % {"label": text}


def aside(text, *, language: str | None = None) -> str:
    """A remark in brackets after what it qualifies: （暂定） in Chinese, " (provisional)" in English."""
    with _override(language):
        return pgettext("remark in brackets", " (%(remark)s)") % {"remark": text}


def join_clauses(items: Iterable, *, language: str | None = None) -> str:
    """Whole clauses (reasons, findings) one after the other: ；between them in Chinese, "; " in English. Items are
    words and short phrases for join_list; a clause with its own verb needs the stronger stop."""
    words = [text for text in (str(item).strip() for item in items if item is not None) if text]
    with _override(language):
        return pgettext("separator between clauses", "; ").join(words)
