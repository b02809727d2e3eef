"""Recording what a vendor achieved each month: save a month (create or replace), delete one, and keep every stored
evaluation current when a target, its comparator or credit, or the contract's cap changes.

Every write runs in one transaction with the contract row locked (two people saving the same month one after the
other each see the other's result), keeps the old values in the history, and then brings the obligations that SLA
results call for (the exit right, the vendor's monthly report) in line through obligations.derivation. Saving the
same values again writes nothing. Evaluation is rules.sla, with exact decimals.

This module reads the contract models only: contracts.services.follow_up calls `sla_reevaluate` after a change of
terms, so it must not call back into contracts.services (import-linter holds that line).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import User
from contracts.models import Contract, Document, SLATarget
from obligations.derivation import derive_sla_obligations_bulk
from rules import sla as rules

from .models import SlaMeasurement, SlaPeriod

# The most results one month holds (a contract holds at most this many SLA targets, contracts.services.terms).
MAX_MEASUREMENTS = 200
# What the columns hold: 14 digits, 4 of them after the point (values); 14 and 2 (fees).
_VALUE_LIMIT = Decimal("1e10")
_FEE_LIMIT = Decimal("1e12")


@dataclass(frozen=True)
class MeasurementInput:
    """One result as entered: the target (by id) and the value measured."""

    target: int
    value: Decimal


def as_rule_target(target: SLATarget) -> rules.Target:
    return rules.Target(
        id=target.pk,
        kind=target.kind,
        comparator=target.comparator,
        target=target.target,
        credit_pct=target.credit_pct,
        critical=target.critical,
    )


def target_label(target: SLATarget) -> str:
    return f"{target.metric} {target.comparator} {target.target.normalize():f}{target.unit}"


# Validation --------------------------------------------------------------------------------------------------------


def period_problem(contract: Contract, period: str, *, today: date) -> str | None:
    """Why `period` cannot be recorded for this contract, in the reader's language; None when it can."""
    try:
        if not isinstance(period, str):
            raise ValueError(period)
        first = rules.parse_period(period)
    except ValueError:
        return _("Write the month as YYYY-MM, e.g. 2026-03.")
    if contract.effective_date and rules.period_end(period) < contract.effective_date:
        return _("The contract takes effect on %(date)s; a month before that cannot be recorded.") % {
            "date": contract.effective_date.isoformat()
        }
    if first > today:
        return _("%(month)s has not begun yet; only months that have begun can be recorded.") % {"month": period}
    return None


def fee_problem(fee_amount: Decimal | None) -> str | None:
    if fee_amount is None:
        return None
    if not fee_amount.is_finite() or abs(fee_amount) >= _FEE_LIMIT:
        return _("Enter the fee as an amount of money, e.g. 130000.00.")
    if fee_amount < 0:
        return _("The fee cannot be negative.")
    if fee_amount != fee_amount.quantize(Decimal("0.01")):
        return _("The fee has at most two decimal places.")
    return None


def value_problem(target: SLATarget, value: Decimal) -> str | None:
    """Why `value` cannot be a result of `target`, naming the target; None when it can."""
    name = target.metric
    if not value.is_finite() or abs(value) >= _VALUE_LIMIT:
        return _("%(metric)s: enter the result as a number, e.g. 99.95.") % {"metric": name}
    if value != value.quantize(Decimal("0.0001")):
        return _("%(metric)s: a result has at most four decimal places.") % {"metric": name}
    problem = rules.value_problem(target.kind, value)
    if problem == rules.OUT_OF_RANGE:
        if rules.value_bounds(target.kind)[1] is not None:
            return _("%(metric)s: a result of this kind lies between 0 and 100.") % {"metric": name}
        return _("%(metric)s: a result of this kind cannot be negative.") % {"metric": name}
    return None


def parse_decimal(text: object) -> Decimal | None:
    """A number as people type it (thousands separators, a trailing %), or None when it is not one."""
    if isinstance(text, Decimal):
        return text
    if isinstance(text, int) and not isinstance(text, bool):
        return Decimal(text)
    if isinstance(text, float):
        return Decimal(repr(text))
    if not isinstance(text, str):
        return None
    cleaned = text.strip().replace(",", "").replace("，", "").removesuffix("%").removesuffix("％").strip()
    try:
        value = Decimal(cleaned)
    except InvalidOperation:
        return None
    return value if value.is_finite() else None


