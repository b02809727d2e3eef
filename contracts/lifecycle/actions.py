"""Lifecycle actions on a contract: draft -> negotiating -> signed -> active -> expired | terminated.

Each action runs in one transaction on a locked contract row, refuses with `ActionNotAllowed` (saying why) when the
current state does not allow it, bumps `version` so concurrent editors notice, leaves a history row with the action as
its change reason, and re-derives the contract's obligations. Given the `version` the caller read, an action refuses
with `StaleVersionError` when the row changed since: the same action sent twice at once applies once.
"""

from __future__ import annotations

from collections.abc import Collection
from datetime import date, timedelta
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history

from accounts.models import User
from contracts.lifecycle.states import ALLOWED_FROM
from contracts.models import (
    Clause,
    ClauseRevision,
    Contract,
    FeeItem,
    PriceChangeNotice,
    SLATarget,
    price_change_issue_message,
)
from contracts.search import search_text_refresh
from contracts.services.follow_up import clauses_changed, terms_changed
from contracts.services.terms import contract_create
from core.dates import (
    check_date_range,
    date_range_errors,
    ends_too_late_message,
    out_of_range_message,
    term_months_message,
)
from core.exceptions import ActionNotAllowed, ClausesNotAgreed, StaleVersionError
from core.formatting import join_list, prose_date

# Webhooks hear of a signed or terminated contract once it is committed (see pyproject: the one allowed call).
from notifications.services import contract_event_on_commit
from obligations.actions import renewal_window_settle
from review.services import signing_gate
from rules.dates import date_in_range, term_months_in_range
from rules.pricing import price_change_issues
from rules.terms import add_months, default_end_date, final_end_date
from rules.workdays import WorkingDayCalendar

Status = Contract.Status

# Term fields a successor contract copies from its predecessor.
_SUCCESSOR_FIELDS = (
    "title",
    "vendor",
    "category",
    "owner",
    "auto_renew",
    "renewal_term_months",
    "non_renewal_notice_days",
    "renewal_review_lead_days",
    "termination_notice_days",
    "price_change_notice_days",
    "price_increase_cap_pct",
    "fee_model",
    "currency",
    "contract_value",
    "payment_cycle",
    "data_handover_business_days",
    "data_storage_location",
    "confidentiality_years_after_end",
    "sla_credit_cap_pct",
    "sla_exit_consecutive_misses",
    "sla_exit_decision_days",
)


def _lock(contract: Contract, version: int | None = None) -> Contract:
    """The contract's row, locked until the transaction ends.

    `version` is the one the caller read before asking for the action. When the row has changed since (the same
    action sent twice at once, or someone else acted first), nothing is done and StaleVersionError says so: an action
    applies to the state the person saw, once.
    """
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    if version is not None and int(version) != locked.version:
        raise StaleVersionError(locked.version)
    return locked


def _require_status(contract: Contract, allowed: Collection[str], message: str) -> None:
    """Refuse unless the contract is in one of the `allowed` statuses; `message` names the current one as %(status)s."""
    if contract.status not in allowed:
        raise ActionNotAllowed(message % {"status": contract.get_status_display().lower()})


def _require_date(value: object, field: str = "date") -> date:
    """A date within the accepted range (rules.dates), or a field error."""
    if not isinstance(value, date):
        raise ValidationError({field: [_("Enter a valid date.")]})
    check_date_range(**{field: value})
    return value


def _commit(
    locked: Contract,
    original: Contract,
    *,
    by: User | None,
    reason: str,
    today: date | None = None,
    calendar: WorkingDayCalendar | None = None,
) -> Contract:
    """Save the action with its history row and re-derive the obligations."""
    locked.version += 1
    locked._history_user = by
    locked._change_reason = reason
    locked.save()
    terms_changed([locked], today=today, by=by, reason=reason, calendar=calendar)
    if original is not locked:
        original.refresh_from_db()
    return locked


@transaction.atomic
def contract_start_negotiation(*, contract: Contract, by: User, version: int | None = None) -> Contract:
    locked = _lock(contract, version)
    _require_status(
        locked,
        ALLOWED_FROM["start_negotiation"],
        _("Only a draft contract can go into negotiation; this one is %(status)s."),
    )
    locked.status = Status.NEGOTIATING
    return _commit(locked, contract, by=by, reason="start negotiation")


