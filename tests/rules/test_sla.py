"""The SLA rules: met or missed, the month's credit, target validation, periods and the exit right."""

import subprocess
import sys
from datetime import date
from decimal import Decimal
from itertools import pairwise
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from rules import sla
from rules.sla import ExitRight, Miss, Target

D = Decimal

AVAILABILITY = Target(id=7, kind="availability", comparator=">=", target=D("99.9"), credit_pct=D("5"), critical=True)


def exit_rights(values, target=AVAILABILITY, n=3, decision_days=30):
    return sla.exit_rights(target, values, consecutive_misses=n, decision_days=decision_days)


# Met or missed ---------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("comparator", "below", "at", "above"),
    [
        (">=", False, True, True),
        (">", False, False, True),
        ("<=", True, True, False),
        ("<", True, False, False),
        ("=", False, True, False),
    ],
)
def test_each_comparator_is_decided_exactly_at_and_around_the_target(comparator, below, at, above):
    assert sla.measurement_met(D("99.899"), comparator, D("99.9")) is below
    assert sla.measurement_met(D("99.900"), comparator, D("99.9")) is at
    assert sla.measurement_met(D("99.901"), comparator, D("99.9")) is above


def test_a_result_written_with_more_decimals_is_the_same_number():
    assert sla.measurement_met("99.90", ">=", D("99.9"))
    assert sla.measurement_met(20, "<=", D("20.000"))


def test_a_float_never_enters_a_comparison():
    with pytest.raises(TypeError):
        sla.measurement_met(99.9, ">=", D("99.9"))


def test_an_unknown_comparator_is_refused():
    with pytest.raises(ValueError):
        sla.measurement_met(D(1), "=>", D(1))


# The month's credit ----------------------------------------------------------------------------------------------


def test_the_credit_is_the_sum_of_the_missed_targets_credits_ignoring_targets_without_one():
    assert sla.credit_pct([D("5"), None, D("2.5")], cap_pct=D("15")) == D("7.5")


def test_the_credit_stops_at_the_cap():
    assert sla.credit_pct([D("10"), D("8")], cap_pct=D("15")) == D("15")
    assert sla.credit_pct([D("10"), D("8")], cap_pct=D("0")) == D("0")


def test_without_a_cap_the_credit_is_the_whole_sum():
    assert sla.credit_pct([D("10"), D("8")], cap_pct=None) == D("18")


def test_nothing_missed_earns_nothing():
    assert sla.credit_pct([], cap_pct=D("15")) == D("0")


@pytest.mark.parametrize(
    ("fee", "pct", "amount"),
    [
        (D("130000.00"), D("2.5"), D("3250.00")),
        (D("0.50"), D("1"), D("0.01")),  # 0.005: half-up, where half-even would give 0.00
        (D("0.49"), D("1"), D("0.00")),  # 0.0049
        (D("333.33"), D("1.5"), D("5.00")),  # 4.99995
        (D("1234.56"), D("15"), D("185.18")),  # 185.184
        (D("1234.57"), D("15"), D("185.19")),  # 185.1855
    ],
)
def test_the_credit_amount_is_fee_times_pct_rounded_half_up_to_the_cent(fee, pct, amount):
    assert sla.credit_amount(fee, pct) == amount
    assert sla.credit_amount(fee, pct).as_tuple().exponent == -2


def test_without_a_fee_there_is_no_credit_amount():
    assert sla.credit_amount(None, D("5")) is None


