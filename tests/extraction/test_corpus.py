"""Every expected value of every contract of the corpus (tests/extraction/corpus/, see make_corpus.py).

Each contract folder holds the file, its source and expected.json: every field of the proposal, the fee items, the
SLA targets and the clauses. `unseen/` holds the contracts written after the rules, in other styles.
"""

import functools
import json
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from extraction import FIELDS, ExtractionError, extract_terms, read_document, segment

CORPUS = Path(__file__).resolve().parent / "corpus"
CONTRACTS = sorted(path.parent for path in CORPUS.rglob("expected.json") if "fields" in json.loads(path.read_text()))
ERRORS = sorted(path.parent for path in CORPUS.rglob("expected.json") if "error" in json.loads(path.read_text()))


@functools.cache
def load(folder: Path):
    spec = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    document = read_document((folder / spec["file"]).read_bytes(), spec["file"])
    clauses = segment(document)
    return spec, document, clauses, extract_terms(document, clauses)


def plain(value):
    """A proposal value as expected.json writes it."""
    return value.isoformat() if isinstance(value, date) else value


def same(expected, got) -> bool:
    if isinstance(got, Decimal) or (isinstance(got, int) and not isinstance(got, bool) and isinstance(expected, str)):
        return expected is not None and Decimal(str(expected)) == Decimal(got)
    return expected == plain(got)


def corpus_id(folder: Path) -> str:
    return str(folder.relative_to(CORPUS))


def test_the_corpus_has_every_kind_of_contract():
    specs = [json.loads((folder / "expected.json").read_text()) for folder in CONTRACTS]
    kinds = {spec["kind"] for spec in specs}
    assert len([f for f in CONTRACTS if "unseen" not in f.parts]) + len(ERRORS) >= 12
    assert kinds == {"docx", "pdf", "text"}


@pytest.mark.parametrize("folder", CONTRACTS, ids=corpus_id)
def test_every_expected_field(folder):
    spec, _, _, proposal = load(folder)

    assert set(spec["fields"]) == set(FIELDS)
    wrong = {
        name: (expected, plain(proposal.value(name)))
        for name, expected in spec["fields"].items()
        if not same(expected, proposal.value(name))
    }
    assert wrong == {}
    assert sorted(proposal.not_found) == sorted(
        [name for name, expected in spec["fields"].items() if expected is None]
        + (["fee_items"] if not spec["fee_items"] else [])
        + (["sla_targets"] if not spec["sla_targets"] else [])
    )
    for name, note in spec.get("notes", {}).items():
        assert proposal.fields[name].note == note


@pytest.mark.parametrize("folder", CONTRACTS, ids=corpus_id)
def test_every_source_sentence_is_in_the_document_at_its_span(folder):
    _, document, _, proposal = load(folder)

    sources = [f for f in proposal.fields.values() if f] + proposal.fee_items + proposal.sla_targets
    for found in sources:
        assert document.text[found.span[0] : found.span[1]] == found.sentence


@pytest.mark.parametrize("folder", CONTRACTS, ids=corpus_id)
def test_every_expected_clause(folder):
    spec, _, clauses, _ = load(folder)

    assert [[c.number, c.title, c.category] for c in clauses] == spec["clauses"]
    assert all(clause.text for clause in clauses)


@pytest.mark.parametrize("folder", CONTRACTS, ids=corpus_id)
def test_every_expected_fee_item(folder):
    spec, _, _, proposal = load(folder)

    got = [(f.kind, f.unit_price, f.unit, f.quantity) for f in proposal.fee_items]
    expected = [
        (f["kind"], Decimal(f["unit_price"]), f["unit"], None if f["quantity"] is None else Decimal(f["quantity"]))
        for f in spec["fee_items"]
    ]
    assert got == expected


@pytest.mark.parametrize("folder", CONTRACTS, ids=corpus_id)
def test_every_expected_sla_target(folder):
    spec, _, _, proposal = load(folder)

    got = [(t.kind, t.comparator, t.target, t.unit) for t in proposal.sla_targets]
    expected = [(t["kind"], t["comparator"], Decimal(t["target"]), t["unit"]) for t in spec["sla_targets"]]
    assert got == expected
    for target, wanted in zip(proposal.sla_targets, spec["sla_targets"], strict=True):
        if "credit_pct" in wanted:
            assert target.credit_pct == (None if wanted["credit_pct"] is None else Decimal(wanted["credit_pct"]))


@pytest.mark.parametrize("folder", ERRORS, ids=corpus_id)
def test_a_scanned_contract_says_it_has_no_text(folder):
    spec = json.loads((folder / "expected.json").read_text())

    with pytest.raises(ExtractionError) as caught:
        read_document((folder / spec["file"]).read_bytes(), spec["file"])

    assert (caught.value.code, caught.value.params) == (spec["error"], spec["params"])


HOSTILE = json.loads((CORPUS / "hostile" / "expected.json").read_text())["files"]


@pytest.mark.parametrize(("name", "code"), sorted(HOSTILE.items()))
def test_each_hostile_file_is_refused_with_its_code(name, code):
    with pytest.raises(ExtractionError) as caught:
        read_document((CORPUS / "hostile" / name).read_bytes(), name)

    assert caught.value.code == code
