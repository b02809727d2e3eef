"""The contract review: each checklist rule at and just past its threshold, thresholds a manager changed, the
categories, certificates against the current term, and the fingerprint that reopens an accepted finding."""

import subprocess
import sys
from dataclasses import replace
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules import review
from rules.review import CertificationFacts, ClauseFacts, ContractFacts, Finding, TargetFacts, Thresholds

D = Decimal

ALL_CLAUSES = frozenset(review.REQUIRED_CLAUSE_CATEGORIES)
AVAILABILITY = TargetFacts("availability", ">=", D("99.9"), D("5"))
TURNOVER = TargetFacts("staff_turnover", "<=", D("15"), D("2"))
BACKUP_POOL = TargetFacts("backup_pool", ">=", D("20"), D("1"))
ISO27001 = CertificationFacts("ISO/IEC 27001", "0123-ISMS", date(2027, 6, 30))

# A call-center software contract that passes every rule: the checklist's values exactly at each threshold.
SOFTWARE = ContractFacts(
    category="call_center_software",
    auto_renew=True,
    non_renewal_notice_days=30,
    price_change_notice_days=90,
    price_increase_cap_pct=D("5"),
    data_handover_business_days=7,
    data_storage_location="中国境内（上海）",
    confidentiality_years_after_end=3,
    termination_notice_days=30,
    trial_period_months=0,
    sla_exit_consecutive_misses=3,
    targets=(AVAILABILITY,),
    fee_item_count=2,
    clause_categories=ALL_CLAUSES,
    certifications=(ISO27001,),
    current_term_end=date(2026, 12, 31),
    today=date(2026, 6, 15),
)
# A customer-service outsourcing contract that passes every rule.
OUTSOURCING = replace(
    SOFTWARE,
    category="cs_outsourcing",
    trial_period_months=1,
    targets=(TargetFacts("answer_rate", ">=", D("95"), D("3")), TURNOVER),
)


def rules_of(facts, thresholds=None):
    return [finding.rule for finding in review.review(facts, thresholds)]


def finding_of(facts, rule, thresholds=None):
    [finding] = [f for f in review.review(facts, thresholds) if f.rule == rule]
    return finding


def test_a_contract_with_every_value_at_its_threshold_has_no_finding():
    assert review.review(SOFTWARE) == []
    assert review.review(OUTSOURCING) == []
    assert review.review(replace(OUTSOURCING, category="chat_outsourcing")) == []


# Each rule at and just past its threshold --------------------------------------------------------------------------

