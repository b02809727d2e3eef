"""Properties of the date rules that must hold for every input, not just the worked examples."""

from datetime import date, timedelta

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from contracts.models import Contract
from obligations import rules
from obligations.calendar import WorkingDayCalendar
from obligations.models import Obligation
from obligations.services import derive_obligations
from tests.factories import CertificationFactory, ContractFactory, PriceChangeNoticeFactory, UserFactory, VendorFactory

OFFICIAL = WorkingDayCalendar()
days = st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31))
overrides = st.dictionaries(st.dates(min_value=date(2026, 1, 1), max_value=date(2026, 12, 31)), st.booleans())


@given(start=days, n=st.integers(min_value=1, max_value=60))
def test_a_working_day_deadline_is_a_working_day(start, n):
    assert OFFICIAL.is_working_day(OFFICIAL.add_working_days(start, n))


@given(start=st.dates(min_value=date(2025, 12, 1), max_value=date(2026, 11, 30)), n=st.integers(1, 20), extra=overrides)
def test_a_working_day_deadline_is_a_working_day_with_any_overrides(start, n, extra):
    calendar = WorkingDayCalendar(extra)
    assert calendar.is_working_day(calendar.add_working_days(start, n))


@given(start=days, n=st.integers(min_value=0, max_value=60))
def test_a_working_day_deadline_never_moves_earlier_when_n_grows(start, n):
    assert OFFICIAL.add_working_days(start, n + 1) > OFFICIAL.add_working_days(start, n) >= start


@given(
    effective=st.dates(min_value=date(2015, 1, 1), max_value=date(2030, 12, 31)),
    initial_months=st.integers(1, 60),
    renewal_months=st.integers(1, 36),
    days_later=st.integers(0, 20 * 366),
    notice_days=st.integers(0, 365),
    lead_days=st.integers(0, 365),
)
def test_the_renewal_window_always_belongs_to_the_current_term(
    effective, initial_months, renewal_months, days_later, notice_days, lead_days
):
    end = rules.default_end_date(effective, initial_months)
    today = effective + timedelta(days=days_later)

    term = rules.current_term(
        effective_date=effective,
        end_date=end,
        auto_renew=True,
        renewal_term_months=renewal_months,
        notice_given_on=None,
        today=today,
    )
    window = rules.renewal_window(term.end, notice_days, lead_days)

    assert term.contains(today)
    assert term.end == rules.term_end(end, renewal_months, term.index)
    assert term.index == 0 or term.start == rules.term_end(end, renewal_months, term.index - 1) + timedelta(days=1)
    assert window.starts_on <= window.due_date <= term.end


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
