"""Proposing a contract's structured terms from its text, each value with the sentence it came from.

The rule everywhere: a value is proposed only where a sentence states it; when a value is derived (the end date from
the start and the term, the term from the two dates, the effective date from the signing date of a contract that
takes effect on signature) it says so in its `note`. A field nothing states stays None and is listed in
`Proposal.not_found`, so the reviewer knows what to fill in, and nothing is guessed silently.
"""

from __future__ import annotations

import itertools
import re
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from dateutil.relativedelta import relativedelta

from . import detectors
from .credit_code import credit_code_problem
from .document import Document
from .numbers import Amount, Duration, find_amounts, find_dates, find_durations, parse_number
from .results import Extracted, FeeItem, Proposal, SLATarget
from .segment import Clause
from .tables import fee_items_from_tables, sla_targets_from_tables
from .text import Sentence, comma_parts, normalize, sentences
from .vocabulary import CUSTOMER_ROLES, VENDOR_ROLES

FIELDS = (
    "title",
    "customer_name",
    "customer_credit_code",
    "vendor_name",
    "vendor_credit_code",
    "effective_date",
    "end_date",
    "initial_term_months",
    "auto_renew",
    "renewal_term_months",
    "non_renewal_notice_days",
    "termination_notice_days",
    "price_change_notice_days",
    "price_increase_cap_pct",
    "data_handover_business_days",
    "data_storage_location",
    "confidentiality_years_after_end",
    "trial_period_months",
    "contract_value",
    "currency",
)


@dataclass(frozen=True)
class _Line:
    sentence: Sentence
    category: str | None
    table: int | None

    @property
    def norm(self) -> str:
        return self.sentence.norm


class _Reader:
    def __init__(self, document: Document, clauses: list[Clause]):
        self.document = document
        self.text = document.text
        self.norm = normalize(document.text)
        self.first_clause = clauses[0].start if clauses else None
        self.lines: list[_Line] = []
        for paragraph in document.paragraphs:
            category = _category_at(clauses, paragraph.start)
            if paragraph.table is not None:
                sentence = Sentence(
                    paragraph.text, self.norm[paragraph.start : paragraph.end], paragraph.start, paragraph.end
                )
                self.lines.append(_Line(sentence, category, paragraph.table))
                continue
            for sentence in sentences(self.text, self.norm, paragraph.start, paragraph.end):
                self.lines.append(_Line(sentence, category, None))

    def found(self, line: _Line, value, note: str | None = None) -> Extracted:
        return Extracted(value, line.sentence.text, (line.sentence.start, line.sentence.end), note)


def _category_at(clauses: list[Clause], offset: int) -> str | None:
    for clause in clauses:
        if clause.start <= offset <= clause.end:
            return clause.category
    if clauses and offset < clauses[0].start:
        return "preamble"
    return None


def extract_terms(document: Document, clauses: list[Clause]) -> Proposal:
    """Every term of the proposal that the document states (see FIELDS), the fee items and the SLA targets."""
    reader = _Reader(document, clauses)
    fields: dict[str, Extracted | None] = dict.fromkeys(FIELDS)
    fields["title"] = _title(reader)
    fields.update(_parties(reader))
    fields.update(_dates_and_term(reader))
    fields.update(_renewal(reader, fields))
    fields.update(_notices(reader))
    fields["price_increase_cap_pct"] = _first_hit(reader, detectors.price_caps)
    fields["data_handover_business_days"] = _first_hit(reader, detectors.handover_periods, with_category=True)
    fields["data_storage_location"] = _storage_location(reader)
    fields["confidentiality_years_after_end"] = _confidentiality(reader)
    fields["trial_period_months"] = _trial(reader)
    fee_items = fee_items_from_tables(document) or _fee_items_from_text(reader)
    fields["contract_value"], fields["currency"] = _value_and_currency(reader, fee_items)
    sla = _sla_targets(reader, document)
    not_found = [name for name in FIELDS if fields[name] is None]
    if not fee_items:
        not_found.append("fee_items")
    if not sla:
        not_found.append("sla_targets")
    return Proposal(fields=fields, fee_items=fee_items, sla_targets=sla, not_found=not_found)


# --- title and parties ----------------------------------------------------------------------------------------------

_TITLE = re.compile(r"(?:合同|合同书|协议|协议书|合约|契约|agreement|contract)\s*(?:\([^)]*\))?\s*$", re.I)