# rule, the contract at the threshold (no finding), just past it (a finding), the finding's field, params, template
CASES = [
    (
        "price_notice_short",
        {"price_change_notice_days": 90},
        {"price_change_notice_days": 89},
        "price_change_notice_days",
        {"value": 89, "threshold": 90},
        "price-adjustment-notice-cap-exit",
    ),
    (
        "price_cap_missing",
        {"price_increase_cap_pct": D("0")},
        {"price_increase_cap_pct": None},
        "price_increase_cap_pct",
        {},
        "price-adjustment-notice-cap-exit",
    ),
    (
        "auto_renew_notice_short",
        {"non_renewal_notice_days": 30},
        {"non_renewal_notice_days": 29},
        "non_renewal_notice_days",
        {"value": 29, "threshold": 30},
        "term-auto-renewal-with-opt-out",
    ),
    (
        "availability_sla_missing",
        {"targets": (TargetFacts("availability", ">", D("99.9"), D("1")),)},
        {"targets": (TargetFacts("answer_rate", ">=", D("95"), D("1")),)},
        "sla_targets",
        {"threshold": "99.9"},
        "sla-availability-software",
    ),
    (
        "availability_sla_low",
        {"targets": (TargetFacts("availability", ">=", D("99.900"), D("5")),)},
        {"targets": (TargetFacts("availability", ">=", D("99.899"), D("5")),)},
        "sla_targets",
        {"value": "99.899", "comparator": ">=", "threshold": "99.9"},
        "sla-availability-software",
    ),
    (
        "sla_missing",
        {"targets": (TargetFacts("other", "=", D("1"), D("1")),), "category": "other"},
        {"targets": (), "category": "other"},
        "sla_targets",
        {},
        "sla-contact-center-kpis",
    ),
    (
        "sla_credit_missing",
        {"targets": (AVAILABILITY, replace(AVAILABILITY, credit_pct=None))},
        {"targets": (replace(AVAILABILITY, credit_pct=D("0")), replace(AVAILABILITY, credit_pct=None))},
        "sla_targets",
        {"targets": 2},
        "liability-service-credits-and-damages",
    ),
    (
        "sla_exit_missing",
        {"sla_exit_consecutive_misses": 1},
        {"sla_exit_consecutive_misses": None},
        "sla_exit_consecutive_misses",
        {},
        "termination-for-cause-without-liability",
    ),
    (
        "handover_slow",
        {"data_handover_business_days": 7},
        {"data_handover_business_days": 8},
        "data_handover_business_days",
        {"value": 8, "threshold": 7},
        "data-handover-seven-working-days",
    ),
    (
        "storage_location_missing",
        {"data_storage_location": "境内"},
        {"data_storage_location": " \t"},
        "data_storage_location",
        {},
        "data-security-ownership-location",
    ),
    (
        "confidentiality_missing",
        {"confidentiality_years_after_end": 1},
        {"confidentiality_years_after_end": 0},
        "confidentiality_years_after_end",
        {"value": 0, "threshold": 1},
        "data-security-confidentiality-breach",
    ),
    (
        "fees_missing",
        {"fee_item_count": 1},
        {"fee_item_count": 0},
        "fee_items",
        {},
        "fees-complete-price-list",
    ),
    (
        "staffing_missing",
        {"category": "cs_outsourcing", "trial_period_months": 1, "targets": (AVAILABILITY, BACKUP_POOL)},
        {"category": "cs_outsourcing", "trial_period_months": 1, "targets": (AVAILABILITY,)},
        "sla_targets",
        {},
        "staffing-stability-backup",
    ),
    (
        "termination_notice_long",
        {"termination_notice_days": 30},
        {"termination_notice_days": 31},
        "termination_notice_days",
        {"value": 31, "threshold": 30},
        "termination-for-convenience-notice",
    ),
    (
        "trial_missing",
        {"category": "chat_outsourcing", "targets": (TURNOVER,), "trial_period_months": 1},
        {"category": "chat_outsourcing", "targets": (TURNOVER,), "trial_period_months": 0},
        "trial_period_months",
        {"value": 0, "threshold": 1},
        None,
    ),
    (
        "certificate_expired",
        {"certifications": (replace(ISO27001, expires_on=date(2026, 12, 31)),)},
        {"certifications": (replace(ISO27001, expires_on=date(2026, 12, 30)),)},
        "certifications",
        {
            "certificates": [
                {"name": "ISO/IEC 27001", "number": "0123-ISMS", "expires_on": "2026-12-30", "expired": False}
            ],
            "term_end": "2026-12-31",
        },
        "compliance-licences-and-law",
    ),
    (
        "clause_contradicts_terms",
        {"clauses": (ClauseFacts(7, "价格调整", "price_adjustment", "agreed", "乙方调价应提前90日书面通知甲方。"),)},
        {"clauses": (ClauseFacts(7, "价格调整", "price_adjustment", "agreed", "乙方调价应提前89日书面通知甲方。"),)},
        "clauses",
        {
            "contradictions": [
                {
                    "clause_id": 7,
                    "clause": "价格调整",
                    "sentence": "乙方调价应提前89日书面通知甲方。",
                    "field": "price_change_notice_days",
                    "stated": "89",
                    "term": "90",
                }
            ]
        },
        None,
    ),
]


@pytest.mark.parametrize(("rule", "at", "past", "field", "params", "template"), CASES, ids=[c[0] for c in CASES])
def test_no_finding_at_the_threshold(rule, at, past, field, params, template):
    assert rules_of(replace(SOFTWARE, **at)) == []


@pytest.mark.parametrize(("rule", "at", "past", "field", "params", "template"), CASES, ids=[c[0] for c in CASES])
def test_a_finding_just_past_the_threshold(rule, at, past, field, params, template):
    finding = finding_of(replace(SOFTWARE, **past), rule)

    assert finding == Finding(rule, review.DEFAULT_SEVERITIES[rule], field, params, template)


