"""Derivation: the obligations a contract's terms and events call for, brought in line with what is stored.

This is the entry point other apps call after a change (contracts.services.follow_up, vendors.services): it reads the
contract models only, never their services.

Derivation is idempotent: it compares what the terms say with what is stored and writes only the difference. It
updates open derived obligations in place (so their owner, watchers and reminders stay), keeps done and waived ones
as they are, keeps a due date that a person moved by hand, and deletes open derived ones that no longer apply. It runs
in a constant number of queries per batch of contracts, whatever the number of obligations.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta

from django.db import transaction
from django.db.models import Q
from django.utils import timezone, translation
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from accounts.models import User
from contracts.models import Contract, PriceChangeNotice
from rules.obligation_dates import (
    ACT_BY_REACH_DAYS,
    data_handover_window,
    price_change_window,
    renewal_window,
    trial_review_window,
)
from rules.workdays import WorkingDayCalendar
from vendors.models import Certification

from .calendar import act_by_for, load_calendar
from .models import TERM_KEY_PREFIX, Obligation, term_end_from_key
from .sla import (
    SLA_KINDS,
    SlaInputs,
    load_sla_inputs,
    period_from_report_key,
    plan_sla_obligations,
    reports_now_recorded,
)

Kind = Obligation.Kind
Status = Contract.Status


TRIAL_KEY = "trial"
HANDOVER_KEY = "handover"

_DERIVED_FIELDS = (
    "key",
    "title",
    "description",
    "due_date",
    "starts_on",
    "act_by",
    "responsible",
    "provisional",
    "price_change_notice_id",
    "certification_id",
)


@dataclass(frozen=True)
class PlannedObligation:
    """What the terms say one derived obligation should look like."""

    kind: str
    key: str
    due_date: date
    starts_on: date | None = None
    responsible: str = Obligation.Responsible.US
    provisional: bool = False
    price_change_notice_id: int | None = None
    certification: Certification | None = None


@dataclass
class DerivationResult:
    created: int = 0
    updated: int = 0
    deleted: int = 0
    completed: int = 0

    def __iadd__(self, other: DerivationResult) -> DerivationResult:
        self.created += other.created
        self.updated += other.updated
        self.deleted += other.deleted
        self.completed += other.completed
        return self


def term_key(term_end: date) -> str:
    """A renewal window is identified by the end of the term it decides on; ISO dates also sort as text."""
    return f"{TERM_KEY_PREFIX}{term_end.isoformat()}"


def certificate_key(certification_id: int, expires_on: date) -> str:
    """One obligation per certificate and expiry date: a renewed certificate (new date) is a new deadline."""
    return f"cert:{certification_id}:{expires_on.isoformat()}"


def _movable(obligation: Obligation, plan: PlannedObligation, *, today: date) -> bool:
    """Whether an open derived obligation that no plan names can be moved in place to `plan` (same subject, new date).

    A renewal window follows its term's new end unless that term has already ended; a certificate's deadline
    follows the certificate's new expiry date.
    """
    if obligation.kind != plan.kind or obligation.status != Obligation.Status.OPEN:
        return False
    if plan.kind == Kind.RENEWAL_WINDOW:
        return (term_end_from_key(obligation.key) or date.min) >= today
    if plan.kind == Kind.CERTIFICATE_EXPIRY:
        return plan.certification is not None and obligation.certification_id == plan.certification.pk
    return False


class _LazyCalendar:
    """Loads the override table at most once, and only if a working-day count is actually needed."""

    def __init__(self, calendar: WorkingDayCalendar | None):
        self._calendar = calendar

    def get(self) -> WorkingDayCalendar:
        if self._calendar is None:
            self._calendar = load_calendar()
        return self._calendar


_TEXT_CACHE_SIZE = 4096
_texts: dict[tuple, tuple[str, str]] = {}


def _stored_text(obligation: Obligation) -> tuple[str, str]:
    """The stored title and description: neutral English, as pages render them afresh in the reader's language.

    Texts depend only on the kind, the term end and the certificate's name, so each is rendered once per process.
    """
    certification = obligation.certification if obligation.certification_id else None
    cache_key = (
        obligation.kind,
        # A renewal window names its term's end; an SLA obligation its month (the key's last part).
        obligation.key
        if obligation.kind == Kind.RENEWAL_WINDOW
        else obligation.key.rsplit(":", 1)[-1]
        if obligation.kind in SLA_KINDS
        else "",
        (certification.kind, certification.name, certification.number) if certification else None,
    )
    text = _texts.get(cache_key)
    if text is None:
        if len(_texts) >= _TEXT_CACHE_SIZE:
            _texts.clear()
        with translation.override("en"):
            text = _texts[cache_key] = (obligation.display_title[:200], obligation.display_description)
    return text


def _sla_plans(
    contract: Contract, *, today: date, inputs: SlaInputs, open_report_periods: Iterable[str]
) -> list[PlannedObligation]:
    return [
        PlannedObligation(plan.kind, plan.key, plan.due_date, plan.starts_on, responsible=plan.responsible)
        for plan in plan_sla_obligations(contract, today=today, inputs=inputs, open_report_periods=open_report_periods)
    ]


def plan_obligations(
    contract: Contract,
    *,
    today: date,
    certifications: Iterable[Certification],
    notices: Iterable[PriceChangeNotice],
    calendar: _LazyCalendar,
    sla_inputs: SlaInputs | None = None,
    open_report_periods: Iterable[str] = (),
) -> list[PlannedObligation]:
    """The derived obligations the contract's terms and events call for on `today`."""
    planned: list[PlannedObligation] = []
    status = contract.status
    if sla_inputs is not None:
        planned.extend(_sla_plans(contract, today=today, inputs=sla_inputs, open_report_periods=open_report_periods))

    if status in Contract.RUNNING_STATUSES:
        term = contract.current_term(today)
        if term is not None:
            window = renewal_window(term.end, contract.non_renewal_notice_days, contract.renewal_review_lead_days)
            planned.append(
                PlannedObligation(Kind.RENEWAL_WINDOW, term_key(term.end), window.due_date, window.starts_on)
            )

    if status in Contract.UNDER_WAY_STATUSES and contract.trial_period_months and contract.effective_date:
        window = trial_review_window(contract.effective_date, contract.trial_period_months)
        planned.append(PlannedObligation(Kind.TRIAL_REVIEW, TRIAL_KEY, window.due_date))

    if status in Contract.UNDER_WAY_STATUSES:
        planned.extend(
            PlannedObligation(
                Kind.CERTIFICATE_EXPIRY,
                certificate_key(certification.pk, certification.expires_on),
                certification.expires_on,
                responsible=Obligation.Responsible.VENDOR,
                certification=certification,
            )
            for certification in certifications
            if certification.expires_on
        )

    if status not in Contract.ENDED_STATUSES:
        for notice in notices:
            window = price_change_window(notice.received_on, notice.effective_on)
            planned.append(
                PlannedObligation(
                    Kind.PRICE_CHANGE_NOTICE,
                    f"pcn:{notice.pk}",
                    window.due_date,
                    window.starts_on,
                    price_change_notice_id=notice.pk,
                )
            )

    end = contract.terminated_on if status == Status.TERMINATED else contract.expired_on
    if status in Contract.ENDED_STATUSES and end:
        window = data_handover_window(end, contract.data_handover_business_days, calendar.get())
        planned.append(
            PlannedObligation(
                Kind.DATA_HANDOVER,
                HANDOVER_KEY,
                window.due_date,
                window.starts_on,
                responsible=Obligation.Responsible.VENDOR,
                provisional=window.provisional,
            )
        )
    return planned