def _title(reader: _Reader) -> Extracted | None:
    for line in reader.lines[:8]:
        text = line.norm.strip()
        if (
            line.table is None
            and len(text) <= 60
            and _TITLE.search(text)
            and not re.search(r"编号|no\.|number", text, re.I)
        ):
            return reader.found(line, line.sentence.text.strip())
    return None


CREDIT_CODE = re.compile(r"(?<![0-9A-Z])[0-9A-HJ-NP-RTUW-Y]{2}\d{6}[0-9A-HJ-NP-RTUW-Y]{10}(?![0-9A-Z])")
_CODE_LABEL = re.compile(
    r"统一社会信用代码|社会信用代码|信用代码|unified social credit code|uscc|credit code|营业执照号", re.I
)
_ROLE_LINE = re.compile(
    rf"^\s*(?P<roles>(?:(?:{VENDOR_ROLES}|{CUSTOMER_ROLES})\s*[(/]?\s*)+)\s*[)]?\s*(?:\([^)]{{0,20}}\))?\s*"
    rf"(?:名称|全称|单位名称|公司名称|name)?\s*[:\t]\s*"
    rf"(?P<name>.*)$",
    re.I,
)
# '... Co., Ltd. (Unified Social Credit Code: ...) (the "Client")', 'XX有限公司（以下简称"甲方"）'
_ROLE_MARKER = re.compile(
    rf"\(\s*(?:hereinafter\s+(?:referred\s+to\s+as\s+|called\s+)?|以下简称|以下称|下称|简称)?\s*:?\s*(?:the\s+)?"
    rf"[\"“'‘]?(?P<role>{VENDOR_ROLES}|{CUSTOMER_ROLES})[\"”'’]?\s*\)",
    re.I,
)
_COMPANY = re.compile(
    r"[A-Z][\w&.,'’ -]{2,100}?(?:Co\.,?\s*Ltd\.?|Ltd\.?|Limited|Inc\.?|LLC|Corporation|Corp\.?|GmbH|PLC|Company)|"
    r"[\u4e00-\u9fff()]{4,40}?(?:有限责任公司|股份有限公司|有限公司|集团|公司|事务所|中心)"
)
_NAME_END = re.compile(
    r"\s*(?:\(|,(?!\s*(?:Ltd|Limited|Inc|LLC)\b)|;|。|以下简称|下称|hereinafter|统一社会信用代码|社会信用代码|地址|住所).*$",
    re.I,
)


def _parties(reader: _Reader) -> dict[str, Extracted | None]:
    """Both sides' names and credit codes, from the party block before the first clause: "乙方（服务方）：XX公司" lines
    (or a table of them), or a recital that names each company and then its role in brackets."""
    result: dict[str, Extracted | None] = dict.fromkeys(
        ("customer_name", "customer_credit_code", "vendor_name", "vendor_credit_code")
    )
    limit = reader.first_clause if reader.first_clause is not None else len(reader.text)
    side = None
    for line in reader.lines:
        if line.sentence.start >= limit:
            break
        norm = line.norm
        match = _ROLE_LINE.match(norm)
        if match:
            side = _side(match.group("roles"))
            name = _party_name(line, match.start("name"))
            if side and name and result[f"{side}_name"] is None:
                result[f"{side}_name"] = reader.found(line, name)
            if side:
                _take_code(reader, line, side, result, match.start("name"))
            continue
        side = _recital(reader, line, result) or side
        if side and _CODE_LABEL.search(norm):
            _take_code(reader, line, side, result, 0)
    return result


def _recital(reader: _Reader, line: _Line, result: dict) -> str | None:
    """Reads each "COMPANY ... (ROLE)" of a recital sentence; answers the side named last."""
    norm, side, position = line.norm, None, 0
    for marker in _ROLE_MARKER.finditer(norm):
        segment_start, segment = position, norm[position : marker.start()]
        position = marker.end()
        side = _side(marker.group("role"))
        company = _COMPANY.search(segment)
        if side is None or company is None:
            continue
        start = segment_start + company.start()
        name = line.sentence.text[start : start + len(company.group())].strip(" ,")
        name = re.sub(r"^.*\b(?:between|by|and|with)\s+(?=[A-Z])", "", name, flags=re.I)
        name = re.sub(r"^(?:本合同|本协议|本合約|本協議)?(?:由|是由)?", "", name)
        if result[f"{side}_name"] is None:
            result[f"{side}_name"] = reader.found(line, name)
        code = CREDIT_CODE.search(segment)
        if code and result[f"{side}_credit_code"] is None:
            start = segment_start + code.start()
            result[f"{side}_credit_code"] = _code(reader, line, line.sentence.text[start : start + len(code.group())])
    return side