def test_the_cases_cover_every_rule_but_the_missing_clauses():
    assert {c[0] for c in CASES} == {r for r in review.RULES if not r.startswith("clause_missing:")}


@pytest.mark.parametrize("category", sorted(ALL_CLAUSES))
def test_a_missing_clause_category_is_a_finding_of_its_own(category):
    facts = replace(SOFTWARE, clause_categories=ALL_CLAUSES - {category})

    finding = finding_of(facts, f"clause_missing:{category}")

    assert rules_of(facts) == [f"clause_missing:{category}"]
    assert (finding.severity, finding.field, finding.params) == ("medium", category, {"category": category})


def test_exactly_the_ten_listed_categories_are_required():
    listed = "scope sla data_security fees price_adjustment term_renewal termination data_handover liability dispute"
    assert tuple(listed.split()) == review.REQUIRED_CLAUSE_CATEGORIES
    assert [r for r in review.RULES if r.startswith("clause_missing:")] == [
        f"clause_missing:{c}" for c in review.REQUIRED_CLAUSE_CATEGORIES
    ]


def test_each_missing_clause_suggests_a_library_template_of_its_category():
    facts = replace(SOFTWARE, clause_categories=frozenset())

    assert {f.field: f.suggested_template for f in review.review(facts)} == {
        "scope": "scope-services-channels-hours",
        "sla": "sla-availability-software",
        "data_security": "data-security-ownership-location",
        "fees": "fees-complete-price-list",
        "price_adjustment": "price-adjustment-notice-cap-exit",
        "term_renewal": "term-auto-renewal-with-opt-out",
        "termination": "termination-for-cause-without-liability",
        "data_handover": "data-handover-seven-working-days",
        "liability": "liability-service-credits-and-damages",
        "dispute": "dispute-negotiation-then-court",
    }


def test_a_fixed_term_contract_is_offered_the_written_renewal_clause():
    facts = replace(SOFTWARE, auto_renew=False, clause_categories=ALL_CLAUSES - {"term_renewal"})

    assert finding_of(facts, "clause_missing:term_renewal").suggested_template == "term-fixed-term-written-renewal"


def test_clauses_rejected_or_waived_are_not_in_force():
    clauses = [("scope", "agreed"), ("sla", "draft"), ("fees", "rejected"), ("dispute", "waived"), ("sla", "waived")]

    assert review.clause_categories_in_force(clauses) == {"scope", "sla"}


# Rules with more than one way to pass or fail -----------------------------------------------------------------------


def test_a_short_non_renewal_notice_matters_only_for_an_auto_renewing_contract():
    assert rules_of(replace(SOFTWARE, auto_renew=False, non_renewal_notice_days=0)) == []


def test_availability_with_a_strict_comparator_is_compared_by_its_number():
    assert rules_of(replace(SOFTWARE, targets=(TargetFacts("availability", ">", D("99.9"), D("5")),))) == []
    low = replace(SOFTWARE, targets=(TargetFacts("availability", ">", D("99.8"), D("5")),))

    assert finding_of(low, "availability_sla_low").params == {"value": "99.8", "comparator": ">", "threshold": "99.9"}


def test_availability_low_names_the_weakest_of_several_floors_and_ignores_a_ceiling():
    targets = (
        TargetFacts("availability", ">=", D("99.5"), D("5")),
        TargetFacts("availability", ">=", D("99.0"), D("5")),
        TargetFacts("availability", "<=", D("10"), D("5")),
    )

    assert finding_of(replace(SOFTWARE, targets=targets), "availability_sla_low").params["value"] == "99"
    assert rules_of(replace(SOFTWARE, targets=targets[2:])) == []


def test_no_target_at_all_is_one_high_finding_and_no_credit_finding():
    facts = replace(SOFTWARE, targets=())

    assert rules_of(facts) == ["availability_sla_missing", "sla_missing"]
    assert finding_of(facts, "sla_missing").severity == "high"


def test_a_target_with_a_credit_is_enough():
    targets = (replace(AVAILABILITY, credit_pct=None), TargetFacts("answer_rate", ">=", D("95"), D("0.01")))

    assert rules_of(replace(SOFTWARE, targets=targets)) == []