def _reconcile(
    contract: Contract,
    planned: list[PlannedObligation],
    existing: list[Obligation],
    *,
    today: date,
    changed_fields: set[str],
    calendar: _LazyCalendar,
) -> tuple[list[Obligation], list[Obligation], list[Obligation]]:
    """Match plans to stored obligations: (to create, to update, to delete)."""
    by_key = {(o.kind, o.key): o for o in existing}
    planned_keys = {(p.kind, p.key) for p in planned}
    matched: set[int] = set()
    creates: list[Obligation] = []
    updates: list[Obligation] = []

    for plan in planned:
        obligation = by_key.get((plan.kind, plan.key))
        if obligation is None:
            # The dates changed (an edited end date, an extension, a new expiry): move the open obligation in place,
            # so its owner, watchers and reminders stay.
            obligation = next(
                (
                    o
                    for o in existing
                    if o.pk not in matched and (o.kind, o.key) not in planned_keys and _movable(o, plan, today=today)
                ),
                None,
            )
        if obligation is None:
            obligation = Obligation(contract=contract, kind=plan.kind, source=Obligation.Source.DERIVED)
            _assign(obligation, plan, calendar)
            creates.append(obligation)
            continue
        matched.add(obligation.pk)
        if obligation.status != Obligation.Status.OPEN:
            continue
        changed = _assign(obligation, plan, calendar)
        if changed:
            changed_fields.update(changed)
            updates.append(obligation)

    deletes = [o for o in existing if o.pk not in matched and o.status == Obligation.Status.OPEN]
    return creates, updates, deletes