def _side(roles: str) -> str | None:
    """The side a role label names: an explicit role word wins over 甲/乙 ("甲方（服务方）" is the vendor)."""
    lowered = roles.lower()
    explicit_vendor = re.search(VENDOR_ROLES.replace("乙方|", "").replace("|party b", ""), lowered)
    explicit_customer = re.search(CUSTOMER_ROLES.replace("甲方|", "").replace("|party a", ""), lowered)
    if explicit_vendor and not explicit_customer:
        return "vendor"
    if explicit_customer and not explicit_vendor:
        return "customer"
    if re.search(r"乙方|party b", lowered):
        return "vendor"
    if re.search(r"甲方|party a", lowered):
        return "customer"
    return None


def _party_name(line: _Line, start: int) -> str | None:
    raw = line.sentence.text[start:]
    norm = line.norm[start:]
    cut = _NAME_END.search(norm)
    name = raw[: cut.start()] if cut else raw
    name = name.strip(" \t:：,，;；。_")
    if not name or re.fullmatch(r"[_\s]*", name) or len(name) > 80:
        return None
    return name


def _take_code(reader: _Reader, line: _Line, side: str, result: dict, start: int) -> None:
    key = f"{side}_credit_code"
    if result[key] is not None:
        return
    match = CREDIT_CODE.search(line.norm, start)
    if match and (_CODE_LABEL.search(line.norm) or start):
        result[key] = _code(reader, line, line.sentence.text[match.start() : match.end()])


def _code(reader: _Reader, line: _Line, code: str) -> Extracted:
    code = normalize(code).upper()
    problem = credit_code_problem(code)
    return reader.found(line, code, note="check_digit" if problem else None)


# --- dates and the initial term -------------------------------------------------------------------------------------

TERM_WORDS = re.compile(
    r"期限|有效期|服务期|合作期|合同期|生效|起至|止|term\b|commence|effective|expire|until|valid|continue", re.I
)
NOT_TERM = re.compile(
    r"试用|试运行|试运营|trial|pilot|保修|质保|warranty|保密|confidential|付款|支付|发票|invoice|payment|报价|有效期内价格|"
    r"续约|续期|续签|renew|successive|additional|价格|price|免费",
    re.I,
)
_RANGE_LINK = re.compile(
    r"^\s*(?:\(含\)|起|开始)?\s*,?\s*(?:至|到|~|-|起至|止至|to|until|through|and\s+end(?:ing|s)?\s+on|till)\s*$", re.I
)
_EFFECTIVE_BEFORE = re.compile(
    r"(?:生效日期?|起始日期?|开始日期?|开始日|起算日|生效日|自|从|于|effective\s+(?:date|as\s+of|on|from)?|"
    r"takes?\s+effect\s+(?:on|from|as\s+of)|effective\s+date[\"”]?\s*(?:means|shall\s+mean|is|shall\s+be)|"
    r"commenc\w*\s+(?:on|from)?|start(?:ing|s)?\s+(?:on|from)?|from|as\s+of)\s*[:]?\s*$",
    re.I,
)
_EFFECTIVE_AFTER = re.compile(r"^\s*(?:\(含\))?\s*(?:起|开始)?\s*(?:正式)?(?:生效|起算|起计|开始)", re.I)
_END_BEFORE = re.compile(
    r"(?:到期日期?|终止日期?|届满日期?|截止日期?|结束日期?|至|到|until|through|expir\w*\s+(?:on)?|end(?:s|ing)?\s+on|"
    r"expiry\s+date|end\s+date|termination\s+date)\s*[:]?\s*$",
    re.I,
)
_END_AFTER = re.compile(r"^\s*(?:\(含\))?\s*(?:止|届满|到期|终止|结束)")
_SIGNATURE_EFFECT = re.compile(
    r"(?:签字|签署|签章|盖章|签订)\S{0,10}(?:之日|后)\S{0,4}生效|effective\s+(?:up)?on\s+(?:the\s+date\s+of\s+)?(?:its\s+)?(?:signature|signing|execution)",
    re.I,
)
_SIGNING_DATE = re.compile(
    r"签订日期|签署日期|签约日期|签订时间|签署时间|签字日期|date\s+of\s+signing|signed\s+on|date\s+signed|signing\s+date",
    re.I,
)
_TERM_DURATION_BEFORE = re.compile(
    r"(?:期限|有效期|服务期|合作期|合同期|为期|期间)\s*(?:为|是|:)?\s*(?:自\S{0,30}起)?\s*$|期\s*限?\s*(?:为|是|:)\s*$|"
    r"(?:term|period|duration)\s+(?:of\s+this\s+agreement\s+)?(?:shall\s+be\s+|is\s+|of\s+)?(?:for\s+)?(?:a\s+period\s+of\s+)?$|"
    r"\bfor\s+(?:a\s+(?:period|term)\s+of\s+)?$",
    re.I,
)


