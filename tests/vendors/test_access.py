"""access_vendor: every signed-in user sees every vendor; changing one needs the role's permission, checked first."""

import pytest
from django.core.exceptions import PermissionDenied
from django.http import Http404

from accounts.models import Role
from tests.factories import UserFactory, VendorFactory
from vendors.access import access_vendor

pytestmark = pytest.mark.django_db


def test_every_role_sees_a_vendor_and_only_buyers_and_managers_change_it():
    vendor = VendorFactory()
    auditor = UserFactory(role=Role.AUDITOR)

    assert access_vendor(auditor, vendor.pk) == vendor
    assert access_vendor(UserFactory(role=Role.PROCUREMENT_STAFF), vendor.pk, to="change") == vendor
    with pytest.raises(PermissionDenied):
        access_vendor(auditor, vendor.pk, to="change")
    with pytest.raises(Http404):
        access_vendor(auditor, 999_999)
