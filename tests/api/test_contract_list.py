"""The contract list: filters, ordering and the rows themselves, read the way the list reads them."""

from contracts.models import Contract
from tests.factories import ContractFactory, FeeItemFactory, SLATargetFactory
from tests.fixtures.api import World


def _three_more(world: World) -> None:
    owner = world.users["owner"]
    for number, status in (("CLM-2099-0003", "active"), ("CLM-2099-0001", "draft"), ("CLM-2099-0002", "active")):
        contract = ContractFactory(owner=owner, number=number, status=status)
        SLATargetFactory(contract=contract)
        FeeItemFactory(contract=contract)


def _numbers(response) -> list[str]:
    return [row["number"] for row in response.data["results"]]


def test_each_row_of_the_list_reads_as_the_contract_itself_reads(world):
    _three_more(world)
    client = world.client("owner")

    rows = client.get("/api/v1/contracts/", {"page_size": 50}).json()["results"]

    assert len(rows) == 4
    for row in rows:
        assert row == client.get(f"/api/v1/contracts/{row['id']}/").json()


def test_the_list_orders_as_asked_with_and_without_filters(world):
    _three_more(world)
    client = world.client("owner")

    everything = client.get("/api/v1/contracts/", {"ordering": "number"})
    active = client.get("/api/v1/contracts/", {"ordering": "-number", "status": "active"})

    assert _numbers(everything) == sorted(Contract.objects.values_list("number", flat=True))
    assert _numbers(active) == ["CLM-2099-0003", "CLM-2099-0002"]
    assert active.data["count"] == 2


def test_an_empty_filter_filters_nothing(world):
    _three_more(world)
    client = world.client("owner")

    response = client.get("/api/v1/contracts/", {"status": "", "q": ""})

    assert response.status_code == 200
    assert response.data["count"] == 4


def test_a_filter_value_that_is_not_valid_answers_400_with_the_filter(world):
    client = world.client("owner")

    assert client.get("/api/v1/contracts/", {"status": "bogus"}).json().keys() == {"status"}
    assert client.get("/api/v1/contracts/", {"vendor": "abc"}).status_code == 400