def test_a_month_is_evaluated_target_by_target_and_credited_up_to_the_cap():
    # Given four targets: availability (5%), answer rate (3%), ASA (no credit), abandonment (10%), and a 130,000 fee.
    availability = Target(1, "availability", ">=", D("99.9"), D("5"))
    answer_rate = Target(2, "answer_rate", ">=", D("95"), D("3"))
    asa = Target(3, "asa", "<=", D("20"), None)
    abandonment = Target(4, "abandonment", "<=", D("3"), D("10"))
    results = {availability: D("99.85"), answer_rate: D("96"), asa: D("25"), abandonment: D("3.5")}

    # When the month is evaluated with the default cap of 15%,
    month = sla.evaluate_period(results, fee_amount=D("130000.00"), cap_pct=D("15"))

    # then three targets are missed, their credits add up to 5 + 10 = 15% (ASA has none), 19,500.00 of the fee.
    assert month.met == {1: False, 2: True, 3: False, 4: False}
    assert month.missed_count == 3
    assert month.credit_pct == D("15")
    assert month.credit_amount == D("19500.00")

    # A 12% cap holds the same month to 12%: 15,600.00.
    capped = sla.evaluate_period(results, fee_amount=D("130000.00"), cap_pct=D("12"))
    assert (capped.credit_pct, capped.credit_amount) == (D("12"), D("15600.00"))

    # Without a fee amount the percentage stands and there is no amount.
    assert sla.evaluate_period(results, fee_amount=None, cap_pct=D("15")).credit_amount is None


# Which targets are valid -----------------------------------------------------------------------------------------

HIGHER = ["availability", "answer_rate", "fcr", "qa_score", "csat", "backup_pool"]
LOWER = ["asa", "aht", "abandonment", "complaint_rate", "response_time", "fix_time", "staff_turnover"]


def test_every_kind_has_a_direction_or_is_other():
    assert set(HIGHER) == sla.HIGHER_IS_BETTER
    assert set(LOWER) == sla.LOWER_IS_BETTER
    assert set(sla.KINDS) == set(HIGHER) | set(LOWER) | {"other"}


@pytest.mark.parametrize("kind", HIGHER)
def test_a_higher_is_better_target_is_a_floor(kind):
    assert [c for c in sla.COMPARATORS if sla.comparator_problem(kind, c) is None] == [">=", ">"]
    assert sla.comparator_problem(kind, "<=") == sla.COMPARATOR_NOT_ALLOWED
    assert sla.comparator_problem(kind, "=") == sla.COMPARATOR_NOT_ALLOWED


@pytest.mark.parametrize("kind", LOWER)
def test_a_lower_is_better_target_is_a_ceiling(kind):
    assert [c for c in sla.COMPARATORS if sla.comparator_problem(kind, c) is None] == ["<=", "<"]
    assert sla.comparator_problem(kind, ">=") == sla.COMPARATOR_NOT_ALLOWED


def test_an_other_target_may_use_any_comparator():
    assert sla.allowed_comparators("other") == sla.COMPARATORS
    assert all(sla.comparator_problem("other", c) is None for c in sla.COMPARATORS)


def test_an_unknown_kind_or_comparator_has_its_own_reason():
    assert sla.comparator_problem("uptime", ">=") == sla.UNKNOWN_KIND
    assert sla.comparator_problem("availability", "=>") == sla.UNKNOWN_COMPARATOR
    assert sla.value_problem("uptime", D(1)) == sla.UNKNOWN_KIND


@pytest.mark.parametrize("kind", sorted(sla.PERCENT_KINDS))
def test_a_percentage_lies_between_0_and_100(kind):
    assert sla.value_problem(kind, D("0")) is None
    assert sla.value_problem(kind, D("100")) is None
    assert sla.value_problem(kind, D("100.001")) == sla.OUT_OF_RANGE
    assert sla.value_problem(kind, D("-0.001")) == sla.OUT_OF_RANGE


@pytest.mark.parametrize("kind", ["asa", "aht", "response_time", "fix_time"])
def test_a_duration_is_never_negative_and_has_no_upper_bound(kind):
    assert sla.value_problem(kind, D("86400")) is None
    assert sla.value_problem(kind, D("0")) is None
    assert sla.value_problem(kind, D("-1")) == sla.OUT_OF_RANGE


def test_an_other_target_is_unbounded_but_must_be_a_number():
    assert sla.value_problem("other", D("-5")) is None
    assert sla.value_problem("other", D("1E+6")) is None
    assert sla.value_problem("other", D("NaN")) == sla.NOT_A_NUMBER
    assert sla.value_problem("availability", D("Infinity")) == sla.NOT_A_NUMBER