def _assign(obligation: Obligation, plan: PlannedObligation, calendar: _LazyCalendar) -> list[str]:
    """Set the planned values on `obligation`; a hand-moved due date stays. Returns the fields that changed."""
    before = [getattr(obligation, name) for name in _DERIVED_FIELDS]
    obligation.key = plan.key
    if not obligation.due_date_edited or obligation.due_date is None:
        obligation.due_date = plan.due_date
    starts_on = plan.starts_on
    obligation.starts_on = min(starts_on, obligation.due_date) if starts_on else None
    obligation.responsible = plan.responsible
    obligation.act_by = act_by_for(obligation.due_date, obligation.responsible, calendar.get())
    obligation.provisional = plan.provisional
    obligation.price_change_notice_id = plan.price_change_notice_id
    obligation.certification = plan.certification
    obligation.title, obligation.description = _stored_text(obligation)
    return [name for name, old in zip(_DERIVED_FIELDS, before, strict=True) if getattr(obligation, name) != old]


def derive_obligations_bulk(
    contracts: Sequence[Contract],
    *,
    today: date | None = None,
    by: User | None = None,
    reason: str = "derive",
    calendar: WorkingDayCalendar | None = None,
    kinds: frozenset[str] | None = None,
) -> DerivationResult:
    """Re-derive the obligations of many contracts in a fixed number of queries (the roll, recompute, benchmark).

    `kinds` limits the work to these kinds of obligation (None: every kind); obligations of other kinds are neither
    read nor touched.
    """
    today = today or timezone.localdate()
    contracts = [c for c in contracts if c.pk]
    if not contracts:
        return DerivationResult()
    ids = [c.pk for c in contracts]
    lazy_calendar = _LazyCalendar(calendar)

    existing: dict[int, list[Obligation]] = defaultdict(list)
    stored = Obligation.objects.filter(contract_id__in=ids, source=Obligation.Source.DERIVED)
    if kinds is not None:
        stored = stored.filter(kind__in=kinds)
    for obligation in stored:
        existing[obligation.contract_id].append(obligation)

    sla_inputs = load_sla_inputs(ids) if kinds is None or kinds & SLA_KINDS else None
    completes: list[Obligation] = []
    if sla_inputs is not None:
        # Entering a month completes the vendor's report of it: done, not deleted, so the history shows it was met.
        completes = reports_now_recorded((o for rows in existing.values() for o in rows), sla_inputs)
        completed_ids = {o.pk for o in completes}
        for contract_id, rows in existing.items():
            existing[contract_id] = [o for o in rows if o.pk not in completed_ids]

    certifications: dict[int, list[Certification]] = defaultdict(list)
    vendor_ids = {c.vendor_id for c in contracts if c.status in Contract.UNDER_WAY_STATUSES}
    if vendor_ids and (kinds is None or Kind.CERTIFICATE_EXPIRY in kinds):
        for certification in Certification.objects.filter(vendor_id__in=vendor_ids, expires_on__isnull=False):
            certifications[certification.vendor_id].append(certification)

    notices: dict[int, list[PriceChangeNotice]] = defaultdict(list)
    notice_contract_ids = [c.pk for c in contracts if c.status not in Contract.ENDED_STATUSES]
    if notice_contract_ids and (kinds is None or Kind.PRICE_CHANGE_NOTICE in kinds):
        for notice in PriceChangeNotice.objects.filter(contract_id__in=notice_contract_ids).only(
            "id", "contract_id", "received_on", "effective_on"
        ):
            notices[notice.contract_id].append(notice)

    creates: list[Obligation] = []
    updates: list[Obligation] = []
    deletes: list[Obligation] = []
    changed_fields: set[str] = set()
    only_sla = kinds is not None and kinds <= SLA_KINDS
    for contract in contracts:
        open_report_periods = [
            period
            for o in existing.get(contract.pk, ())
            if o.kind == Kind.SLA_REPORT
            and o.status == Obligation.Status.OPEN
            and (period := period_from_report_key(o.key))
        ]
        if only_sla and sla_inputs is not None:
            # What saving a month or the bulk recompute asks for: no term, notice or certificate to look at.
            planned = _sla_plans(contract, today=today, inputs=sla_inputs, open_report_periods=open_report_periods)
        else:
            planned = plan_obligations(
                contract,
                today=today,
                certifications=certifications.get(contract.vendor_id, ()),
                notices=notices.get(contract.pk, ()),
                calendar=lazy_calendar,
                sla_inputs=sla_inputs,
                open_report_periods=open_report_periods,
            )
        if kinds is not None:
            planned = [plan for plan in planned if plan.kind in kinds]
        c, u, d = _reconcile(
            contract,
            planned,
            existing.get(contract.pk, []),
            today=today,
            changed_fields=changed_fields,
            calendar=lazy_calendar,
        )
        creates += c
        updates += u
        deletes += d

    if not (creates or updates or deletes or completes):
        return DerivationResult()
    history = {"default_user": by, "default_change_reason": reason}
    with transaction.atomic():
        if completes:
            now = timezone.now()
            for obligation in completes:
                obligation.status = Obligation.Status.DONE
                obligation.completed_at = obligation.updated_at = now
                obligation.completed_by = by
            bulk_update_with_history(
                completes,
                Obligation,
                ["status", "completed_at", "completed_by", "updated_at"],
                batch_size=1000,
                default_user=by,
                default_change_reason="sla month recorded",
            )
        if deletes:
            # Deleting through the ORM keeps the history (one "-" row each) and cascades to reminders.
            Obligation.objects.filter(pk__in=[o.pk for o in deletes]).delete()
        if updates:
            now = timezone.now()
            for obligation in updates:
                obligation.updated_at = now
            fields = [name for name in _DERIVED_FIELDS if name in changed_fields] + ["updated_at"]
            bulk_update_with_history(updates, Obligation, fields, batch_size=1000, **history)
        if creates:
            bulk_create_with_history(creates, Obligation, batch_size=1000, **history)
    return DerivationResult(created=len(creates), updated=len(updates), deleted=len(deletes), completed=len(completes))


