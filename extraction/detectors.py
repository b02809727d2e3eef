"""Sentence-level readers of the terms whose numbers are also checked in free text: notice periods, the price cap,
the data-handover period and SLA targets.

A number counts only where the sentence ties it to its term: "提前三十日书面通知" is a notice period, "收到通知后
十五日内纠正" is a cure period and is not; "涨幅不超过5%" is a price cap, "按服务费的5%支付违约金" is not. Each
reader works on one normalized sentence and answers offsets in it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from rules.sla import HIGHER_IS_BETTER, LOWER_IS_BETTER

from .numbers import (
    ARABIC,
    CN_DIGIT,
    CN_NUMERAL,
    CN_UNIT,
    NUMBER,
    Duration,
    find_durations,
    find_percents,
    parse_number,
)
from .text import comma_parts
from .vocabulary import sla_kind

# --- notice periods -------------------------------------------------------------------------------------------------

RENEWAL_WORDS = re.compile(r"续约|续期|续签|续展|续订|延续|顺延|不再续|renew|non-renewal|extension of the term", re.I)
PRICE_WORDS = re.compile(
    r"价格|调价|涨价|提价|收费标准|单价|资费|费率|服务费|费用|price|pricing|fees?\b|rates?\b|charges", re.I
)
CHANGE_WORDS = re.compile(
    r"调整|变更|变动|上调|上涨|调增|调价|涨价|提价|提高|增加|涨|increase|change|adjust|raise|revise|uplift", re.I
)
TERMINATION_WORDS = re.compile(
    r"解除|终止|提前结束|结束合作|terminat|cancel|end\s+(?:this|the)\s+(?:agreement|contract)", re.I
)
# A trial period's own way out is not the contract's termination notice.
TRIAL_WORDS = re.compile(r"试用|试运行|试运营|试点期|trial|pilot|probation", re.I)
# A notice that runs before something: "提前30日", "期满前30日", "30 days' prior written notice", "60 days before".
_NOTICE_BEFORE = re.compile(
    r"(?:提前|预先|事先)\s*(?:至少|不少于|不低于|不短于)?\s*$|(?:期满|届满|到期|终止|结束|截止|生效)\s*(?:日|之日)?\s*(?:以)?前\s*(?:至少|不少于)?\s*$",
)
_NOTICE_AFTER_CN = re.compile(
    r"^\s*(?:以上|或以上)?\s*(?:以前|之前|前)?\s*(?:以|向\S{1,6})?\s*(?:书面|正式)?\s*(?:形式)?\s*(?:通知|告知|提出|发出)"
)
_NOTICE_AFTER_EN = re.compile(
    r"^\s*(?:'s|s'|’s|s’|')?\s*(?:prior\s+|advance\s+|previous\s+)?(?:written\s+)?(?:notice|notification)|"
    r"^\s*(?:'s|s'|’s|s’|')?\s*(?:prior\s+to|before|in\s+advance|ahead\s+of)\b",
    re.I,
)
_NOTICE_OF_EN = re.compile(
    r"(?:notice(?:\s+period)?\s+of|notifying\s+\S+\s+at\s+least|at\s+least|no\s+less\s+than|not\s+less\s+than)\s*$",
    re.I,
)
# "收到通知后15日内" / "within 15 days after receipt of notice": a period after a notice, not one.
_AFTER_NOTICE = re.compile(
    r"(?:收到|接到|发出|送达)\S{0,8}(?:后|之日起)\s*$|(?:after|following|of)\s+(?:receipt|receiving)\b", re.I
)


@dataclass(frozen=True)
class Hit:
    """A term's number found in a sentence: the field, its value, and the (start, end) of the number there."""

    field: str
    value: object
    start: int
    end: int
    note: str | None = None
    extra: object = None