def _dates_and_term(reader: _Reader) -> dict[str, Extracted | None]:
    effective = end = term = None
    for line in reader.lines:
        if line.category not in (None, "term_renewal", "preamble", "other", "scope") and not TERM_WORDS.search(
            line.norm
        ):
            continue
        norm = line.norm
        if NOT_TERM.search(norm) and not re.search(r"合同期限|有效期|服务期限|期限为|term of this", norm, re.I):
            continue
        dates = find_dates(norm)
        for first, second in itertools.pairwise(dates):
            if (
                effective is None
                and end is None
                and _RANGE_LINK.match(norm[first.end : second.start])
                and first.value < second.value
                and (TERM_WORDS.search(norm) or line.category == "term_renewal")
            ):
                effective = reader.found(line, first.value)
                end = reader.found(line, second.value)
        for found in dates:
            before = norm[max(0, found.start - 24) : found.start]
            after = norm[found.end : found.end + 12]
            starts = _EFFECTIVE_AFTER.match(after) or (_EFFECTIVE_BEFORE.search(before) and TERM_WORDS.search(norm))
            if effective is None and starts and not _END_BEFORE.search(before[-4:]):
                effective = reader.found(line, found.value)
                continue
            ends = _END_AFTER.match(after) or (_END_BEFORE.search(before) and TERM_WORDS.search(norm))
            if end is None and ends and (effective is None or found.value > effective.value):
                end = reader.found(line, found.value)
        if term is None and not re.search(r"续|renew|successive|additional|extend", norm, re.I):
            for found in find_durations(norm):
                duration: Duration = found.value
                months = duration.months() if duration.unit in ("month", "year") else None
                if months is None or months != months.to_integral():
                    continue
                if _TERM_DURATION_BEFORE.search(norm[max(0, found.start - 40) : found.start]):
                    term = reader.found(line, int(months))
                    break
    if effective is None:
        effective = _effective_on_signature(reader)
    if term is None and effective is not None and end is not None:
        months = _whole_months(effective.value, end.value)
        if months is not None:
            term = Extracted(months, end.sentence, end.span, "from_dates")
    if end is None and effective is not None and term is not None:
        computed = effective.value + relativedelta(months=term.value) - timedelta(days=1)
        end = Extracted(computed, term.sentence, term.span, "computed")
    return {"effective_date": effective, "end_date": end, "initial_term_months": term}


def _whole_months(start: date, end: date) -> int | None:
    """N when end is the day before start + N months (the product's own rule for a term's end), else None."""
    months = (end.year - start.year) * 12 + end.month - start.month
    for candidate in (months, months + 1):
        if candidate > 0 and start + relativedelta(months=candidate) - timedelta(days=1) == end:
            return candidate
    return None


def _effective_on_signature(reader: _Reader) -> Extracted | None:
    if not any(_SIGNATURE_EFFECT.search(line.norm) for line in reader.lines):
        return None
    signed = []
    for index, line in enumerate(reader.lines):
        if _SIGNING_DATE.search(line.norm):
            dates = find_dates(line.norm)
            if not dates and index + 1 < len(reader.lines):
                continue
            signed += [(found.value, line) for found in dates]
    if not signed:
        return None
    value, line = max(signed, key=lambda pair: pair[0])  # effective once both sides have signed
    return reader.found(line, value, note="signing_date")


# --- renewal --------------------------------------------------------------------------------------------------------

