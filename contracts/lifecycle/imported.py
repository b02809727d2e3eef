"""A contract brought in from a spreadsheet in the status it already has elsewhere.

A team importing its register has contracts that were signed, are in force or have ended long before clm knew them:
walking each through negotiate -> sign -> activate would date every step today and ask for clauses nobody will enter.
This puts a freshly created draft straight into its real status with the dates it had, in one history row, and derives
its obligations as the lifecycle actions do.
"""

from __future__ import annotations

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from accounts.models import User
from contracts.models import Contract
from contracts.services.follow_up import terms_changed
from core.dates import date_range_errors

Status = Contract.Status


def imported_status_errors(
    *,
    status: str,
    effective_date: date | None,
    end_date: date | None,
    signed_on: date | None = None,
    activated_on: date | None = None,
    terminated_on: date | None = None,
) -> dict[str, list[str]]:
    """What keeps a contract from being recorded in `status` with these dates (empty when nothing does)."""
    errors = date_range_errors(signed_on=signed_on, activated_on=activated_on, terminated_on=terminated_on)
    if status in (Status.DRAFT, Status.NEGOTIATING):
        return errors
    if not effective_date or not end_date:
        errors.setdefault("effective_date", []).append(
            _("A signed, active or ended contract needs its effective date and its term.")
        )
    if status == Status.TERMINATED and not terminated_on:
        errors.setdefault("terminated_on", []).append(_("A terminated contract needs the date it was terminated on."))
    if signed_on and activated_on and activated_on < signed_on:
        errors.setdefault("activated_on", []).append(_("A contract cannot start before it was signed."))
    return errors


@transaction.atomic
def contract_record_imported_status(
    *,
    contract: Contract,
    by: User,
    status: str,
    reason: str,
    signed_on: date | None = None,
    activated_on: date | None = None,
    terminated_on: date | None = None,
    follow_up: bool = True,
) -> Contract:
    """Put a draft that was just created into the status it has outside clm. Missing dates default to the
    effective date (signed, in force) and the end date (expired). Without ``follow_up`` the caller derives the
    obligations itself (contracts.services.terms.contracts_follow_up), once for a whole batch."""
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    if locked.status != Status.DRAFT:
        raise ValidationError({"status": [_("Only a contract that was just imported can take its imported status.")]})
    if status == Status.DRAFT:
        return locked
    errors = imported_status_errors(
        status=status,
        effective_date=locked.effective_date,
        end_date=locked.end_date,
        signed_on=signed_on,
        activated_on=activated_on,
        terminated_on=terminated_on,
    )
    if errors:
        raise ValidationError(errors)
    locked.status = status
    if status != Status.NEGOTIATING:
        locked.signed_on = signed_on or locked.effective_date
    if status in (Status.ACTIVE, Status.EXPIRED, Status.TERMINATED):
        locked.activated_on = activated_on or locked.effective_date
    if status == Status.EXPIRED:
        locked.expired_on = locked.end_date
    if status == Status.TERMINATED:
        locked.terminated_on = terminated_on
    locked.version += 1
    locked._history_user = by
    locked._change_reason = reason
    locked.save()
    if follow_up:
        terms_changed([locked], by=by, reason=reason)
    contract.refresh_from_db()
    return locked
