"""The stored review: findings follow the terms, clauses and certificates; acceptance with a reason and its reset;
the signing gate; clauses from the library that follow the terms until reworded; the bulk recompute."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.utils import translation

from accounts.models import Role
from contracts.lifecycle.actions import contract_sign, contract_start_negotiation
from contracts.models import Clause, ClauseTemplate, Contract
from contracts.services.clauses import clause_add_revision, clause_create
from contracts.services.terms import contract_create, contract_update
from core.exceptions import FindingsOpen
from review.models import ContractReview, Finding, ReviewThresholds
from review.services import finding_accept, review_all, review_contracts
from tests.factories import ContractFactory, UserFactory, VendorFactory
from vendors.services import certification_create

pytestmark = pytest.mark.django_db

ANSWER_RATE = {"metric": "接通率", "kind": "answer_rate", "comparator": ">=", "target": 90, "credit_pct": 3}


@pytest.fixture
def buyer():
    return UserFactory(username="buyer", role=Role.PROCUREMENT_STAFF)


@pytest.fixture
def manager():
    return UserFactory(username="boss", role=Role.PROCUREMENT_MANAGER)


@pytest.fixture
def legal():
    return UserFactory(username="counsel", role=Role.LEGAL)


def new_contract(by, **terms):
    fields = {
        "title": "在线客服外包合同",
        "vendor": VendorFactory(),
        "category": Contract.Category.CS_OUTSOURCING,
        "effective_date": date(2035, 1, 1),
        "price_increase_cap_pct": Decimal("3"),
        "sla_targets": [ANSWER_RATE],
    }
    fields.update(terms)
    return contract_create(by=by, **fields)


def rules_open(contract, severity=None):
    findings = Finding.objects.filter(contract=contract, status="open")
    if severity:
        findings = findings.filter(severity=severity)
    return set(findings.values_list("rule", flat=True))


def update(contract, by, **fields):
    contract.refresh_from_db()
    return contract_update(contract=contract, by=by, version=contract.version, **fields)


def test_a_new_contract_is_reviewed_and_its_counts_are_stored(buyer):
    contract = new_contract(buyer, price_increase_cap_pct=None, price_change_notice_days=30)

    assert {"price_cap_missing", "price_notice_short"} <= rules_open(contract, "high")
    summary = ContractReview.objects.get(contract=contract)
    assert summary.open_high == len(rules_open(contract, "high")) == 2
    assert summary.open_medium == len(rules_open(contract, "medium"))


def test_a_finding_goes_away_when_the_term_is_fixed_and_comes_back_when_it_is_not(buyer):
    contract = new_contract(buyer, price_increase_cap_pct=None)
    assert "price_cap_missing" in rules_open(contract)

    update(contract, buyer, price_increase_cap_pct=Decimal("5"))
    assert "price_cap_missing" not in rules_open(contract)
    assert ContractReview.objects.get(contract=contract).open_high == 0

    update(contract, buyer, price_increase_cap_pct=None)
    assert "price_cap_missing" in rules_open(contract)


def test_sla_targets_and_fee_rows_are_read_on_every_change(buyer):
    contract = new_contract(buyer, sla_targets=[])
    assert {"sla_missing", "fees_missing"} <= rules_open(contract)

    update(contract, buyer, sla_targets=[ANSWER_RATE], fee_items=[{"kind": "坐席费", "unit_price": 6500}])

    assert not {"sla_missing", "fees_missing"} & rules_open(contract)


def test_an_accepted_finding_stays_accepted_until_the_term_it_is_about_changes(buyer, manager):
    # Given a 60-day price notice accepted by the manager, with the reason
    contract = new_contract(buyer, price_change_notice_days=60)
    finding = finding_accept(contract=contract, by=manager, rule="price_notice_short", reason="年框已锁价")
    assert (finding.status, finding.accepted_by, finding.accepted_reason) == ("accepted", manager, "年框已锁价")
    assert ContractReview.objects.get(contract=contract).open_high == 0
    record = finding.history.first()
    assert (record.history_user, record.history_change_reason, record.status) == (manager, "accepted", "accepted")

    # When an unrelated term changes, it stays accepted
    update(contract, buyer, termination_notice_days=20)
    assert Finding.objects.get(contract=contract, rule="price_notice_short").status == "accepted"

    # When the notice itself changes (still short), it is open again, and the history says so
    update(contract, buyer, price_change_notice_days=45)
    finding.refresh_from_db()
    assert (finding.status, finding.accepted_by, finding.accepted_reason) == ("open", None, "")
    assert finding.params == {"value": 45, "threshold": 90}
    assert finding.history.first().history_change_reason == "reopened"
    assert ContractReview.objects.get(contract=contract).open_high == 1


@pytest.mark.parametrize(
    ("rule", "reason", "field"),
    [("no_such_rule", "理由", "rule"), ("sla_missing", "理由", "rule"), ("price_notice_short", "  ", "reason")],
)
def test_accepting_an_unknown_or_absent_rule_or_without_a_reason_is_refused(buyer, manager, rule, reason, field):
    contract = new_contract(buyer, price_change_notice_days=60)
    before = list(Finding.objects.values())

    with pytest.raises(ValidationError) as refused:
        finding_accept(contract=contract, by=manager, rule=rule, reason=reason)

    assert field in refused.value.message_dict
    assert list(Finding.objects.values()) == before


def test_a_finding_already_accepted_cannot_be_accepted_again(buyer, legal):
    contract = new_contract(buyer, price_change_notice_days=60)
    finding_accept(contract=contract, by=legal, rule="price_notice_short", reason="法务认可")

    with pytest.raises(ValidationError):
        finding_accept(contract=contract, by=legal, rule="price_notice_short", reason="再次")


@pytest.mark.parametrize("role", [Role.PROCUREMENT_STAFF, Role.AUDITOR])
def test_only_a_manager_or_legal_may_accept(buyer, role):
    contract = new_contract(buyer, price_change_notice_days=60)
    someone = buyer if role == Role.PROCUREMENT_STAFF else UserFactory(role=role)

    with pytest.raises(PermissionDenied):
        finding_accept(contract=contract, by=someone, rule="price_notice_short", reason="我觉得可以")

    assert Finding.objects.get(contract=contract, rule="price_notice_short").status == "open"


# The signing gate -------------------------------------------------------------------------------------------------


def negotiating(buyer, **terms):
    contract = new_contract(buyer, **terms)
    return contract_start_negotiation(contract=contract, by=buyer)


def test_signing_is_refused_while_a_high_finding_is_open_and_names_it(buyer):
    contract = negotiating(buyer, price_increase_cap_pct=None)

    with translation.override("en"), pytest.raises(FindingsOpen) as refused:
        contract_sign(contract=contract, by=buyer, date=date(2035, 1, 1))

    assert refused.value.findings == ["price_cap_missing"]
    assert "No cap on price increases" in str(refused.value.message)
    contract.refresh_from_db()
    assert contract.status == Contract.Status.NEGOTIATING


def test_a_contract_without_high_findings_signs(buyer):
    contract = negotiating(buyer)

    signed = contract_sign(contract=contract, by=buyer, date=date(2035, 1, 1))

    assert signed.status == Contract.Status.SIGNED


def test_a_manager_signs_and_accepts_in_one_step_with_a_reason(buyer, manager):
    contract = negotiating(buyer, price_increase_cap_pct=None, price_change_notice_days=30)

    signed = contract_sign(contract=contract, by=manager, date=date(2035, 1, 1), accept_findings=True, reason="已议价")

    assert signed.status == Contract.Status.SIGNED
    accepted = Finding.objects.filter(contract=contract, severity="high")
    assert {(f.rule, f.status, f.accepted_by_id, f.accepted_reason) for f in accepted} == {
        ("price_cap_missing", "accepted", manager.pk, "已议价"),
        ("price_notice_short", "accepted", manager.pk, "已议价"),
    }


def test_a_buyer_cannot_accept_findings_by_signing(buyer):
    contract = negotiating(buyer, price_increase_cap_pct=None)

    with pytest.raises(PermissionDenied):
        contract_sign(contract=contract, by=buyer, date=date(2035, 1, 1), accept_findings=True, reason="急需上线")

    contract.refresh_from_db()
    assert contract.status == Contract.Status.NEGOTIATING
    assert rules_open(contract, "high") == {"price_cap_missing"}


def test_accepting_in_the_signature_needs_a_reason(buyer, manager):
    contract = negotiating(buyer, price_increase_cap_pct=None)

    with pytest.raises(ValidationError) as refused:
        contract_sign(contract=contract, by=manager, date=date(2035, 1, 1), accept_findings=True, reason="")

    assert "reason" in refused.value.message_dict
    contract.refresh_from_db()
    assert contract.status == Contract.Status.NEGOTIATING


def test_legal_accepts_and_then_the_buyer_signs(buyer, legal):
    contract = negotiating(buyer, price_increase_cap_pct=None)
    finding_accept(contract=contract, by=legal, rule="price_cap_missing", reason="供应商为唯一来源")

    signed = contract_sign(contract=contract, by=buyer, date=date(2035, 1, 1))

    assert signed.status == Contract.Status.SIGNED


# Clauses from the library follow the terms ------------------------------------------------------------------------


def library(code):
    return ClauseTemplate.objects.get(code=code)


def test_a_library_clause_shows_the_contracts_values_not_the_librarys(buyer):
    contract = new_contract(
        buyer,
        price_increase_cap_pct=Decimal("3"),
        data_handover_business_days=5,
        clause_templates=[library("price-adjustment-notice-cap-exit"), library("data-handover-seven-working-days")],
    )

    price, handover = contract.clauses.order_by("order")
    assert "累计涨幅不得超过3%" in price.text and "5%" not in price.text
    assert "至少提前90日书面通知" in price.text
    assert "乙方须在5个工作日内" in handover.text
    assert "{" not in price.text + handover.text
    assert "clause_contradicts_terms" not in rules_open(contract)


def test_an_english_library_clause_is_filled_too(buyer):
    contract = new_contract(
        buyer,
        sla_targets=[{"metric": "Availability", "kind": "availability", "comparator": ">=", "target": "99.95"}],
        clause_templates=[library("sla-availability-software")],
        language="en",
    )

    [clause] = contract.clauses.all()
    assert "availability of at least 99.95%" in clause.text
    # The template names a response time and a fix time this contract has no target for.
    assert "[to be agreed]" in clause.text


def test_a_library_clause_follows_the_terms_until_someone_rewords_it(buyer):
    contract = new_contract(buyer, clause_templates=[library("price-adjustment-notice-cap-exit")])
    [clause] = contract.clauses.all()

    update(contract, buyer, price_increase_cap_pct=Decimal("4"))
    clause.refresh_from_db()
    assert "累计涨幅不得超过4%" in clause.text
    assert clause.revisions.get().text == clause.text
    assert clause.history.first().history_change_reason == "terms"

    clause_add_revision(clause=clause, by=buyer, text=clause.text.replace("4%", "4%（含税）"), side="ours")
    update(contract, buyer, price_increase_cap_pct=Decimal("2"))
    clause.refresh_from_db()
    assert "4%（含税）" in clause.text and not clause.follows_terms
    # The hand-written 4% now contradicts the 2% cap: a high finding naming the clause.
    [contradiction] = Finding.objects.get(contract=contract, rule="clause_contradicts_terms").params["contradictions"]
    assert (contradiction["clause_id"], contradiction["stated"], contradiction["term"]) == (clause.pk, "4", "2")


def test_a_clause_written_by_hand_that_contradicts_the_terms_is_a_high_finding(buyer):
    contract = new_contract(buyer, price_change_notice_days=90)

    clause = clause_create(
        contract=contract,
        by=buyer,
        category="price_adjustment",
        title="调价",
        text="乙方调价须提前三十日书面通知甲方。",
    )

    finding = Finding.objects.get(contract=contract, rule="clause_contradicts_terms")
    assert finding.severity == "high"
    assert finding.params["contradictions"] == [
        {
            "clause_id": clause.pk,
            "clause": "调价",
            "sentence": "乙方调价须提前三十日书面通知甲方。",
            "field": "price_change_notice_days",
            "stated": "30",
            "term": "90",
        }
    ]
    with translation.override("en"):
        from review.messages import finding_message

        message = finding_message(finding.rule, finding.params)
    assert "调价" in message and "30" in message and "90" in message


def test_a_certificate_lapsing_before_the_term_ends_is_found_when_it_is_recorded(buyer):
    contract = new_contract(buyer, effective_date=date(2026, 1, 1))
    assert "certificate_expired" not in rules_open(contract)

    certification_create(vendor=contract.vendor, by=buyer, kind="iso27001", number="C-1", expires_on=date(2026, 6, 30))

    finding = Finding.objects.get(contract=contract, rule="certificate_expired")
    assert finding.params["certificates"][0]["expires_on"] == "2026-06-30"


# Thresholds and the bulk recompute --------------------------------------------------------------------------------


def test_a_managers_thresholds_for_a_category_are_used(buyer):
    ReviewThresholds.objects.create(category="cs_outsourcing", min_price_change_notice_days=30, severities={})
    contract = new_contract(buyer, price_change_notice_days=45)

    assert "price_notice_short" not in rules_open(contract)


def test_a_threshold_out_of_range_is_a_field_error():
    thresholds = ReviewThresholds(category="other", min_trial_period_months=4, severities={"no_rule": "high"})

    with pytest.raises(ValidationError) as refused:
        thresholds.full_clean()

    assert {"min_trial_period_months", "severities"} <= set(refused.value.message_dict)


def test_the_command_reviews_contracts_made_without_the_services(buyer):
    bare = [ContractFactory(price_increase_cap_pct=None) for _ in range(3)]
    assert not ContractReview.objects.filter(contract__in=bare).exists()

    call_command("review_contracts", "--batch", "2")

    assert list(ContractReview.objects.filter(contract__in=bare).values_list("open_high", flat=True)) == [1, 1, 1]


def test_the_review_of_a_batch_costs_the_same_queries_whatever_its_size(buyer, django_assert_max_num_queries):
    few = [ContractFactory().pk for _ in range(2)]
    many = [ContractFactory().pk for _ in range(20)]
    for ids in (few, many):
        Clause.objects.bulk_create(
            Clause(contract_id=pk, category="sla", title="SLA", text="接通率不低于80%。") for pk in ids
        )

    with django_assert_max_num_queries(14) as small:
        review_contracts(few)
    with django_assert_max_num_queries(len(small.captured_queries)):
        review_contracts(many)


def test_review_all_counts_every_contract(buyer):
    for _ in range(3):
        ContractFactory()

    assert review_all(batch_size=2) == Contract.objects.count()


def test_a_large_batch_written_with_copy_stores_what_one_contract_at_a_time_stores(buyer):
    # Given enough contracts for the bulk path (more than a thousand findings in one batch)
    contracts = [ContractFactory(price_increase_cap_pct=None, service_level=False) for _ in range(80)]
    ids = [c.pk for c in contracts]

    # When they are reviewed together, and then one at a time from scratch
    review_contracts(ids)
    together = set(Finding.objects.filter(contract_id__in=ids).values_list("contract_id", "rule", "digest", "status"))
    assert len(together) > 1000
    Finding.objects.filter(contract_id__in=ids).delete()
    for pk in ids:
        review_contracts([pk])
    alone = set(Finding.objects.filter(contract_id__in=ids).values_list("contract_id", "rule", "digest", "status"))

    # Then both ways store the same findings, and the stored counts agree with them
    assert together == alone
    summary = ContractReview.objects.get(contract=contracts[0])
    assert summary.open_high == Finding.objects.filter(contract=contracts[0], severity="high").count()


def test_an_accepted_finding_keeps_its_acceptance_when_only_a_threshold_moves(buyer, manager):
    contract = new_contract(buyer, price_change_notice_days=60)
    finding_accept(contract=contract, by=manager, rule="price_notice_short", reason="年框已锁价")

    ReviewThresholds.objects.create(category="cs_outsourcing", min_price_change_notice_days=75)
    review_contracts([contract.pk])

    finding = Finding.objects.get(contract=contract, rule="price_notice_short")
    assert (finding.status, finding.accepted_reason, finding.params) == (
        "accepted",
        "年框已锁价",
        {"value": 60, "threshold": 75},
    )
