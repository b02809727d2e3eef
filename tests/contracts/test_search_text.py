"""The register finds a contract by what it says now: every service that changes a searched field keeps the text."""

from datetime import date

import pytest
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection

from accounts.models import Role, User
from contracts.lifecycle.actions import contract_renew
from contracts.models import Clause, ClauseRevision, ClauseTemplate, Contract, ContractSearchText
from contracts.search import RegisterQuery, contract_register, search_document, search_needle
from contracts.services.clauses import clause_add_revision, clause_create
from contracts.services.terms import contract_create, contract_update
from rules.credit_code import credit_code_check_char
from tests.factories import ContractFactory
from vendors.services import vendor_create, vendor_update

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer():
    user = User.objects.create_user("searcher", password="pw-for-tests-2026")
    user.groups.add(Group.objects.get(name=Role.PROCUREMENT_STAFF))
    return User.objects.get(pk=user.pk)


@pytest.fixture
def vendor(buyer):
    body = "91310000123456789"
    code = body + credit_code_check_char(body)
    return vendor_create(by=buyer, name="上海云呼客服外包有限公司", short_name="云呼客服", credit_code=code)


@pytest.fixture
def contract(buyer, vendor):
    return contract_create(
        by=buyer,
        title="Call centre outsourcing agreement",
        vendor=vendor,
        category=Contract.Category.CS_OUTSOURCING,
        effective_date=date(2026, 1, 1),
        initial_term_months=12,
        clause_templates=list(ClauseTemplate.objects.filter(category="data_handover")[:1]),
    )


def found(user, words: str) -> list[str]:
    return [c.number for c in contract_register(user, RegisterQuery(q=words), today=date(2026, 1, 1))]


def test_a_new_contract_is_found_by_number_title_vendor_names_and_clause_text(buyer, contract):
    clause_words = contract.clauses.get().text[:6]

    for words in (contract.number[-4:], "OUTSOURCING agreement", "云呼客服外包", "云呼客服", clause_words):
        assert found(buyer, words) == [contract.number], words


def test_the_stored_text_is_what_the_contract_says(contract):
    clause = contract.clauses.get()

    assert ContractSearchText.objects.get(contract=contract).text == search_document(
        number=contract.number,
        title=contract.title,
        vendor_name="上海云呼客服外包有限公司",
        vendor_short_name="云呼客服",
        clause_texts=[clause.text],
        clause_categories=[clause.category],
    )


def test_a_new_title_is_found_and_the_old_one_no_longer(buyer, contract):
    contract_update(contract=contract, by=buyer, version=contract.version, title="客服热线外包合同")

    assert found(buyer, "热线外包") == [contract.number]
    assert found(buyer, "call centre") == []


def test_a_new_revision_replaces_the_clause_text_that_is_searched(buyer, contract):
    clause = contract.clauses.get()
    old_words = clause.text[:6]

    clause_add_revision(
        clause=clause, by=buyer, text="乙方应在十个工作日内移交全部录音。", side=ClauseRevision.Side.VENDOR
    )

    assert found(buyer, "移交全部录音") == [contract.number]
    assert found(buyer, old_words) == []


def test_an_added_clause_is_searchable(buyer, contract):
    clause_create(contract=contract, by=buyer, category="other", title="培训", text="乙方每季度组织一次坐席培训。")

    assert found(buyer, "坐席培训") == [contract.number]


def test_renaming_the_vendor_renames_it_in_the_search(buyer, contract, vendor):
    vendor_update(vendor=vendor, by=buyer, name="杭州智聊科技有限公司", short_name="智聊")

    assert found(buyer, "智聊科技") == [contract.number]
    assert found(buyer, "云呼") == []


def test_a_successor_is_found_by_the_clauses_it_carries_over(buyer, contract):
    clause = contract.clauses.get()
    Clause.objects.filter(pk=clause.pk).update(status=Clause.Status.AGREED)
    Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.ACTIVE, end_date=date(2026, 12, 31))
    contract.refresh_from_db()

    successor = contract_renew(contract=contract, by=buyer, successor=True)

    assert found(buyer, clause.text[:6]) == [successor.number, contract.number]


def test_search_words_are_trimmed_lower_cased_and_runs_of_spaces_collapse():
    assert search_needle("  Call   CENTRE\t") == "call centre"
    assert search_needle("数据交接") == "数据交接"


def test_a_match_never_spans_two_fields(buyer, contract):
    last_title_word, first_vendor_word = "agreement", "上海"

    assert found(buyer, f"{last_title_word}{first_vendor_word}") == []
    assert found(buyer, f"{last_title_word} {first_vendor_word}") == []


def test_the_rebuild_command_makes_a_bulk_loaded_contract_searchable(buyer, contract):
    Clause.objects.filter(contract=contract).update(text="导入的条款：乙方承担质检费用。")
    assert found(buyer, "质检费用") == []

    call_command("rebuild_search_text")

    assert found(buyer, "质检费用") == [contract.number]


def test_the_rebuild_command_refuses_an_unknown_contract_number():
    with pytest.raises(CommandError):
        call_command("rebuild_search_text", contract="CLM-1999-9999")


@pytest.mark.postgres
def test_a_rare_word_is_looked_up_in_the_trigram_index_not_by_reading_every_search_text():
    """The register's substring search can use pg_trgm's index; the plan names it once the table has rows."""
    ContractFactory.create_batch(3, title="呼叫中心外包合同")
    with connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(
            "EXPLAIN SELECT contract_id FROM contracts_contractsearchtext WHERE text LIKE %s", ["%第三方审计%"]
        )
        plan = "\n".join(row[0] for row in cursor.fetchall())

    assert "contracts_search_text_trgm" in plan