def notice_periods(norm: str, category: str | None = None) -> list[Hit]:
    """Notice periods in one normalized sentence, each assigned to the term it governs.

    The sentence's own words decide (renewal before price before termination, since a renewal or price sentence
    often also says what happens if nobody acts); the clause category decides only when the sentence names none.
    """
    hits = []
    for found in find_durations(norm):
        duration: Duration = found.value
        if duration.unit not in ("day", "working_day", "week", "month"):
            continue
        before = norm[max(0, found.start - 16) : found.start]
        after = norm[found.end : found.end + 30]
        if _AFTER_NOTICE.search(before):
            continue
        if not (
            _NOTICE_BEFORE.search(before)
            or _NOTICE_AFTER_CN.match(after)
            or _NOTICE_AFTER_EN.match(after)
            or _NOTICE_OF_EN.search(before)
        ):
            continue
        field = _notice_field(norm, category)
        if field is None:
            continue
        if duration.unit == "working_day":
            hits.append(Hit(field, int(duration.amount), found.start, found.end, note="working_days"))
        else:
            hits.append(Hit(field, int(duration.days()), found.start, found.end))
    return hits


def _notice_field(norm: str, category: str | None) -> str | None:
    if TRIAL_WORDS.search(norm):
        return None
    if RENEWAL_WORDS.search(norm):
        return "non_renewal_notice_days"
    if PRICE_WORDS.search(norm) and CHANGE_WORDS.search(norm):
        return "price_change_notice_days"
    if TERMINATION_WORDS.search(norm):
        return "termination_notice_days"
    return {
        "term_renewal": "non_renewal_notice_days",
        "price_adjustment": "price_change_notice_days",
        "termination": "termination_notice_days",
    }.get(category or "")


# --- price cap ------------------------------------------------------------------------------------------------------

INCREASE_WORDS = re.compile(
    r"涨幅|调幅|上调|上涨|增幅|调增|提价|涨价|调价|调整幅度|调价幅度|上浮|增长|increase|uplift|raise|escalat|adjustment",
    re.I,
)
_CAP_BEFORE = re.compile(
    r"(?:不超过|不得超过|不应超过|不得逾|不逾|逾|不高于|不得高于|最高|最多|上限为?|封顶|≤|<=|cap(?:ped)?\s+at|capped\s+to|limited\s+to|"
    r"not\s+(?:to\s+)?exceed|shall\s+not\s+exceed|no\s+(?:more|greater)\s+than|not\s+more\s+than|maximum\s+of|"
    r"at\s+most|up\s+to|exceeding)[^,;]{0,24}?$",
    re.I,
)
_CAP_AFTER = re.compile(r"^\s*(?:以内|之内|内|以下|为上限|封顶)")
NOT_A_PRICE_CAP = re.compile(
    r"违约金|滞纳金|赔偿|罚款|扣减|扣除|抵扣|折扣|返还|利息|可用|接通|满意|流失|服务水平|penalt|late|interest|credit|"
    r"discount|damages|liabilit|availability|uptime",
    re.I,
)


def price_caps(norm: str) -> list[Hit]:
    if not (PRICE_WORDS.search(norm) or INCREASE_WORDS.search(norm)) or NOT_A_PRICE_CAP.search(norm):
        return []
    hits = []
    for start, end in comma_parts(norm):
        part = norm[start:end]
        increase = INCREASE_WORDS.search(part)
        if not increase:
            continue
        for percent in find_percents(part):
            before = part[increase.start() : percent.start]
            after = part[percent.end :]
            if percent.start > increase.start() and (_CAP_BEFORE.search(before) or _CAP_AFTER.match(after)):
                hits.append(Hit("price_increase_cap_pct", percent.value, start + percent.start, start + percent.end))
    return hits


# --- data handover --------------------------------------------------------------------------------------------------

DATA_WORDS = re.compile(r"数据|资料|信息|录音|记录|文档|data|records|recordings|information|materials", re.I)
HANDOVER_VERBS = re.compile(
    r"移交|交接|返还|交还|归还|交付|导出|迁移|移转|转移|提供给|交给|"
    r"hand(?:ed)?[- ]?over|handover|return|deliver|export|transfer|migrat",
    re.I,
)
END_WORDS = re.compile(r"终止|解除|到期|届满|期满|结束|终结|terminat|expir|end\s+of|cessation", re.I)
DELETE_WORDS = re.compile(r"删除|销毁|清除|delet|destroy|erase|purge", re.I)
_WITHIN_AFTER = re.compile(r"^\s*(?:内|之内|以内)")
_WITHIN_BEFORE = re.compile(r"(?:within|no\s+later\s+than)\s*$", re.I)