AUTO_RENEW = re.compile(
    r"自动(?:续约|续期|续签|续展|延续|延长|顺延)|(?:自动|依次|相应)?顺延|视为(?:双方同意)?续(?:约|期|签)|"
    r"(?:renew|extend)\w*\s+automatically|automatic(?:ally)?\s+(?:be\s+)?(?:renew|extend)\w*|auto[- ]?renew\w*|"
    r"shall\s+(?:be\s+)?renew\w*\s+for\s+(?:successive|additional|further)|deemed\s+(?:to\s+be\s+)?(?:renewed|extended)",
    re.I,
)
_NEGATION = re.compile(r"(?:不|不得|不会|不再|不予|无|并非|非|禁止|no|not|never|without)\s*(?:\S{0,3}\s*)?$", re.I)
NO_AUTO_RENEW = re.compile(
    r"(?:另行|重新|再行)(?:签订|签署|订立|协商签订|商议|协商|商定)|需(?:经)?双方(?:书面)?(?:协商|同意)\S{0,8}续|"
    r"续(?:约|签|期)\S{0,10}(?:另行|重新)(?:签订|协商)|(?:new|separate|fresh)\s+(?:written\s+)?(?:agreement|contract)|"
    r"(?:renewal|extension)\s+(?:shall|will|must)\s+(?:require|be\s+subject\s+to|only\s+be)\s+\S*\s*(?:mutual|written|a\s+written)|"
    r"(?:renewal|extension)\s+requires?|no\s+(?:automatic|tacit)\s+renewal|not\s+(?:be\s+)?renew\w*\s+automatically|"
    r"不(?:会|得|予)?自动(?:续约|续期|续签|续展|顺延|延续|延长)|期满(?:即|自动)?(?:终止|失效)",
    re.I,
)
EXPLICIT_NO_RENEW = re.compile(
    r"不(?:会|得|予)?自动(?:续约|续期|续签|续展|顺延|延续|延长)|no\s+(?:automatic|tacit)\s+renewal|"
    r"not\s+(?:be\s+)?renew\w*\s+automatically|not\s+automatically\s+renew",
    re.I,
)
_SAME_TERM = re.compile(
    r"与原(?:合同)?(?:期限|服务期)相同|同等期限|相同期限|原期限|equal\s+to\s+the\s+initial\s+term|same\s+(?:length|duration)\s+as",
    re.I,
)


def _renewal(reader: _Reader, fields: dict) -> dict[str, Extracted | None]:
    auto = renewal = None
    for line in reader.lines:
        norm = line.norm
        matches = list(AUTO_RENEW.finditer(norm))
        positive = [m for m in matches if not _negated(norm, m.start())]
        if auto is None and matches and not positive:
            auto = reader.found(line, False)
            continue
        if positive and auto is None:
            auto = reader.found(line, True)
            renewal = _renewal_term(reader, line, positive[0].start(), fields)
            if renewal is not None:
                break
            continue
        if auto is not None and auto.value and renewal is None and re.search(r"续|renew", norm, re.I):
            renewal = _renewal_term(reader, line, 0, fields)
        if auto is None and (
            NO_AUTO_RENEW.search(norm) and re.search(r"续|renew|extend|extension|期满|届满|expir", norm, re.I)
        ):
            explicit = any(_negated(norm, m.start()) for m in AUTO_RENEW.finditer(norm)) or EXPLICIT_NO_RENEW.search(
                norm
            )
            auto = reader.found(line, False, note=None if explicit else "new_agreement")
    return {"auto_renew": auto, "renewal_term_months": renewal if auto is not None and auto.value else None}


def _negated(norm: str, start: int) -> bool:
    before = norm[max(0, start - 8) : start]
    return bool(_NEGATION.search(before)) and not re.search(r"除非|unless", before, re.I)


def _renewal_term(reader: _Reader, line: _Line, start: int, fields: dict) -> Extracted | None:
    for found in find_durations(line.norm):
        if found.start < start - 40:
            continue
        duration: Duration = found.value
        months = duration.months() if duration.unit in ("month", "year") else None
        if months is not None and months == months.to_integral():
            context = line.norm[max(0, found.start - 12) : found.end + 12]
            if re.search(r"前|before|prior|notice|通知", context, re.I) and not re.search(
                r"续|renew|period|term", context, re.I
            ):
                continue
            return reader.found(line, int(months))
    if _SAME_TERM.search(line.norm) and fields.get("initial_term_months") is not None:
        return reader.found(line, fields["initial_term_months"].value, note="same_as_initial")
    return None


# --- notices, cap, handover: the detectors shared with find_term_mentions -----------------------------------------