@transaction.atomic
def contract_sign(
    *,
    contract: Contract,
    by: User,
    date: date,
    version: int | None = None,
    accept_findings: bool = False,
    reason: str = "",
) -> Contract:
    """Sign: every clause must be agreed or explicitly waived, the term must have a start, and no high finding of the
    review may be open. A procurement manager or legal may accept the open ones in the same step, with a reason."""
    signed_on = _require_date(date)
    locked = _lock(contract, version)
    _require_status(
        locked,
        ALLOWED_FROM["sign"],
        _("Only a draft or negotiating contract can be signed; this one is %(status)s."),
    )
    open_clauses = list(
        locked.clauses.exclude(status__in=Clause.SETTLED_STATUSES).order_by("order", "id").values_list("pk", "title")
    )
    if open_clauses:
        raise ClausesNotAgreed(
            _("Every clause must be agreed or waived before signing. Still open: %(clauses)s.")
            % {"clauses": join_list(title for _pk, title in open_clauses)},
            [pk for pk, _title in open_clauses],
        )
    if not locked.effective_date or not locked.end_date:
        raise ActionNotAllowed(_("Enter the effective date and the term before signing."))
    signing_gate(contract=locked, by=by, accept_findings=accept_findings, reason=reason)
    locked.status = Status.SIGNED
    locked.signed_on = signed_on
    signed = _commit(locked, contract, by=by, reason="sign")
    contract_event_on_commit("contract.signed", signed)
    return signed


@transaction.atomic
def contract_activate(
    *, contract: Contract, by: User, date: date, version: int | None = None, today: date | None = None
) -> Contract:
    """Put a signed contract into force on `date`. A past date (or today) records what happened; a future date
    schedules it: the contract stays signed and the daily roll activates it on that day (`contract_activate_due`)."""
    activated_on = _require_date(date)
    locked = _lock(contract, version)
    _require_status(
        locked, ALLOWED_FROM["activate"], _("Only a signed contract can be put into force; this one is %(status)s.")
    )
    if locked.signed_on and activated_on < locked.signed_on:
        raise ValidationError({"date": [_("A contract cannot start before it was signed.")]})
    if activated_on > (today or timezone.localdate()):
        locked.scheduled_activation_on = activated_on
        return _commit(locked, contract, by=by, reason="schedule activation", today=today)
    locked.status = Status.ACTIVE
    locked.activated_on = activated_on
    locked.scheduled_activation_on = None
    return _commit(locked, contract, by=by, reason="activate", today=today)


@transaction.atomic
def contract_record_non_renewal_notice(
    *, contract: Contract, by: User, date: date, version: int | None = None
) -> Contract:
    """Record that we told the vendor we will not renew: the contract ends with the term the notice was given in.

    The renewal window of that term is thereby dealt with, so it is marked done.
    """
    given_on = _require_date(date)
    locked = _lock(contract, version)
    _require_status(
        locked,
        ALLOWED_FROM["non_renewal_notice"],
        _("A non-renewal notice can only be recorded for an active contract; this one is %(status)s."),
    )
    if locked.notice_given_on:
        raise ActionNotAllowed(
            _("A non-renewal notice was already recorded on %(date)s.") % {"date": prose_date(locked.notice_given_on)}
        )
    if locked.effective_date and given_on < locked.effective_date:
        raise ValidationError({"date": [_("The notice cannot be dated before the contract took effect.")]})
    locked.notice_given_on = given_on
    _commit(locked, contract, by=by, reason="non-renewal notice")
    final_end = final_end_date(
        end_date=locked.end_date,
        auto_renew=locked.auto_renew,
        renewal_term_months=locked.renewal_term_months,
        notice_given_on=given_on,
    )
    if final_end is not None:
        renewal_window_settle(contract=locked, term_end=final_end, by=by, reason="non-renewal notice")
    return locked


@transaction.atomic
def contract_renew(
    *,
    contract: Contract,
    by: User,
    months: int | None = None,
    successor: bool = False,
    version: int | None = None,
) -> Contract:
    """Renew a contract that does not renew by itself: extend its term, or start a linked successor in draft.

    Returns the extended contract, or the new successor.
    """
    locked = _lock(contract, version)
    if locked.auto_renew and not successor:
        raise ActionNotAllowed(_("This contract renews automatically; record a non-renewal notice to stop it."))
    if successor:
        allowed = ALLOWED_FROM["renew_successor"]
        message = _("A successor can follow a signed, active or expired contract; this one is %(status)s.")
    else:
        allowed = ALLOWED_FROM["renew"]
        message = _("Only a signed or active contract can be extended; this one is %(status)s.")
    _require_status(locked, allowed, message)
    if locked.notice_given_on and not successor:
        raise ActionNotAllowed(_("A non-renewal notice was recorded; create a successor contract instead."))
    if not locked.end_date:
        raise ActionNotAllowed(_("Enter the term before renewing."))
    months = locked.renewal_term_months if months is None else months
    if not term_months_in_range(months):
        raise ValidationError({"months": [term_months_message()]})
    if not date_in_range(locked.end_date):
        raise ActionNotAllowed(out_of_range_message())
    new_end = add_months(locked.end_date + timedelta(days=1), months) - timedelta(days=1)
    if not date_in_range(new_end):
        raise ValidationError({"months": [ends_too_late_message()]})

    if not successor:
        locked.end_date = new_end
        return _commit(locked, contract, by=by, reason="renew")
    return _create_successor(locked, by=by, months=months, end=locked.end_date)


