"""Labels followed by a value read with a full-width colon in Chinese (负责人：李晓敏) and a colon and a space in
English (Owner: ...); a template comment never reaches the page."""

from datetime import date

import pytest
from django.conf import settings
from django.urls import reverse

from contracts.services.sharing import contract_share
from tests.factories import ObligationFactory

pytestmark = pytest.mark.django_db

ZH, EN = "zh-hans", "en"


def page(client, language, url, **params) -> str:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


@pytest.fixture
def li(people):
    owner = people["owner"]
    owner.first_name, owner.last_name = "晓敏", "李"
    owner.save()
    return owner


def test_the_contract_header_names_the_owner_after_a_full_width_colon_in_chinese(client, li, contract):
    client.force_login(li)
    url = reverse("contracts:detail", args=[contract.pk])

    assert '<span class="nowrap">负责人：李晓敏</span>' in page(client, ZH, url)  # 负责人 never splits on a phone
    assert "Owner: 李晓敏" in page(client, EN, url)


def test_the_history_tab_gives_each_changed_field_as_a_label_beside_its_values_without_a_colon(client, li, contract):
    client.force_login(li)
    client.post(reverse("contracts:action", args=[contract.pk, "start_negotiation"]))
    url = reverse("contracts:detail", args=[contract.pk])

    zh = page(client, ZH, url, tab="history")
    assert "<dt>状态</dt>" in zh and "状态:" not in zh
    assert "<dt>Status</dt>" in page(client, EN, url, tab="history")


def test_the_sharing_dialog_names_a_group_after_a_full_width_colon_in_chinese(client, li, contract):
    contract_share(contract=contract, by=li, group="legal", permission="view")
    client.force_login(li)
    url = reverse("contracts:share", args=[contract.pk])

    zh = page(client, ZH, url)
    assert "用户组：法务" in zh
    assert "Group: " in page(client, EN, url)


def test_the_register_shows_no_template_comment(client, li, contract):
    client.force_login(li)

    html = page(client, ZH, reverse("contracts:list"))

    assert "{#" not in html and "#}" not in html


def test_an_obligation_without_its_own_owner_names_the_contract_owner_in_full_width_brackets(client, li, contract):
    obligation = ObligationFactory(contract=contract, title="检查交接", due_date=date(2026, 12, 1), owner=None)
    client.force_login(li)
    url = reverse("obligations:detail", args=[obligation.pk])

    zh = page(client, ZH, url)
    assert '李晓敏<span class="muted">（合同负责人）</span>' in zh
    assert '李晓敏 <span class="muted">(contract owner)</span>' in page(client, EN, url)
    assert 'class="nowrap">2026-12-01<' in zh  # the history's due date does not break at its hyphens
