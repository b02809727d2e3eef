"""The fingerprint identifies the agreed terms: same terms, same fingerprint; any change to a term, a new one."""

import hashlib
import json
from datetime import date
from decimal import Decimal

import pytest

from contracts.lifecycle.actions import contract_sign
from contracts.services.clauses import clause_add_revision
from contracts.services.terms import contract_update
from pdf.fingerprint import contract_fingerprint, fingerprint_payload
from pdf.rendering import render_contract_pdf
from tests.factories import VendorFactory, amend_now
from tests.fixtures.pdf import AGREED_MARKER_TEXT, make_contract, pdf_text, squeeze
from vendors.services import vendor_update


def test_fingerprint_is_the_sha256_of_the_canonical_terms_independent_of_language_and_render_time(contract, tmp_path):
    first = contract_fingerprint(contract)

    # The SHA-256 of one canonical JSON spelling (sorted keys, no spaces, UTF-8), so anyone can recompute it
    canonical = json.dumps(fingerprint_payload(contract), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    assert first == hashlib.sha256(canonical.encode("utf-8")).hexdigest()
    assert '"number":"CLM-2026-0042"' in canonical
    assert squeeze(AGREED_MARKER_TEXT) in squeeze(canonical)
    assert contract_fingerprint(contract) == first
    for language in ("zh-hans", "en"):
        assert first in squeeze(pdf_text(render_contract_pdf(contract, language=language), tmp_path))


def test_two_contracts_with_the_same_terms_have_the_same_fingerprint(owner):
    # Given two contracts built from identical terms (the number is part of the terms, so it is reused)
    vendor = VendorFactory()
    first = make_contract(owner, vendor=vendor)
    expected = contract_fingerprint(first)
    first.delete()
    second = make_contract(owner, vendor=vendor)

    assert contract_fingerprint(second) == expected


def test_signing_keeps_the_fingerprint_and_a_term_change_alters_it(contract, owner):
    # Given a contract whose clauses are all settled
    contract.clauses.filter(status="draft").update(status="agreed")
    negotiated = contract_fingerprint(contract)

    # When it is signed, the vendor's copy of the negotiated terms still matches
    contract = contract_sign(contract=contract, by=owner, date=date(2025, 12, 20))
    assert contract_fingerprint(contract) == negotiated

    # When a term changes (by amendment), the fingerprint changes
    contract = amend_now(contract, non_renewal_notice_days=60)
    assert contract_fingerprint(contract) != negotiated


def test_fingerprint_changes_when_an_agreed_clause_is_reworded(contract, owner):
    before = contract_fingerprint(contract)
    clause = contract.clauses.filter(status="agreed").first()

    clause_add_revision(clause=clause, by=owner, text=clause.text + "（修订）", side="ours", status="agreed")

    assert contract_fingerprint(contract) != before


def test_fingerprint_ignores_internal_notes(contract, owner):
    before = contract_fingerprint(contract)

    contract = contract_update(contract=contract, by=owner, version=contract.version, notes="internal remark")

    assert contract_fingerprint(contract) == before


SLA_ROW = {"metric": "20秒接通率", "comparator": ">=", "target": Decimal("90"), "unit": "%", "period": "月"}
FEE_ROW = {"kind": "坐席服务费", "unit_price": Decimal("6500"), "unit": "席/月", "quantity": Decimal("20")}


@pytest.mark.parametrize(
    "change",
    [
        pytest.param({"sla_targets": [{**SLA_ROW, "target": Decimal("85")}]}, id="an SLA target"),
        pytest.param({"fee_items": [{**FEE_ROW, "unit_price": Decimal("6800")}]}, id="a fee item's price"),
        pytest.param({"price_increase_cap_pct": Decimal("8")}, id="the price-increase cap"),
        pytest.param({"data_handover_business_days": 15}, id="the data handover period"),
    ],
)
def test_fingerprint_changes_when_a_printed_term_changes(owner, change):
    contract = make_contract(owner)
    contract = contract_update(
        contract=contract, by=owner, version=contract.version, sla_targets=[SLA_ROW], fee_items=[FEE_ROW]
    )
    before = contract_fingerprint(contract)

    contract = contract_update(contract=contract, by=owner, version=contract.version, **change)

    assert contract_fingerprint(contract) != before


def test_fingerprint_changes_when_the_vendors_legal_name_changes(contract, owner):
    before = contract_fingerprint(contract)

    vendor_update(vendor=contract.vendor, by=owner, name="上海云联客服外包服务股份有限公司")

    contract.refresh_from_db()
    assert contract.vendor.name == "上海云联客服外包服务股份有限公司"
    assert contract_fingerprint(contract) != before
