"""The access functions fetch through the selectors and check in one call: 404 when hidden, 403 when not allowed."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import Role
from contracts.access import access_clause, access_contract, access_document
from contracts.services.sharing import contract_share
from tests.factories import ClauseFactory, ContractFactory, UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def people():
    return {
        "owner": UserFactory(role=Role.PROCUREMENT_STAFF),
        "viewer": UserFactory(role=Role.PROCUREMENT_STAFF),
        "editor": UserFactory(role=Role.PROCUREMENT_STAFF),
        "other_staff": UserFactory(role=Role.PROCUREMENT_STAFF),
        "manager": UserFactory(role=Role.PROCUREMENT_MANAGER),
        "legal": UserFactory(role=Role.LEGAL),
        "auditor": UserFactory(role=Role.AUDITOR),
    }


@pytest.fixture
def contract(people):
    contract = ContractFactory(owner=people["owner"])
    contract_share(contract=contract, by=people["owner"], user=people["viewer"], permission="view")
    contract_share(contract=contract, by=people["owner"], user=people["editor"], permission="change")
    return contract


# What each role may do with the contract: "404" hidden, "403" visible but not allowed, "ok" allowed.
MATRIX = {
    "owner": {"view": "ok", "change": "ok", "edit_clauses": "ok", "share": "ok"},
    "viewer": {"view": "ok", "change": "403", "edit_clauses": "403", "share": "403"},
    "editor": {"view": "ok", "change": "ok", "edit_clauses": "ok", "share": "403"},
    "other_staff": {"view": "404", "change": "404", "edit_clauses": "404", "share": "404"},
    "manager": {"view": "ok", "change": "ok", "edit_clauses": "ok", "share": "ok"},
    "legal": {"view": "ok", "change": "403", "edit_clauses": "ok", "share": "403"},
    "auditor": {"view": "ok", "change": "403", "edit_clauses": "403", "share": "403"},
}


def outcome(call) -> str:
    try:
        call()
    except Http404:
        return "404"
    except PermissionDenied:
        return "403"
    return "ok"


@pytest.mark.parametrize("role", MATRIX)
@pytest.mark.parametrize("to", ["view", "change", "edit_clauses", "share"])
def test_access_contract_answers_by_role_and_purpose(people, contract, role, to):
    assert outcome(lambda: access_contract(people[role], contract.pk, to=to)) == MATRIX[role][to]


def test_a_contract_that_does_not_exist_answers_like_a_hidden_one(people):
    with pytest.raises(Http404):
        access_contract(people["manager"], 999_999)


@pytest.mark.parametrize("role", MATRIX)
def test_a_clause_follows_its_contract(people, contract, role):
    clause = ClauseFactory(contract=contract)
    expected = MATRIX[role]
    assert outcome(lambda: access_clause(people[role], clause.pk)) == expected["view"]
    assert outcome(lambda: access_clause(people[role], clause.pk, to="edit")) == expected["edit_clauses"]


def test_a_clause_addressed_under_another_contract_is_not_found(people, contract):
    clause = ClauseFactory(contract=contract)
    other = ContractFactory(owner=people["owner"])

    with pytest.raises(Http404):
        access_clause(people["owner"], clause.pk, contract_pk=other.pk)


def test_a_document_is_hidden_from_who_cannot_see_its_contract(people, contract):
    from django.core.files.uploadedfile import SimpleUploadedFile

    from contracts.services.documents import document_upload

    document = document_upload(
        contract=contract, by=people["owner"], uploaded_file=SimpleUploadedFile("a.txt", b"text"), kind="annex"
    )

    assert access_document(people["viewer"], document.pk) == document
    with pytest.raises(Http404):
        access_document(people["other_staff"], document.pk)