def derive_obligations(
    contract: Contract,
    *,
    today: date | None = None,
    by: User | None = None,
    reason: str = "derive",
    calendar: WorkingDayCalendar | None = None,
) -> DerivationResult:
    """Bring one contract's derived obligations in line with its terms and events (after every change)."""
    return derive_obligations_bulk([contract], today=today, by=by, reason=reason, calendar=calendar)


def derive_sla_obligations_bulk(
    contracts: Sequence[Contract], *, today: date | None = None, by: User | None = None, reason: str = "derive"
) -> DerivationResult:
    """Only the obligations SLA results call for (exit rights, monthly reports): what saving a month changes."""
    return derive_obligations_bulk(contracts, today=today, by=by, reason=reason, kinds=SLA_KINDS)


@transaction.atomic
def obligations_recompute_for_calendar(*, days: Iterable[date], by: User | None = None) -> DerivationResult:
    """Re-derive the contracts whose open working-day deadlines an override of these days can move, and move the
    day to act by of the open obligations whose due date it can move.

    A count from `starts_on` to `due_date` changes when a day inside it changes, and its provisional mark changes
    when the first override of a year makes that year scheduled; both lie within the years the count spans. An
    `act_by` lies at most a month (the longest run of days off) before its due date.
    """
    days = sorted(set(days))
    if not days:
        return DerivationResult()
    affected = Q()
    near = Q()
    for day in days:
        affected |= Q(starts_on__lte=day, due_date__gte=date(day.year, 1, 1))
        near |= Q(due_date__gte=day, due_date__lte=day + timedelta(days=ACT_BY_REACH_DAYS))
    contract_ids = (
        Obligation.objects.filter(
            affected,
            kind=Kind.DATA_HANDOVER,
            source=Obligation.Source.DERIVED,
            status=Obligation.Status.OPEN,
        )
        .values_list("contract_id", flat=True)
        .distinct()
    )
    contracts = list(Contract.objects.filter(pk__in=contract_ids).order_by("pk").select_for_update(of=("self",)))
    result = derive_obligations_bulk(contracts, by=by, reason="working-day calendar changed")
    calendar = load_calendar()
    moved = []
    for obligation in Obligation.objects.filter(near, status=Obligation.Status.OPEN).select_for_update():
        new_act_by = act_by_for(obligation.due_date, obligation.responsible, calendar)
        if new_act_by != obligation.act_by:
            obligation.act_by = new_act_by
            moved.append(obligation)
    if moved:
        bulk_update_with_history(
            moved,
            Obligation,
            ["act_by"],
            batch_size=1000,
            default_user=by,
            default_change_reason="working-day calendar changed",
        )
        result.updated += len(moved)
    return result