def test_a_credit_or_a_cap_is_a_percentage_of_the_fee():
    assert sla.percentage_problem(None) is None
    assert sla.percentage_problem(D("0")) is None
    assert sla.percentage_problem(D("100")) is None
    assert sla.percentage_problem(D("100.01")) == sla.OUT_OF_RANGE
    assert sla.percentage_problem(D("-1")) == sla.OUT_OF_RANGE


def test_target_problems_name_each_bad_field():
    assert sla.target_problems(kind="availability", comparator=">=", target=D("99.9"), credit_pct=D("5")) == {}
    assert sla.target_problems(kind="staff_turnover", comparator=">=", target=D("115"), credit_pct=D("120")) == {
        "comparator": sla.COMPARATOR_NOT_ALLOWED,
        "target": sla.OUT_OF_RANGE,
        "credit_pct": sla.OUT_OF_RANGE,
    }
    assert sla.target_problems(kind="uptime", comparator=">=", target=D(1)) == {"kind": sla.UNKNOWN_KIND}


# Periods ---------------------------------------------------------------------------------------------------------


def test_a_period_is_a_month_written_yyyy_mm():
    assert sla.parse_period("2026-03") == date(2026, 3, 1)
    assert sla.period_of(date(2026, 3, 31)) == "2026-03"


@pytest.mark.parametrize("text", ["2026-13", "2026-00", "2026-1", "26-01", " 2026-01", "2026-01-01", "0000-01", ""])
def test_anything_else_is_not_a_period(text):
    with pytest.raises(ValueError):
        sla.parse_period(text)


def test_period_arithmetic_knows_month_lengths_and_year_ends():
    assert sla.period_end("2028-02") == date(2028, 2, 29)
    assert sla.period_end("2026-02") == date(2026, 2, 28)
    assert sla.next_period("2026-12") == "2027-01"


def test_the_monthly_report_is_due_on_the_10th_of_the_following_month():
    assert sla.sla_report_due("2026-03") == date(2026, 4, 10)
    assert sla.sla_report_due("2026-12") == date(2027, 1, 10)


# The exit right --------------------------------------------------------------------------------------------------


def test_three_consecutive_misses_of_a_critical_target_give_one_exit_right():
    rights = exit_rights({"2026-01": D("99.5"), "2026-02": D("99.8"), "2026-03": D("99.85")})

    assert rights == [
        ExitRight(
            key="sla_exit:7:2026-03",
            target_id=7,
            period="2026-03",
            starts_on=date(2026, 4, 1),
            due_date=date(2026, 4, 30),  # March 31 + 30 days
            misses=(Miss("2026-01", D("99.5")), Miss("2026-02", D("99.8")), Miss("2026-03", D("99.85"))),
        )
    ]


def test_two_misses_are_not_enough():
    assert exit_rights({"2026-01": D("99.5"), "2026-02": D("99.8"), "2026-03": D("99.9")}) == []


def test_a_longer_run_of_the_same_misses_does_not_give_a_second_right():
    values = {f"2026-{m:02d}": D("99") for m in range(1, 8)}

    assert [r.key for r in exit_rights(values)] == ["sla_exit:7:2026-03"]


def test_a_new_run_after_a_met_month_gives_a_new_right():
    values = {
        "2026-01": D("99"),
        "2026-02": D("99"),
        "2026-03": D("99"),
        "2026-04": D("99.9"),  # met, exactly at the target
        "2026-05": D("99"),
        "2026-06": D("99"),
        "2026-07": D("99"),
    }

    assert [r.key for r in exit_rights(values)] == ["sla_exit:7:2026-03", "sla_exit:7:2026-07"]


def test_a_month_without_a_result_for_the_target_breaks_the_run():
    values = {"2026-01": D("99"), "2026-02": D("99"), "2026-03": None, "2026-04": D("99"), "2026-05": D("99")}
    assert exit_rights(values) == []

    values["2026-06"] = D("99")
    assert [r.key for r in exit_rights(values)] == ["sla_exit:7:2026-06"]