def test_staff_turnover_or_a_backup_pool_is_enough_for_outsourcing():
    assert rules_of(replace(OUTSOURCING, targets=(TURNOVER,))) == []
    assert rules_of(replace(OUTSOURCING, targets=(BACKUP_POOL,))) == []


def test_no_confidentiality_period_at_all_is_a_finding():
    finding = finding_of(replace(SOFTWARE, confidentiality_years_after_end=None), "confidentiality_missing")

    assert finding.params == {"value": None, "threshold": 1}


# Outsourcing against call-center software ---------------------------------------------------------------------------


@pytest.mark.parametrize("category", ["cs_outsourcing", "chat_outsourcing"])
def test_outsourcing_needs_staffing_and_a_trial_but_not_availability(category):
    facts = replace(SOFTWARE, category=category, targets=(TargetFacts("answer_rate", ">=", D("95"), D("3")),))

    assert rules_of(facts) == ["staffing_missing", "trial_missing"]
    assert finding_of(facts, "staffing_missing").severity == "medium"
    assert finding_of(facts, "trial_missing").severity == "low"


def test_call_center_software_needs_availability_but_not_staffing_or_a_trial():
    facts = replace(SOFTWARE, targets=(TargetFacts("answer_rate", ">=", D("95"), D("3")),), trial_period_months=0)

    assert rules_of(facts) == ["availability_sla_missing"]


def test_another_category_needs_none_of_the_three():
    assert rules_of(replace(SOFTWARE, category="other", targets=(TURNOVER,), trial_period_months=0)) == []
    assert rules_of(replace(SOFTWARE, category="other", targets=(AVAILABILITY,), trial_period_months=0)) == []


@pytest.mark.parametrize(
    ("category", "template"),
    [
        ("call_center_software", "sla-availability-software"),
        ("cs_outsourcing", "sla-contact-center-kpis"),
        ("chat_outsourcing", "sla-contact-center-kpis"),
    ],
)
def test_the_sla_template_suggested_follows_the_category(category, template):
    facts = replace(SOFTWARE, category=category, targets=(), clause_categories=ALL_CLAUSES - {"sla"})

    assert finding_of(facts, "sla_missing").suggested_template == template
    assert finding_of(facts, "clause_missing:sla").suggested_template == template


# Certificates against the current term ------------------------------------------------------------------------------


def certificates(*expiries, term_end=date(2026, 12, 31), today=date(2026, 6, 15)):
    certs = tuple(CertificationFacts(f"cert {i}", f"No.{i}", expires) for i, expires in enumerate(expiries))
    return replace(SOFTWARE, certifications=certs, current_term_end=term_end, today=today)


def test_a_certificate_expiring_after_the_current_term_ends_is_fine():
    assert rules_of(certificates(date(2027, 1, 1))) == []


def test_a_certificate_expiring_on_the_terms_last_day_covers_the_term():
    assert rules_of(certificates(date(2026, 12, 31))) == []


def test_a_certificate_expiring_before_the_current_term_ends_is_a_finding_not_yet_expired():
    finding = finding_of(certificates(date(2026, 12, 30)), "certificate_expired")

    assert finding.params["certificates"] == [
        {"name": "cert 0", "number": "No.0", "expires_on": "2026-12-30", "expired": False}
    ]


def test_a_certificate_past_its_expiry_date_has_expired():
    [cert] = finding_of(certificates(date(2026, 6, 14)), "certificate_expired").params["certificates"]

    assert cert["expired"] is True


def test_a_certificate_expiring_today_is_still_valid_today():
    [cert] = finding_of(certificates(date(2026, 6, 15)), "certificate_expired").params["certificates"]
    assert cert["expired"] is False

    assert rules_of(certificates(date(2026, 6, 15), term_end=None)) == []


def test_without_a_term_end_only_an_expired_certificate_is_a_finding():
    assert rules_of(certificates(date(2030, 1, 1), term_end=None)) == []
    facts = certificates(date(2026, 6, 14), term_end=None)

    assert finding_of(facts, "certificate_expired").params["term_end"] is None


def test_a_certificate_without_an_expiry_date_never_lapses():
    assert rules_of(certificates(None)) == []