def handover_periods(norm: str, category: str | None = None) -> list[Hit]:
    """The working days within which data is handed over when the contract ends."""
    if not DATA_WORDS.search(norm) or not HANDOVER_VERBS.search(norm):
        return []
    if not END_WORDS.search(norm) and category != "data_handover":
        return []
    hits = []
    for start, end in comma_parts(norm, words=False):
        part = norm[start:end]
        if DELETE_WORDS.search(part) and not HANDOVER_VERBS.search(part):
            continue
        for found in find_durations(part):
            duration: Duration = found.value
            if duration.unit not in ("day", "working_day"):
                continue
            if not (_WITHIN_AFTER.match(part[found.end :]) or _WITHIN_BEFORE.search(part[: found.start])):
                continue
            if DELETE_WORDS.search(part[found.end : found.end + 12]):
                continue
            note = None if duration.unit == "working_day" else "calendar_days"
            hits.append(
                Hit("data_handover_business_days", int(duration.amount), start + found.start, start + found.end, note)
            )
    return hits


# --- SLA targets ----------------------------------------------------------------------------------------------------

COMPARATORS: list[tuple[str, str]] = [
    (r"不低于|不少于|不小于|不得低于|不得少于|不应低于|须达到|应达到|达到|至少|最低|≥|>=|大于或等于|大于等于|"
     r"at\s+least|no\s+less\s+than|not\s+less\s+than|no\s+lower\s+than|not\s+lower\s+than|a\s+minimum\s+of|minimum\s+of|"
     r"minimum|greater\s+than\s+or\s+equal\s+to|equal\s+to\s+or\s+(?:greater|higher)\s+than", ">="),
    (r"不高于|不超过|不大于|不多于|不得高于|不得超过|不得逾|不应超过|最高|最多|≤|<=|小于或等于|小于等于|no\s+more\s+than|"
     r"not\s+more\s+than|no\s+higher\s+than|not\s+higher\s+than|shall\s+not\s+exceed|must\s+not\s+exceed|not\s+exceed|"
     r"does\s+not\s+exceed|not\s+to\s+exceed|at\s+most|a\s+maximum\s+of|maximum\s+of|maximum|within|"
     r"less\s+than\s+or\s+equal\s+to", "<="),
    (r"高于|大于|超过|>|greater\s+than|more\s+than|higher\s+than|above|exceeds?|exceeding", ">"),
    (r"低于|小于|少于|<|less\s+than|lower\s+than|fewer\s+than|below|under", "<"),
]  # fmt: skip
_COMPARATOR = re.compile("|".join(f"(?:{pattern})" for pattern, _ in COMPARATORS), re.I)
_POSTFIX = {"以上": ">=", "及以上": ">=", "或以上": ">=", "以下": "<=", "及以下": "<=", "或以下": "<=",
            "以内": "<=", "之内": "<=", "内": "<="}  # fmt: skip
