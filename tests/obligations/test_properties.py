"""Properties of the derivation: re-deriving what is derived changes nothing."""

from datetime import date, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.models import Contract
from obligations.derivation import derive_obligations
from obligations.models import Obligation
from rules.workdays import WorkingDayCalendar
from tests.factories import CertificationFactory, ContractFactory, PriceChangeNoticeFactory, UserFactory, VendorFactory

OFFICIAL = WorkingDayCalendar()
days = st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31))
overrides = st.dictionaries(st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)), st.booleans())


@pytest.mark.django_db
@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    status=st.sampled_from([Contract.Status.NEGOTIATING, Contract.Status.ACTIVE, Contract.Status.TERMINATED]),
    auto_renew=st.booleans(),
    end=st.dates(min_value=date(2024, 1, 1), max_value=date(2028, 12, 31)),
    trial=st.integers(0, 3),
    certificates=st.integers(0, 3),
    notices=st.integers(0, 2),
    today_offset=st.integers(-400, 1200),
)
def test_re_deriving_twice_changes_nothing(status, auto_renew, end, trial, certificates, notices, today_offset):
    with transaction.atomic():
        vendor = VendorFactory()
        contract = ContractFactory(
            vendor=vendor,
            owner=UserFactory(username="property-owner"),
            status=status,
            auto_renew=auto_renew,
            effective_date=end - timedelta(days=364),
            end_date=end,
            trial_period_months=trial,
            terminated_on=end - timedelta(days=30) if status == Contract.Status.TERMINATED else None,
        )
        for k in range(certificates):
            expires_on = end + timedelta(days=40 * k)
            CertificationFactory(vendor=vendor, issued_on=expires_on - timedelta(days=1095), expires_on=expires_on)
        for k in range(notices):
            PriceChangeNoticeFactory(
                contract=contract, received_on=end - timedelta(days=100 + k), effective_on=end - timedelta(days=k)
            )
        today = end + timedelta(days=today_offset)

        derive_obligations(contract, today=today)
        first = list(Obligation.objects.filter(contract=contract).order_by("pk").values())
        result = derive_obligations(contract, today=today)

        assert (result.created, result.updated, result.deleted) == (0, 0, 0)
        assert list(Obligation.objects.filter(contract=contract).order_by("pk").values()) == first
        transaction.set_rollback(True)