def test_one_finding_lists_every_lapsing_certificate_in_order():
    facts = certificates(date(2026, 1, 1), date(2028, 1, 1), None, date(2026, 9, 1))

    listed = finding_of(facts, "certificate_expired").params["certificates"]

    assert [(c["name"], c["expired"]) for c in listed] == [("cert 0", True), ("cert 3", False)]


def test_after_a_renewal_the_certificate_is_checked_against_the_new_term():
    assert rules_of(certificates(date(2027, 6, 30), term_end=date(2026, 12, 31))) == []
    assert rules_of(certificates(date(2027, 6, 30), term_end=date(2027, 12, 31))) == ["certificate_expired"]


# Thresholds ---------------------------------------------------------------------------------------------------------


def test_the_default_thresholds_are_the_checklists():
    t = Thresholds()

    assert (
        t.min_price_change_notice_days,
        t.min_non_renewal_notice_days,
        t.min_availability_pct,
        t.max_data_handover_business_days,
        t.min_confidentiality_years,
        t.max_termination_notice_days,
        t.min_trial_period_months,
    ) == (90, 30, D("99.9"), 7, 1, 30, 1)
    assert dict(t.severities) == dict(review.DEFAULT_SEVERITIES)
    high = {
        "price_notice_short",
        "price_cap_missing",
        "auto_renew_notice_short",
        "availability_sla_missing",
        "sla_missing",
        "clause_contradicts_terms",
    }
    low = {"termination_notice_long", "trial_missing"}
    assert {r for r, s in t.severities.items() if s == "high"} == high
    assert {r for r, s in t.severities.items() if s == "low"} == low
    assert set(t.severities.values()) == {"high", "medium", "low"}


@pytest.mark.parametrize(
    ("thresholds", "at", "past", "rule", "params"),
    [
        (
            Thresholds(min_price_change_notice_days=60),
            {"price_change_notice_days": 60},
            {"price_change_notice_days": 59},
            "price_notice_short",
            {"value": 59, "threshold": 60},
        ),
        (
            Thresholds(min_non_renewal_notice_days=60),
            {"non_renewal_notice_days": 60},
            {"non_renewal_notice_days": 59},
            "auto_renew_notice_short",
            {"value": 59, "threshold": 60},
        ),
        (
            Thresholds(min_availability_pct=D("99.5")),
            {"targets": (TargetFacts("availability", ">=", D("99.5"), D("5")),)},
            {"targets": (TargetFacts("availability", ">=", D("99.49"), D("5")),)},
            "availability_sla_low",
            {"value": "99.49", "comparator": ">=", "threshold": "99.5"},
        ),
        (
            Thresholds(max_data_handover_business_days=10),
            {"data_handover_business_days": 10},
            {"data_handover_business_days": 11},
            "handover_slow",
            {"value": 11, "threshold": 10},
        ),
        (
            Thresholds(min_confidentiality_years=5),
            {"confidentiality_years_after_end": 5},
            {"confidentiality_years_after_end": 4},
            "confidentiality_missing",
            {"value": 4, "threshold": 5},
        ),
        (
            Thresholds(max_termination_notice_days=60),
            {"termination_notice_days": 60},
            {"termination_notice_days": 61},
            "termination_notice_long",
            {"value": 61, "threshold": 60},
        ),
        (
            Thresholds(min_trial_period_months=2),
            {"category": "cs_outsourcing", "targets": (TURNOVER,), "trial_period_months": 2},
            {"category": "cs_outsourcing", "targets": (TURNOVER,), "trial_period_months": 1},
            "trial_missing",
            {"value": 1, "threshold": 2},
        ),
    ],
    ids=lambda v: v if isinstance(v, str) else None,
)
def test_a_manager_can_move_a_threshold(thresholds, at, past, rule, params):
    assert rules_of(replace(SOFTWARE, **at), thresholds) == []
    assert finding_of(replace(SOFTWARE, **past), rule, thresholds).params == params


def test_a_trial_minimum_of_zero_turns_the_trial_rule_off():
    facts = replace(OUTSOURCING, trial_period_months=0)

    assert rules_of(facts, Thresholds(min_trial_period_months=0)) == []