def _problems(
    contract: Contract,
    *,
    period: str,
    fee_amount: Decimal | None,
    measurements: Sequence[MeasurementInput],
    targets: dict[int, SLATarget],
    today: date,
) -> dict[str, list[str]]:
    errors: dict[str, list[str]] = defaultdict(list)
    if problem := period_problem(contract, period, today=today):
        errors["period"].append(problem)
    if problem := fee_problem(fee_amount):
        errors["fee_amount"].append(problem)
    if not measurements:
        errors["measurements"].append(_("Enter the result of at least one SLA target."))
    if len(measurements) > MAX_MEASUREMENTS:
        errors["measurements"].append(_("A month holds at most %(max)s results.") % {"max": MAX_MEASUREMENTS})
    seen: set[int] = set()
    for row in measurements:
        target = targets.get(row.target)
        if target is None:
            errors["measurements"].append(
                _("%(target)s is not one of this contract's SLA targets.") % {"target": row.target}
            )
            continue
        if row.target in seen:
            errors["measurements"].append(_("%(metric)s is given twice.") % {"metric": target.metric})
        seen.add(row.target)
        if problem := value_problem(target, row.value):
            errors["measurements"].append(problem)
    return dict(errors)


# Writing ----------------------------------------------------------------------------------------------------------


def _lock(contract: Contract) -> Contract:
    return Contract.objects.select_for_update(of=("self",)).get(pk=contract.pk)


def _store_month(
    contract: Contract,
    *,
    by: User | None,
    period: str,
    fee_amount: Decimal | None,
    measurements: Sequence[MeasurementInput],
    targets: dict[int, SLATarget],
    report: Document | None,
    reason: str,
) -> SlaPeriod:
    """Write one validated month; only what changed (nothing at all for the same values again)."""
    values = {row.target: row.value for row in measurements}
    result = rules.evaluate_period(
        {as_rule_target(targets[pk]): value for pk, value in values.items()},
        fee_amount=fee_amount,
        cap_pct=contract.sla_credit_cap_pct,
    )
    month = SlaPeriod.objects.filter(contract=contract, period=period).first()
    created = month is None
    if month is None:
        month = SlaPeriod(contract=contract, period=period, recorded_by=by)
    new_fields = {
        "fee_amount": fee_amount,
        "missed_count": result.missed_count,
        "credit_pct": result.credit_pct,
        "credit_amount": result.credit_amount,
    }
    if report is not None:
        new_fields["report_id"] = report.pk
    if created or any(getattr(month, name) != value for name, value in new_fields.items()):
        for name, value in new_fields.items():
            setattr(month, name, value)
        month.recorded_by = by
        month._history_user = by
        month._change_reason = reason
        month.save()

    stored = {m.target_id: m for m in ([] if created else month.measurements.all())}
    creates, updates = [], []
    for pk, value in values.items():
        met = result.met[pk]
        measurement = stored.pop(pk, None)
        if measurement is None:
            creates.append(SlaMeasurement(sla_period=month, target_id=pk, value=value, met=met))
        elif measurement.value != value or measurement.met != met:
            measurement.value, measurement.met = value, met
            updates.append(measurement)
    history = {"default_user": by, "default_change_reason": reason}
    if updates:
        _update_results(updates)
        SlaMeasurement.history.bulk_history_create(updates, update=True, **history)
    if creates:
        bulk_create_with_history(creates, SlaMeasurement, **history)
    for measurement in stored.values():  # a target the month no longer gives a result for
        measurement._history_user = by
        measurement._change_reason = reason
        measurement.delete()
    return month


def _update_results(measurements: Sequence[SlaMeasurement]) -> None:
    """Write new values and verdicts of many results in one UPDATE.

    Django's bulk_update builds a CASE expression object per row and field; for the 20 results of a month that
    costs more than the rest of the save. This is the same statement, written once.
    """
    table = connection.ops.quote_name(SlaMeasurement._meta.db_table)
    value_cases = " ".join("WHEN %s THEN CAST(%s AS NUMERIC)" for _ in measurements)
    met_cases = " ".join("WHEN %s THEN %s" for _ in measurements)
    ids = ", ".join("%s" for _ in measurements)
    params: list[Any] = []
    for m in measurements:
        params += [m.pk, str(m.value)]
    for m in measurements:
        params += [m.pk, m.met]
    params += [m.pk for m in measurements]
    sql = (
        f"UPDATE {table} SET value = CASE id {value_cases} END, met = CASE id {met_cases} END "  # noqa: S608
        f"WHERE id IN ({ids})"
    )
    with connection.cursor() as cursor:
        cursor.execute(sql, params)


