"""The contract register: search (Chinese included), filters, sorting, pagination and exports, all within access."""

import csv
import io
from datetime import date

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook

from contracts import search
from contracts.models import ClauseTemplate, Contract
from contracts.search import RegisterQuery, contract_register, register_page
from contracts.services.terms import contract_update
from tests.factories import ClauseFactory, ContractFactory, VendorFactory

pytestmark = pytest.mark.django_db


def numbers(response) -> list[str]:
    return [c.number for c in response.context["contracts"]]


@pytest.fixture
def register(people):
    owner = people["owner"]
    a = ContractFactory(number="CLM-2026-0101", title="呼叫中心软件采购合同", owner=owner, status="active")
    b = ContractFactory(
        number="CLM-2026-0102",
        title="在线客服外包",
        owner=owner,
        vendor=VendorFactory(name="杭州智聊科技有限公司"),
        end_date=date(2026, 3, 1),
    )
    c = ContractFactory(number="CLM-2026-0103", title="Email support outsourcing", owner=owner)
    ClauseFactory(contract=c, text="乙方应在合同终止后七个工作日内完成数据交接并删除副本。")
    hidden = ContractFactory(number="CLM-2026-0199", title="呼叫中心软件采购合同（他人）", owner=people["other_staff"])
    return {"a": a, "b": b, "c": c, "hidden": hidden}


def test_search_finds_chinese_words_in_title(client, people, register):
    client.force_login(people["owner"])

    response = client.get(reverse("contracts:list"), {"q": "呼叫中心"})

    assert numbers(response) == ["CLM-2026-0101"]


def test_search_finds_vendor_name_and_clause_text(client, people, register):
    client.force_login(people["owner"])

    assert numbers(client.get(reverse("contracts:list"), {"q": "智聊"})) == ["CLM-2026-0102"]
    assert numbers(client.get(reverse("contracts:list"), {"q": "数据交接"})) == ["CLM-2026-0103"]
    assert numbers(client.get(reverse("contracts:list"), {"q": "0103"})) == ["CLM-2026-0103"]


def test_search_never_shows_another_staff_members_contract(client, people, register):
    client.force_login(people["owner"])

    response = client.get(reverse("contracts:list"), {"q": "他人"})

    assert numbers(response) == []
    assert "CLM-2026-0199" not in response.content.decode()


def test_manager_finds_every_contract(client, people, register):
    client.force_login(people["manager"])

    response = client.get(reverse("contracts:list"), {"q": "呼叫中心", "sort": "number"})

    assert numbers(response) == ["CLM-2026-0101", "CLM-2026-0199"]


def test_filters_by_status_and_sorts_by_column(client, people, register):
    client.force_login(people["owner"])

    assert numbers(client.get(reverse("contracts:list"), {"status": "active"})) == ["CLM-2026-0101"]
    assert numbers(client.get(reverse("contracts:list"), {"sort": "-number"})) == [
        "CLM-2026-0103",
        "CLM-2026-0102",
        "CLM-2026-0101",
    ]


def test_expiring_filter_lists_running_contracts_ending_soon(client, people, register):
    services_today = date(2026, 12, 1)
    register["a"].end_date = date(2026, 12, 20)
    register["a"].save()

    found = contract_register(people["owner"], RegisterQuery(expiring_within_days=30), today=services_today)

    assert [c.number for c in found] == ["CLM-2026-0101"]


def test_an_unknown_sort_or_bad_filter_does_not_break_the_page(client, people, register):
    client.force_login(people["owner"])

    response = client.get(reverse("contracts:list"), {"sort": "password", "expiring": "soon", "vendor": "x"})

    assert response.status_code == 200
    assert len(numbers(response)) == 3