def _create_successor(predecessor: Contract, *, by: User, months: int, end: date) -> Contract:
    """A draft that starts the day after `end`, the predecessor's end, with its terms, rows and clauses."""
    if Contract.objects.filter(predecessor=predecessor).exists():
        raise ActionNotAllowed(_("This contract already has a successor."))
    effective = end + timedelta(days=1)
    successor = contract_create(
        by=by,
        sla_targets=[
            {
                f: getattr(t, f)
                for f in ("metric", "kind", "comparator", "target", "unit", "period", "credit_pct", "critical", "order")
            }
            for t in SLATarget.objects.filter(contract=predecessor)
        ],
        fee_items=[
            {f: getattr(i, f) for f in ("kind", "unit_price", "unit", "quantity", "note", "order")}
            for i in FeeItem.objects.filter(contract=predecessor)
        ],
        effective_date=effective,
        initial_term_months=months,
        end_date=default_end_date(effective, months),
        trial_period_months=0,
        **{name: getattr(predecessor, name) for name in _SUCCESSOR_FIELDS},
    )
    clauses = list(predecessor.clauses.order_by("order", "id"))
    copies = bulk_create_with_history(
        [
            Clause(
                contract=successor,
                category=c.category,
                title=c.title,
                text=c.text,
                status=c.status,
                order=c.order,
                template_id=c.template_id,
                follows_terms=c.follows_terms,
                language=c.language,
            )
            for c in clauses
        ],
        Clause,
        default_user=by,
        default_change_reason="successor of " + predecessor.number,
    )
    ClauseRevision.objects.bulk_create(
        ClauseRevision(
            clause=copy,
            number=1,
            text=copy.text,
            author=by,
            comment=_("Carried over from %(number)s.") % {"number": predecessor.number},
        )
        for copy in copies
    )
    search_text_refresh([successor.pk])
    clauses_changed([successor.pk], by=by)
    successor.predecessor = predecessor
    successor._history_user = by
    successor._change_reason = "successor of " + predecessor.number
    successor.save(update_fields=["predecessor", "updated_at"])
    predecessor.version += 1
    predecessor._history_user = by
    predecessor._change_reason = "renew as successor " + successor.number
    predecessor.save(update_fields=["version", "updated_at"])
    return successor


def earliest_termination_date(contract: Contract, today: date) -> date:
    """The earliest day a termination without cause may take effect: today plus the termination notice period."""
    return today + timedelta(days=contract.termination_notice_days or 0)


@transaction.atomic
def contract_terminate(
    *,
    contract: Contract,
    by: User,
    date: date,
    reason: str,
    version: int | None = None,
    for_cause: bool = False,
    today: date | None = None,
) -> Contract:
    """End the contract early; the vendor then owes us the data handover.

    A past date (or today) records a termination that took effect. A future date schedules it: the contract keeps
    running, shows the coming end, and the daily roll terminates it on that day. A future date closer than the
    termination notice period is refused, unless the termination is for cause (a breach, an exercised SLA exit
    right), which the reason must then explain.
    """
    terminated_on = _require_date(date)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Give the reason for the termination.")]})
    locked = _lock(contract, version)
    _require_status(
        locked,
        ALLOWED_FROM["terminate"],
        _("Only a signed or active contract can be terminated; this one is %(status)s."),
    )
    if locked.signed_on and terminated_on < locked.signed_on:
        raise ValidationError({"date": [_("A contract cannot be terminated before it was signed.")]})
    today = today or timezone.localdate()
    locked.termination_reason = reason
    locked.termination_for_cause = bool(for_cause)
    if terminated_on > today:
        earliest = earliest_termination_date(locked, today)
        if terminated_on < earliest and not for_cause:
            raise ValidationError(
                {
                    "date": [
                        ValidationError(
                            _(
                                "The contract asks for %(days)d days' notice of termination: the earliest date is "
                                "%(earliest)s. An earlier date needs a cause (a breach, an exercised SLA exit "
                                "right), stated in the reason."
                            ),
                            code="notice_too_short",
                            params={"days": locked.termination_notice_days, "earliest": prose_date(earliest)},
                        )
                    ],
                    "earliest_date": [earliest.isoformat()],
                }
            )
        locked.scheduled_termination_on = terminated_on
        return _commit(locked, contract, by=by, reason="schedule termination", today=today)
    locked.status = Status.TERMINATED
    locked.terminated_on = terminated_on
    locked.scheduled_termination_on = None
    locked.scheduled_activation_on = None
    terminated = _commit(locked, contract, by=by, reason="terminate", today=today)
    contract_event_on_commit("contract.terminated", terminated)
    return terminated


