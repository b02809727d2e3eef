"""Services that write a contract's terms: create, edit and delete a draft. Each runs in one transaction, validates,
and leaves a history row."""

import re
from collections.abc import Iterable
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from accounts.models import User
from accounts.roles import check_may_own_contract
from contracts.lifecycle.states import action_allowed
from contracts.models import ClauseTemplate, Contract, Document, FeeItem, SLATarget
from contracts.search import search_text_refresh
from contracts.selectors import user_can_share_contract, user_can_view_contract
from core.dates import date_range_errors, ends_too_late_message
from core.exceptions import ActionNotAllowed, StaleVersionError, duplicate_error

# Webhooks hear of a new contract once it is committed (the one place contracts calls notifications, see pyproject).
from notifications.services import contract_event_on_commit
from rules.dates import date_in_range, term_months_in_range
from rules.terms import default_end_date

from .clauses import add_clause
from .follow_up import terms_changed
from .numbering import next_contract_number

# Fields a user may set directly; status, version and lifecycle dates change only through lifecycle actions.
CONTRACT_TERM_FIELDS = (
    "number",
    "title",
    "vendor",
    "category",
    "owner",
    "effective_date",
    "end_date",
    "initial_term_months",
    "auto_renew",
    "renewal_term_months",
    "non_renewal_notice_days",
    "renewal_review_lead_days",
    "termination_notice_days",
    "trial_period_months",
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
    "notes",
)


# The most SLA target rows, and the most fee rows, one contract holds: every edit form, API call and admin page that
# replaces them is held to it (the web forms post every row's fields, see DATA_UPLOAD_MAX_NUMBER_FIELDS).
MAX_TERM_ROWS = 200


def _check_row_counts(sla_targets: list[dict] | None, fee_items: list[dict] | None) -> None:
    errors = {
        field: [
            _("A contract holds at most %(max)s rows here; this one has %(count)s.")
            % {"max": MAX_TERM_ROWS, "count": len(rows)}
        ]
        for field, rows in (("sla_targets", sla_targets), ("fee_items", fee_items))
        if rows is not None and len(rows) > MAX_TERM_ROWS
    }
    if errors:
        raise ValidationError(errors)


