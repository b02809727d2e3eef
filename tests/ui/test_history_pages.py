"""The contract's History tab and the vendor page's history: who changed what, from what, to what, in the reader's
language, a page of 50 at a time."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from contracts.services.terms import contract_update
from vendors.services import certification_create, certification_update

pytestmark = pytest.mark.django_db


def page(client, language, url, **params) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def edit(contract, by, **fields):
    contract.refresh_from_db()
    return contract_update(contract=contract, by=by, version=contract.version, **fields)


def test_the_history_tab_shows_a_term_change_from_old_to_new_in_chinese_and_english(client, people, contract):
    # Given the owner (李晓敏) raised the price cap and changed the SLA target
    owner = people["owner"]
    owner.first_name, owner.last_name = "晓敏", "李"
    owner.save()
    edit(contract, owner, price_increase_cap_pct=Decimal("10"), price_change_notice_days=30)
    edit(
        contract,
        owner,
        sla_targets=[{"metric": "接通率", "comparator": ">=", "target": 90, "unit": "%", "period": "月"}],
    )
    client.force_login(people["auditor"])
    url = reverse("contracts:detail", args=[contract.pk])

    # When an auditor opens the History tab, in Chinese and in English
    zh = page(client, "zh-hans", url, tab="history")
    en = page(client, "en", url, tab="history")

    # Then each change reads as label, old value -> new value, with who made it
    assert "李晓敏" in zh and "合同信息已修改" in zh
    assert "<dt>调价通知期（天）</dt>" in zh
    assert '<span class="old"><span class="visually-hidden">from </span>90</span>' in en
    assert '<span class="new"><span class="visually-hidden">to </span>30</span>' in en
    assert "<dt>Price increase cap (%)</dt>" in en
    assert "—</span>" in en and "10%</span>" in en  # no cap before: a dash, then 10%
    assert "<dt>Target</dt>" in en and ">95</span>" in en and ">90</span>" in en
    assert "SLA target</strong> 接通率" in en


def test_the_history_tab_pages_fifty_entries_at_a_time(client, people, contract):
    owner = people["owner"]
    for i in range(50):
        edit(contract, owner, title=f"第{i}版标题")
    client.force_login(owner)
    url = reverse("contracts:detail", args=[contract.pk])

    first = page(client, "en", url, tab="history")
    second = page(client, "en", url, tab="history", page=2)

    # The 50 edits, newest first, fill the first page; what came before (the contract created, shared) is on the next
    assert first.count('class="history-entry"') == 50
    assert first.index("to </span>第49版标题") < first.index("to </span>第0版标题")
    assert 'rel="next"' in first and "buyer_shared" not in first
    assert "buyer_shared" in second and 'rel="prev"' in second and "to </span>第49版标题" not in second


def test_a_hidden_contracts_history_is_404(client, people, contract):
    client.force_login(people["other_staff"])
    response = client.get(reverse("contracts:detail", args=[contract.pk]), {"tab": "history"})
    assert response.status_code == 404


def test_the_vendor_page_shows_its_history_with_old_and_new_dates(client, people, vendor):
    manager = people["manager"]
    certification = certification_create(vendor=vendor, by=manager, kind="iso27001", expires_on=date(2027, 2, 28))
    certification_update(certification=certification, by=manager, expires_on=date(2028, 2, 29))
    client.force_login(people["other_staff"])
    url = reverse("vendors:detail", args=[vendor.pk])

    zh = page(client, "zh-hans", url)
    en = page(client, "en", url)

    assert 'id="history"' in zh
    assert ">2027年2月28日</span>" in zh and ">2028年2月29日</span>" in zh
    assert "<dt>Expires on</dt>" in en and ">February 29, 2028</span>" in en


def test_the_history_tab_costs_the_same_queries_however_long_the_history(client, people, contract):
    owner = people["owner"]
    client.force_login(owner)
    url = reverse("contracts:detail", args=[contract.pk])

    def queries_for_the_tab():
        with CaptureQueriesContext(connection) as captured:
            page(client, "en", url, tab="history")
        return len(captured.captured_queries)

    edit(contract, owner, title="第1版标题", sla_targets=[])
    shorter = queries_for_the_tab()
    for i in range(2, 12):
        edit(contract, owner, title=f"第{i}版标题", notes=f"备注{i}", price_change_notice_days=30 + i)

    assert queries_for_the_tab() == shorter