def _notices(reader: _Reader) -> dict[str, Extracted | None]:
    result: dict[str, Extracted | None] = dict.fromkeys(
        ("non_renewal_notice_days", "termination_notice_days", "price_change_notice_days")
    )
    termination_choices: list[tuple[int, Extracted]] = []
    for line in reader.lines:
        for hit in detectors.notice_periods(line.norm, line.category):
            found = reader.found(line, hit.value, hit.note)
            if hit.field == "termination_notice_days":
                termination_choices.append((_notice_giver_rank(line.norm), found))
            elif result[hit.field] is None:
                result[hit.field] = found
    if termination_choices:
        result["termination_notice_days"] = min(termination_choices, key=lambda pair: pair[0])[1]
    return result


_ANY_PARTY = r"任何一方|任一方|一方|双方|either\s+party|each\s+party|any\s+party|a\s+party"
_FIRST_PARTY = re.compile(rf"(?P<any>{_ANY_PARTY})|(?P<customer>{CUSTOMER_ROLES})|(?P<vendor>{VENDOR_ROLES})", re.I)


def _notice_giver_rank(norm: str) -> int:
    """Where each side has its own termination notice, ours (the customer's right to leave) is the one proposed:
    the party a sentence names first is the one that gives notice ("乙方需终止合作的，应提前60天通知甲方")."""
    first = _FIRST_PARTY.search(norm)
    if first is None or first.group("any") or first.group("customer"):
        return 0
    return 1


def _first_hit(reader: _Reader, detector, with_category: bool = False) -> Extracted | None:
    preferred = None
    for line in reader.lines:
        hits = detector(line.norm, line.category) if with_category else detector(line.norm)
        for hit in hits:
            found = reader.found(line, hit.value, hit.note)
            if hit.note is None:
                return found
            preferred = preferred or found
    return preferred


# --- storage, confidentiality, trial --------------------------------------------------------------------------------

_STORAGE = re.compile(
    r"(?:数据|资料|信息|录音|服务器|系统)\S{0,20}?(?:存储|存放|储存|保存|托管|部署|备份)(?:地点|位置|地域)?\s*(?:均|仅|只)?\s*(?:应|须|必须|将)?"
    r"\s*(?:存储|存放|储存|保存|托管|部署)?\s*(?:于|在|至|为|:)\s*(?P<cn>[^,;。]{2,40})|"
    r"(?:data|information|records)[^.;]{0,60}?\b(?:stored|hosted|kept|located|held|reside|processed\s+and\s+stored)\s+"
    r"(?:only\s+|exclusively\s+|solely\s+)?(?:in|within|at)\s+(?:(?:servers|data\s+cent(?:er|re)s?|facilities)\s+"
    r"(?:located\s+)?(?:in|within)\s+)?(?P<en>[^.;,]{2,60}(?:,\s*(?:the\s+)?(?:PRC|P\.R\.\s*China|China|[A-Z][a-z]+)(?=\s*[,.;]|\s*$))?)",
    re.I,
)
_STORAGE_TRIM = re.compile(
    r"(?:的|之)(?:服务器|伺服器|主机|机房|数据中心|云平台|云服务器)(?:上|内|中)?$|(?<!境)(?:上|中|内)$|"
    r"\s+(?:and|or|only|unless|without)\b.*$",
    re.I,
)


def _storage_location(reader: _Reader) -> Extracted | None:
    for line in reader.lines:
        norm = line.norm
        for match in _STORAGE.finditer(norm):
            group = "cn" if match.group("cn") else "en"
            before = norm[max(0, match.start() - 6) : match.start(group)]
            if re.search(
                r"不得|禁止|不应|不可|shall\s+not|must\s+not|may\s+not|never",
                before + norm[match.start() : match.start(group)],
                re.I,
            ):
                continue
            start, end = match.span(group)
            raw = line.sentence.text[start:end]
            trimmed = _STORAGE_TRIM.sub("", normalize(raw))
            value = raw[: len(trimmed)].strip(" 的")
            value = re.sub(r"^(?:位于|设在|设于)", "", value).strip()
            value = re.sub(r"^the\s+(?=territory|People)", "", value)
            if len(value) >= 2:
                return reader.found(line, value)
    return None


def _confidentiality(reader: _Reader) -> Extracted | None:
    for line in reader.lines:
        norm = line.norm
        if not re.search(r"保密|confidential", norm, re.I):
            continue
        if not re.search(r"终止|解除|届满|期满|结束|到期|后|after|following|surviv|expir", norm, re.I):
            continue
        for found in find_durations(norm):
            duration: Duration = found.value
            if duration.unit == "year":
                return reader.found(
                    line, int(duration.amount) if duration.amount == int(duration.amount) else duration.amount
                )
            if duration.unit == "month" and duration.amount % 12 == 0:
                return reader.found(line, int(duration.amount / 12))
    return None


