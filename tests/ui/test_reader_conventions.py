"""What a Chinese (and an English) reader sees on the pages: names in Chinese order, amounts with separators and the
currency as people write it, percentages without needless decimals, prose dates, lists joined with 、, translated
role names, and the obligations calendar with its public holidays and make-up working days."""

import csv
import io
from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.contrib.auth.models import Group
from django.urls import reverse

from accounts.models import Role
from contracts.models import Contract
from contracts.services.sharing import contract_share
from contracts.services.terms import contract_update
from obligations.actions import obligation_complete
from tests.factories import ObligationFactory, UserFactory

pytestmark = pytest.mark.django_db

ZH, EN = "zh-hans", "en"


def read_in(client, language: str) -> None:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language


@pytest.fixture
def li(people):
    """The contract owner has a Chinese name: family name 李, given name 晓敏."""
    owner = people["owner"]
    owner.first_name, owner.last_name = "晓敏", "李"
    owner.save()
    return owner


def page(client, url, **params) -> str:
    response = client.get(url, params)
    assert response.status_code == 200
    return response.content.decode()


# Names -----------------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", [ZH, EN])
def test_a_chinese_name_reads_family_name_first_without_a_space_on_every_page(client, li, contract, language):
    contract_update(contract=contract, by=li, version=contract.version, title="客服外包服务合同（修订）")
    ObligationFactory(contract=contract, title="检查交接", due_date=date(2026, 12, 1))
    read_in(client, language)
    client.force_login(li)

    pages = {
        "dashboard and layout": page(client, reverse("dashboard")),
        "register": page(client, reverse("contracts:list")),
        "contract": page(client, reverse("contracts:detail", args=[contract.pk])),
        "history": page(client, reverse("contracts:detail", args=[contract.pk]), tab="history"),
        "obligations": page(client, reverse("obligations:list"), status="all"),
        "vendor": page(client, reverse("vendors:detail", args=[contract.vendor_id])),
    }

    for where, html in pages.items():
        assert "李晓敏" in html, where
        assert "晓敏 李" not in html, where


def test_an_obligation_names_who_closed_it_in_chinese_order(client, li, people, contract):
    manager = people["manager"]
    manager.first_name, manager.last_name = "伟", "王"
    manager.save()
    obligation = ObligationFactory(contract=contract, title="检查交接", due_date=date(2026, 12, 1))
    obligation_complete(obligation=obligation, by=manager, note="已处理")
    client.force_login(li)

    html = page(client, reverse("obligations:detail", args=[obligation.pk]))

    assert html.count("王伟") >= 2  # closed by, and the history row
    assert "伟 王" not in html


def test_an_english_name_keeps_given_name_first(client, people, contract):
    owner = people["owner"]
    owner.first_name, owner.last_name = "Grace", "Chen"
    owner.save()
    client.force_login(owner)

    html = page(client, reverse("contracts:detail", args=[contract.pk]))

    assert "Grace Chen" in html


def test_the_sharing_dialog_names_people_and_roles_as_people_read_them(client, li, people, contract):
    shared = people["shared"]
    shared.first_name, shared.last_name = "伟", "王"
    shared.save()
    contract_share(contract=contract, by=li, group="procurement_manager", permission="view")
    read_in(client, ZH)
    client.force_login(li)

    html = page(client, reverse("contracts:share", args=[contract.pk]))

    assert "王伟（buyer_shared）" in html
    assert "采购经理" in html  # the group shared with, and the choice in the group picker
    assert "procurement_manager<" not in html and ">procurement_manager" not in html
    assert '<option value="legal">法务</option>' in html


def test_the_register_csv_names_the_owner_and_writes_amounts_with_separators(client, li, contract):
    contract_update(contract=contract, by=li, version=contract.version, contract_value=Decimal("1560000"))
    client.force_login(li)

    response = client.get(reverse("contracts:export", kwargs={"fmt": "csv"}))
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))

    [row] = rows[1:]
    assert "李晓敏" in row
    assert "1,560,000.00" in row


