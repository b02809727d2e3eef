"""Vendors: credit codes are validated and normalised; certificate changes reach the contracts' obligations."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError

from contracts.lifecycle.actions import contract_activate, contract_sign
from contracts.services.terms import contract_create
from obligations.models import Obligation
from tests.factories import SIGNABLE_TERMS, UserFactory, VendorFactory, make_credit_code
from vendors.models import Certification, Vendor

pytestmark = pytest.mark.django_db


def test_a_credit_code_is_stored_in_upper_case_without_spaces():
    code = make_credit_code(7)

    vendor = VendorFactory(credit_code=f"  {code.lower()} ")

    vendor.refresh_from_db()
    assert vendor.credit_code == code


def test_two_vendors_cannot_share_a_credit_code():
    existing = VendorFactory()

    with pytest.raises(ValidationError) as exc:
        Vendor(name="另一家公司", credit_code=existing.credit_code).full_clean()

    assert "credit_code" in exc.value.message_dict


def test_a_certificate_cannot_expire_before_it_was_issued():
    certification = Certification(
        vendor=VendorFactory(), kind="iso27001", issued_on=date(2026, 3, 1), expires_on=date(2026, 2, 1)
    )

    with pytest.raises(ValidationError) as exc:
        certification.full_clean()

    assert "expires_on" in exc.value.message_dict


@pytest.fixture
def root(client):
    user = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(user)
    return user


def vendor_form(vendor=None, **overrides):
    data = {
        "name": vendor.name if vendor else "苏州新客服外包有限公司",
        "short_name": "",
        "credit_code": vendor.credit_code if vendor else make_credit_code(99),
        "status": "active",
        "legal_representative": "",
        "registered_address": "",
        "phone": "",
        "email": "",
        "website": "",
        "notes": "",
        "contacts-TOTAL_FORMS": 0,
        "contacts-INITIAL_FORMS": 0,
        "certifications-TOTAL_FORMS": 0,
        "certifications-INITIAL_FORMS": 0,
    }
    data.update(overrides)
    return data


def test_the_admin_shows_a_wrong_check_digit_as_a_field_error(client, root):
    response = client.post("/admin/vendors/vendor/add/", vendor_form(credit_code="91350100M000100Y44"))

    assert response.status_code == 200
    assert "credit_code" in response.context["adminform"].form.errors
    assert not Vendor.objects.exists()


def test_a_certificate_added_in_the_admin_becomes_an_obligation_on_running_contracts(client, root):
    vendor = VendorFactory()
    contract = contract_create(
        by=root, title="外包合同", vendor=vendor, effective_date=date(2026, 1, 1), **SIGNABLE_TERMS
    )
    contract_sign(contract=contract, by=root, date=date(2025, 12, 20))
    contract_activate(contract=contract, by=root, date=date(2026, 1, 1))
    data = vendor_form(
        vendor,
        legal_representative=vendor.legal_representative,
        registered_address=vendor.registered_address,
        **{
            "certifications-TOTAL_FORMS": 1,
            "certifications-0-kind": "vats_licence",
            "certifications-0-name": "",
            "certifications-0-number": "B2-20260001",
            "certifications-0-issued_on": "2025-06-01",
            "certifications-0-expires_on": "2030-05-31",
        },
    )

    response = client.post(f"/admin/vendors/vendor/{vendor.pk}/change/", data)

    assert response.status_code == 302
    obligation = Obligation.objects.get(contract=contract, kind=Obligation.Kind.CERTIFICATE_EXPIRY)
    assert obligation.due_date == date(2030, 5, 31)


def test_a_certificate_dated_out_of_range_in_the_admin_is_an_error_on_the_page_not_a_crash(client, root):
    vendor = VendorFactory()
    data = vendor_form(
        vendor,
        legal_representative=vendor.legal_representative,
        registered_address=vendor.registered_address,
        **{
            "certifications-TOTAL_FORMS": 1,
            "certifications-0-kind": "vats_licence",
            "certifications-0-name": "",
            "certifications-0-number": "B2-20260001",
            "certifications-0-issued_on": "2025-06-01",
            "certifications-0-expires_on": "9999-12-31",
        },
    )

    response = client.post(f"/admin/vendors/vendor/{vendor.pk}/change/", data)

    assert response.status_code == 200
    assert "2199-12-31" in response.content.decode()
    assert not vendor.certifications.exists()

    response = client.post(
        "/admin/vendors/certification/add/",
        {"vendor": vendor.pk, "kind": "iso9001", "name": "", "number": "Q-1", "expires_on": "9999-12-31"},
    )

    assert response.status_code == 200
    assert "2199-12-31" in response.content.decode()
    assert not vendor.certifications.exists()