@transaction.atomic
def sla_period_save(
    *,
    contract: Contract,
    by: User | None,
    period: str,
    fee_amount: Decimal | None,
    measurements: Sequence[MeasurementInput],
    report: Document | None = None,
    today: date | None = None,
    expected_period: SlaPeriod | None = None,
) -> SlaPeriod:
    """Record a month of a contract: create it, or replace the results of a month entered before.

    The month's results are exactly `measurements` (a target left out has no result that month). `expected_period`:
    the month being edited; its month cannot be changed into another one.
    """
    today = today or timezone.localdate()
    locked = _lock(contract)
    targets = {t.pk: t for t in SLATarget.objects.filter(contract=locked)}
    errors = _problems(
        locked, period=period, fee_amount=fee_amount, measurements=measurements, targets=targets, today=today
    )
    if expected_period is not None and expected_period.period != period and "period" not in errors:
        errors["period"] = [_("The month of a recorded month cannot change; delete it and record the other month.")]
    if errors:
        raise ValidationError(errors)
    month = _store_month(
        locked,
        by=by,
        period=period,
        fee_amount=fee_amount,
        measurements=measurements,
        targets=targets,
        report=report,
        reason="sla month",
    )
    derive_sla_obligations_bulk([locked], today=today, by=by, reason="sla month")
    return month


@transaction.atomic
def sla_periods_save(
    *,
    contract: Contract,
    by: User | None,
    months: Sequence[tuple[str, Decimal | None, Sequence[MeasurementInput]]],
    report: Document | None = None,
    today: date | None = None,
) -> list[SlaPeriod]:
    """Record several months at once (an uploaded report): all of them or, on any error, none."""
    today = today or timezone.localdate()
    locked = _lock(contract)
    targets = {t.pk: t for t in SLATarget.objects.filter(contract=locked)}
    saved = []
    for period, fee_amount, measurements in months:
        errors = _problems(
            locked, period=period, fee_amount=fee_amount, measurements=measurements, targets=targets, today=today
        )
        if errors:
            raise ValidationError(errors)
        saved.append(
            _store_month(
                locked,
                by=by,
                period=period,
                fee_amount=fee_amount,
                measurements=measurements,
                targets=targets,
                report=report,
                reason="sla report import",
            )
        )
    derive_sla_obligations_bulk([locked], today=today, by=by, reason="sla report import")
    return saved


@transaction.atomic
def sla_period_delete(*, sla_period: SlaPeriod, by: User | None, today: date | None = None) -> None:
    """Remove a month recorded by mistake; the history keeps it, and an open exit right it earned goes with it."""
    locked = _lock(sla_period.contract)
    month = SlaPeriod.objects.get(pk=sla_period.pk)
    month._history_user = by
    month._change_reason = "sla month deleted"
    for measurement in month.measurements.all():
        measurement._history_user = by
        measurement._change_reason = "sla month deleted"
        measurement.delete()
    month.delete()
    derive_sla_obligations_bulk([locked], today=today, by=by, reason="sla month deleted")


def sla_reevaluate(contracts: Sequence[Contract], *, by: User | None = None, reason: str = "sla re-evaluated") -> int:
    """Evaluate every recorded month of these contracts again against their targets and cap as they are now.

    Called after a change of terms (contracts.services.follow_up): a target's comparator, value or credit, or the
    contract's cap. Set-based: three reads for the whole batch, and writes only for months whose result changed.
    Returns the number of months whose stored result changed.
    """
    by_id = {c.pk: c for c in contracts if c.pk}
    if not by_id:
        return 0
    months = list(SlaPeriod.objects.filter(contract_id__in=list(by_id)))
    if not months:
        return 0
    targets: dict[int, SLATarget] = {t.pk: t for t in SLATarget.objects.filter(contract_id__in=list(by_id))}
    per_month: dict[int, list[SlaMeasurement]] = defaultdict(list)
    for measurement in SlaMeasurement.objects.filter(sla_period__in=months):
        per_month[measurement.sla_period_id].append(measurement)
    month_updates, measurement_updates = [], []
    for month in months:
        rows = [m for m in per_month.get(month.pk, []) if m.target_id in targets]
        result = rules.evaluate_period(
            {as_rule_target(targets[m.target_id]): m.value for m in rows},
            fee_amount=month.fee_amount,
            cap_pct=by_id[month.contract_id].sla_credit_cap_pct,
        )
        for measurement in rows:
            if measurement.met != result.met[measurement.target_id]:
                measurement.met = result.met[measurement.target_id]
                measurement_updates.append(measurement)
        new = (result.missed_count, result.credit_pct, result.credit_amount)
        if (month.missed_count, month.credit_pct, month.credit_amount) != new:
            month.missed_count, month.credit_pct, month.credit_amount = new
            month.updated_at = timezone.now()
            month_updates.append(month)
    history = {"default_user": by, "default_change_reason": reason}
    if measurement_updates:
        bulk_update_with_history(measurement_updates, SlaMeasurement, ["met"], batch_size=1000, **history)
    if month_updates:
        bulk_update_with_history(
            month_updates,
            SlaPeriod,
            ["missed_count", "credit_pct", "credit_amount", "updated_at"],
            batch_size=1000,
            **history,
        )
    return len(month_updates)
