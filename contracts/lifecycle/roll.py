"""What happens to contracts as the days pass: the daily roll into the next term, expiry at the end, and the
on-demand recompute that does the same and re-derives every contract."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date

from django.db import transaction
from django.db.models import Exists, OuterRef, Q, QuerySet

from contracts.models import Contract, SLATarget
from contracts.services.follow_up import terms_changed
from obligations.calendar import load_calendar
from obligations.derivation import DerivationResult, derive_sla_obligations_bulk, term_key
from obligations.models import Obligation
from obligations.sla import previous_period, report_key
from rules.sla import period_end
from rules.terms import final_end_date
from sla.models import SlaPeriod

from .actions import contract_carry_out_scheduled, contract_expire

Kind = Obligation.Kind


@dataclass
class RollResult:
    rolled: int = 0
    expired: int = 0
    sla_reports: int = 0
    activated: int = 0
    terminated: int = 0


def _contracts_with_a_scheduled_day(today: date) -> QuerySet[Contract]:
    """Signed contracts whose activation day has come, and running ones whose termination day has come."""
    return Contract.objects.filter(
        Q(status=Contract.Status.SIGNED, scheduled_activation_on__lte=today)
        | Q(status__in=Contract.RUNNING_STATUSES, scheduled_termination_on__lte=today)
    )


def _contracts_needing_a_new_term(today: date) -> QuerySet[Contract]:
    """Auto-renewing contracts past their initial end whose current term has no renewal window yet (set-based)."""
    current_window = Obligation.objects.filter(
        contract=OuterRef("pk"),
        kind=Kind.RENEWAL_WINDOW,
        source=Obligation.Source.DERIVED,
        key__gte=term_key(today),
    )
    return (
        Contract.objects.filter(
            status__in=Contract.RUNNING_STATUSES, auto_renew=True, notice_given_on__isnull=True, end_date__lt=today
        )
        .filter(~Exists(current_window))
        .order_by("pk")
    )


def _contracts_past_their_end(today: date) -> QuerySet[Contract]:
    """Signed or active contracts that will not renew by themselves and whose initial end date has passed."""
    return Contract.objects.filter(status__in=Contract.RUNNING_STATUSES, end_date__lt=today).filter(
        Q(auto_renew=False) | Q(notice_given_on__isnull=False)
    )


def _contracts_owing_an_sla_report(today: date) -> QuerySet[Contract]:
    """Active contracts with SLA targets, in force last month, whose report of last month is neither recorded nor
    asked for yet (set-based: what the first days of a month add)."""
    month = previous_period(today)
    return (
        Contract.objects.filter(status=Contract.Status.ACTIVE, effective_date__lte=period_end(month))
        .filter(Exists(SLATarget.objects.filter(contract=OuterRef("pk"))))
        .filter(~Exists(SlaPeriod.objects.filter(contract=OuterRef("pk"), period=month)))
        .filter(
            ~Exists(
                Obligation.objects.filter(
                    contract=OuterRef("pk"),
                    kind=Kind.SLA_REPORT,
                    source=Obligation.Source.DERIVED,
                    key=report_key(month),
                )
            )
        )
        .order_by("pk")
    )


def roll_contracts(*, today: date, batch_size: int = 500, contract_ids: Sequence[int] | None = None) -> RollResult:
    """The daily roll: carry out the activations and terminations scheduled for today, move auto-renewing contracts
    into their next term and expire those that reached their end.

    Terms are computed from the original end date, so rolling changes no contract field: it derives the new
    term's renewal window (and removes the open window of the term that ended). Contracts that will not renew
    become `expired` on their last term's end, with a `data_handover` obligation. Running it twice on one day
    finds nothing left to do the second time. Rows are claimed with SKIP LOCKED, so two workers never collide.
    """
    result = RollResult()
    calendar = load_calendar()
    scope = Q() if contract_ids is None else Q(pk__in=list(contract_ids))

    # First what was scheduled for today (or a missed day): a contract terminated today neither rolls nor expires.
    for pk in list(_contracts_with_a_scheduled_day(today).filter(scope).order_by("pk").values_list("pk", flat=True)):
        with transaction.atomic():
            contract = Contract.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if contract is None:
                continue
            before = contract.status
            contract = contract_carry_out_scheduled(contract=contract, today=today, calendar=calendar)
            if contract.status == Contract.Status.TERMINATED:
                result.terminated += 1
            elif contract.status != before:
                result.activated += 1

    last_pk = 0
    while True:
        with transaction.atomic():
            batch = list(
                _contracts_needing_a_new_term(today)
                .filter(scope, pk__gt=last_pk)
                .select_for_update(skip_locked=True, of=("self",))[:batch_size]
            )
            if batch:
                terms_changed(batch, today=today, reason="roll into next term", calendar=calendar)
        if not batch:
            break
        result.rolled += len(batch)
        last_pk = batch[-1].pk

    last_pk = 0
    while True:
        with transaction.atomic():
            batch = list(
                _contracts_owing_an_sla_report(today)
                .filter(scope, pk__gt=last_pk)
                .select_for_update(skip_locked=True, of=("self",))[:batch_size]
            )
            if batch:
                derive_sla_obligations_bulk(batch, today=today, reason="sla report due")
        if not batch:
            break
        result.sla_reports += len(batch)
        last_pk = batch[-1].pk
    for pk in list(_contracts_past_their_end(today).filter(scope).order_by("pk").values_list("pk", flat=True)):
        with transaction.atomic():
            contract = Contract.objects.select_for_update(skip_locked=True).filter(pk=pk).first()
            if contract is None or contract.status not in Contract.RUNNING_STATUSES:
                continue
            end = final_end_date(
                end_date=contract.end_date,
                auto_renew=contract.auto_renew,
                renewal_term_months=contract.renewal_term_months,
                notice_given_on=contract.notice_given_on,
            )
            if end is not None and end < today:
                contract_expire(contract=contract, on=end, calendar=calendar, today=today)
                result.expired += 1
    return result


@dataclass
class RecomputeResult:
    contracts: int = 0
    rolled: int = 0
    expired: int = 0
    derivation: DerivationResult = field(default_factory=DerivationResult)


def obligations_recompute(*, today: date, number: str | None = None, batch_size: int = 500) -> RecomputeResult:
    """On demand, what the daily roll does, then re-derive every contract (or the one with this number).

    Raises `Contract.DoesNotExist` for an unknown number.
    """
    contract_ids = None
    if number is not None:
        contract_ids = [Contract.objects.values_list("pk", flat=True).get(number=number)]
    roll = roll_contracts(today=today, batch_size=batch_size, contract_ids=contract_ids)
    result = RecomputeResult(rolled=roll.rolled, expired=roll.expired)
    calendar = load_calendar()
    queryset = Contract.objects.order_by("pk")
    if contract_ids is not None:
        queryset = queryset.filter(pk__in=contract_ids)
    last_pk = 0
    while True:
        with transaction.atomic():
            batch = list(queryset.filter(pk__gt=last_pk).select_for_update(of=("self",))[:batch_size])
            if not batch:
                break
            result.derivation += terms_changed(batch, today=today, reason="recompute", calendar=calendar)
        result.contracts += len(batch)
        last_pk = batch[-1].pk
    return result