def test_a_manager_can_change_a_severity_and_the_others_keep_theirs():
    thresholds = Thresholds(severities={"price_cap_missing": "medium", "clause_missing:dispute": "low"})
    facts = replace(
        SOFTWARE, price_increase_cap_pct=None, price_change_notice_days=30, clause_categories=ALL_CLAUSES - {"dispute"}
    )

    severities = {f.rule: f.severity for f in review.review(facts, thresholds)}

    assert severities == {"price_notice_short": "high", "price_cap_missing": "medium", "clause_missing:dispute": "low"}
    assert thresholds.severities["trial_missing"] == "low"


@pytest.mark.parametrize(
    ("kwargs", "problems"),
    [
        ({"min_price_change_notice_days": -1}, {"min_price_change_notice_days": "out_of_range"}),
        ({"max_data_handover_business_days": 1.5}, {"max_data_handover_business_days": "out_of_range"}),
        ({"max_termination_notice_days": True}, {"max_termination_notice_days": "out_of_range"}),
        ({"min_trial_period_months": 4}, {"min_trial_period_months": "out_of_range"}),
        ({"min_availability_pct": D("100.1")}, {"min_availability_pct": "out_of_range"}),
        ({"min_availability_pct": 99.9}, {"min_availability_pct": "out_of_range"}),
        ({"severities": {"price_gouging": "high"}}, {"severities.price_gouging": "unknown_rule"}),
        ({"severities": {"fees_missing": "urgent"}}, {"severities.fees_missing": "unknown_severity"}),
        (
            {"min_non_renewal_notice_days": -5, "min_confidentiality_years": -1},
            {"min_non_renewal_notice_days": "out_of_range", "min_confidentiality_years": "out_of_range"},
        ),
    ],
)
def test_thresholds_a_manager_cannot_set_are_refused_field_by_field(kwargs, problems):
    with pytest.raises(review.InvalidThresholds) as refused:
        Thresholds(**kwargs)

    assert refused.value.problems == problems
    assert isinstance(refused.value, ValueError)


# Order and fingerprints ---------------------------------------------------------------------------------------------


def test_findings_come_in_the_order_of_the_checklist():
    facts = replace(
        OUTSOURCING,
        price_change_notice_days=30,
        price_increase_cap_pct=None,
        non_renewal_notice_days=0,
        targets=(),
        sla_exit_consecutive_misses=None,
        data_handover_business_days=30,
        data_storage_location="",
        confidentiality_years_after_end=0,
        fee_item_count=0,
        termination_notice_days=90,
        trial_period_months=0,
        clause_categories=frozenset(),
        certifications=(CertificationFacts("VATS", "B2-2020", date(2026, 1, 1)),),
    )

    # Everything but the rules about targets that exist (the contract has none and is not call-center software) and
    # about clause texts (it has no clause).
    about_targets = {
        "availability_sla_missing",
        "availability_sla_low",
        "sla_credit_missing",
        "clause_contradicts_terms",
    }
    assert rules_of(facts) == [r for r in review.RULES if r not in about_targets]
    assert review.review(facts) == review.review(facts)


def test_the_fingerprint_follows_the_term_a_finding_is_about():
    short = replace(SOFTWARE, price_change_notice_days=60)

    assert review.fingerprint("price_notice_short", short) == review.fingerprint("price_notice_short", short)
    assert review.fingerprint("price_notice_short", short) != review.fingerprint(
        "price_notice_short", replace(short, price_change_notice_days=45)
    )


def test_the_fingerprint_ignores_terms_the_finding_is_not_about():
    short = replace(SOFTWARE, price_change_notice_days=60)
    elsewhere = replace(short, data_handover_business_days=20, termination_notice_days=90, today=date(2026, 7, 1))

    assert review.fingerprint("price_notice_short", short) == review.fingerprint("price_notice_short", elsewhere)


def test_the_same_number_written_differently_has_the_same_fingerprint():
    a = replace(SOFTWARE, targets=(TargetFacts("availability", ">=", D("99.5"), D("5")),))
    b = replace(SOFTWARE, targets=(TargetFacts("availability", ">=", D("99.500"), D("5.00")),))

    assert review.fingerprint("availability_sla_low", a) == review.fingerprint("availability_sla_low", b)


