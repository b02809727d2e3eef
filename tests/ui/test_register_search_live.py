"""The register's live search hears Chinese typed through an input method, and finds clause categories by name."""

import re

import pytest

from contracts.models import Clause
from contracts.search import RegisterQuery, contract_register
from contracts.services.clauses import clause_update
from tests.factories import ClauseFactory, ContractFactory

pytestmark = pytest.mark.django_db


def test_the_search_box_searches_on_input_and_when_a_composition_ends(client, people):
    client.force_login(people["owner"])
    page = client.get("/contracts/").content.decode()
    trigger = re.search(r'hx-trigger="([^"]*)"', page).group(1)
    assert "keyup" not in trigger
    assert "input[!isComposing] changed delay:300ms from:#id_q" in trigger
    assert "compositionend" in trigger


@pytest.fixture
def contracts(people):
    owner = people["owner"]
    sla = ContractFactory(owner=owner, title="甲合同")
    ClauseFactory(contract=sla, category="sla", title="考核", text="接通率不低于95%。")
    handover = ContractFactory(owner=owner, title="乙合同")
    ClauseFactory(contract=handover, category="data_handover", title="期满", text="乙方在30日内交还全部资料。")
    return {"sla": sla, "handover": handover}


@pytest.mark.parametrize(
    "typed, found",
    [
        ("SLA", "sla"),
        ("服务水平", "sla"),
        ("service levels", "sla"),
        ("数据交接", "handover"),
        ("Data handover", "handover"),
    ],
)
def test_a_clause_category_label_finds_the_contracts_with_such_clauses(client, people, contracts, typed, found):
    client.force_login(people["owner"])
    response = client.get("/contracts/", {"q": typed})
    assert [c.pk for c in response.context["contracts"]] == [contracts[found].pk]


def test_a_clause_moved_to_another_category_is_found_by_the_new_one(people, contracts):
    clause = Clause.objects.get(contract=contracts["sla"])
    clause_update(clause=clause, by=people["owner"], version=clause.version, category="data_handover")

    def found(text):
        return sorted(c.pk for c in contract_register(people["owner"], RegisterQuery(q=text), today=None))

    assert found("服务水平") == []
    assert found("数据交接") == sorted([contracts["sla"].pk, contracts["handover"].pk])
