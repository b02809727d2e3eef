"""contracts.services: bad input gives field errors (never a crash), and a stale write changes nothing."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from contracts.models import Clause, ClauseRevision, Contract, FeeItem, SLATarget
from contracts.services.clauses import clause_add_revision, clause_create, clause_update
from contracts.services.terms import contract_create, contract_update
from core.exceptions import StaleVersionError
from tests.factories import UserFactory, VendorFactory
from vendors.models import Vendor

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer():
    return UserFactory(username="buyer", role="procurement_staff")


@pytest.fixture
def vendor():
    return VendorFactory()


@pytest.fixture
def contract(buyer, vendor):
    return contract_create(
        by=buyer,
        title="呼叫中心外包服务合同",
        vendor=vendor,
        effective_date=date(2026, 1, 1),
        sla_targets=[{"metric": "接通率", "comparator": ">=", "target": 95, "unit": "%", "period": "月"}],
        fee_items=[{"kind": "坐席服务费", "unit_price": 6500, "unit": "席/月", "quantity": 20}],
    )


def field_errors(call) -> dict:
    with pytest.raises(ValidationError) as exc:
        call()
    return exc.value.message_dict


def test_a_new_contract_is_a_numbered_draft_owned_by_its_creator(contract, buyer):
    assert contract.status == Contract.Status.DRAFT
    assert contract.owner == buyer
    assert contract.number == "CLM-2026-0001"
    assert contract.end_date == date(2026, 12, 31)
    assert contract.version == 1


def test_numbers_follow_on_within_the_year(contract, buyer, vendor):
    second = contract_create(by=buyer, title="第二份", vendor=vendor, effective_date=date(2026, 5, 1))

    assert second.number == "CLM-2026-0002"


@pytest.mark.parametrize(
    ("terms", "field"),
    [
        ({"effective_date": date(2026, 6, 1), "end_date": date(2026, 5, 31)}, "end_date"),
        ({"effective_date": None, "end_date": date(2026, 5, 31)}, "effective_date"),
        ({"non_renewal_notice_days": -1}, "non_renewal_notice_days"),
        ({"termination_notice_days": -30}, "termination_notice_days"),
        ({"price_change_notice_days": 99999}, "price_change_notice_days"),
        ({"trial_period_months": 4}, "trial_period_months"),
        ({"initial_term_months": 0}, "initial_term_months"),
        ({"price_increase_cap_pct": Decimal("100.01")}, "price_increase_cap_pct"),
        ({"price_increase_cap_pct": Decimal("-1")}, "price_increase_cap_pct"),
        ({"contract_value": Decimal("-5")}, "contract_value"),
        ({"currency": "RMB1"}, "currency"),
        ({"currency": "元"}, "currency"),
        ({"category": "consulting"}, "category"),
        ({"title": ""}, "title"),
    ],
)
def test_bad_terms_are_field_errors_and_nothing_is_created(buyer, vendor, terms, field):
    base = {"title": "合同", "vendor": vendor, "effective_date": date(2026, 1, 1)}

    errors = field_errors(lambda: contract_create(by=buyer, **{**base, **terms}))

    assert field in errors
    assert not Contract.objects.exists()


def test_an_unknown_vendor_is_a_field_error(buyer):
    gone = VendorFactory()
    Vendor.objects.filter(pk=gone.pk).delete()

    errors = field_errors(lambda: contract_create(by=buyer, title="合同", vendor=gone))

    assert "vendor" in errors
    assert not Contract.objects.exists()


def test_a_missing_vendor_is_a_field_error(buyer):
    errors = field_errors(lambda: contract_create(by=buyer, title="合同", vendor=None))

    assert "vendor" in errors


def test_a_vendor_with_a_bad_credit_code_check_digit_is_refused():
    vendor = VendorFactory.build(credit_code="91350100M000100Y44")

    errors = field_errors(vendor.full_clean)

    assert "credit_code" in errors


def test_a_bad_sla_row_is_an_error_on_the_rows_and_rolls_back(buyer, vendor):
    errors = field_errors(
        lambda: contract_create(
            by=buyer,
            title="合同",
            vendor=vendor,
            sla_targets=[{"metric": "接通率", "comparator": "about", "target": 95}],
        )
    )

    assert "sla_targets" in errors
    assert not Contract.objects.exists()


def test_lowercase_currency_is_normalised(buyer, vendor):
    contract = contract_create(by=buyer, title="合同", vendor=vendor, currency=" usd ")

    assert contract.currency == "USD"


def test_an_update_with_the_current_version_applies_and_bumps_it(contract, buyer):
    updated = contract_update(contract=contract, by=buyer, version=1, title="新标题", termination_notice_days=60)

    assert (updated.title, updated.termination_notice_days, updated.version) == ("新标题", 60, 2)
    contract.refresh_from_db()
    assert contract.version == 2


def test_a_stale_contract_update_is_refused_and_changes_nothing(contract, buyer):
    contract_update(contract=contract, by=buyer, version=1, title="先保存的修改")

    with pytest.raises(StaleVersionError) as exc:
        contract_update(
            contract=contract,
            by=buyer,
            version=1,
            title="后保存的修改",
            sla_targets=[],
            fee_items=[],
        )

    assert exc.value.current_version == 2
    contract.refresh_from_db()
    assert (contract.title, contract.version) == ("先保存的修改", 2)
    assert SLATarget.objects.filter(contract=contract).count() == 1
    assert FeeItem.objects.filter(contract=contract).count() == 1


def test_a_contract_update_without_a_version_is_a_conflict_and_changes_nothing(contract, buyer):
    contract_update(contract=contract, by=buyer, version=1, title="先保存的修改")

    with pytest.raises(StaleVersionError) as exc:
        contract_update(contract=contract, by=buyer, version=None, title="不知版本的修改", fee_items=[])

    assert exc.value.current_version == 2
    contract.refresh_from_db()
    assert (contract.title, contract.version) == ("先保存的修改", 2)
    assert FeeItem.objects.filter(contract=contract).count() == 1


def test_an_invalid_update_changes_nothing(contract, buyer):
    errors = field_errors(
        lambda: contract_update(contract=contract, by=buyer, version=1, end_date=date(2025, 1, 1), sla_targets=[])
    )

    assert "end_date" in errors
    contract.refresh_from_db()
    assert (contract.end_date, contract.version) == (date(2026, 12, 31), 1)


SLA_ROW = {"metric": "接通率", "comparator": ">=", "target": 95, "unit": "%", "period": "月"}
FEE_ROW = {"kind": "坐席服务费", "unit_price": 6500, "unit": "席/月", "quantity": 1}


def test_a_new_contract_with_more_than_200_sla_rows_is_refused_and_nothing_is_created(buyer, vendor):
    errors = field_errors(
        lambda: contract_create(by=buyer, title="合同", vendor=vendor, sla_targets=[SLA_ROW] * 201, fee_items=[])
    )

    assert "sla_targets" in errors
    assert not Contract.objects.exists()
    assert not SLATarget.objects.exists()


def test_an_update_with_more_than_200_fee_rows_is_refused_and_changes_nothing(contract, buyer):
    errors = field_errors(
        lambda: contract_update(contract=contract, by=buyer, version=1, title="新标题", fee_items=[FEE_ROW] * 201)
    )

    assert "fee_items" in errors
    contract.refresh_from_db()
    assert (contract.title, contract.version) == ("呼叫中心外包服务合同", 1)
    assert FeeItem.objects.filter(contract=contract).count() == 1


def test_an_update_with_200_rows_of_each_is_accepted(contract, buyer):
    contract_update(contract=contract, by=buyer, version=1, sla_targets=[SLA_ROW] * 200, fee_items=[FEE_ROW] * 200)

    assert (contract.sla_targets.count(), contract.fee_items.count()) == (200, 200)


def test_changing_the_start_recomputes_a_derived_end(contract, buyer):
    updated = contract_update(contract=contract, by=buyer, version=1, effective_date=date(2026, 3, 1))

    assert updated.end_date == date(2027, 2, 28)


@pytest.fixture
def clause(contract, buyer):
    return clause_create(contract=contract, by=buyer, category="sla", title="服务水平", text="可用性不低于99.9%。")


def test_a_new_clause_keeps_its_text_as_revision_one(clause, buyer):
    revision = clause.revisions.get()

    assert (revision.number, revision.text, revision.author, revision.side) == (1, clause.text, buyer, "ours")


def test_a_stale_clause_update_is_refused_and_changes_nothing(clause, buyer):
    clause_update(clause=clause, by=buyer, version=1, title="服务水平（修订）")

    with pytest.raises(StaleVersionError):
        clause_update(clause=clause, by=buyer, version=1, status=Clause.Status.AGREED)

    clause.refresh_from_db()
    assert (clause.title, clause.status, clause.version) == ("服务水平（修订）", Clause.Status.DRAFT, 2)


def test_a_clause_update_without_a_version_is_a_conflict_and_changes_nothing(clause, buyer):
    with pytest.raises(StaleVersionError) as exc:
        clause_update(clause=clause, by=buyer, version=None, status=Clause.Status.AGREED)

    assert exc.value.current_version == 1
    clause.refresh_from_db()
    assert (clause.status, clause.version) == (Clause.Status.DRAFT, 1)


def test_a_stale_revision_is_refused_and_nothing_is_recorded(clause, buyer):
    clause_add_revision(clause=clause, by=buyer, text="可用性不低于99.95%。", side="vendor", version=1)

    with pytest.raises(StaleVersionError):
        clause_add_revision(clause=clause, by=buyer, text="可用性不低于99.5%。", side="ours", version=1)

    clause.refresh_from_db()
    assert clause.text == "可用性不低于99.95%。"
    assert clause.status == Clause.Status.COUNTERED
    assert list(clause.revisions.values_list("number", flat=True)) == [1, 2]


def test_a_vendor_revision_counters_and_ours_proposes(clause, buyer):
    clause_add_revision(clause=clause, by=buyer, text="乙方版本", side=ClauseRevision.Side.VENDOR)
    clause.refresh_from_db()
    assert clause.status == Clause.Status.COUNTERED

    clause_add_revision(clause=clause, by=buyer, text="甲方版本", side=ClauseRevision.Side.OURS)
    clause.refresh_from_db()
    assert (clause.status, clause.text) == (Clause.Status.PROPOSED, "甲方版本")


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"text": "   ", "side": "ours"}, "text"),
        ({"text": "新文本", "side": "lawyer"}, "side"),
        ({"text": "新文本", "side": "ours", "status": "maybe"}, "status"),
    ],
)
def test_bad_revisions_are_field_errors(clause, buyer, kwargs, field):
    errors = field_errors(lambda: clause_add_revision(clause=clause, by=buyer, **kwargs))

    assert field in errors
    assert clause.revisions.count() == 1


def test_a_clause_with_an_unknown_category_is_refused(contract, buyer):
    errors = field_errors(
        lambda: clause_create(contract=contract, by=buyer, category="gossip", title="杂项", text="文本")
    )

    assert "category" in errors
    assert not Clause.objects.exists()


def test_templates_start_a_contract_with_one_clause_each_in_the_chosen_language(buyer, vendor):
    from contracts.models import ClauseTemplate

    templates = list(ClauseTemplate.objects.filter(category__in=["sla", "data_handover"]).order_by("order"))

    contract = contract_create(by=buyer, title="合同", vendor=vendor, clause_templates=templates, language="en")

    clauses = list(contract.clauses.order_by("order"))
    assert [c.template for c in clauses] == templates
    # The English wording, its placeholders filled with this contract's terms (rules.placeholders).
    assert [c.title for c in clauses] == [t.title_en for t in templates]
    assert all(c.text != t.text_zh and "{" not in c.text for c, t in zip(clauses, templates, strict=True))
    assert all(c.follows_terms and c.language == "en" for c in clauses)


def test_the_clause_library_covers_every_category_in_both_languages():
    from contracts.models import ClauseCategory, ClauseTemplate

    templates = list(ClauseTemplate.objects.filter(is_active=True))

    assert {t.category for t in templates} == set(ClauseCategory.values)
    assert all(t.title_zh and t.text_zh and t.guidance_zh for t in templates)
    assert all(t.title_en and t.text_en and t.guidance_en for t in templates)
    important = ("sla", "data_security", "price_adjustment", "term_renewal", "termination", "data_handover")
    assert all(sum(t.category == c for t in templates) >= 2 for c in important)