def test_a_lowered_availability_target_reopens_the_finding():
    a = replace(SOFTWARE, targets=(TargetFacts("availability", ">=", D("99.5"), D("5")),))
    b = replace(SOFTWARE, targets=(TargetFacts("availability", ">=", D("99.0"), D("5")),))

    assert review.fingerprint("availability_sla_low", a) != review.fingerprint("availability_sla_low", b)


def test_an_unrelated_target_does_not_reopen_the_staffing_finding_but_a_staffing_target_does():
    facts = replace(OUTSOURCING, targets=(TargetFacts("answer_rate", ">=", D("95"), D("3")),))
    more = replace(facts, targets=(*facts.targets, TargetFacts("csat", ">=", D("90"))))

    assert review.fingerprint("staffing_missing", facts) == review.fingerprint("staffing_missing", more)
    assert review.fingerprint("staffing_missing", facts) != review.fingerprint("staffing_missing", OUTSOURCING)


def test_a_certificate_finding_reopens_when_the_term_renews_or_the_certificate_expires():
    expiring = certificates(date(2026, 9, 1))
    renewed = certificates(date(2026, 9, 1), term_end=date(2027, 12, 31))
    expired = certificates(date(2026, 9, 1), today=date(2026, 9, 2))
    earlier_day = certificates(date(2026, 9, 1), today=date(2026, 8, 1))

    base = review.fingerprint("certificate_expired", expiring)
    assert review.fingerprint("certificate_expired", renewed) != base
    assert review.fingerprint("certificate_expired", expired) != base
    assert review.fingerprint("certificate_expired", earlier_day) == base


def test_every_rule_has_a_fingerprint_and_an_unknown_rule_has_none():
    for rule in review.RULES:
        assert len(review.fingerprint(rule, SOFTWARE)) == 64
    assert len({review.fingerprint(rule, SOFTWARE) for rule in review.RULES}) == len(review.RULES)
    with pytest.raises(ValueError):
        review.fingerprint("no_such_rule", SOFTWARE)


days = st.integers(min_value=0, max_value=400)
targets = st.lists(
    st.builds(
        TargetFacts,
        kind=st.sampled_from(["availability", "answer_rate", "staff_turnover", "backup_pool", "other"]),
        comparator=st.sampled_from([">=", ">", "<=", "<", "="]),
        target=st.decimals(min_value=0, max_value=100, places=3),
        credit_pct=st.none() | st.decimals(min_value=0, max_value=20, places=2),
    ),
    max_size=4,
).map(tuple)
facts_strategy = st.builds(
    ContractFacts,
    category=st.sampled_from(["call_center_software", "cs_outsourcing", "chat_outsourcing", "other"]),
    auto_renew=st.booleans(),
    non_renewal_notice_days=days,
    price_change_notice_days=days,
    price_increase_cap_pct=st.none() | st.decimals(min_value=0, max_value=100, places=2),
    data_handover_business_days=days,
    data_storage_location=st.sampled_from(["", " ", "上海"]),
    confidentiality_years_after_end=st.none() | st.integers(min_value=0, max_value=10),
    termination_notice_days=days,
    trial_period_months=st.integers(min_value=0, max_value=3),
    sla_exit_consecutive_misses=st.none() | st.integers(min_value=1, max_value=6),
    targets=targets,
    fee_item_count=st.integers(min_value=0, max_value=3),
    clause_categories=st.frozensets(st.sampled_from(sorted(ALL_CLAUSES))),
    certifications=st.lists(
        st.builds(CertificationFacts, name=st.just("ISO 9001"), expires_on=st.none() | st.dates()), max_size=3
    ).map(tuple),
    current_term_end=st.none() | st.dates(),
    today=st.dates(),
)


@given(facts=facts_strategy)
def test_any_contract_gets_each_rule_at_most_once_in_checklist_order_and_the_same_result_twice(facts):
    found = rules_of(facts)

    assert found == [r for r in review.RULES if r in found]
    assert review.review(facts) == review.review(facts)
    assert all(f.severity == review.DEFAULT_SEVERITIES[f.rule] for f in review.review(facts))


