"""The three shapes of "what may this user see" (page, count, id set) always describe the same contracts."""

import pytest
from django.contrib.auth.models import Group

from contracts.selectors import (
    contract_ids_visible_to,
    contracts_visible_to,
    contracts_visible_to_for_counting,
)
from contracts.services.sharing import contract_share
from tests.factories import ContractFactory
from tests.fixtures.api import ROLES, World


@pytest.fixture
def crowded(world: World) -> World:
    """Contracts reached in every way at once: owned, shared directly, shared with a group, and all three."""
    owner, manager = world.users["owner"], world.users["manager"]
    team = Group.objects.create(name="华南采购组")
    owner.groups.add(team)
    for i in range(3):
        ContractFactory(owner=owner, number=f"CLM-2098-{i:04d}")
    for i in range(3):
        direct = ContractFactory(owner=manager, number=f"CLM-2097-{i:04d}")
        contract_share(contract=direct, by=manager, user=owner, permission="view")
        via_group = ContractFactory(owner=manager, number=f"CLM-2096-{i:04d}")
        contract_share(contract=via_group, by=manager, group=team, permission="change")
    both = ContractFactory(owner=owner, number="CLM-2095-0001")
    contract_share(contract=both, by=owner, group=team, permission="view")
    contract_share(contract=both, by=manager, user=owner, permission="change")
    ContractFactory(owner=manager, number="CLM-2094-0001")  # nobody shared this one
    return world


@pytest.mark.parametrize("role", [r for r in ROLES if r != "anonymous"])
def test_page_count_and_id_set_agree_for_every_role(crowded, role):
    user = crowded.users[role]
    visible = set(contracts_visible_to(user).values_list("pk", flat=True))
    assert set(contracts_visible_to_for_counting(user).values_list("pk", flat=True)) == visible
    assert contracts_visible_to_for_counting(user).count() == len(visible)
    assert set(contract_ids_visible_to(user).values_list("pk", flat=True)) == visible
    assert contract_ids_visible_to(user).count() == len(visible)


def test_the_api_total_counts_each_visible_contract_once(crowded):
    client = crowded.client("owner")
    everything = client.get("/api/v1/contracts/", {"page_size": 200}).data
    assert everything["count"] == len(everything["results"]) == 1 + 3 + 3 + 3 + 1
    drafts = client.get("/api/v1/contracts/", {"page_size": 200, "status": "draft"}).data
    assert drafts["count"] == len(drafts["results"])