_TRIAL = re.compile(
    r"试用期|试运行期?|试运营期?|试点期|试服务期|磨合期|trial\s+period|pilot\s+period|probation(?:ary)?\s+period|trial\b",
    re.I,
)
_STAFF_PROBATION = re.compile(r"员工|人员|坐席人员|新入职|劳动|employee|staff|agent", re.I)


def _trial(reader: _Reader) -> Extracted | None:
    for line in reader.lines:
        norm = line.norm
        match = _TRIAL.search(norm)
        if not match or _STAFF_PROBATION.search(norm[max(0, match.start() - 10) : match.start()]):
            continue
        candidates = []
        for found in find_durations(norm):
            duration: Duration = found.value
            months = duration.months()
            if (
                months is None
                or months != months.to_integral()
                or re.match(r"\W*(?:'|s'|’)?\s*(?:notice|通知|书面)", norm[found.end :], re.I)
            ):
                continue
            candidates.append((abs(found.start - match.start()), int(months)))
        if candidates:
            return reader.found(line, min(candidates)[1])
    return None


# --- money ----------------------------------------------------------------------------------------------------------

TOTAL_WORDS = re.compile(
    r"合同总(?:金额|价款|价|额|费用|租金)|总(?:金额|价款|费用|价|计|租金)|合同(?:金额|价款|价格)|含税总价|服务费总额|"
    r"total\s+(?:contract\s+)?(?:value|price|amount|fees?|consideration|sum)|contract\s+(?:value|price|sum|amount)|"
    r"aggregate\s+(?:fees|amount|value)",
    re.I,
)
NOT_TOTAL = re.compile(
    r"违约|赔偿|责任|上限|不超过|penalt|liabilit|damages|cap\b|exceed|credit|扣减|保证金|deposit", re.I
)


def _value_and_currency(reader: _Reader, fee_items: list[FeeItem]) -> tuple[Extracted | None, Extracted | None]:
    for line in reader.lines:
        norm = line.norm
        total = TOTAL_WORDS.search(norm)
        if not total or NOT_TOTAL.search(norm):
            continue
        amounts = [a for a in find_amounts(norm) if a.end > total.start()]
        if not amounts:
            continue
        figures = [a.value for a in amounts if not a.value.chinese]
        capitals = [a.value for a in amounts if a.value.chinese]
        chosen: Amount = figures[0] if figures else capitals[0]
        note = None
        if figures and capitals and figures[0].value != capitals[0].value:
            chosen, note = capitals[0], "amounts_disagree"
        value = reader.found(line, chosen.value.quantize(Decimal("0.01")), note)
        currency = chosen.currency or next((a.currency for a in figures + capitals if a.currency), None)
        return value, (reader.found(line, currency) if currency else None)
    for item in fee_items:
        if item.currency:
            return None, Extracted(item.currency, item.sentence, item.span)
    return None, None


# A billing unit: a known two-character one (分钟, 坐席) or a single character (席, 月, 通), or an English word.
_CN_UNIT = r"坐席|席位|分钟|小时|工作日|人天|人月|人次|工单|会话|[\u4e00-\u9fff]"
_PER_UNIT = re.compile(
    rf"^\s*(?:/\s*(?P<u1>{_CN_UNIT}|[A-Za-z]{{1,12}})(?:\s*/\s*(?P<u2>{_CN_UNIT}|[A-Za-z]{{1,12}}))?|"
    r"(?:per|a|each|/)\s+(?P<e1>[a-z-]+(?:\s+(?!per\b)[a-z-]+)?)(?:\s+per\s+(?P<e2>[a-z]+))?)",
    re.I,
)
_PER_BEFORE = re.compile(rf"每(?P<p1>{_CN_UNIT})[\u4e00-\u9fff]{{0,2}}?(?:每(?P<p2>{_CN_UNIT}))?")
_FEE_KIND = re.compile(
    r"(?P<cn>[\u4e00-\u9fff]{2,12}?费(?:用)?)|(?P<en>\b[A-Za-z][A-Za-z-]*(?:\s+[A-Za-z-]+){0,3}\s+(?:fee|fees|charge|charges))\b"
)
_QUANTITY = re.compile(
    r"(?:共|合计|计|数量为?|数量:|总计)\s*(?P<q>\d+(?:\.\d+)?)\s*(?:个|名|席|套|路|条)?|(?P<q2>\d+)\s*(?:个坐席|坐席|席|seats?|agents?|licen[cs]es?|users?)",
    re.I,
)