def test_the_review_rules_load_without_django_or_any_clm_app():
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, rules.review; print(' '.join(sorted(sys.modules)))"],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()

    assert {name.split(".")[0] for name in loaded}.isdisjoint(
        {"django", "clm", "core", "accounts", "vendors", "contracts", "obligations"}
    )


# A clause that says something else than the terms ----------------------------------------------------------------


def contradictions(text, category="price_adjustment", status="agreed", **terms):
    facts = replace(SOFTWARE, clauses=(ClauseFacts(1, "条款", category, status, text),), **terms)
    found = [f for f in review.review(facts) if f.rule == "clause_contradicts_terms"]
    return [(c["field"], c["stated"], c["term"]) for c in found[0].params["contradictions"]] if found else []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("乙方调整价格应提前三个月书面通知甲方。", []),  # three months read as 90 days: the term
        ("乙方调整价格应提前两个月书面通知甲方。", [("price_change_notice_days", "60", "90")]),
        ("乙方调整价格应提前九十日书面通知甲方。", []),
        ("乙方调整价格应提前六十日书面通知甲方。", [("price_change_notice_days", "60", "90")]),
        ("乙方调整价格应提前９０日书面通知甲方。", []),  # full-width digits
        ("乙方调整价格应提前３０日书面通知甲方。", [("price_change_notice_days", "30", "90")]),
        ("每年调价幅度不超过百分之五。", []),
        ("每年调价幅度不超过百分之八。", [("price_increase_cap_pct", "8", "5")]),
        ("每年调价幅度不超过５%。", []),
        ("The Vendor shall give ninety (90) days' written notice of any price increase.", []),
        (
            "The Vendor shall give sixty (60) days' written notice of any price increase.",
            [("price_change_notice_days", "60", "90")],
        ),
    ],
)
def test_a_number_in_a_clause_must_be_the_terms(text, expected):
    assert contradictions(text) == expected


def test_the_contradiction_names_the_clause_the_sentence_and_both_values():
    clause = ClauseFacts(
        12, "数据交还", "data_handover", "proposed", "合同终止后，乙方应在十个工作日内交还全部数据。其他。"
    )
    finding = finding_of(replace(SOFTWARE, clauses=(clause,)), "clause_contradicts_terms")

    assert finding.severity == "high"
    assert finding.params["contradictions"] == [
        {
            "clause_id": 12,
            "clause": "数据交还",
            "sentence": "合同终止后，乙方应在十个工作日内交还全部数据。",
            "field": "data_handover_business_days",
            "stated": "10",
            "term": "7",
        }
    ]


def test_an_sla_target_stated_in_a_clause_is_compared_with_the_target_of_its_kind():
    assert contradictions("乙方保证系统月度可用性不低于99.9%。", category="sla") == []
    assert contradictions("乙方保证系统月度可用性不低于99.5%。", category="sla") == [
        ("sla:availability", "99.5", "99.9")
    ]
    # No answer-rate target at all: nothing to contradict (a missing target is a rule of its own).
    assert contradictions("月度接通率不低于80%。", category="sla") == []


def test_a_rejected_or_waived_clause_contradicts_nothing():
    assert contradictions("乙方调整价格应提前三十日书面通知甲方。", status="rejected") == []
    assert contradictions("乙方调整价格应提前三十日书面通知甲方。", status="waived") == []


def test_a_stated_cap_is_no_contradiction_of_a_contract_without_one():
    assert contradictions("每年调价幅度不超过百分之八。", price_increase_cap_pct=None) == []


def test_the_contradiction_reopens_when_the_clause_or_the_term_changes():
    clause = ClauseFacts(1, "价格调整", "price_adjustment", "agreed", "乙方调价应提前六十日书面通知甲方。")
    facts = replace(SOFTWARE, clauses=(clause,))
    same = review.fingerprint("clause_contradicts_terms", facts)

    assert review.fingerprint("clause_contradicts_terms", replace(facts, price_change_notice_days=120)) != same
    edited = replace(clause, text="乙方调价应提前四十五日书面通知甲方。")
    assert review.fingerprint("clause_contradicts_terms", replace(facts, clauses=(edited,))) != same
    assert review.fingerprint("clause_contradicts_terms", replace(facts, termination_notice_days=10)) == same
