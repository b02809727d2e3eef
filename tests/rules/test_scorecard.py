"""The scorecard rules: a certificate's state on a day, and the run of misses a critical target is in."""

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules import sla
from rules.scorecard import certificate_status, miss_run, previous_period
from rules.sla import Miss, Target, next_period

D = Decimal
AVAILABILITY = Target(id=7, kind="availability", comparator=">=", target=D("99.9"), credit_pct=D("5"), critical=True)
TODAY = date(2026, 4, 15)


@pytest.mark.parametrize(
    ("expires_on", "status"),
    [
        (None, "valid"),
        (date(2026, 4, 14), "expired"),  # yesterday
        (date(2026, 4, 15), "expiring"),  # today is still the last valid day
        (date(2026, 6, 14), "expiring"),  # 60 days ahead
        (date(2026, 6, 15), "valid"),  # 61 days ahead
    ],
)
def test_a_certificate_is_valid_expiring_within_60_days_or_expired(expires_on, status):
    assert certificate_status(expires_on, today=TODAY) == status


def test_the_month_before_january_is_the_previous_december():
    assert previous_period("2026-01") == "2025-12"
    assert previous_period("2026-03") == "2026-02"


@given(st.dates(min_value=date(1990, 2, 1), max_value=date(2199, 12, 31)))
def test_previous_period_undoes_next_period(day):
    period = f"{day.year:04d}-{day.month:02d}"
    assert next_period(previous_period(period)) == period


def test_the_run_counts_back_the_consecutive_misses_up_to_the_month():
    values = {"2025-10": D("99.95"), "2025-11": D("99.8"), "2025-12": D("99.7"), "2026-01": D("99.0")}

    assert miss_run(AVAILABILITY, values, "2026-01") == (
        Miss("2025-11", D("99.8")),
        Miss("2025-12", D("99.7")),
        Miss("2026-01", D("99.0")),
    )
    assert miss_run(AVAILABILITY, values, "2025-11") == (Miss("2025-11", D("99.8")),)


def test_a_met_month_a_month_without_a_result_and_a_missing_month_have_no_run_and_break_one():
    values = {"2025-09": D("99"), "2025-10": None, "2025-11": D("99.8"), "2026-01": D("99"), "2026-02": D("99.9")}

    assert miss_run(AVAILABILITY, values, "2026-02") == ()  # met exactly at the target
    assert miss_run(AVAILABILITY, values, "2025-10") == ()  # recorded without a result
    assert miss_run(AVAILABILITY, values, "2025-12") == ()  # not recorded at all
    assert miss_run(AVAILABILITY, values, "2026-01") == (Miss("2026-01", D("99")),)  # December was not recorded
    assert miss_run(AVAILABILITY, values, "2025-11") == (Miss("2025-11", D("99.8")),)  # October had no result


@given(
    st.lists(st.sampled_from(["met", "missed", "no result", "not recorded"]), min_size=1, max_size=30),
    st.integers(min_value=1, max_value=4),
)
def test_a_run_reaches_the_exit_threshold_exactly_in_the_months_that_earn_an_exit_right(months, needed):
    # Given a target's months: met, missed, recorded without a result, or not recorded at all
    values = {}
    period = "2024-01"
    for state in months:
        if state != "not recorded":
            values[period] = {"met": D("99.95"), "missed": D("98"), "no result": None}[state]
        period = next_period(period)

    # Then the months in which the run of misses is exactly `needed` long are the months rules.sla grants a right in
    earned = {
        right.period for right in sla.exit_rights(AVAILABILITY, values, consecutive_misses=needed, decision_days=30)
    }
    assert {p for p in values if len(miss_run(AVAILABILITY, values, p)) == needed} == earned