UNITS: list[tuple[str, str]] = [
    (r"%", "%"),
    (r"个?工作日|working\s+days?|business\s+days?", "working_days"),
    (r"毫秒|milliseconds?|ms\b", "milliseconds"),
    (r"秒钟?|seconds?|secs?\b|s\b", "seconds"),
    (r"分钟|minutes?|mins?\b", "minutes"),
    (r"个?小时|hours?|hrs?\b|h\b", "hours"),
    (r"天|日|(?:calendar\s+)?days?", "days"),
    (r"分|points?\b|分值", "points"),
    (r"人|名|people|persons?|agents?", "people"),
]
_UNIT = re.compile("|".join(f"(?:{pattern})" for pattern, _ in UNITS), re.I)
_PERCENT_WORDS = rf"百分之(?P<pct>{CN_NUMERAL}|{ARABIC})"
_TARGET = re.compile(
    rf"(?P<cmp>{_COMPARATOR.pattern})\s*(?:为|of|to|[^,;\d%]{{1,12}}?的|(?:(?!百分之)[^{CN_DIGIT}{CN_UNIT}\W\d]){{1,6}})?\s*"
    rf"(?:{_PERCENT_WORDS}|(?P<num>{NUMBER})\s*(?P<unit>{_UNIT.pattern})?)"
    rf"|(?P<num2>{NUMBER})\s*(?P<unit2>{_UNIT.pattern})\s*(?P<post>及以上|或以上|以上|及以下|或以下|以下|以内|之内|内)"
    rf"|(?P<bare>(?:为|达|是|:|of|is|be|at|available|uptime)\s*)(?P<num3>\d+(?:\.\d+)?)\s*%"
    rf"|(?P<lead>)(?P<num4>\d+(?:\.\d+)?)\s*%(?=\s*(?:of|的)\s*\S)",
    re.I,
)
NOT_SLA = re.compile(
    r"费|价|金额|违约金|赔偿|扣减|扣除|罚|合同总|付款|支付|发票|涨幅|上调|保密|fee|price|amount|penalt|credit|invoice|pay|"
    r"damages|liabilit|increase",
    re.I,
)
PERIODS = [
    (r"每月|月度|当月|按月|每个月|月均|monthly|per\s+month|each\s+month|calendar\s+month|a\s+month", "month"),
    (r"季度|每季|quarterly|per\s+quarter|each\s+quarter", "quarter"),
    (r"年度|每年|全年|annual|yearly|per\s+year|each\s+year", "year"),
    (r"每周|周度|weekly|per\s+week", "week"),
    (r"每日|每天|daily|per\s+day", "day"),
]
MODAL = re.compile(
    r"^(?:且|并且|并|另外|以及|and|the|its|其|乙方的?|服务方的?|vendor's|provider's|supplier's)\s*|"
    r"\s*(?:应当?|须|需|必须|要求|将|应保证|保证|应确保|确保|原则上|shall\s+be|must\s+be|will\s+be|shall|must|will|is|"
    r"be|to\s+be|should\s+be|of|at|为|达到|控制在|在|:)\s*$",
    re.I,
)


@dataclass(frozen=True)
class Target:
    metric: str
    comparator: str
    target: Decimal
    unit: str
    kind: str
    period: str


def sla_targets(norm: str, original: str, *, in_sla_clause: bool = False) -> list[Hit]:
    """SLA targets stated in one sentence: "系统可用性不低于99.9%", "ASA shall not exceed 20 seconds",
    "故障发生后30分钟内响应". A breach condition ("若接通率低于90%") states the target the other way round."""
    if re.search(r"保密|confidential|争议|dispute|不可抗力|force majeure", norm, re.I):
        return []
    hits = []
    for start, end in comma_parts(norm):
        part = norm[start:end]
        found = [_target(norm, original, part, start, match, in_sla_clause) for match in _TARGET.finditer(part)]
        found = [hit for hit in found if hit is not None]
        # "80% of calls answered within 20 seconds": the time belongs to the metric, the percentage is the target.
        if any(hit.value.unit == "%" for hit in found):
            found = [hit for hit in found if hit.value.unit == "%" or hit.value.unit not in TIME_UNITS]
        hits += found
    return hits


# A target written without a comparator ("可用性 99.9%") has the direction its kind always has (rules.sla).
DEFAULT_COMPARATOR = dict.fromkeys(HIGHER_IS_BETTER, ">=") | dict.fromkeys(LOWER_IS_BETTER, "<=")
TIME_UNITS = ("milliseconds", "seconds", "minutes", "hours", "days", "working_days")
# Kinds whose target is a length of time; a rate kind stated in time is really one of these.
TIME_KINDS = ("asa", "aht", "response_time", "fix_time", "other")


_CONDITION_WORD = re.compile(
    r"若|如果|倘若|如|一旦|凡|当|未能?|\bif\b|\bwhere\b|in\s+the\s+event(?:\s+that)?|\bshould\b|fails?\s+to", re.I
)


