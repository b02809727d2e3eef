"""The contract review: a deterministic check of a contract's terms against what a buyer of call-center software or
outsourced customer service must negotiate.

Each rule has a stable code name, a severity and the term (or clause category) it is about, and finds something
only from the contract's own values and the thresholds; the same facts always give the same findings in the same
order. A finding carries numbers and codes, not text: the Django layer writes the message in the reader's language.

An accepted finding stays accepted while the values it is about stay the same: `fingerprint(rule, facts)` condenses
those values, and a different fingerprint means the term changed and the finding is open again.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from functools import lru_cache
from types import MappingProxyType

from extraction.mentions import Mention, find_term_mentions

HIGH = "high"
MEDIUM = "medium"
LOW = "low"
SEVERITIES = (HIGH, MEDIUM, LOW)

CALL_CENTER_SOFTWARE = "call_center_software"
OUTSOURCING_CATEGORIES = frozenset({"cs_outsourcing", "chat_outsourcing"})

# Clause categories every contract should have a clause of, in the order a contract reads.
REQUIRED_CLAUSE_CATEGORIES = (
    "scope",
    "sla",
    "data_security",
    "fees",
    "price_adjustment",
    "term_renewal",
    "termination",
    "data_handover",
    "liability",
    "dispute",
)
# A rejected or waived clause is not part of the deal, so its category still counts as missing.
CLAUSE_STATUSES_NOT_IN_FORCE = frozenset({"rejected", "waived"})

STAFFING_KINDS = frozenset({"staff_turnover", "backup_pool"})


# What the review reads --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class TargetFacts:
    """One SLA target as the review sees it; `credit_pct` is None when missing it earns no credit."""

    kind: str
    comparator: str
    target: Decimal
    credit_pct: Decimal | None = None


@dataclass(frozen=True)
class CertificationFacts:
    """One of the vendor's certifications; `expires_on` None means it does not expire."""

    name: str
    number: str = ""
    expires_on: date | None = None


@dataclass(frozen=True)
class ClauseFacts:
    """One clause of the contract: its text is read for numbers that contradict the structured terms."""

    id: int
    title: str
    category: str
    status: str
    text: str


@dataclass(frozen=True)
class ContractFacts:
    """Everything the review reads about one contract, as of `today`.

    `clause_categories` are the categories of the clauses in force (see `clause_categories_in_force`);
    `current_term_end` is the last day of the term containing today (None: no end date).
    """

    category: str
    auto_renew: bool
    non_renewal_notice_days: int
    price_change_notice_days: int
    price_increase_cap_pct: Decimal | None
    data_handover_business_days: int
    data_storage_location: str
    confidentiality_years_after_end: int | None
    termination_notice_days: int
    trial_period_months: int
    sla_exit_consecutive_misses: int | None
    targets: tuple[TargetFacts, ...]
    fee_item_count: int
    clause_categories: frozenset[str]
    certifications: tuple[CertificationFacts, ...]
    current_term_end: date | None
    today: date
    clauses: tuple[ClauseFacts, ...] = ()


def clause_categories_in_force(clauses: Iterable[tuple[str, str]]) -> frozenset[str]:
    """The categories of a contract's clauses, given as (category, status), leaving out rejected and waived ones."""
    return frozenset(category for category, status in clauses if status not in CLAUSE_STATUSES_NOT_IN_FORCE)


# What the review finds --------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Finding:
    """One thing the contract lacks.

    `params` are the numbers a message needs, JSON-ready: `value` (what the contract says) and `threshold` (what the
    rule asks for) where the rule compares a number, decimals and dates as text. `field` is the term or clause
    category it is about; `suggested_template` the code of a clause-library template that fixes it, if one does.
    """

    rule: str
    severity: str
    field: str
    params: Mapping[str, object]
    suggested_template: str | None


# Thresholds -------------------------------------------------------------------------------------------------------


