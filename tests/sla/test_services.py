"""Recording SLA months: the evaluation stored with them (hand-computed credits, the cap, half-up rounding), replacing
a month, the history, and every refusal with a field error and nothing written."""

from datetime import date
from decimal import Decimal as D

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sla.models import SlaMeasurement, SlaPeriod
from sla.services import MeasurementInput, sla_period_delete, sla_period_save
from tests.factories import amend_now

TODAY = date(2026, 9, 15)


def save(w, period, values, fee=None, **kwargs):
    """values: {target: value}"""
    return sla_period_save(
        contract=w.contract,
        by=w.owner,
        period=period,
        fee_amount=D(fee) if fee is not None else None,
        measurements=[MeasurementInput(t.pk, D(v)) for t, v in values.items()],
        today=kwargs.pop("today", TODAY),
        **kwargs,
    )


def test_a_month_with_two_misses_earns_their_credits_up_to_the_cap(sla_world):
    w = sla_world
    # Given availability 99.5 (< 99.9: missed, 5%), answer rate 85 (< 90: missed, 10%), speed of answer 18 s (met)
    month = save(w, "2026-03", {w.availability: "99.5", w.answer_rate: "85", w.asa: "18"}, fee="123456.78")

    # Then 5 + 10 = 15% (exactly the cap) of 123,456.78 = 18,518.517 -> 18,518.52
    assert month.missed_count == 2
    assert month.credit_pct == D("15")
    assert month.credit_amount == D("18518.52")
    met = dict(month.measurements.values_list("target__metric", "met"))
    assert met == {"系统可用率": False, "接通率": False, "平均应答时长": True}


def test_the_credit_never_exceeds_the_contracts_cap(sla_world):
    w = sla_world
    # All three missed: 5 + 10 + 4 = 19%, capped at 15%
    month = save(w, "2026-04", {w.availability: "98", w.answer_rate: "80", w.asa: "35"}, fee="200000.00")
    assert month.missed_count == 3
    assert month.credit_pct == D("15")
    assert month.credit_amount == D("30000.00")


def test_the_credit_is_rounded_half_up_to_the_cent(sla_world):
    w = sla_world
    # 5% of 100.10 is 5.005: half-up gives 5.01 (banker's rounding would give 5.00)
    month = save(w, "2026-02", {w.availability: "99.0", w.answer_rate: "95"}, fee="100.10")
    assert month.credit_amount == D("5.01")


def test_a_month_without_a_fee_has_a_credit_rate_but_no_amount(sla_world):
    w = sla_world
    month = save(w, "2026-02", {w.answer_rate: "89.99"})
    assert month.credit_pct == D("10")
    assert month.credit_amount is None


def test_a_result_exactly_at_its_target_meets_it(sla_world):
    w = sla_world
    month = save(w, "2026-02", {w.availability: "99.9", w.asa: "20"}, fee="1000")
    assert month.missed_count == 0
    assert month.credit_amount == D("0.00")


def test_entering_a_month_again_replaces_its_results_and_the_history_keeps_the_old_ones(sla_world):
    w = sla_world
    first = save(w, "2026-05", {w.availability: "99.0", w.answer_rate: "95"}, fee="1000")

    # When the same month is entered again with other values and without the answer rate
    second = save(w, "2026-05", {w.availability: "99.95", w.asa: "25"}, fee="1000")

    # Then it is the same month, holding exactly the new results
    assert second.pk == first.pk
    assert SlaPeriod.objects.filter(contract=w.contract).count() == 1
    assert dict(second.measurements.values_list("target_id", "value")) == {
        w.availability.pk: D("99.95"),
        w.asa.pk: D("25"),
    }
    assert (second.missed_count, second.credit_pct) == (1, D("4"))
    # And the history still has the old availability value and the removed answer rate, with who changed them
    old_values = set(
        SlaMeasurement.history.filter(target=w.availability).values_list("value", "history_type", "history_user")
    )
    assert (D("99.0"), "+", w.owner.pk) in old_values
    assert (D("99.95"), "~", w.owner.pk) in old_values
    assert SlaMeasurement.history.filter(target=w.answer_rate, history_type="-").count() == 1


def test_entering_the_same_values_twice_writes_nothing(sla_world):
    w = sla_world
    save(w, "2026-05", {w.availability: "99.0", w.answer_rate: "95"}, fee="1000")
    counts = (SlaPeriod.history.count(), SlaMeasurement.history.count())

    save(w, "2026-05", {w.availability: "99.0", w.answer_rate: "95.0000"}, fee="1000.00")

    assert (SlaPeriod.history.count(), SlaMeasurement.history.count()) == counts


@pytest.mark.parametrize(
    ("period", "values", "fee", "field"),
    [
        ("2025-12", {"availability": "99"}, None, "period"),  # before the contract's effective date (2026-01-01)
        ("2026-10", {"availability": "99"}, None, "period"),  # a month that has not begun (today 2026-09-15)
        ("2026-13", {"availability": "99"}, None, "period"),
        ("2026-03", {"availability": "99"}, "-1", "fee_amount"),
        ("2026-03", {"availability": "101"}, None, "measurements"),  # a percentage over 100
        ("2026-03", {"asa": "-3"}, None, "measurements"),  # a negative duration
        ("2026-03", {}, None, "measurements"),  # no result at all
    ],
)
def test_bad_input_is_a_field_error_and_nothing_is_written(sla_world, period, values, fee, field):
    w = sla_world
    targets = {"availability": w.availability, "asa": w.asa}
    with pytest.raises(ValidationError) as caught:
        save(w, period, {targets[k]: v for k, v in values.items()}, fee=fee)
    assert field in caught.value.message_dict
    assert not SlaPeriod.objects.exists()
    assert not SlaMeasurement.objects.exists()


