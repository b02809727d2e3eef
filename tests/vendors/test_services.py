"""Vendor services: validation with clear field errors, history naming who acted, obligations kept in line."""

from datetime import date

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from contracts.lifecycle.actions import contract_activate, contract_sign
from contracts.services.terms import contract_create
from obligations.models import Obligation
from tests.factories import SIGNABLE_TERMS, CertificationFactory, UserFactory, VendorFactory, make_credit_code
from vendors.models import Certification, Vendor
from vendors.services import (
    certification_create,
    certification_delete,
    certification_update,
    vendor_create,
    vendor_update,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def buyer():
    return UserFactory(username="buyer", role="procurement_staff")


def running_contract(vendor, by):
    contract = contract_create(
        by=by, title="外包合同", vendor=vendor, effective_date=date(2026, 1, 1), **SIGNABLE_TERMS
    )
    contract_sign(contract=contract, by=by, date=date(2025, 12, 20))
    contract_activate(contract=contract, by=by, date=date(2026, 1, 1))
    return contract


def certificate_obligations(contract):
    return Obligation.objects.filter(contract=contract, kind=Obligation.Kind.CERTIFICATE_EXPIRY)


def test_creating_a_vendor_saves_contacts_and_certifications_and_names_the_creator_in_the_history(buyer):
    # When a buyer registers a vendor with a contact and a certificate, the code typed in lower case
    vendor = vendor_create(
        by=buyer,
        name="苏州新客服外包有限公司",
        credit_code=make_credit_code(41).lower(),
        contacts=[{"name": "李四", "email": "lisi@example.com", "is_primary": True}],
        certifications=[{"kind": "iso27001", "number": "ISMS-1", "expires_on": date(2027, 6, 30)}],
    )

    # Then everything is stored, the code normalised, and the history says who did it
    vendor.refresh_from_db()
    assert vendor.credit_code == make_credit_code(41)
    assert [c.name for c in vendor.contacts.all()] == ["李四"]
    assert [c.number for c in vendor.certifications.all()] == ["ISMS-1"]
    assert vendor.history.get().history_user == buyer
    assert Certification.history.get().history_user == buyer


def test_a_wrong_credit_code_is_a_field_error_and_nothing_is_saved(buyer):
    with pytest.raises(ValidationError) as error:
        vendor_create(by=buyer, name="某公司", credit_code="91350100M000100Y44")

    assert "credit_code" in error.value.message_dict
    assert not Vendor.objects.exists()


def test_a_credit_code_already_registered_in_other_case_is_rejected(buyer):
    existing = VendorFactory()

    with pytest.raises(ValidationError) as error:
        vendor_create(by=buyer, name="另一家公司", credit_code=existing.credit_code.lower())

    assert "credit_code" in error.value.message_dict
    assert Vendor.objects.count() == 1


def test_a_bad_contact_or_certificate_row_names_the_row_and_saves_no_vendor(buyer):
    with translation.override("en"), pytest.raises(ValidationError) as error:
        vendor_create(
            by=buyer,
            name="苏州新客服外包有限公司",
            credit_code=make_credit_code(42),
            contacts=[{"name": "李四"}, {"name": "王五", "email": "not-an-address"}],
            certifications=[{"kind": "iso9001", "issued_on": date(2026, 1, 1), "expires_on": date(2025, 1, 1)}],
        )

    errors = error.value.message_dict
    assert len(errors["contacts"]) == 1
    assert errors["contacts"][0].startswith("Contact 2, e-mail:")
    assert errors["certifications"][0].startswith("Certification 1")
    assert not Vendor.objects.exists()


def test_updating_a_vendor_validates_and_records_the_editor(buyer):
    vendor = VendorFactory()
    editor = UserFactory(username="editor", role="procurement_manager")

    with pytest.raises(ValidationError) as error:
        vendor_update(vendor=vendor, by=editor, website="not a url")
    assert "website" in error.value.message_dict

    updated = vendor_update(vendor=vendor, by=editor, legal_representative="王五")

    assert updated.legal_representative == "王五"
    assert vendor.history.latest().history_user == editor


def test_a_new_certificate_becomes_an_obligation_on_the_vendors_running_contracts(buyer):
    vendor = VendorFactory()
    contract = running_contract(vendor, buyer)
    assert not certificate_obligations(contract).exists()

    certification_create(vendor=vendor, by=buyer, kind="vats_licence", number="B2-1", expires_on=date(2030, 5, 31))

    [obligation] = certificate_obligations(contract)
    assert obligation.due_date == date(2030, 5, 31)


def test_a_renewed_certificate_moves_the_obligation_and_a_deleted_one_removes_it(buyer):
    vendor = VendorFactory()
    certification = CertificationFactory(vendor=vendor, expires_on=date(2027, 2, 28))
    contract = running_contract(vendor, buyer)
    assert certificate_obligations(contract).get().due_date == date(2027, 2, 28)

    certification_update(certification=certification, by=buyer, expires_on=date(2030, 2, 28))
    assert certificate_obligations(contract).get().due_date == date(2030, 2, 28)
    assert Certification.history.latest().history_user == buyer

    certification_delete(certification=certification, by=buyer)
    assert not certificate_obligations(contract).exists()
    assert Certification.history.latest().history_type == "-"
    assert Certification.history.latest().history_user == buyer


def test_a_certificate_that_expires_before_it_was_issued_is_refused(buyer):
    certification = CertificationFactory(issued_on=date(2024, 3, 1))

    with pytest.raises(ValidationError) as error:
        certification_update(certification=certification, by=buyer, expires_on=date(2024, 1, 1))

    assert "expires_on" in error.value.message_dict
    certification.refresh_from_db()
    assert certification.expires_on == date(2027, 2, 28)


def test_the_api_creates_and_updates_vendors_through_the_services(client, buyer):
    client.force_login(buyer)

    created = client.post(
        "/api/v1/vendors/",
        {"name": "北京示例科技有限公司", "credit_code": make_credit_code(43).lower()},
        content_type="application/json",
    )
    assert created.status_code == 201, created.content
    vendor = Vendor.objects.get(pk=created.json()["id"])
    assert vendor.credit_code == make_credit_code(43)
    assert vendor.history.get().history_user == buyer

    refused = client.patch(
        f"/api/v1/vendors/{vendor.pk}/", {"credit_code": "91350100M000100Y44"}, content_type="application/json"
    )
    assert refused.status_code == 400
    assert "credit_code" in refused.json()
    vendor.refresh_from_db()
    assert vendor.credit_code == make_credit_code(43)


def test_deleting_a_certificate_in_the_admin_removes_its_obligation(client):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    vendor = VendorFactory()
    certification = CertificationFactory(vendor=vendor)
    contract = running_contract(vendor, root)
    assert certificate_obligations(contract).exists()

    response = client.post(f"/admin/vendors/certification/{certification.pk}/delete/", {"post": "yes"})

    assert response.status_code == 302
    assert not certificate_obligations(contract).exists()
    assert Certification.history.latest().history_user == root


def test_adding_a_vendor_with_a_contact_in_the_admin_records_the_admin_user(client):
    root = UserFactory(username="root", is_staff=True, is_superuser=True)
    client.force_login(root)
    data = {
        "name": "苏州新客服外包有限公司",
        "short_name": "",
        "credit_code": make_credit_code(44),
        "status": "active",
        "legal_representative": "",
        "registered_address": "",
        "phone": "",
        "email": "",
        "website": "",
        "notes": "",
        "contacts-TOTAL_FORMS": 1,
        "contacts-INITIAL_FORMS": 0,
        "contacts-0-name": "李四",
        "contacts-0-email": "lisi@example.com",
        "certifications-TOTAL_FORMS": 0,
        "certifications-INITIAL_FORMS": 0,
    }

    response = client.post("/admin/vendors/vendor/add/", data)

    assert response.status_code == 302
    vendor = Vendor.objects.get()
    assert [c.name for c in vendor.contacts.all()] == ["李四"]
    assert vendor.history.get().history_user == root


@pytest.mark.parametrize(
    ("dates", "field"),
    [
        ({"issued_on": date(2024, 1, 1), "expires_on": date(9999, 12, 31)}, "expires_on"),
        ({"issued_on": date(1000, 1, 1), "expires_on": date(2027, 1, 1)}, "issued_on"),
    ],
)
def test_a_certification_dated_out_of_range_is_a_field_error_and_nothing_is_written(buyer, dates, field):
    vendor = VendorFactory()
    running_contract(vendor, buyer)

    with pytest.raises(ValidationError) as refusal:
        certification_create(vendor=vendor, by=buyer, kind=Certification.Kind.ISO27001, **dates)
    assert field in refusal.value.message_dict
    assert not Certification.objects.filter(vendor=vendor).exists()

    certification = CertificationFactory(vendor=vendor)
    with pytest.raises(ValidationError) as refusal:
        certification_update(certification=certification, by=buyer, **dates)
    assert field in refusal.value.message_dict
    certification.refresh_from_db()
    assert certification.expires_on == date(2027, 2, 28)


def test_a_vendor_registered_with_a_certification_out_of_range_is_refused_whole(buyer):
    with pytest.raises(ValidationError) as refusal:
        vendor_create(
            by=buyer,
            name="远方外包有限公司",
            credit_code=make_credit_code(97),
            certifications=[{"kind": Certification.Kind.ISO9001, "expires_on": date(9999, 12, 31)}],
        )
    assert "certifications" in refusal.value.message_dict
    assert not Vendor.objects.filter(name="远方外包有限公司").exists()