def test_register_paginates_with_a_constant_number_of_queries(client, people, django_assert_max_num_queries):
    owner = people["owner"]
    for _ in range(30):
        ContractFactory(owner=owner)
    client.force_login(owner)

    with django_assert_max_num_queries(12):
        first = client.get(reverse("contracts:list"))
    second = client.get(reverse("contracts:list"), {"page": 2})

    assert len(first.context["contracts"]) == 25
    assert len(second.context["contracts"]) == 5


def test_csv_export_holds_the_filtered_list_in_utf8(client, people, register):
    client.force_login(people["owner"])

    response = client.get(reverse("contracts:export", args=["csv"]), {"q": "呼叫中心"})

    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    assert len(rows) == 2
    assert rows[1][0] == "CLM-2026-0101"
    assert rows[1][1] == "呼叫中心软件采购合同"


def test_xlsx_export_holds_the_visible_contracts_only(client, people, register):
    client.force_login(people["owner"])

    response = client.get(reverse("contracts:export", args=["xlsx"]))

    sheet = load_workbook(io.BytesIO(response.content)).active
    exported = sorted(row[0] for row in sheet.iter_rows(min_row=2, values_only=True))
    assert exported == ["CLM-2026-0101", "CLM-2026-0102", "CLM-2026-0103"]


def test_new_contract_from_the_clause_library_gets_one_clause_per_template(client, people, vendor):
    templates = list(ClauseTemplate.objects.filter(is_active=True)[:3])
    client.force_login(people["owner"])
    data = {
        "title": "新客服外包合同",
        "vendor": vendor.pk,
        "category": "cs_outsourcing",
        "effective_date": "2026-02-01",
        "initial_term_months": 12,
        "renewal_term_months": 12,
        "non_renewal_notice_days": 30,
        "renewal_review_lead_days": 90,
        "termination_notice_days": 30,
        "trial_period_months": 0,
        "price_change_notice_days": 90,
        "fee_model": "per_seat",
        "currency": "CNY",
        "payment_cycle": "monthly",
        "data_handover_business_days": 7,
        "confidentiality_years_after_end": 3,
        "sla_credit_cap_pct": "15",
        "sla_exit_consecutive_misses": 3,
        "sla_exit_decision_days": 30,
        "clause_language": "zh-hans",
        "clause_templates": [t.pk for t in templates],
        "sla-TOTAL_FORMS": 1,
        "sla-INITIAL_FORMS": 0,
        "sla-0-metric": "接通率",
        "sla-0-kind": "answer_rate",
        "sla-0-comparator": ">=",
        "sla-0-target": "95",
        "sla-0-unit": "%",
        "fee-TOTAL_FORMS": 1,
        "fee-INITIAL_FORMS": 0,
        "fee-0-quantity": "1",
    }

    response = client.post(reverse("contracts:create"), data)

    assert response.status_code == 302
    contract = people["owner"].owned_contracts.get(title="新客服外包合同")
    assert [c.title for c in contract.clauses.order_by("order")] == [t.title_zh for t in templates]
    assert contract.sla_targets.get().metric == "接通率"
    assert contract.end_date == date(2027, 1, 31)


def test_create_form_shows_errors_next_to_the_fields(client, people, vendor):
    client.force_login(people["owner"])
    data = {
        "title": "",
        "vendor": vendor.pk,
        "effective_date": "2026-02-01",
        "end_date": "2026-01-01",
        "price_increase_cap_pct": "150",
        "sla-TOTAL_FORMS": 0,
        "sla-INITIAL_FORMS": 0,
        "fee-TOTAL_FORMS": 0,
        "fee-INITIAL_FORMS": 0,
    }

    response = client.post(reverse("contracts:create"), data)

    assert response.status_code == 200
    form = response.context["form"]
    assert "title" in form.errors
    assert "price_increase_cap_pct" in form.errors
    assert 'id="id_title_error"' in response.content.decode()