def test_a_target_of_another_contract_is_refused(sla_world):
    from tests.factories import SLATargetFactory

    w = sla_world
    foreign = SLATargetFactory(metric="别的合同的指标")
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        save(w, "2026-03", {w.availability: "99.95", foreign: "99"})
    assert caught.value.message_dict["measurements"] == [f"{foreign.pk} is not one of this contract's SLA targets."]
    assert not SlaPeriod.objects.exists()


def test_the_month_in_force_when_the_contract_took_effect_can_be_recorded(sla_world):
    w = sla_world
    w.contract.effective_date = date(2026, 1, 20)
    w.contract.save()
    assert save(w, "2026-01", {w.availability: "99.95"}).period == "2026-01"


def test_deleting_a_month_keeps_it_in_the_history(sla_world):
    w = sla_world
    month = save(w, "2026-03", {w.availability: "99.0"})
    sla_period_delete(sla_period=month, by=w.owner, today=TODAY)
    assert not SlaPeriod.objects.exists()
    assert SlaPeriod.history.filter(history_type="-", history_user=w.owner).count() == 1
    assert SlaMeasurement.history.filter(history_type="-").count() == 1


def test_changing_a_target_or_the_cap_evaluates_the_recorded_months_again(sla_world):
    w = sla_world
    month = save(w, "2026-03", {w.availability: "99.5", w.answer_rate: "85"}, fee="1000")
    assert (month.missed_count, month.credit_pct, month.credit_amount) == (2, D("15"), D("150.00"))

    # When an amendment lowers the answer-rate target to 80% and raises the cap to 20%
    rows = [
        {
            "id": t.pk,
            "metric": t.metric,
            "kind": t.kind,
            "comparator": t.comparator,
            "target": t.target,
            "unit": t.unit,
            "credit_pct": t.credit_pct,
            "critical": t.critical,
        }
        for t in (w.availability, w.answer_rate, w.asa)
    ]
    rows[1]["target"] = D("80")
    amend_now(w.contract, sla_targets=rows, sla_credit_cap_pct=D("20"))

    # Then the month is evaluated again: only availability is missed now (5% of 1,000)
    month.refresh_from_db()
    assert (month.missed_count, month.credit_pct, month.credit_amount) == (1, D("5"), D("50.00"))
    assert SlaMeasurement.objects.get(sla_period=month, target=w.answer_rate).met is True


def test_editing_the_terms_keeps_the_targets_and_their_recorded_results(sla_world):
    w = sla_world
    save(w, "2026-03", {w.availability: "99.5", w.answer_rate: "85"})
    ids = set(w.contract.sla_targets.values_list("pk", flat=True))

    # When a client writes the SLA rows again without ids (same metrics), renaming nothing
    rows = [
        {
            "metric": t.metric,
            "kind": t.kind,
            "comparator": t.comparator,
            "target": t.target,
            "unit": t.unit,
            "credit_pct": t.credit_pct,
            "critical": t.critical,
        }
        for t in (w.availability, w.answer_rate, w.asa)
    ]
    amend_now(w.contract, sla_targets=rows)

    # Then the targets are the same rows and the month keeps both results
    assert set(w.contract.sla_targets.values_list("pk", flat=True)) == ids
    assert SlaMeasurement.objects.count() == 2


def test_a_comparator_that_does_not_fit_the_kind_is_a_field_error(sla_world):
    w = sla_world
    rows = [{"metric": "系统可用率", "kind": "availability", "comparator": "<=", "target": D("99.9")}]
    with translation.override("en"), pytest.raises(ValidationError) as caught:
        amend_now(w.contract, sla_targets=rows)
    assert "use ≥ or >" in caught.value.message_dict["sla_targets"][0]


_values = st.decimals(min_value=0, max_value=100, places=2)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(availability=_values, answer_rate=_values, fee=st.decimals(min_value=0, max_value=10**9, places=2))
def test_any_month_entered_twice_writes_once_and_its_credit_stays_within_the_cap(
    sla_world, availability, answer_rate, fee
):
    w = sla_world
    first = save(w, "2026-06", {w.availability: availability, w.answer_rate: answer_rate}, fee=fee)
    history = (SlaPeriod.history.count(), SlaMeasurement.history.count())

    again = save(w, "2026-06", {w.availability: availability, w.answer_rate: answer_rate}, fee=fee)

    assert (SlaPeriod.history.count(), SlaMeasurement.history.count()) == history
    assert (again.missed_count, again.credit_pct, again.credit_amount) == (
        first.missed_count,
        first.credit_pct,
        first.credit_amount,
    )
    assert again.credit_pct <= w.contract.sla_credit_cap_pct
    assert again.credit_amount <= fee * w.contract.sla_credit_cap_pct / 100 + D("0.005")