# Money and percentages ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("language", "value", "unit_price", "cap"),
    [(ZH, "¥1,560,000.00", "¥6,500.00", "3%"), (EN, "CNY 1,560,000.00", "CNY 6,500.00", "3%")],
)
def test_the_terms_show_money_as_the_reader_writes_it(client, people, contract, language, value, unit_price, cap):
    contract_update(
        contract=contract,
        by=people["owner"],
        version=contract.version,
        contract_value=Decimal("1560000"),
        price_increase_cap_pct=Decimal("3.00"),
    )
    read_in(client, language)
    client.force_login(people["owner"])

    html = page(client, reverse("contracts:detail", args=[contract.pk]), tab="terms")

    assert value in html
    assert unit_price in html  # the fee row's unit price
    assert f"{unit_price[:-8]}130,000.00" in html  # the fee row's amount: 20 seats at 6,500
    assert cap in html and "3.00%" not in html


def test_a_non_compliant_price_change_says_its_reasons_in_a_chinese_list_without_needless_decimals(
    client, people, contract
):
    contract_update(
        contract=contract, by=people["owner"], version=contract.version, price_increase_cap_pct=Decimal("3")
    )
    Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.ACTIVE)
    read_in(client, ZH)
    client.force_login(people["owner"])

    response = client.post(
        reverse("contracts:price_change_notice", args=[contract.pk]),
        {"received_on": "2026-03-01", "effective_on": "2026-03-10", "increase_pct": "8"},
        follow=True,
    )
    terms = page(client, reverse("contracts:detail", args=[contract.pk]), tab="terms")

    [flash] = [str(m) for m in response.context["messages"]]
    notice_line = terms.split('id="t-pcn"', 1)[1].split("</li>", 1)[0]
    for text in (flash, notice_line):
        assert "8%" in text and "3%" in text
        assert "8.00%" not in text and "3.00%" not in text
        assert "; " not in text
        assert "；" in text  # the two reasons, each a clause: the notice is too short; the increase is over the cap


# Dates and the calendar ------------------------------------------------------------------------------------------


def test_the_dashboard_greets_with_a_prose_date_in_chinese(client, li):
    read_in(client, ZH)
    client.force_login(li)

    html = page(client, reverse("dashboard"))

    assert "李晓敏" in html
    assert "年" in html.split('class="subtitle">', 1)[1].split("</p>", 1)[0]


@pytest.mark.parametrize(("language", "heading"), [(ZH, "2026年10月"), (EN, "October 2026")])
def test_the_calendar_heading_reads_year_then_month_in_chinese(client, people, language, heading):
    read_in(client, language)
    client.force_login(people["owner"])

    html = page(client, reverse("obligations:calendar"), month="2026-10")

    assert f">{heading}<" in html
    assert "十月 2026" not in html


def test_the_calendar_marks_public_holidays_and_make_up_working_days_with_a_legend(client, people):
    client.force_login(people["owner"])

    response = client.get(reverse("obligations:calendar"), {"month": "2026-10"})
    html = response.content.decode()

    days = {day: mark for week in response.context["weeks"] for day, _items, mark in week}
    assert days[date(2026, 10, 1)] == "holiday"  # National Day
    assert days[date(2026, 10, 4)] == "holiday"  # a Sunday inside the National Day holiday
    assert days[date(2026, 10, 10)] == "make_up_workday"  # a Saturday worked (调休上班)
    assert days[date(2026, 10, 17)] is None  # an ordinary Saturday
    assert days[date(2026, 10, 12)] is None  # an ordinary Monday
    assert html.count('class=" holiday"') + html.count('class="holiday"') >= 7
    assert "make_up_workday" in html
    assert 'class="calendar-legend"' in html
    assert "Public holiday" in html and "Make-up working day" in html


# Lists and roles ---------------------------------------------------------------------------------------------------


def test_the_settings_page_names_the_users_role_in_chinese(client, people):
    read_in(client, ZH)
    client.force_login(people["owner"])

    html = page(client, reverse("accounts:settings"))

    assert "采购专员" in html
    assert "procurement_staff" not in html


def test_the_admin_user_list_shows_translated_role_names(client):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    user = UserFactory(username="two_roles", role=Role.PROCUREMENT_MANAGER)
    user.groups.add(Group.objects.get(name=Role.AUDITOR))
    read_in(client, ZH)
    client.force_login(admin)

    html = page(client, "/admin/accounts/user/")

    assert "采购经理、审计员" in html
    assert "procurement_manager" not in html.split('id="result_list"', 1)[1]


def test_the_admin_user_form_offers_the_roles_by_their_translated_names(client):
    admin = UserFactory(username="root", is_staff=True, is_superuser=True)
    read_in(client, ZH)
    client.force_login(admin)

    html = page(client, f"/admin/accounts/user/{admin.pk}/change/")

    assert ">采购经理</option>" in html
    assert ">procurement_manager</option>" not in html