def test_version_conflict_keeps_the_users_input_and_says_why(client, people, contract):
    client.force_login(people["owner"])
    page = client.get(reverse("contracts:edit", args=[contract.pk]))
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data.update(
        {
            "vendor": contract.vendor_id,
            "owner": contract.owner_id,
            "title": "我的标题修改",
            "effective_date": "2026-01-01",
            "version": contract.version,
            "sla-TOTAL_FORMS": 0,
            "sla-INITIAL_FORMS": 0,
            "fee-TOTAL_FORMS": 0,
            "fee-INITIAL_FORMS": 0,
        }
    )
    data.pop("end_date", None)
    contract_update(contract=contract, by=people["manager"], version=contract.version, title="经理先保存")

    response = client.post(reverse("contracts:edit", args=[contract.pk]), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved this contract" in html
    assert 'value="我的标题修改"' in html
    contract.refresh_from_db()
    assert contract.title == "经理先保存"


@pytest.mark.parametrize("version", ["", None], ids=["blank", "removed"])
def test_an_edit_without_its_version_is_a_conflict_and_overwrites_nothing(client, people, contract, version):
    client.force_login(people["owner"])
    page = client.get(reverse("contracts:edit", args=[contract.pk]))
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data.update(
        {
            "vendor": contract.vendor_id,
            "owner": contract.owner_id,
            "title": "我的标题修改",
            "effective_date": "2026-01-01",
            "sla-TOTAL_FORMS": 0,
            "sla-INITIAL_FORMS": 0,
            "fee-TOTAL_FORMS": 0,
            "fee-INITIAL_FORMS": 0,
        }
    )
    data.pop("end_date", None)
    data.pop("version", None)
    if version is not None:
        data["version"] = version
    contract_update(contract=contract, by=people["manager"], version=contract.version, title="经理先保存")

    response = client.post(reverse("contracts:edit", args=[contract.pk]), data)

    assert response.status_code == 200
    html = response.content.decode()
    assert "Someone else saved this contract" in html
    assert 'value="我的标题修改"' in html
    contract.refresh_from_db()
    assert (contract.title, contract.version) == ("经理先保存", 2)
    assert (contract.sla_targets.count(), contract.fee_items.count()) == (1, 1)


def test_manager_filters_the_register_by_owner_and_vendor(client, people, register):
    client.force_login(people["manager"])

    by_owner = client.get(reverse("contracts:list"), {"owner": "buyer2"})
    by_vendor = client.get(reverse("contracts:list"), {"vendor": register["b"].vendor_id})

    assert numbers(by_owner) == ["CLM-2026-0199"]
    assert numbers(by_vendor) == ["CLM-2026-0102"]


def test_a_page_number_past_the_end_shows_the_last_page(client, people, register):
    client.force_login(people["owner"])

    response = client.get(reverse("contracts:list"), {"page": 99})

    assert response.status_code == 200
    assert response.context["page_obj"].number == 1
    assert len(numbers(response)) == 3


def test_latin_search_ignores_letter_case(client, people, register):
    client.force_login(people["owner"])

    assert numbers(client.get(reverse("contracts:list"), {"q": "EMAIL SUPPORT"})) == ["CLM-2026-0103"]


def test_register_page_and_total_cost_two_queries_with_or_without_search_and_one_when_none_match(people, register):
    today = date(2026, 1, 1)
    owner = people["owner"]
    contract_register(owner, RegisterQuery(), today=today)  # loads the owner's role permissions, as a request does

    with CaptureQueriesContext(connection) as found:
        page = register_page(owner, RegisterQuery(q="呼叫"), 1, 25, today=today)
        found_rows = [c.number for c in page]
    with CaptureQueriesContext(connection) as nothing:
        empty = register_page(owner, RegisterQuery(q="无此词"), 1, 25, today=today)
        assert list(empty) == []
    with CaptureQueriesContext(connection) as listed:
        everything = register_page(owner, RegisterQuery(), 1, 25, today=today)
        listed_rows = [c.number for c in everything]
    with CaptureQueriesContext(connection) as filtered:
        active = register_page(owner, RegisterQuery(status="active"), 1, 25, today=today)
        active_rows = [c.number for c in active]

    assert (found_rows, page.paginator.count, len(found.captured_queries)) == (["CLM-2026-0101"], 1, 2)
    assert (empty.paginator.count, len(nothing.captured_queries)) == (0, 1)
    assert listed_rows == ["CLM-2026-0103", "CLM-2026-0102", "CLM-2026-0101"]
    assert (everything.paginator.count, len(listed.captured_queries)) == (3, 2)
    assert (active_rows, active.paginator.count, len(filtered.captured_queries)) == (
        ["CLM-2026-0101"],
        1,
        2,
    )


@pytest.fixture
def many_matches(people, monkeypatch):
    """Five contracts of the owner's that mention 外呼, and a search that stops counting at three."""
    monkeypatch.setattr(search, "SEARCH_COUNT_CAP", 3)
    owner = people["owner"]
    for n, (title, ends) in enumerate(zip("乙丁甲戊丙", [9, 7, 11, 8, 10], strict=True), start=1):
        ContractFactory(
            number=f"CLM-2026-03{n:02d}", title=f"外呼服务合同{title}", owner=owner, end_date=date(2026, ends, 30)
        )
    ContractFactory(number="CLM-2026-0399", title="外呼服务合同（他人）", owner=people["other_staff"])


def test_a_search_with_more_matches_than_the_cap_says_so_and_pages_through_the_first_ones(client, people, many_matches):
    client.force_login(people["owner"])

    first = client.get(reverse("contracts:list"), {"q": "外呼", "sort": "number"})
    second = client.get(reverse("contracts:list"), {"q": "外呼", "sort": "number", "page": 2})

    page = first.context["page_obj"]
    assert (page.paginator.capped, page.paginator.count) == (True, 3)
    assert numbers(first) == ["CLM-2026-0301", "CLM-2026-0302", "CLM-2026-0303"]
    assert "More than 3 contracts match" in first.content.decode()
    assert numbers(second) == ["CLM-2026-0301", "CLM-2026-0302", "CLM-2026-0303"]  # past the cap: the last page


def test_a_capped_search_keeps_the_users_sort_order_and_access(people, many_matches):
    owner = people["owner"]
    today = date(2026, 1, 1)

    by_title = register_page(owner, RegisterQuery(q="外呼", sort="-title"), 1, 2, today=today)
    newest = register_page(owner, RegisterQuery(q="外呼"), 1, 25, today=today)
    ending_last = register_page(owner, RegisterQuery(q="外呼", status="draft", sort="-end_date"), 1, 25, today=today)

    assert [c.title for c in by_title] == ["外呼服务合同甲", "外呼服务合同戊"]
    assert by_title.paginator.capped and by_title.paginator.num_pages == 2
    assert [c.number for c in newest] == ["CLM-2026-0305", "CLM-2026-0304", "CLM-2026-0303"]
    assert "CLM-2026-0399" not in {c.number for c in newest}
    assert [c.number for c in ending_last] == ["CLM-2026-0303", "CLM-2026-0305", "CLM-2026-0301"]


def test_a_search_within_the_cap_counts_exactly_and_sorts_by_any_column(people, many_matches):
    owner = people["owner"]
    today = date(2026, 1, 1)
    Contract.objects.filter(number__in=["CLM-2026-0301", "CLM-2026-0303"]).update(status="active")

    active = register_page(owner, RegisterQuery(q="外呼", status="active", sort="-title"), 1, 25, today=today)
    one = register_page(owner, RegisterQuery(q="外呼服务合同丙"), 1, 25, today=today)

    assert (active.paginator.capped, active.paginator.count) == (False, 2)
    assert [c.number for c in active] == ["CLM-2026-0303", "CLM-2026-0301"]
    assert (one.paginator.capped, one.paginator.count, [c.number for c in one]) == (False, 1, ["CLM-2026-0305"])