def test_a_month_not_recorded_at_all_breaks_the_run():
    assert exit_rights({"2026-01": D("99"), "2026-02": D("99"), "2026-04": D("99")}) == []


def test_a_run_may_cross_the_year_end():
    [right] = exit_rights({"2026-11": D("99"), "2026-12": D("99"), "2027-01": D("99")}, decision_days=45)

    assert right.key == "sla_exit:7:2027-01"
    assert (right.starts_on, right.due_date) == (date(2027, 2, 1), date(2027, 3, 17))  # Jan 31 + 45


def test_the_order_the_months_are_given_in_does_not_matter():
    values = {"2026-03": D("99"), "2026-01": D("99"), "2026-02": D("99")}

    assert [r.key for r in exit_rights(values)] == ["sla_exit:7:2026-03"]


def test_a_lower_is_better_target_is_missed_above_its_ceiling():
    turnover = Target(id=9, kind="staff_turnover", comparator="<=", target=D("15"), critical=True)
    values = {"2026-01": D("15.1"), "2026-02": D("18"), "2026-03": D("16")}

    assert [r.key for r in exit_rights(values, target=turnover)] == ["sla_exit:9:2026-03"]


def test_with_one_miss_enough_each_run_still_gives_one_right():
    values = {"2026-01": D("99"), "2026-02": D("99"), "2026-03": D("100"), "2026-04": D("99")}

    assert [r.key for r in exit_rights(values, n=1)] == ["sla_exit:7:2026-01", "sla_exit:7:2026-04"]


def test_only_a_critical_target_and_a_contract_with_an_exit_rule_give_the_right():
    values = {"2026-01": D("99"), "2026-02": D("99"), "2026-03": D("99")}
    ordinary = Target(id=7, kind="availability", comparator=">=", target=D("99.9"), critical=False)

    assert exit_rights(values, target=ordinary) == []
    assert exit_rights(values, n=None) == []


def test_without_decision_days_the_window_opens_on_its_due_date():
    [right] = exit_rights({"2026-01": D("99"), "2026-02": D("99"), "2026-03": D("99")}, decision_days=0)

    assert right.starts_on == right.due_date == date(2026, 3, 31)


def test_bad_arguments_are_refused():
    with pytest.raises(ValueError):
        exit_rights({"2026-1": D("99")})
    with pytest.raises(ValueError):
        exit_rights({}, n=0)
    with pytest.raises(ValueError):
        exit_rights({}, decision_days=-1)


# Properties ------------------------------------------------------------------------------------------------------

percentages = st.decimals(min_value=0, max_value=100, places=2)


@given(credits=st.lists(st.none() | percentages, max_size=15), cap=st.none() | percentages)
def test_the_credit_never_exceeds_the_cap_and_never_falls_below_zero(credits, cap):
    pct = sla.credit_pct(credits, cap)
    total = sum((c for c in credits if c is not None), D(0))

    assert D(0) <= pct <= total
    if cap is not None:
        assert pct <= cap
        assert pct == min(total, cap)


@given(fee=st.decimals(min_value=0, max_value=10**9, places=2), pct=percentages, cap=percentages)
def test_the_credit_amount_never_exceeds_the_capped_share_of_the_fee(fee, pct, cap):
    capped = sla.credit_pct([pct], cap)

    assert sla.credit_amount(fee, capped) <= sla.credit_amount(fee, cap) <= fee
    assert abs(sla.credit_amount(fee, capped) - fee * capped / 100) <= D("0.005")


MISSED = st.integers(min_value=90_000, max_value=99_899).map(lambda n: D(n) / 1000)
MET = st.integers(min_value=99_900, max_value=100_000).map(lambda n: D(n) / 1000)


def _period(index):
    year, month = divmod(index, 12)
    return f"{year:04d}-{month + 1:02d}"


def _index(period):
    first = sla.parse_period(period)
    return first.year * 12 + first.month - 1


