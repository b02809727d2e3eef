"""What a typed or pasted value becomes before a form or an import reads it: Chinese input, forgiven.

Chinese input methods type full-width digits and letters (２０２６, ＡＢＣ), pasted text drags spaces and invisible
characters along, and people write numbers and dates the way they write them on paper. These functions turn such
input into the plain form Django's fields parse; what they cannot read confidently comes back as typed (trimmed), so
the field reports it as an error instead of saving a guess. Each takes ``str | None`` and returns ``str``.

    normalise_code(" 9131 0000 ｍａ１Ｋ ")      91310000MA1K    (credit codes, contract numbers)
    normalise_text(" ＡＢＣ公司，涨幅３．５％ ")   ABC公司，涨幅3.5%  (prose keeps its Chinese punctuation)
    normalise_number("１，２３４．５０元")        1234.50         (also "1,234.50", "¥1,234.50", "-５", "3%" -> "3")
    normalise_number("12,34")                   12,34           (misplaced separators: left for the field to refuse)
    normalise_date_input("２０２６年１月１日")     2026-01-01      (also 2026/1/1, 2026.1.1, 2026-1-1, 20260101)

``core/forms_fields.py`` has form fields that apply them; a ModelForm switches with ``Meta.field_classes``.
"""

import re
import unicodedata

# Characters a copy from a web page or a word processor carries invisibly: zero-width space, word joiner, byte-order
# mark, soft hyphen.
_INVISIBLE = re.compile("[\u200b\u2060\ufeff\u00ad]")
_FULL_WIDTH_ALNUM = re.compile("[０-９Ａ-Ｚａ-ｚ]")
# Full-width symbols that are not Chinese punctuation; inside a token of ASCII letters and digits they are typos of
# the ASCII ones (ａ＠ｂ．ｃｏｍ, ２０２６－０１). Chinese punctuation (，。；：！？（）「」、) is never changed.
_FULL_WIDTH_JOINER = re.compile("(?<=[0-9A-Za-z])[＃＄％＆＊＋－．／＜＝＞＠＼＾＿｀｜](?=[0-9A-Za-z])")
_FULL_WIDTH_PERCENT = re.compile("(?<=[0-9])％")
_FORGIVING_NUMBER = re.compile(r"(?P<sign>[+-]?)¥?(?P<whole>\d{1,3}(?:,\d{3})+|\d*)(?P<fraction>\.\d*)?[%元]?")
_CHINESE_DATE = re.compile(r"(?P<y>\d{4})\s*年\s*(?P<m>\d{1,2})\s*月\s*(?P<d>\d{1,2})\s*[日号]?")
_SEPARATED_DATE = re.compile(r"(?P<y>\d{4})\s*(?P<sep>[-/.])\s*(?P<m>\d{1,2})\s*(?P=sep)\s*(?P<d>\d{1,2})")
_COMPACT_DATE = re.compile(r"(?P<y>\d{4})(?P<m>\d{2})(?P<d>\d{2})")


def _nfkc(match: re.Match) -> str:
    return unicodedata.normalize("NFKC", match[0])


def _plain(value: str | None) -> str:
    return unicodedata.normalize("NFKC", _INVISIBLE.sub("", value or "")).strip()


def normalise_code(value: str | None) -> str:
    """An identifier as stored: NFKC, no whitespace anywhere (full-width spaces included), upper case.

    Normalised again at the end: dropping a space NFKC produced (¯ is a space and a combining macron) or changing
    the case can leave a sequence that composes.
    """
    return unicodedata.normalize("NFKC", "".join(_plain(value).split()).upper())


def normalise_text(value: str | None) -> str:
    """Text with full-width letters and digits made ASCII, trimmed; Chinese punctuation stays full-width.

    Whole-string NFKC is wrong for prose: it turns ，into , and （）into (). Only letters, digits and the
    full-width symbols inside an ASCII token (or ％ after a digit) change.
    """
    text = _FULL_WIDTH_ALNUM.sub(_nfkc, _INVISIBLE.sub("", value or ""))
    text = _FULL_WIDTH_PERCENT.sub("%", _FULL_WIDTH_JOINER.sub(_nfkc, text))
    return text.strip()


def normalise_number(value: str | None) -> str:
    """A number as DecimalField and IntegerField parse it: "１，２３４．５０元" -> "1234.50".

    Accepts full-width digits and signs, spaces, comma thousands separators in groups of three, a leading ¥ and a
    trailing % or 元. Anything else (misplaced separators, words) is returned as typed for the field to refuse.
    """
    text = "".join(_plain(value).replace("\u2212", "-").split())
    match = _FORGIVING_NUMBER.fullmatch(text)
    if not match or not re.search(r"\d", text):
        return text
    return match["sign"] + match["whole"].replace(",", "") + (match["fraction"] or "")


def normalise_date_input(value: str | None) -> str:
    """A date as an ISO string: ２０２６年１月１日, 2026/1/1, 2026.1.1, 2026-1-1 or 20260101 -> "2026-01-01".

    Other input is returned trimmed, so a field's own input formats still apply and impossible dates (2026-02-30)
    are refused by the field.
    """
    text = _plain(value)
    for pattern in (_CHINESE_DATE, _SEPARATED_DATE, _COMPACT_DATE):
        match = pattern.fullmatch(text)
        if match:
            return f"{match['y']}-{int(match['m']):02d}-{int(match['d']):02d}"
    return text