_CHARGING_VERB = re.compile(r"(?:计费|收费|付费|缴费|免费|扣费|计收费|计取费)(?:用)?$")
_EN_STOPWORDS = re.compile(
    r"^.*\b(?:shall|will|must|may|pay|pays|paying|charge|charges|is|are|be|the|a|an|of|for|following|to|and|with)\s+",
    re.I,
)


def _fee_kind(line: _Line, end: int) -> str:
    """What a price is for: the fee's name before it ("坐席费", "Chat seat fee"), else the service the sentence
    opens with ("外呼服务按接通量计费" -> "外呼服务")."""
    norm = line.norm[:end]
    for match in reversed(list(_FEE_KIND.finditer(norm))):
        text = line.sentence.text[match.start() : match.end()].strip()
        if match.group("en"):
            return _EN_STOPWORDS.sub("", text)
        text = re.sub(r"^.*?(?:其中|包括|为|按|:|的)|^每[\u4e00-\u9fff]", "", text)
        if not _CHARGING_VERB.search(normalize(text)) and len(text) >= 2:
            return text
    opening = re.match(r"^\s*(?:[(]?\d+[).、]|\d+(?:\.\d+)+)?\s*([\u4e00-\u9fff]{2,10}?)(?:按|以|为|:|每)", norm)
    return line.sentence.text[opening.start(1) : opening.end(1)] if opening else ""


def _fee_items_from_text(reader: _Reader) -> list[FeeItem]:
    items = []
    for line in reader.lines:
        if line.category not in ("fees", "price_adjustment", None, "scope", "other"):
            continue
        norm = line.norm
        parts = comma_parts(norm, words=False)
        for found in find_amounts(norm):
            part_start, part_end = next((s, e) for s, e in parts if s <= found.start <= e)
            if TOTAL_WORDS.search(norm[part_start:part_end]) or NOT_TOTAL.search(norm[part_start:part_end]):
                continue
            amount: Amount = found.value
            after = norm[found.end : found.end + 30]
            before = norm[part_start : found.start]
            per_after, per_before = _PER_UNIT.match(after), _PER_BEFORE.search(before)
            if per_after:
                parts = [per_after.group(g) for g in ("u1", "u2", "e1", "e2") if per_after.group(g)]
            elif per_before:
                parts = [per_before.group(g) for g in ("p1", "p2") if per_before.group(g)]
            elif re.search(r"一次性|one[- ]time|one[- ]off", norm, re.I):
                parts = ["一次性" if not norm.isascii() else "one-time"]
            else:
                continue
            kind = _fee_kind(line, found.start)
            if not kind:
                continue
            quantity = None
            quantity_match = _QUANTITY.search(norm, found.end)
            if quantity_match:
                quantity = parse_number(quantity_match.group("q") or quantity_match.group("q2"))
            unit = "/".join(part.strip() for part in parts if part.strip() not in ("元",))
            items.append(
                FeeItem(
                    kind,
                    amount.value,
                    unit,
                    quantity,
                    amount.currency,
                    line.sentence.text,
                    (line.sentence.start, line.sentence.end),
                )
            )
    return items


# --- SLA ------------------------------------------------------------------------------------------------------------


def _sla_targets(reader: _Reader, document: Document) -> list[SLATarget]:
    targets = sla_targets_from_tables(document)
    table_rows = {row.span for row in targets}
    seen = {(t.kind, t.comparator, t.target, t.unit) for t in targets}
    for line in reader.lines:
        if line.table is not None and (line.sentence.start, line.sentence.end) in table_rows:
            continue
        if line.table is not None and targets:
            continue
        for hit in detectors.sla_targets(line.norm, line.sentence.text, in_sla_clause=line.category == "sla"):
            target: detectors.Target = hit.value
            key = (target.kind, target.comparator, target.target, target.unit)
            if key in seen:
                continue
            seen.add(key)
            targets.append(
                SLATarget(
                    target.metric,
                    target.comparator,
                    target.target,
                    target.unit,
                    target.kind,
                    target.period,
                    line.sentence.text,
                    (line.sentence.start, line.sentence.end),
                )
            )
    return targets
