"""Every list endpoint costs the same number of queries for a page of 2 rows as for a page of 20."""

import itertools

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext

from contracts.services.documents import document_upload
from contracts.services.sharing import contract_share
from tests.factories import (
    CertificationFactory,
    ClauseFactory,
    ClauseRevisionFactory,
    ContractFactory,
    FeeItemFactory,
    ObligationFactory,
    PriceChangeNoticeFactory,
    SLATargetFactory,
    VendorFactory,
)
from tests.fixtures.api import World


def _contracts(world: World, n: int):
    for _ in range(n):
        contract = ContractFactory(owner=world.users["owner"], vendor=world.contract.vendor, number=_number())
        SLATargetFactory(contract=contract)
        FeeItemFactory(contract=contract)
    for _ in range(n):
        shared = ContractFactory(owner=world.users["manager"], number=_number())
        contract_share(contract=shared, by=world.users["manager"], user=world.users["owner"], permission="view")


def _number() -> str:
    """Factory numbers start at CLM-2026-0001, which the world's contract already holds."""
    return f"CLM-2099-{next(_numbers):04d}"


_numbers = itertools.count(1)


def _clauses(world: World, n: int):
    for _ in range(n):
        ClauseFactory(contract=world.contract)


def _revisions(world: World, n: int):
    start = world.clause.revisions.count() + 1
    for number in range(start, start + n):
        ClauseRevisionFactory(clause=world.clause, author=world.users["owner"], number=number)


def _notices(world: World, n: int):
    for _ in range(n):
        PriceChangeNoticeFactory(contract=world.contract, recorded_by=world.users["owner"])


def _documents(world: World, n: int):
    for i in range(n):
        document_upload(
            contract=world.contract,
            by=world.users["owner"],
            uploaded_file=SimpleUploadedFile(f"annex-{i}.txt", f"annex {i}".encode()),
            kind="annex",
        )


def _obligations(world: World, n: int):
    for _ in range(n):
        ObligationFactory(contract=world.contract, owner=world.users["editor"])


def _vendors(world: World, n: int):
    for _ in range(n):
        CertificationFactory(vendor=VendorFactory())


LISTS = [
    ("contracts", lambda w: "/api/v1/contracts/", _contracts),
    ("clauses", lambda w: f"/api/v1/contracts/{w.contract.pk}/clauses/", _clauses),
    ("revisions", lambda w: f"/api/v1/clauses/{w.clause.pk}/revisions/", _revisions),
    ("price-change-notices", lambda w: f"/api/v1/contracts/{w.contract.pk}/price-change-notices/", _notices),
    ("documents", lambda w: f"/api/v1/contracts/{w.contract.pk}/documents/", _documents),
    ("obligations", lambda w: "/api/v1/obligations/", _obligations),
    ("vendors", lambda w: "/api/v1/vendors/", _vendors),
]


@pytest.mark.parametrize("role", ["owner", "manager"])
@pytest.mark.parametrize(("name", "url", "add_rows"), LISTS, ids=[row[0] for row in LISTS])
def test_a_list_costs_the_same_queries_whatever_the_page_holds(
    world, django_assert_num_queries, name, url, add_rows, role
):
    client = world.client(role)
    client.get(url(world))  # warm up: the token, content types and permission caches are not what is measured

    # Given a couple of rows, count the queries for one page
    add_rows(world, 2)
    with CaptureQueriesContext(connection) as small:
        first = client.get(url(world), {"page_size": 50})
    assert first.status_code == 200

    # When the page holds ten times as many rows
    add_rows(world, 18)

    # Then the same number of queries serves it
    with django_assert_num_queries(len(small.captured_queries)):
        response = client.get(url(world), {"page_size": 50})
    assert response.data["count"] >= 20