def _validate_contract(contract: Contract) -> None:
    errors: dict[str, list[str]] = {}
    if contract.currency:
        contract.currency = contract.currency.strip().upper()
        if not re.fullmatch(r"[A-Z]{3}", contract.currency):
            errors.setdefault("currency", []).append(_("Use a three-letter ISO 4217 code such as CNY or USD."))
    if contract.end_date and not contract.effective_date:
        errors.setdefault("effective_date", []).append(_("An end date needs an effective date."))
    if contract.effective_date and contract.end_date and contract.end_date < contract.effective_date:
        errors.setdefault("end_date", []).append(_("The end date cannot be before the effective date."))
    try:
        # Uniqueness of the number is checked by _number_taken, which names the contract using it.
        contract.full_clean(
            exclude=["number"] if not contract.number else None, validate_unique=False, validate_constraints=False
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _number_taken(number: str, *, by: User, exclude_pk: int | None = None) -> ValidationError | None:
    """The error for a contract number another contract already uses, naming (and linking) that contract when
    `by` may see it; None when the number is free."""
    others = Contract.objects.filter(number=number)
    existing = (others.exclude(pk=exclude_pk) if exclude_pk is not None else others).first()
    if existing is None:
        return None
    if user_can_view_contract(by, existing):
        error = duplicate_error(
            _("The contract number %(number)s is already used by contract “%(name)s”."),
            existing,
            name=existing.title,
            number=number,
        )
    else:
        error = duplicate_error(_("The contract number %(number)s is already used by another contract."), number=number)
    return ValidationError({"number": [error]})


def _fill_defaults(contract: Contract) -> None:
    """Derive a blank end date from the start and the initial term.

    Dates outside the accepted range (rules.dates) are refused first, and so is a term that would end after it, so
    nothing computed from a date can overflow the calendar.
    """
    errors = date_range_errors(effective_date=contract.effective_date, end_date=contract.end_date)
    if errors:
        raise ValidationError(errors)
    if contract.effective_date and not contract.end_date and term_months_in_range(contract.initial_term_months):
        end = default_end_date(contract.effective_date, contract.initial_term_months)
        if not date_in_range(end):
            raise ValidationError({"initial_term_months": [ends_too_late_message()]})
        contract.end_date = end


def _save_numbered(contract: Contract, *, by: User) -> None:
    """Save; a number another contract took meanwhile is a field error, any other integrity error stays one."""
    try:
        with transaction.atomic():
            contract.save()
    except IntegrityError:
        taken = _number_taken(contract.number, by=by, exclude_pk=contract.pk)
        if taken:
            raise taken from None
        raise


_Row = TypeVar("_Row", SLATarget, FeeItem)


def _replace_rows(contract: Contract, model: type[_Row], rows: list[dict] | None) -> None:
    if rows is None:
        return
    model.objects.filter(contract=contract).delete()
    objs = []
    errors = []
    for i, row in enumerate(rows):
        obj = model(contract=contract, order=row.pop("order", i), **row)
        try:
            obj.full_clean(exclude=["contract"])
        except ValidationError as exc:
            errors.append(exc.message_dict)
            continue
        objs.append(obj)
    if errors:
        field = "sla_targets" if model is SLATarget else "fee_items"
        raise ValidationError({field: [str(e) for e in errors]})
    model.objects.bulk_create(objs)


@transaction.atomic
def contract_create(
    *,
    by: User,
    sla_targets: list[dict] | None = None,
    fee_items: list[dict] | None = None,
    clause_templates: Iterable[ClauseTemplate] | None = None,
    language: str = "zh-hans",
    **fields: Any,
) -> Contract:
    """Create a draft contract; its creator owns it unless an owner is given. The owner's role must let them change
    contracts."""
    unknown = set(fields) - set(CONTRACT_TERM_FIELDS)
    if unknown:
        raise TypeError(f"unknown contract fields: {sorted(unknown)}")
    _check_row_counts(sla_targets, fee_items)
    fields.setdefault("owner", by)
    if fields["owner"] is not None:
        check_may_own_contract(fields["owner"])
    contract = Contract(created_by=by, status=Contract.Status.DRAFT, **fields)
    _fill_defaults(contract)
    _validate_contract(contract)
    if contract.number:
        taken = _number_taken(contract.number, by=by)
        if taken:
            raise taken
    else:
        contract.number = next_contract_number((contract.effective_date or timezone.localdate()).year)
    contract._history_user = by
    _save_numbered(contract, by=by)
    _replace_rows(contract, SLATarget, [dict(r) for r in sla_targets] if sla_targets is not None else None)
    _replace_rows(contract, FeeItem, [dict(r) for r in fee_items] if fee_items is not None else None)
    for i, template in enumerate(clause_templates or []):
        add_clause(
            contract=contract,
            by=by,
            category=template.category,
            title=template.title_en if language == "en" else template.title_zh,
            text=template.text_en if language == "en" else template.text_zh,
            order=i + 1,
            template=template,
        )
    search_text_refresh([contract.pk])
    terms_changed([contract])
    contract_event_on_commit("contract.created", contract)
    return contract


def _check_owner_change(contract: Contract, *, by: User, owner: User | None) -> None:
    """Handing a contract to someone else needs the right to share it, and a new owner whose role may change it."""
    if owner is None or owner.pk == contract.owner_id:
        return
    if not user_can_share_contract(by, contract):
        raise PermissionDenied(_("Only the owner or a procurement manager can hand the contract to someone else."))
    check_may_own_contract(owner)


@transaction.atomic
def contract_update(
    *,
    contract: Contract,
    by: User,
    version: int | None,
    sla_targets: list[dict] | None = None,
    fee_items: list[dict] | None = None,
    **fields: Any,
) -> Contract:
    """Apply a user's edit of the terms. `version` must be the one the user read, or nothing is written.

    An edit that carries no version is a conflict like a stale one: it would overwrite whatever was saved since.
    A caller that writes without a user's reading passes the version of the row it has just locked.
    """
    unknown = set(fields) - set(CONTRACT_TERM_FIELDS)
    if unknown:
        raise TypeError(f"unknown contract fields: {sorted(unknown)}")
    _check_row_counts(sla_targets, fee_items)
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    if version is None or int(version) != locked.version:
        raise StaleVersionError(locked.version)
    if "owner" in fields:
        _check_owner_change(locked, by=by, owner=fields["owner"])
    clear_end = "effective_date" in fields or "initial_term_months" in fields
    for name, value in fields.items():
        setattr(locked, name, value)
    if clear_end and "end_date" not in fields and locked.effective_date:
        locked.end_date = None
    if not locked.number:
        locked.number = next_contract_number((locked.effective_date or timezone.localdate()).year)
    _fill_defaults(locked)
    _validate_contract(locked)
    taken = _number_taken(locked.number, by=by, exclude_pk=locked.pk)
    if taken:
        raise taken
    locked.version += 1
    locked._change_reason = "update"
    locked._history_user = by
    _save_numbered(locked, by=by)
    _replace_rows(locked, SLATarget, [dict(r) for r in sla_targets] if sla_targets is not None else None)
    _replace_rows(locked, FeeItem, [dict(r) for r in fee_items] if fee_items is not None else None)
    search_text_refresh([locked.pk])
    terms_changed([locked])
    contract.refresh_from_db()
    return locked


@transaction.atomic
def contract_delete(*, contract: Contract, by: User) -> None:
    """Remove a draft that should never have existed (a duplicate, the wrong vendor).

    Anything past draft is a record of what was agreed and ends by termination instead. The history keeps a
    deletion row naming who removed the draft; uploaded files leave storage only once the deletion is committed,
    so a rolled-back delete never loses a file.
    """
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    if not action_allowed("delete", locked.status):
        raise ActionNotAllowed(_("Only a draft contract can be deleted; end a signed one by terminating it."))
    files = list(locked.documents.values_list("file", flat=True))
    locked._history_user = by
    locked._change_reason = "delete"
    locked.delete()
    transaction.on_commit(lambda: _delete_stored_files(files))


def _delete_stored_files(names: list[str]) -> None:
    storage = Document._meta.get_field("file").storage
    for name in names:
        storage.delete(name)
