"""The actions a person takes on one obligation: complete, waive, reopen, reassign, move its due date, add one by hand.

Each runs in one transaction on a locked row and leaves a history row naming who did it and why. Completing takes a
note (and optionally an evidence file, checked as any upload and kept as a contract document); waiving takes a
reason; both stay on the obligation, and reopening keeps them so the next completion can be compared with the last.

A repeating obligation added by hand is created ahead, every occurrence up to its end date at once (at most
rules.obligation_dates.MAX_OCCURRENCES): each is then an ordinary obligation with its own status, owner and reminders,
the calendar, the feed and the reminder sweep see it without any scheduler, and nothing is lost when a worker is down
on the day the next one would have been made.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import check_may_be_assigned_obligation
from contracts.models import Contract, Document
from core.dates import check_date_range, date_range_errors
from core.exceptions import ActionNotAllowed
from core.uploads import check_upload, store_upload
from rules.obligation_dates import MAX_OCCURRENCES, RECURRENCE_MONTHS, occurrence_dates
from rules.reminders import clean_reminder_offsets

from .calendar import act_by_for, load_calendar
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


NOTE_MAX_LENGTH = 2000


def _required_text(value: object, field: str, message: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text:
        raise ValidationError({field: [message]})
    if len(text) > NOTE_MAX_LENGTH:
        raise ValidationError({field: [_("Keep it to %(limit)d characters or fewer.") % {"limit": NOTE_MAX_LENGTH}]})
    return text


@transaction.atomic
def obligation_complete(
    *, obligation: Obligation, by: User, note: str, evidence: UploadedFile | None = None
) -> Obligation:
    """Mark an open obligation done, saying what was done; reminders stop and re-deriving keeps it.

    An evidence file is checked as any contract document is (core.uploads) and kept among the contract's
    documents, linked from the obligation.
    """
    note = _required_text(note, "note", _("Say what was done (a short note is enough)."))
    checked = check_upload(evidence, field="document") if evidence is not None else None
    locked = _lock(obligation)
    _require_open(locked)
    if checked is not None:
        document = Document(
            contract_id=locked.contract_id,
            kind=Document.Kind.EVIDENCE,
            original_name=checked.name,
            content_type=checked.content_type,
            size=checked.size,
            sha256=checked.sha256,
            uploaded_by=by,
        )
        store_upload(document, "file", checked)
        locked.evidence = document
    locked.status = Obligation.Status.DONE
    locked.completion_note = note
    locked.completed_at = timezone.now()
    locked.completed_by = by
    return _save(locked, obligation, by=by, reason="complete")


@transaction.atomic
def obligation_waive(*, obligation: Obligation, by: User, reason: str) -> Obligation:
    """Decide that an open obligation needs no action, saying why; the reason stays on it and in the history."""
    reason = _required_text(reason, "reason", _("Say why no action is needed."))
    locked = _lock(obligation)
    _require_open(locked)
    locked.status = Obligation.Status.WAIVED
    locked.waive_reason = reason
    locked.completed_at = timezone.now()
    locked.completed_by = by
    return _save(locked, obligation, by=by, reason="waive")


@transaction.atomic
def obligation_reopen(*, obligation: Obligation, by: User) -> Obligation:
    """Open a done or waived obligation again; its last note, evidence and reason stay for reference."""
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
    locked.act_by = act_by_for(due_date, locked.responsible)
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
    recurrence: str = "",
    recurs_until: date | None = None,
) -> Obligation:
    """Add an obligation by hand; derivation never touches it.

    With a recurrence (monthly, quarterly, yearly) and an end date, every occurrence up to that date is created at
    once, each its own obligation pointing to the first (`series`); the first is returned.
    """
    errors: dict[str, list[str]] = date_range_errors(due_date=due_date, starts_on=starts_on, recurs_until=recurs_until)
    title = (title or "").strip()
    if not title:
        errors["title"] = [_("Enter a title.")]
    if not isinstance(due_date, date):
        errors["due_date"] = [_("Enter a valid date.")]
    elif starts_on is not None and starts_on > due_date and "starts_on" not in errors:
        errors["starts_on"] = [_("The start cannot be after the due date.")]
    if responsible not in Obligation.Responsible.values:
        errors["responsible"] = [_("Choose who is responsible.")]
    recurrence = recurrence or ""
    due_dates = [due_date]
    if recurrence and recurrence not in RECURRENCE_MONTHS:
        errors["recurrence"] = [_("Choose monthly, quarterly or yearly.")]
    elif recurrence and not isinstance(recurs_until, date):
        errors["recurs_until"] = [_("A repeating obligation needs the date it repeats until.")]
    elif recurrence and "recurs_until" not in errors and "due_date" not in errors:
        assert isinstance(recurs_until, date)
        if recurs_until < due_date:
            errors["recurs_until"] = [_("The last repetition cannot be before the first due date.")]
        else:
            due_dates = occurrence_dates(due_date, recurrence, recurs_until)
            if len(due_dates) > MAX_OCCURRENCES:
                errors["recurs_until"] = [
                    _("At most %(count)d occurrences; choose an earlier end date.") % {"count": MAX_OCCURRENCES}
                ]
    elif not recurrence:
        recurs_until = None
    if owner is not None and not owner.is_active:
        errors["owner"] = [_("This user is inactive and cannot own an obligation.")]
    elif owner is not None:
        try:
            check_may_be_assigned_obligation(owner)
        except ValidationError as exc:
            errors.update(exc.message_dict)
    if errors:
        raise ValidationError(errors)
    calendar = load_calendar()
    lead = (due_date - starts_on) if starts_on is not None else None
    first: Obligation | None = None
    for due in due_dates:
        obligation = Obligation(
            contract=contract,
            kind=Kind.CUSTOM,
            source=Obligation.Source.MANUAL,
            title=title,
            description=description or "",
            due_date=due,
            starts_on=due - lead if lead is not None else None,
            act_by=act_by_for(due, responsible, calendar),
            owner=owner,
            responsible=responsible,
            recurrence=recurrence,
            recurs_until=recurs_until,
            series=first,
        )
        obligation.full_clean()
        obligation._history_user = by
        obligation._change_reason = "create"
        obligation.save()
        first = first or obligation
    assert first is not None
    return first


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
