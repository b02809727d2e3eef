"""The actions a person takes on one obligation: complete, waive, reopen, reassign, move its due date, add one by hand.

Each runs in one transaction on a locked row and leaves a history row naming who did it and why.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import check_may_be_assigned_obligation
from contracts.models import Contract
from core.dates import check_date_range, date_range_errors
from core.exceptions import ActionNotAllowed
from rules.reminders import clean_reminder_offsets

from .derivation import term_key
from .models import Obligation

Kind = Obligation.Kind


def _lock(obligation: Obligation) -> Obligation:
    return Obligation.objects.select_for_update().get(pk=obligation.pk)


def _save(obligation: Obligation, original: Obligation, *, by: User, reason: str) -> Obligation:
    obligation._history_user = by
    obligation._change_reason = reason
    obligation.save()
    original.refresh_from_db()
    return obligation


def _require_open(obligation: Obligation) -> None:
    if obligation.status != Obligation.Status.OPEN:
        raise ActionNotAllowed(
            _("This obligation is already %(status)s.") % {"status": obligation.get_status_display().lower()}
        )


@transaction.atomic
def obligation_complete(*, obligation: Obligation, by: User) -> Obligation:
    """Mark an open obligation done; reminders stop and re-deriving keeps it."""
    locked = _lock(obligation)
    _require_open(locked)
    locked.status = Obligation.Status.DONE
    locked.completed_at = timezone.now()
    locked.completed_by = by
    return _save(locked, obligation, by=by, reason="complete")


@transaction.atomic
def obligation_waive(*, obligation: Obligation, by: User, reason: str = "") -> Obligation:
    """Decide that an open obligation needs no action; the reason goes into the history."""
    locked = _lock(obligation)
    _require_open(locked)
    locked.status = Obligation.Status.WAIVED
    locked.completed_at = timezone.now()
    locked.completed_by = by
    reason = (reason or "").strip()
    return _save(locked, obligation, by=by, reason=f"waive: {reason}" if reason else "waive")


@transaction.atomic
def obligation_reopen(*, obligation: Obligation, by: User) -> Obligation:
    locked = _lock(obligation)
    if locked.status == Obligation.Status.OPEN:
        raise ActionNotAllowed(_("This obligation is already open."))
    locked.status = Obligation.Status.OPEN
    locked.completed_at = None
    locked.completed_by = None
    return _save(locked, obligation, by=by, reason="reopen")


@transaction.atomic
def obligation_reassign(*, obligation: Obligation, by: User, owner: User | None) -> Obligation:
    """Give the obligation to another person (None: back to the contract owner), who must hold a role that may
    change contracts."""
    if owner is not None and not owner.is_active:
        raise ValidationError({"owner": [_("This user is inactive and cannot own an obligation.")]})
    if owner is not None:
        check_may_be_assigned_obligation(owner)
    locked = _lock(obligation)
    locked.owner = owner
    return _save(locked, obligation, by=by, reason="reassign")


@transaction.atomic
def obligation_move_due_date(*, obligation: Obligation, by: User, due_date: date) -> Obligation:
    """Set the due date by hand; re-deriving keeps it from now on."""
    if not isinstance(due_date, date):
        raise ValidationError({"due_date": [_("Enter a valid date.")]})
    check_date_range(due_date=due_date)
    locked = _lock(obligation)
    _require_open(locked)
    locked.due_date = due_date
    locked.due_date_edited = True
    if locked.starts_on and locked.starts_on > due_date:
        locked.starts_on = due_date
    return _save(locked, obligation, by=by, reason="move due date")


@transaction.atomic
def obligation_set_reminder_offsets(*, obligation: Obligation, by: User, offsets: object) -> Obligation:
    """Give the obligation its own reminder days (whole days before the due date); nothing: its kind's defaults."""
    try:
        cleaned = clean_reminder_offsets(offsets)
    except ValueError:
        raise ValidationError(
            {"reminder_offsets": [_("Enter a list of whole numbers of days before the due date, e.g. [30, 7, 1, 0].")]}
        ) from None
    locked = _lock(obligation)
    locked.reminder_offsets = cleaned
    return _save(locked, obligation, by=by, reason="edit")


@transaction.atomic
def obligation_create_custom(
    *,
    contract: Contract,
    by: User,
    title: str,
    due_date: date,
    description: str = "",
    starts_on: date | None = None,
    owner: User | None = None,
    responsible: str = Obligation.Responsible.US,
) -> Obligation:
    """Add an obligation by hand; derivation never touches it."""
    errors: dict[str, list[str]] = date_range_errors(due_date=due_date, starts_on=starts_on)
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("Enter a title.")]
    if not isinstance(due_date, date):
        errors["due_date"] = [_("Enter a valid date.")]
    elif starts_on is not None and starts_on > due_date and "starts_on" not in errors:
        errors["starts_on"] = [_("The start cannot be after the due date.")]
    if responsible not in Obligation.Responsible.values:
        errors["responsible"] = [_("Choose who is responsible.")]
    if owner is not None and not owner.is_active:
        errors["owner"] = [_("This user is inactive and cannot own an obligation.")]
    elif owner is not None:
        try:
            check_may_be_assigned_obligation(owner)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    obligation = Obligation(
        contract=contract,
        kind=Kind.CUSTOM,
        source=Obligation.Source.MANUAL,
        title=title,
        description=description or "",
        due_date=due_date,
        starts_on=starts_on,
        owner=owner,
        responsible=responsible,
    )
    obligation.full_clean()
    obligation._history_user = by
    obligation._change_reason = "create"
    obligation.save()
    return obligation


def renewal_window_settle(*, contract: Contract, term_end: date, by: User, reason: str) -> None:
    """Mark the open renewal window of the term ending `term_end` done: the decision it asked for was taken (a
    non-renewal notice was given), so nobody is reminded of it again. Runs in the caller's transaction."""
    now = timezone.now()
    for obligation in contract.obligations.select_for_update().filter(
        kind=Kind.RENEWAL_WINDOW, key=term_key(term_end), status=Obligation.Status.OPEN
    ):
        obligation.status = Obligation.Status.DONE
        obligation.completed_at = now
        obligation.completed_by = by
        obligation._history_user = by
        obligation._change_reason = reason
        obligation.save()
