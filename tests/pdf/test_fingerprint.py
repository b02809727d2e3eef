"""The fingerprint identifies the agreed terms: same terms, same fingerprint; any change to a term, a new one."""

from datetime import date

from contracts.lifecycle import contract_sign
from contracts.pdf import contract_fingerprint, render_contract_pdf
from contracts.services import clause_add_revision, contract_update
from tests.factories import VendorFactory

from .conftest import make_contract, pdf_text, squeeze


def test_fingerprint_is_a_stable_sha256_independent_of_language_and_render_time(contract, tmp_path):
    first = contract_fingerprint(contract)

    assert len(first) == 64
    assert int(first, 16) >= 0
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

    # When a term changes, the fingerprint changes
    contract = contract_update(contract=contract, by=owner, version=contract.version, non_renewal_notice_days=60)
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