def contract_carry_out_scheduled(
    *, contract: Contract, today: date, calendar: WorkingDayCalendar | None = None
) -> Contract:
    """What the daily roll does on the day a scheduled activation or termination comes (inside its transaction, on a
    locked row): the action as recorded then, dated the scheduled day, by nobody (the history names the roll)."""
    reason = ""
    activation = contract.scheduled_activation_on
    if contract.status == Status.SIGNED and activation and activation <= today:
        contract.status = Status.ACTIVE
        contract.activated_on = contract.scheduled_activation_on
        contract.scheduled_activation_on = None
        reason = "activate"
    if (
        contract.status in Contract.RUNNING_STATUSES
        and contract.scheduled_termination_on
        and contract.scheduled_termination_on <= today
    ):
        contract.status = Status.TERMINATED
        contract.terminated_on = contract.scheduled_termination_on
        contract.scheduled_termination_on = None
        contract.scheduled_activation_on = None
        reason = "terminate"
    if not reason:
        return contract
    done = _commit(contract, contract, by=None, reason=reason, today=today, calendar=calendar)
    if reason == "terminate":
        contract_event_on_commit("contract.terminated", done)
    return done


def contract_expire(
    *, contract: Contract, on: date, today: date | None = None, calendar: WorkingDayCalendar | None = None
) -> Contract:
    """Close a contract that reached its end without renewal (called by the daily roll, inside its transaction)."""
    _require_status(
        contract,
        ALLOWED_FROM["expire"],
        _("Only a signed or active contract can expire; this one is %(status)s."),
    )
    contract.status = Status.EXPIRED
    contract.expired_on = on
    return _commit(contract, contract, by=None, reason="expire", today=today, calendar=calendar)


@transaction.atomic
def price_change_notice_record(
    *, contract: Contract, by: User, received_on: date, effective_on: date, increase_pct: object, note: str = ""
) -> PriceChangeNotice:
    """Record a vendor's price-change notice, check it against the contract, and derive the response deadline."""
    errors: dict[str, list[str]] = date_range_errors(received_on=received_on, effective_on=effective_on)
    if not isinstance(received_on, date):
        errors["received_on"] = [_("Enter a valid date.")]
    if not isinstance(effective_on, date):
        errors["effective_on"] = [_("Enter a valid date.")]
    elif isinstance(received_on, date) and effective_on < received_on and "effective_on" not in errors:
        errors["effective_on"] = [_("New prices cannot apply before the notice was received.")]
    try:
        increase = Decimal(str(increase_pct))
        if not increase.is_finite() or not Decimal("-100") <= increase <= Decimal("1000"):
            raise InvalidOperation
    except (InvalidOperation, ValueError):
        errors["increase_pct"] = [_("Enter the increase as a percentage between -100 and 1000.")]
    if errors:
        raise ValidationError(errors)
    locked = _lock(contract)
    _require_status(
        locked,
        ALLOWED_FROM["price_change_notice"],
        _("Price-change notices are recorded for signed or active contracts; this one is %(status)s."),
    )
    amount = increase.quantize(Decimal("0.01"))
    if PriceChangeNotice.objects.filter(
        contract=locked, received_on=received_on, effective_on=effective_on, increase_pct=amount
    ).exists():
        # The same notice sent twice (a double click, a retried request) is recorded once.
        raise ActionNotAllowed(_("This price-change notice was already recorded."))
    issues = price_change_issues(
        received_on=received_on,
        effective_on=effective_on,
        increase_pct=increase,
        price_change_notice_days=locked.price_change_notice_days,
        price_increase_cap_pct=locked.price_increase_cap_pct,
    )
    with translation.override("en"):
        stored_issues = [
            {**issue.as_dict(), "message": price_change_issue_message(issue.code, issue.params)} for issue in issues
        ]
    notice = PriceChangeNotice(
        contract=locked,
        received_on=received_on,
        effective_on=effective_on,
        increase_pct=amount,
        note=note or "",
        compliant=not issues,
        issues=stored_issues,
        recorded_by=by,
    )
    notice._history_user = by
    notice._change_reason = "record"
    notice.save()
    terms_changed([locked], by=by, reason="price-change notice")
    return notice