class InvalidThresholds(ValueError):
    """Thresholds a manager cannot set; `problems` maps each bad field (or `severities.<rule>`) to a reason code."""

    OUT_OF_RANGE = "out_of_range"
    UNKNOWN_RULE = "unknown_rule"
    UNKNOWN_SEVERITY = "unknown_severity"

    def __init__(self, problems: dict[str, str]):
        super().__init__(problems)
        self.problems = problems


def _is_count(value: object, high: int | None = None) -> bool:
    return isinstance(value, int) and not isinstance(value, bool) and value >= 0 and (high is None or value <= high)


@dataclass(frozen=True)
class Thresholds:
    """What the rules ask for; the defaults are the checklist's. A manager may set other values and severities per
    contract category.

    A finding is made below a `min_` value or above a `max_` value: notice of a price change shorter than
    `min_price_change_notice_days`, a data handover slower than `max_data_handover_business_days`, and so on. "No
    confidentiality after the end" and "no trial" are below minimums of 1 year and 1 month. `severities` needs only
    the rules whose severity differs from the default; after construction it holds every rule's severity.
    """

    min_price_change_notice_days: int = 90
    min_non_renewal_notice_days: int = 30
    min_availability_pct: Decimal = Decimal("99.9")
    max_data_handover_business_days: int = 7
    min_confidentiality_years: int = 1
    max_termination_notice_days: int = 30
    min_trial_period_months: int = 1
    severities: Mapping[str, str] = field(default_factory=dict)

    def __post_init__(self) -> None:
        problems = {}
        for name in (
            "min_price_change_notice_days",
            "min_non_renewal_notice_days",
            "max_data_handover_business_days",
            "min_confidentiality_years",
            "max_termination_notice_days",
        ):
            if not _is_count(getattr(self, name)):
                problems[name] = InvalidThresholds.OUT_OF_RANGE
        if not _is_count(self.min_trial_period_months, high=3):
            problems["min_trial_period_months"] = InvalidThresholds.OUT_OF_RANGE
        pct = self.min_availability_pct
        if not isinstance(pct, Decimal) or not pct.is_finite() or not 0 <= pct <= 100:
            problems["min_availability_pct"] = InvalidThresholds.OUT_OF_RANGE
        for rule, severity in self.severities.items():
            if rule not in DEFAULT_SEVERITIES:
                problems[f"severities.{rule}"] = InvalidThresholds.UNKNOWN_RULE
            elif severity not in SEVERITIES:
                problems[f"severities.{rule}"] = InvalidThresholds.UNKNOWN_SEVERITY
        if problems:
            raise InvalidThresholds(problems)
        object.__setattr__(self, "severities", MappingProxyType({**DEFAULT_SEVERITIES, **self.severities}))


# The rules --------------------------------------------------------------------------------------------------------


