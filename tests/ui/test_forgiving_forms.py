"""Forms that forgive how people type (pasted codes with spaces, full-width digits, dates written the Chinese way),
and duplicate values answered by naming, and linking to, the record that already has them."""

from datetime import date
from decimal import Decimal

import pytest
from django.conf import settings
from django.urls import reverse

from contracts.models import Contract
from obligations.models import Obligation
from tests.factories import ContractFactory, VendorFactory, make_credit_code
from vendors.models import Vendor

pytestmark = pytest.mark.django_db


def full_width(text: str) -> str:
    """The text as a Chinese input method in full-width mode types it: ０-９, Ａ-Ｚ."""
    return "".join(chr(ord(ch) + 0xFEE0) if "!" <= ch <= "~" else ch for ch in text)


def vendor_form(**fields) -> dict:
    return {
        "name": "深圳新客服有限公司",
        "status": "active",
        "contacts-TOTAL_FORMS": 0,
        "contacts-INITIAL_FORMS": 0,
        "certs-TOTAL_FORMS": 0,
        "certs-INITIAL_FORMS": 0,
        **fields,
    }


def edit_form(client, contract, **fields) -> dict:
    page = client.get(reverse("contracts:edit", args=[contract.pk]))
    data = {k: v for k, v in page.context["form"].initial.items() if v is not None}
    data.update(
        {
            "vendor": contract.vendor_id,
            "owner": contract.owner_id,
            "version": contract.version,
            "sla-TOTAL_FORMS": 0,
            "sla-INITIAL_FORMS": 0,
            "fee-TOTAL_FORMS": 0,
            "fee-INITIAL_FORMS": 0,
            **fields,
        }
    )
    data.pop("end_date", None)
    return data


# Forgiving input -------------------------------------------------------------------------------------------------


def test_a_credit_code_pasted_with_spaces_and_full_width_characters_saves(client, people):
    code = make_credit_code(4242)
    pasted = f" {full_width(code[:8].lower())} {code[8:12]}　{code[12:]} "
    client.force_login(people["owner"])

    response = client.post(reverse("vendors:create"), vendor_form(credit_code=pasted, name=" 深圳新客服有限公司 "))

    assert response.status_code == 302
    vendor = Vendor.objects.get(credit_code=code)
    assert vendor.name == "深圳新客服有限公司"


def test_a_certificate_expiry_typed_the_chinese_way_saves(client, people, vendor):
    client.force_login(people["manager"])
    form = vendor_form(
        name=vendor.name,
        credit_code=vendor.credit_code,
        **{
            "certs-TOTAL_FORMS": 1,
            "certs-0-kind": "iso27001",
            "certs-0-number": " ISMS-2027 ",
            "certs-0-expires_on": "２０２７年３月３１日",
        },
    )

    response = client.post(reverse("vendors:edit", args=[vendor.pk]), form)

    assert response.status_code == 302
    certification = vendor.certifications.get()
    assert (certification.number, certification.expires_on) == ("ISMS-2027", date(2027, 3, 31))


def test_contract_terms_accept_full_width_numbers_dates_and_a_pasted_number(client, people, contract):
    client.force_login(people["owner"])
    data = edit_form(
        client,
        contract,
        number=" clm-2026-0777 ",
        effective_date="２０２６/２/１",
        initial_term_months="１２",
        contract_value="１，５６０，０００．００元",
        price_increase_cap_pct="３％",
        **{
            "fee-TOTAL_FORMS": 1,
            "fee-0-kind": "坐席服务费",
            "fee-0-unit_price": "￥６，５００",
            "fee-0-quantity": "２０",
            "sla-TOTAL_FORMS": 1,
            "sla-0-metric": "接通率",
            "sla-0-kind": "answer_rate",
            "sla-0-comparator": ">=",
            "sla-0-target": "９５．５",
            "sla-0-unit": "%",
        },
    )

    response = client.post(reverse("contracts:edit", args=[contract.pk]), data)

    assert response.status_code == 302, response.context["form"].errors
    contract.refresh_from_db()
    assert contract.number == "CLM-2026-0777"
    assert contract.effective_date == date(2026, 2, 1)
    assert contract.initial_term_months == 12
    assert contract.contract_value == Decimal("1560000")
    assert contract.price_increase_cap_pct == Decimal("3")
    fee = contract.fee_items.get()
    assert (fee.unit_price, fee.quantity) == (Decimal("6500"), Decimal("20"))
    assert contract.sla_targets.get().target == Decimal("95.5")