@st.composite
def monthly_values(draw, start=None):
    """A critical availability target's recorded months from `start` (a month index; random if None): missed, met,
    recorded without a result (None), or not recorded at all; mostly misses, so that runs happen."""
    if start is None:
        start = draw(st.integers(min_value=2020 * 12, max_value=2030 * 12))
    outcomes = draw(st.lists(st.sampled_from(["miss", "miss", "miss", "met", "none", "absent"]), max_size=30))
    values = {}
    for offset, outcome in enumerate(outcomes):
        if outcome == "miss":
            values[_period(start + offset)] = draw(MISSED)
        elif outcome == "met":
            values[_period(start + offset)] = draw(MET)
        elif outcome == "none":
            values[_period(start + offset)] = None
    return values


def _maximal_runs(values):
    """The maximal runs of consecutive recorded missed months, each as a series of its own."""
    runs, run, previous = [], {}, None
    for period in sorted(values):
        missed = values[period] is not None and not sla.measurement_met(values[period], ">=", D("99.9"))
        if run and (not missed or period != sla.next_period(previous)):
            runs.append(run)
            run = {}
        if missed:
            run[period] = values[period]
        previous = period
    if run:
        runs.append(run)
    return runs


@given(values=monthly_values(), n=st.integers(min_value=1, max_value=4))
def test_every_exit_right_stands_on_n_consecutive_misses_and_no_met_month(values, n):
    for right in exit_rights(values, n=n):
        periods = [miss.period for miss in right.misses]
        assert len(periods) == n
        assert periods[-1] == right.period
        assert all(sla.next_period(a) == b for a, b in pairwise(periods))
        assert all(not sla.measurement_met(values[p], ">=", D("99.9")) for p in periods)


@given(values=monthly_values(), n=st.integers(min_value=1, max_value=4), data=st.data())
def test_a_met_month_ends_every_run(values, n, data):
    period = data.draw(st.sampled_from(sorted(values) or ["2026-01"]))
    before = exit_rights(values, n=n)

    after = exit_rights({**values, period: D("100")}, n=n)

    assert all(period not in [miss.period for miss in right.misses] for right in after)
    assert [r for r in after if r.period < period] == [r for r in before if r.period < period]


@given(values=monthly_values(), n=st.integers(min_value=1, max_value=4), data=st.data())
def test_evaluating_the_same_values_twice_gives_the_same_result(values, n, data):
    shuffled = dict(data.draw(st.permutations(list(values.items()))))

    assert exit_rights(values, n=n) == exit_rights(values, n=n) == exit_rights(shuffled, n=n)
    results = {Target(i, "availability", ">=", D("99.9"), D(i % 7)): v for i, v in enumerate(values.values()) if v}
    month = sla.evaluate_period(results, fee_amount=D("1000.00"), cap_pct=D("15"))
    assert month == sla.evaluate_period(dict(reversed(results.items())), fee_amount=D("1000.00"), cap_pct=D("15"))


@given(values=monthly_values(), n=st.integers(min_value=1, max_value=4))
def test_the_exit_rights_of_a_series_are_the_union_of_those_of_its_maximal_runs(values, n):
    from_runs = [right for run in _maximal_runs(values) for right in exit_rights(run, n=n)]

    assert exit_rights(values, n=n) == from_runs


@given(values=monthly_values(), n=st.integers(min_value=1, max_value=4), data=st.data())
def test_keys_are_stable_when_later_months_are_added_after_a_met_month(values, n, data):
    met_month = _index(max(values)) + 1 if values else 2026 * 12
    later = data.draw(monthly_values(start=met_month + 1))
    original = exit_rights(values, n=n)

    extended = exit_rights({**values, _period(met_month): D("100"), **later}, n=n)

    assert extended[: len(original)] == original
    assert extended[len(original) :] == exit_rights(later, n=n)


def test_the_sla_rules_load_without_django_or_any_clm_app():
    loaded = subprocess.run(
        [sys.executable, "-c", "import sys, rules.sla; print(' '.join(sorted(sys.modules)))"],
        cwd=Path(__file__).resolve().parents[2],
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split()

    assert {name.split(".")[0] for name in loaded}.isdisjoint(
        {"django", "clm", "core", "accounts", "vendors", "contracts", "obligations"}
    )