def _text(value: Decimal | date | None) -> str | None:
    """Decimals without trailing zeros (99.900 and 99.9 are the same target), dates in ISO form."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value.isoformat()


def _below(value: int | None, minimum: int) -> dict | None:
    return {"value": value, "threshold": minimum} if value is None or value < minimum else None


def _above(value: int, maximum: int) -> dict | None:
    return {"value": value, "threshold": maximum} if value > maximum else None


def _targets_of(facts: ContractFacts, kinds: Iterable[str]) -> list[list]:
    """The targets of these kinds as sorted JSON-ready rows: what a finding about them is about."""
    return sorted(
        [t.kind, t.comparator, _text(t.target), _text(t.credit_pct)] for t in facts.targets if t.kind in kinds
    )


def _availability_missing(f: ContractFacts, t: Thresholds) -> dict | None:
    if f.category != CALL_CENTER_SOFTWARE or any(x.kind == "availability" for x in f.targets):
        return None
    return {"threshold": _text(t.min_availability_pct)}


def _availability_low(f: ContractFacts, t: Thresholds) -> dict | None:
    """The lowest availability floor under the threshold; a ceiling on availability is not a promise to compare."""
    floors = [x for x in f.targets if x.kind == "availability" and x.comparator in (">=", ">")]
    low = [x for x in floors if x.target < t.min_availability_pct]
    if not low:
        return None
    worst = min(low, key=lambda x: x.target)
    return {"value": _text(worst.target), "comparator": worst.comparator, "threshold": _text(t.min_availability_pct)}


def _credit_missing(f: ContractFacts, t: Thresholds) -> dict | None:
    """A credit of 0% earns nothing, so it counts as no credit."""
    if not f.targets or any(x.credit_pct is not None and x.credit_pct > 0 for x in f.targets):
        return None
    return {"targets": len(f.targets)}


def _staffing_missing(f: ContractFacts, t: Thresholds) -> dict | None:
    if f.category not in OUTSOURCING_CATEGORIES or any(x.kind in STAFFING_KINDS for x in f.targets):
        return None
    return {}


def _trial_missing(f: ContractFacts, t: Thresholds) -> dict | None:
    if f.category not in OUTSOURCING_CATEGORIES:
        return None
    return _below(f.trial_period_months, t.min_trial_period_months)


def _certificates_lapsing(f: ContractFacts) -> dict | None:
    """The certificates that have expired, or will expire before the current term ends.

    A certificate is valid through its expiry date: one expiring on the term's last day covers the term, one
    expiring today has not expired yet.
    """
    lapsing = []
    for cert in f.certifications:
        if cert.expires_on is None:
            continue
        expired = cert.expires_on < f.today
        if expired or (f.current_term_end is not None and cert.expires_on < f.current_term_end):
            lapsing.append(
                {"name": cert.name, "number": cert.number, "expires_on": _text(cert.expires_on), "expired": expired}
            )
    if not lapsing:
        return None
    return {"certificates": lapsing, "term_end": _text(f.current_term_end)}


@lru_cache(maxsize=8192)
def _mentions(text: str) -> tuple[Mention, ...]:
    """The term values a clause text states (extraction.mentions); cached, as the same library wording recurs."""
    return tuple(find_term_mentions(text))


_NOTICE_TERMS = ("price_change_notice_days", "non_renewal_notice_days", "termination_notice_days")


def _calendar_days_cover(stated: Decimal, working_days: int) -> bool:
    """Whether a handover promised in calendar days can be the same promise as `working_days` working days: at least
    as many days, and at most the weekends and a week of public holidays more."""
    return working_days <= stated <= working_days + 2 * (working_days // 5 + 1) + 7


def _contradiction(f: ContractFacts, mention: Mention) -> str | None:
    """The structured value `mention` contradicts, as text, or None when it agrees (or there is none to compare)."""
    stated = Decimal(str(mention.value))
    if mention.field in _NOTICE_TERMS:
        term = getattr(f, mention.field)
        return None if stated == term else str(term)
    if mention.field == "price_increase_cap_pct":
        cap = f.price_increase_cap_pct
        return None if cap is None or stated == cap else _text(cap)
    if mention.field == "data_handover_business_days":
        days = f.data_handover_business_days
        if mention.note == "calendar_days":
            return None if _calendar_days_cover(stated, days) else str(days)
        return None if stated == days else str(days)
    if mention.field.startswith("sla:"):
        kind = mention.field.removeprefix("sla:")
        values = sorted({x.target for x in f.targets if x.kind == kind})
        if not values or stated in values:
            return None
        return "/".join(_text(v) or "" for v in values)
    return None


def _clause_contradictions(f: ContractFacts) -> list[dict]:
    found = []
    for clause in f.clauses:
        if clause.status in CLAUSE_STATUSES_NOT_IN_FORCE:
            continue
        for mention in _mentions(clause.text):
            term = _contradiction(f, mention)
            if term is None:
                continue
            found.append(
                {
                    "clause_id": clause.id,
                    "clause": clause.title,
                    "sentence": mention.sentence,
                    "field": mention.field,
                    "stated": _text(Decimal(str(mention.value))),
                    "term": term,
                }
            )
    return found


def _contradicts_terms(f: ContractFacts, t: Thresholds) -> dict | None:
    """A clause in force that states a number for a term other than the structured one: the contract says two
    things, and the vendor will hold us to the one that suits them."""
    found = _clause_contradictions(f)
    return {"contradictions": found} if found else None


def _sla_template(f: ContractFacts) -> str:
    return "sla-availability-software" if f.category == CALL_CENTER_SOFTWARE else "sla-contact-center-kpis"


def _term_renewal_template(f: ContractFacts) -> str:
    return "term-auto-renewal-with-opt-out" if f.auto_renew else "term-fixed-term-written-renewal"


@dataclass(frozen=True)
class _Rule:
    code: str
    severity: str  # the default
    field: str
    check: Callable[[ContractFacts, Thresholds], dict | None]  # the finding's params, None when the contract passes
    about: Callable[[ContractFacts], object]  # the JSON-ready values a finding is about
    template: str | Callable[[ContractFacts], str] | None


def _clause_rule(category: str, template: str | Callable[[ContractFacts], str]) -> _Rule:
    return _Rule(
        f"clause_missing:{category}",
        MEDIUM,
        category,
        lambda f, t: None if category in f.clause_categories else {"category": category},
        lambda f: category in f.clause_categories,
        template,
    )


_RULES = (
    _Rule(
        "price_notice_short",
        HIGH,
        "price_change_notice_days",
        lambda f, t: _below(f.price_change_notice_days, t.min_price_change_notice_days),
        lambda f: f.price_change_notice_days,
        "price-adjustment-notice-cap-exit",
    ),
    _Rule(
        "price_cap_missing",
        HIGH,
        "price_increase_cap_pct",
        lambda f, t: {} if f.price_increase_cap_pct is None else None,
        lambda f: _text(f.price_increase_cap_pct),
        "price-adjustment-notice-cap-exit",
    ),
    _Rule(
        "auto_renew_notice_short",
        HIGH,
        "non_renewal_notice_days",
        lambda f, t: _below(f.non_renewal_notice_days, t.min_non_renewal_notice_days) if f.auto_renew else None,
        lambda f: [f.auto_renew, f.non_renewal_notice_days],
        "term-auto-renewal-with-opt-out",
    ),
    _Rule(
        "availability_sla_missing",
        HIGH,
        "sla_targets",
        _availability_missing,
        lambda f: [f.category, _targets_of(f, {"availability"})],
        "sla-availability-software",
    ),
    _Rule(
        "availability_sla_low",
        MEDIUM,
        "sla_targets",
        _availability_low,
        lambda f: _targets_of(f, {"availability"}),
        "sla-availability-software",
    ),
    _Rule(
        "sla_missing",
        HIGH,
        "sla_targets",
        lambda f, t: None if f.targets else {},
        lambda f: len(f.targets),
        _sla_template,
    ),
    _Rule(
        "sla_credit_missing",
        MEDIUM,
        "sla_targets",
        _credit_missing,
        lambda f: sorted([x.kind, _text(x.credit_pct)] for x in f.targets),
        "liability-service-credits-and-damages",
    ),
    _Rule(
        "sla_exit_missing",
        MEDIUM,
        "sla_exit_consecutive_misses",
        lambda f, t: {} if f.sla_exit_consecutive_misses is None else None,
        lambda f: f.sla_exit_consecutive_misses,
        "termination-for-cause-without-liability",
    ),
    _Rule(
        "handover_slow",
        MEDIUM,
        "data_handover_business_days",
        lambda f, t: _above(f.data_handover_business_days, t.max_data_handover_business_days),
        lambda f: f.data_handover_business_days,
        "data-handover-seven-working-days",
    ),
    _Rule(
        "storage_location_missing",
        MEDIUM,
        "data_storage_location",
        lambda f, t: None if f.data_storage_location.strip() else {},
        lambda f: f.data_storage_location.strip(),
        "data-security-ownership-location",
    ),
    _Rule(
        "confidentiality_missing",
        MEDIUM,
        "confidentiality_years_after_end",
        lambda f, t: _below(f.confidentiality_years_after_end, t.min_confidentiality_years),
        lambda f: f.confidentiality_years_after_end,
        "data-security-confidentiality-breach",
    ),
    _Rule(
        "fees_missing",
        MEDIUM,
        "fee_items",
        lambda f, t: None if f.fee_item_count else {},
        lambda f: f.fee_item_count,
        "fees-complete-price-list",
    ),
    _Rule(
        "staffing_missing",
        MEDIUM,
        "sla_targets",
        _staffing_missing,
        lambda f: [f.category, _targets_of(f, STAFFING_KINDS)],
        "staffing-stability-backup",
    ),
    _Rule(
        "termination_notice_long",
        LOW,
        "termination_notice_days",
        lambda f, t: _above(f.termination_notice_days, t.max_termination_notice_days),
        lambda f: f.termination_notice_days,
        "termination-for-convenience-notice",
    ),
    _Rule(
        "trial_missing",
        LOW,
        "trial_period_months",
        _trial_missing,
        lambda f: [f.category, f.trial_period_months],
        None,
    ),
    _clause_rule("scope", "scope-services-channels-hours"),
    _clause_rule("sla", _sla_template),
    _clause_rule("data_security", "data-security-ownership-location"),
    _clause_rule("fees", "fees-complete-price-list"),
    _clause_rule("price_adjustment", "price-adjustment-notice-cap-exit"),
    _clause_rule("term_renewal", _term_renewal_template),
    _clause_rule("termination", "termination-for-cause-without-liability"),
    _clause_rule("data_handover", "data-handover-seven-working-days"),
    _clause_rule("liability", "liability-service-credits-and-damages"),
    _clause_rule("dispute", "dispute-negotiation-then-court"),
    _Rule(
        "certificate_expired",
        MEDIUM,
        "certifications",
        lambda f, t: _certificates_lapsing(f),
        _certificates_lapsing,
        "compliance-licences-and-law",
    ),
    _Rule(
        "clause_contradicts_terms",
        HIGH,
        "clauses",
        _contradicts_terms,
        _clause_contradictions,
        None,
    ),
)
_BY_CODE = {rule.code: rule for rule in _RULES}

# Every rule's code name, in the order the review reports its findings.
RULES = tuple(_BY_CODE)
DEFAULT_SEVERITIES: Mapping[str, str] = MappingProxyType({rule.code: rule.severity for rule in _RULES})


def review(facts: ContractFacts, thresholds: Thresholds | None = None) -> list[Finding]:
    """Every finding of the checklist for one contract, in the order of `RULES` (default thresholds when None)."""
    thresholds = thresholds or Thresholds()
    findings = []
    for rule in _RULES:
        params = rule.check(facts, thresholds)
        if params is None:
            continue
        template = rule.template(facts) if callable(rule.template) else rule.template
        findings.append(Finding(rule.code, thresholds.severities[rule.code], rule.field, params, template))
    return findings


def fingerprint(rule: str, facts: ContractFacts) -> str:
    """A digest of the values a rule's finding is about, not of the thresholds: it stays the same while they do and
    changes with the term, which is when an accepted finding is open again."""
    if rule not in _BY_CODE:
        raise ValueError(f"unknown review rule {rule!r}")
    about = _ENCODER.encode([rule, _BY_CODE[rule].about(facts)])
    return hashlib.sha256(about.encode()).hexdigest()


# One encoder for every fingerprint: json.dumps with options builds a new one per call.
_ENCODER = json.JSONEncoder(separators=(",", ":"), ensure_ascii=False)
