from django.utils import translation

from vendors.models import Vendor


def test_an_active_vendor_reads_as_in_cooperation_not_as_a_contract_in_force():
    with translation.override("zh-hans"):
        assert str(Vendor.Status.ACTIVE.label) == "合作中"
    with translation.override("en"):
        assert str(Vendor.Status.ACTIVE.label) == "Active"