def test_an_obligation_added_by_hand_accepts_a_chinese_date(client, people, contract):
    client.force_login(people["owner"])

    response = client.post(
        reverse("obligations:create", args=[contract.pk]),
        {"title": "　季度复盘 ", "due_date": "２０２６年１２月１日", "responsible": "us"},
    )

    assert response.status_code == 302
    obligation = Obligation.objects.get(contract=contract, source=Obligation.Source.MANUAL)
    assert (obligation.title, obligation.due_date) == ("季度复盘", date(2026, 12, 1))


def test_a_price_change_notice_accepts_full_width_dates_and_percentage(client, people, contract):
    Contract.objects.filter(pk=contract.pk).update(status=Contract.Status.ACTIVE)
    client.force_login(people["owner"])

    client.post(
        reverse("contracts:price_change_notice", args=[contract.pk]),
        {"received_on": "2026.3.1", "effective_on": "２０２６年６月１日", "increase_pct": "３．５％"},
    )

    notice = contract.price_change_notices.get()
    assert (notice.received_on, notice.effective_on, notice.increase_pct) == (
        date(2026, 3, 1),
        date(2026, 6, 1),
        Decimal("3.5"),
    )


def test_number_fields_are_text_inputs_with_a_numeric_keypad(client, people, contract):
    client.force_login(people["owner"])

    html = client.get(reverse("contracts:edit", args=[contract.pk])).content.decode()

    assert 'name="contract_value" inputmode="decimal"' in html or (
        'inputmode="decimal"' in html and 'type="number" name="contract_value"' not in html
    )


# Duplicate values ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_a_credit_code_already_used_names_and_links_the_vendor_using_it(client, people, language):
    existing = VendorFactory(name="上海云启客服外包有限公司")
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    client.force_login(people["owner"])

    response = client.post(reverse("vendors:create"), vendor_form(credit_code=f" {existing.credit_code.lower()} "))

    assert response.status_code == 200
    assert Vendor.objects.count() == 1
    [message] = response.context["form"].errors["credit_code"]
    assert "上海云启客服外包有限公司" in message
    if language == "en":
        assert message == "This unified social credit code is already used by vendor “上海云启客服外包有限公司”."
    html = response.content.decode()
    assert f'href="{existing.get_absolute_url()}"' in html


def test_a_vendor_keeps_its_own_credit_code_when_saved_again(client, people, vendor):
    client.force_login(people["manager"])

    response = client.post(
        reverse("vendors:edit", args=[vendor.pk]), vendor_form(name=vendor.name, credit_code=vendor.credit_code)
    )

    assert response.status_code == 302


def test_a_contract_number_already_used_names_and_links_the_contract_using_it(client, people, contract):
    client.force_login(people["owner"])
    other = ContractFactory(owner=people["owner"], number="CLM-2025-0901", title="呼叫中心软件许可合同")

    response = client.post(
        reverse("contracts:edit", args=[contract.pk]), edit_form(client, contract, number="clm-2025-0901")
    )

    assert response.status_code == 200
    [message] = response.context["form"].errors["number"]
    assert message == "The contract number CLM-2025-0901 is already used by contract “呼叫中心软件许可合同”."
    assert f'href="{other.get_absolute_url()}"' in response.content.decode()
    contract.refresh_from_db()
    assert contract.number != "CLM-2025-0901"


def test_a_contract_number_used_by_a_contract_the_user_cannot_see_does_not_reveal_it(client, people, contract):
    hidden = ContractFactory(owner=people["other_staff"], number="CLM-2025-0902", title="保密合同")
    client.force_login(people["owner"])

    response = client.post(
        reverse("contracts:edit", args=[contract.pk]), edit_form(client, contract, number="CLM-2025-0902")
    )

    assert response.status_code == 200
    [message] = response.context["form"].errors["number"]
    assert message == "The contract number CLM-2025-0902 is already used by another contract."
    html = response.content.decode()
    assert "保密合同" not in html
    assert hidden.get_absolute_url() not in html
