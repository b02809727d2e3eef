"""The obligations a contract's SLA results call for: the buyer's exit right after repeated misses of a critical target,
and the vendor's monthly report (product spec, section 12).

Called from obligations.derivation, which reconciles these plans with what is stored like every other derived
obligation. The inputs of a whole batch of contracts are read in three queries (targets, recorded months, values of
critical targets), so deriving stays set-based. The rules themselves are rules.sla.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from contracts.models import Contract, SLATarget
from rules import sla as rules
from sla.models import SlaMeasurement, SlaPeriod

from .models import Obligation

Kind = Obligation.Kind

SLA_KINDS = frozenset({Kind.SLA_EXIT_RIGHT, Kind.SLA_REPORT})
EXIT_RIGHT_PREFIX = "sla_exit:"
REPORT_PREFIX = "sla_report:"


@dataclass
class SlaInputs:
    """What the SLA obligations of a batch of contracts depend on."""

    targets: dict[int, list[rules.Target]] = field(default_factory=lambda: defaultdict(list))
    periods: dict[int, set[str]] = field(default_factory=lambda: defaultdict(set))
    values: dict[int, dict[str, Decimal]] = field(default_factory=lambda: defaultdict(dict))


def report_key(period: str) -> str:
    return f"{REPORT_PREFIX}{period}"


def period_from_report_key(key: str) -> str | None:
    """The month a `sla_report` key names; None for any other key."""
    if not key.startswith(REPORT_PREFIX):
        return None
    period = key[len(REPORT_PREFIX) :]
    try:
        rules.parse_period(period)
    except ValueError:
        return None
    return period


def parse_exit_right_key(key: str) -> tuple[int, str] | None:
    """(target id, month) of a `sla_exit_right` key; None for any other key."""
    if not key.startswith(EXIT_RIGHT_PREFIX):
        return None
    target_id, _sep, period = key[len(EXIT_RIGHT_PREFIX) :].partition(":")
    try:
        rules.parse_period(period)
        return int(target_id), period
    except ValueError:
        return None


def load_sla_inputs(contract_ids: Sequence[int]) -> SlaInputs:
    """Targets, recorded months and the values of critical targets of these contracts, in three queries."""
    inputs = SlaInputs()
    if not contract_ids:
        return inputs
    for row in SLATarget.objects.filter(contract_id__in=contract_ids).values_list(
        "contract_id", "id", "kind", "comparator", "target", "credit_pct", "critical"
    ):
        contract_id, pk, kind, comparator, target, credit, critical = row
        inputs.targets[contract_id].append(rules.Target(pk, kind, comparator, target, credit, critical))
    period_of_id: dict[int, str] = {}
    for pk, contract_id, period in SlaPeriod.objects.filter(contract_id__in=contract_ids).values_list(
        "id", "contract_id", "period"
    ):
        inputs.periods[contract_id].add(period)
        period_of_id[pk] = period
    critical_ids = [t.id for targets in inputs.targets.values() for t in targets if t.critical]
    if critical_ids and period_of_id:
        for target_id, period_id, value in SlaMeasurement.objects.filter(target_id__in=critical_ids).values_list(
            "target_id", "sla_period_id", "value"
        ):
            inputs.values[target_id][period_of_id[period_id]] = value
    return inputs


@dataclass(frozen=True)
class SlaPlan:
    """One derived SLA obligation as the results call for it."""

    kind: str
    key: str
    due_date: date
    starts_on: date | None
    responsible: str


def previous_period(today: date) -> str:
    return rules.period_of(today.replace(day=1) - timedelta(days=1))


def report_applies(contract: Contract, period: str, *, has_targets: bool) -> bool:
    """Whether the vendor owes a report of `period`: an active contract with SLA targets, in force that month."""
    return (
        has_targets
        and contract.status == Contract.Status.ACTIVE
        and contract.effective_date is not None
        and contract.effective_date <= rules.period_end(period)
    )


def plan_sla_obligations(
    contract: Contract, *, today: date, inputs: SlaInputs, open_report_periods: Iterable[str]
) -> list[SlaPlan]:
    """The exit rights and monthly reports this contract's SLA results call for on `today`.

    An exit right is planned for every run of misses of a critical target that reached the contract's number, while
    the contract runs. The report of last month is planned once the month is over and until it is recorded; an
    older report still open stays planned until its month is recorded (the vendor still owes it).
    """
    plans: list[SlaPlan] = []
    targets = inputs.targets.get(contract.pk, [])
    recorded = inputs.periods.get(contract.pk, set())
    if contract.status in Contract.RUNNING_STATUSES and contract.sla_exit_consecutive_misses:
        for target in targets:
            if not target.critical:
                continue
            measured = inputs.values.get(target.id, {})
            values = {period: measured.get(period) for period in recorded}
            for right in rules.exit_rights(
                target,
                values,
                consecutive_misses=contract.sla_exit_consecutive_misses,
                decision_days=contract.sla_exit_decision_days,
            ):
                plans.append(
                    SlaPlan(Kind.SLA_EXIT_RIGHT, right.key, right.due_date, right.starts_on, Obligation.Responsible.US)
                )
    if targets:
        owed = {period for period in open_report_periods if period not in recorded}
        last_month = previous_period(today)
        if last_month not in recorded and report_applies(contract, last_month, has_targets=True):
            owed.add(last_month)
        for period in sorted(owed):
            due = rules.sla_report_due(period)
            plans.append(
                SlaPlan(
                    Kind.SLA_REPORT,
                    report_key(period),
                    due,
                    min(rules.period_end(period) + timedelta(days=1), due),
                    Obligation.Responsible.VENDOR,
                )
            )
    return plans


def reports_now_recorded(existing: Iterable[Obligation], inputs: SlaInputs) -> list[Obligation]:
    """Open monthly-report obligations whose month has been recorded since: entering the month completes them."""
    done = []
    for obligation in existing:
        if obligation.kind != Kind.SLA_REPORT or obligation.status != Obligation.Status.OPEN:
            continue
        period = period_from_report_key(obligation.key)
        if period is not None and period in inputs.periods.get(obligation.contract_id, set()):
            done.append(obligation)
    return done


def exit_right_misses(obligation: Obligation) -> dict | None:
    """What an exit right's e-mail names: the target and the missed values of the run, oldest first.

    Read from the measurements as they stand: the run that ends in the key's month, as long as the contract's
    number of consecutive misses.
    """
    parsed = parse_exit_right_key(obligation.key)
    if parsed is None:
        return None
    target_id, period = parsed
    target = SLATarget.objects.filter(pk=target_id, contract_id=obligation.contract_id).first()
    if target is None:
        return None
    count = obligation.contract.sla_exit_consecutive_misses or 1
    rows = list(
        SlaMeasurement.objects.filter(target=target, sla_period__period__lte=period, met=False)
        .order_by("-sla_period__period")
        .values_list("sla_period__period", "value")[:count]
    )
    misses = [{"period": p, "value": f"{value.normalize():f}{target.unit}"} for p, value in reversed(rows)]
    return {
        "target": f"{target.metric} {target.comparator} {target.target.normalize():f}{target.unit}",
        "misses": misses,
    }