def _target(norm: str, original: str, part: str, offset: int, match: re.Match, in_sla_clause: bool) -> Hit | None:
    if match.group("pct") or match.group("num3") or match.group("num4"):
        value, unit = parse_number(match.group("pct") or match.group("num3") or match.group("num4")), "%"
    else:
        value = parse_number(match.group("num") or match.group("num2"))
        unit_text = match.group("unit") or match.group("unit2") or ""
        unit = next((name for pattern, name in UNITS if unit_text and re.fullmatch(pattern, unit_text, re.I)), "")
    if value is None or not unit or (unit == "%" and value > 100):
        return None
    if match.group("bare") is not None or match.group("lead") is not None:
        comparator = None  # "85% of calls answered within 20 seconds": the kind's own direction
        after = ""
    elif match.group("cmp"):
        comparator = next(op for pattern, op in COMPARATORS if re.fullmatch(pattern, match.group("cmp"), re.I))
        if re.fullmatch(r"within", match.group("cmp"), re.I) and unit not in TIME_UNITS:
            return None
        after = ""
    else:
        comparator = _POSTFIX[match.group("post")]
        after = part[match.end() : match.end() + 12]
    metric_start, metric_end = 0, match.start() + (len(match.group("bare") or "") if match.group("bare") else 0)
    conditions = list(_CONDITION_WORD.finditer(part, 0, metric_end))
    if conditions:
        condition = conditions[-1]
        # A breach condition states the target the other way round: "若接通率低于90%" means ">= 90", while
        # "未达到95%" (fails to reach) keeps its direction.
        metric_start = condition.end()
        if comparator and not re.match(r"未|fails?", condition.group(), re.I):
            comparator = {"<": ">=", ">": "<=", "<=": ">", ">=": "<"}[comparator]
    metric_norm = part[metric_start:metric_end]
    if NOT_SLA.search(metric_norm):
        return None
    # What follows the number names the metric when nothing before it does: "不低于在岗人数15%的备用人员",
    # "at least 80% of calls shall be answered", "30分钟内响应".
    tail = part[match.end() :]
    tail_metric = re.match(r"\s*(?:的|of\s+)([^,;]{1,30})", tail)
    kind = sla_kind(metric_norm)
    named_after = None
    if kind == "other" and (after or tail_metric):
        kind = sla_kind(after or tail_metric.group(1))
        if kind != "other" and tail_metric and not after:
            named_after = (match.end() + tail_metric.start(1), match.end() + tail_metric.end(1))
    if kind == "other" and not in_sla_clause:
        return None
    if unit in TIME_UNITS and kind not in TIME_KINDS:
        kind = "asa" if re.search(r"电话|呼叫|来电|calls?\b", norm, re.I) and kind == "answer_rate" else "response_time"
    if comparator is None:
        comparator = DEFAULT_COMPARATOR.get(kind)
        if comparator is None:
            return None
    metric = _clean_metric(original[offset + metric_start : offset + metric_end])
    if named_after and not metric:
        metric = _clean_metric(original[offset + named_after[0] : offset + named_after[1]])
    if not metric and after:
        verb = re.match(
            r"\s*(?:完成|予以|作出|给予)?\s*([\u4e00-\u9fff]{2,4}|[A-Za-z]+)", original[offset + match.end() :]
        )
        metric = verb.group(1) if verb else ""
    if not metric:
        metric = _clean_metric(re.sub(r"^\s*of\s+", "", original[offset + match.end() : offset + len(part)]))
    if not metric:
        return None
    period = next((name for pattern, name in PERIODS if re.search(pattern, norm, re.I)), "")
    target = Target(metric, comparator, value, unit, kind, period)
    return Hit(f"sla:{kind}", target, offset + match.start(), offset + match.end())


def _clean_metric(text: str) -> str:
    text = re.sub(r"^\s*第\s*[一二三四五六七八九十百零〇两\d]+\s*[条條]\s*", "", text)
    text = re.sub(r"^\s*(?:\d+(?:\.\d+)*|[(（]\s*[\d一二三四五六七八九十]+\s*[)）])\s*[.、]?\s*", "", text)
    text = text.strip(" :：,，;；.()（）-")
    for _ in range(4):
        cleaned = MODAL.sub("", text).strip(" :：,，;；.()（）-")
        if cleaned == text:
            break
        text = cleaned
    return text
