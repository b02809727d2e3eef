"""Services that write a contract's terms: create, edit and delete a draft. Each runs in one transaction, validates,
and leaves a history row."""

import re
from collections.abc import Iterable, Sequence
from typing import Any, TypeVar

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Field, Model
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

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

from .clauses import add_library_clause
from .follow_up import terms_changed
from .lock import amendment_required
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


_Row = TypeVar("_Row", SLATarget, FeeItem)

# What stays editable once a contract is signed: who manages it and the notes about it. Everything else the parties
# agreed (the other terms, the SLA and fee rows, the agreed clauses) changes only through an amendment.
EDITABLE_WHEN_SIGNED = ("owner", "notes")
LOCKED_TERM_FIELDS = tuple(name for name in CONTRACT_TERM_FIELDS if name not in EDITABLE_WHEN_SIGNED)
# What an amendment may change: the agreed terms but the contract's identity (its number and its vendor).
AMENDABLE_TERM_FIELDS = tuple(name for name in LOCKED_TERM_FIELDS if name not in ("number", "vendor"))
_SLA_COLUMNS = ("metric", "kind", "comparator", "target", "unit", "period", "credit_pct", "critical")
_FEE_COLUMNS = ("kind", "unit_price", "unit", "quantity", "note")


def _field(model: type[Model], name: str) -> Field:
    field = model._meta.get_field(name)
    assert isinstance(field, Field)
    return field


def _attname(name: str) -> str:
    return _field(Contract, name).attname


def _term_snapshot(contract: Contract) -> dict[str, Any]:
    return {name: getattr(contract, _attname(name)) for name in LOCKED_TERM_FIELDS}


def _row_values(model: type[_Row], columns: tuple[str, ...], rows: list[dict]) -> list[tuple]:
    """Rows as the database would hold them (defaults filled, values parsed), for comparing with the stored ones."""
    values = []
    for row in rows:
        obj = model(**{k: v for k, v in row.items() if k in columns})
        values.append(tuple(_field(model, c).to_python(getattr(obj, c)) for c in columns))
    return values


def _rows_changed(contract: Contract, model: type[_Row], columns: tuple[str, ...], rows: list[dict] | None) -> bool:
    if rows is None:
        return False
    stored = model.objects.filter(contract=contract).order_by("order", "id").values_list(*columns)
    return _row_values(model, columns, rows) != [tuple(row) for row in stored]


def _check_not_locked(
    locked: Contract,
    before: dict[str, Any],
    sla_targets: list[dict] | None,
    fee_items: list[dict] | None,
) -> None:
    """Refuse a direct change of what a signed contract's parties agreed, naming the amendment route."""
    if not locked.terms_locked:
        return
    changed = [name for name in LOCKED_TERM_FIELDS if getattr(locked, _attname(name)) != before[name]]
    if _rows_changed(locked, SLATarget, _SLA_COLUMNS, sla_targets):
        changed.append("sla_targets")
    if _rows_changed(locked, FeeItem, _FEE_COLUMNS, fee_items):
        changed.append("fee_items")
    if changed:
        raise amendment_required(locked, changed)


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


# The relations an amendment never changes: their rows exist already, so checking them again costs a query each.
_UNCHANGED_BY_AMENDMENT = ["vendor", "owner", "created_by", "predecessor"]


def _validate_contract(contract: Contract, *, exclude: Iterable[str] | None = None) -> None:
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
        # created_by is the acting user, set by the service itself: looking it up again would cost a query per save.
        contract.full_clean(
            exclude=["created_by", *(exclude or []), *([] if contract.number else ["number"])],
            validate_unique=False,
            validate_constraints=False,
        )
    except ValidationError as exc:
        for field, messages in exc.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def contract_terms_check(contract: Contract, *, exclude: Iterable[str] = ()) -> None:
    """Validate an unsaved contract's terms exactly as contract_create and contract_update do, writing nothing: the
    blank end date is derived, and every problem is raised as one ValidationError by field. An import's dry run
    calls it; `exclude` names fields not to check (a vendor the import will only create on confirmation)."""
    _fill_defaults(contract)
    _validate_contract(contract, exclude=exclude)


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


# What names a row for a reader: an edited row with the same metric (SLA) or item (fee) is the same row changed.
_ROW_KEYS = {SLATarget: "metric", FeeItem: "kind"}


def _shown_values(row: SLATarget | FeeItem) -> dict[str, Any]:
    """What a reader sees of a row: every value but its id, its contract and its place in the list."""
    skip = ("id", "contract_id", "order")
    return {f.attname: getattr(row, f.attname) for f in row._meta.concrete_fields if f.attname not in skip}


def _pair_rows(existing: list[_Row], wanted: list[_Row]) -> tuple[list[tuple[_Row, _Row]], list[_Row], list[_Row]]:
    """Match the rows a user sent with the stored ones: the same id (a caller that names rows), the same values, the
    same metric or item, then what is left in order. Returns (stored, sent) pairs, the stored rows left over and the
    sent rows left over."""
    unpaired = list(existing)
    pairs: list[tuple[_Row, _Row]] = []
    left: list[_Row] = []
    for same in (
        lambda old, new: new.pk is not None and old.pk == new.pk,
        lambda old, new: _shown_values(old) == _shown_values(new),
        lambda old, new: getattr(old, _ROW_KEYS[type(new)]) == getattr(new, _ROW_KEYS[type(new)]),
        lambda old, new: True,
    ):
        left = []
        for new in wanted:
            match = next((old for old in unpaired if same(old, new)), None)
            if match is None:
                left.append(new)
            else:
                unpaired.remove(match)
                pairs.append((match, new))
        wanted = left
    return pairs, unpaired, left


def _row_error(index: int, messages: dict[str, list[str]]) -> str:
    text = "; ".join(f"{name}: {' '.join(errors)}" for name, errors in messages.items())
    return _("Row %(row)s: %(errors)s") % {"row": index + 1, "errors": text}


def _replace_rows(
    contract: Contract, model: type[_Row], rows: list[dict] | None, *, by: User | None, reason: str
) -> None:
    """Make the contract's SLA or fee rows the ones given, writing only what changed.

    A row kept as it was stays untouched, a changed one is updated in place and the others are added or removed, so
    the history shows each row's own change (old -> new) and rows that other records point to (SLA measurements)
    keep their id. A row that only moved in the list is reordered without a history entry: nothing in it changed.
    """
    if rows is None:
        return
    existing = list(model.objects.filter(contract=contract).order_by("order", "id"))
    known = {row.pk for row in existing}
    objs = []
    errors = []
    for i, row in enumerate(rows):
        pk = row.pop("id", None)
        if pk is not None and pk not in known:
            errors.append(_row_error(i, {"id": [_("This row is not one of this contract's.")]}))
            continue
        obj = model(contract=contract, order=row.pop("order", i), **row)
        try:
            obj.full_clean(exclude=["contract"])
        except ValidationError as exc:
            errors.append(_row_error(i, exc.message_dict))
            continue
        obj.pk = pk  # a row that names its stored row is paired with it first (`_pair_rows`)
        objs.append(obj)
    if errors:
        field = "sla_targets" if model is SLATarget else "fee_items"
        raise ValidationError({field: errors})
    pairs, removed, added = _pair_rows(existing, objs)
    for old in removed:
        old._history_user = by
        old._change_reason = reason
        old.delete()
    changed: list[_Row] = []
    moved: list[_Row] = []
    for old, new in pairs:
        values = _shown_values(new)
        if _shown_values(old) != values:
            for name, value in values.items():
                setattr(old, name, value)
            old.order = new.order
            changed.append(old)
        elif old.order != new.order:
            old.order = new.order
            moved.append(old)
    history: dict[str, Any] = {"default_user": by, "default_change_reason": reason}
    if changed:
        bulk_update_with_history(changed, model, [*_shown_values(changed[0]), "order"], **history)
    if moved:
        model.objects.bulk_update(moved, ["order"])
    for new in added:
        new.pk = None
    if added:
        bulk_create_with_history(added, model, **history)


def _copies(rows: list[dict] | None) -> list[dict] | None:
    return [dict(r) for r in rows] if rows is not None else None


@transaction.atomic
def contract_create(
    *,
    by: User,
    sla_targets: list[dict] | None = None,
    fee_items: list[dict] | None = None,
    clause_templates: Iterable[ClauseTemplate] | None = None,
    language: str = "zh-hans",
    reason: str | None = None,
    follow_up: bool = True,
    **fields: Any,
) -> Contract:
    """Create a draft contract; its creator owns it unless an owner is given. The owner's role must let them change
    contracts. `reason` goes into the history (an import names its file).

    A bulk caller (an import) passes ``follow_up=False`` and calls ``contracts_follow_up`` once for all the contracts
    it created in the same transaction: the search text and the obligations are then brought up to date in a few
    queries for the whole batch instead of a few per contract."""
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
    if reason:
        contract._change_reason = reason
    _save_numbered(contract, by=by)
    _replace_rows(contract, SLATarget, _copies(sla_targets), by=by, reason=reason or "create")
    _replace_rows(contract, FeeItem, _copies(fee_items), by=by, reason=reason or "create")
    for i, template in enumerate(clause_templates or []):
        add_library_clause(contract=contract, by=by, template=template, language=language, order=i + 1)
    if follow_up:
        contracts_follow_up([contract], by=by, reason=reason or "create")
    contract_event_on_commit("contract.created", contract)
    return contract


def contracts_follow_up(contracts: Sequence[Contract], *, by: User | None = None, reason: str = "derive") -> None:
    """What must follow new or changed terms: the search text and the obligations (see contract_create)."""
    search_text_refresh([c.pk for c in contracts])
    terms_changed(contracts, by=by, reason=reason)


def _set_terms(contract: Contract, fields: dict[str, Any]) -> None:
    """Set the given terms; a new start or initial term without an end date gets its end computed again."""
    clear_end = "effective_date" in fields or "initial_term_months" in fields
    for name, value in fields.items():
        setattr(contract, name, value)
    if clear_end and "end_date" not in fields and contract.effective_date:
        contract.end_date = None


def validate_amended_terms(
    contract: Contract, *, sla_targets: list[dict] | None = None, fee_items: list[dict] | None = None, **fields: Any
) -> None:
    """Check an amendment's changes as an edit of the contract's terms would be checked; nothing is written.

    Raises ValidationError with the same field errors as the contract form and API give.
    """
    unknown = set(fields) - set(AMENDABLE_TERM_FIELDS)
    if unknown:
        raise ValidationError({name: [_("An amendment cannot change this field.")] for name in sorted(unknown)})
    _check_row_counts(sla_targets, fee_items)
    copy = Contract.objects.get(pk=contract.pk)
    _set_terms(copy, fields)
    _fill_defaults(copy)
    _validate_contract(copy)
    for field, model, rows in (("sla_targets", SLATarget, sla_targets), ("fee_items", FeeItem, fee_items)):
        errors = []
        for row in rows or []:
            obj = model(contract=copy, **{k: v for k, v in row.items() if k not in ("order", "id")})
            try:
                obj.full_clean(exclude=["contract"])
            except ValidationError as exc:
                errors.append("; ".join(f"{k}: {' '.join(v)}" for k, v in exc.message_dict.items()))
        if errors:
            raise ValidationError({field: errors})


def contract_amend_terms(*, contract: Contract, by: User | None, reason: str, **fields: Any) -> list[str]:
    """Set and check an approved amendment's terms on a signed contract, without writing: the one way past the lock.

    Returns the columns to write. The caller (amendments.services) holds the contract row locked, writes it (one
    contract with `contract.save()`, a batch with one bulk update and its history rows), records `reason`
    ("amendment <number>") in the history, then refreshes the search text and re-derives the obligations of its
    whole batch at once (contracts.services.follow_up.terms_changed), so applying many amendments stays set-based.
    Raises ValidationError, with the contract left as it was, when the terms no longer fit the contract.
    """
    unknown = set(fields) - set(AMENDABLE_TERM_FIELDS)
    if unknown:
        raise TypeError(f"fields an amendment cannot change: {sorted(unknown)}")
    before = {name: getattr(contract, _attname(name)) for name in AMENDABLE_TERM_FIELDS}
    try:
        _set_terms(contract, fields)
        _fill_defaults(contract)
        _validate_contract(contract, exclude=_UNCHANGED_BY_AMENDMENT)
    except ValidationError:
        for name, value in before.items():
            setattr(contract, _attname(name), value)
        raise
    contract.version += 1
    contract.updated_at = timezone.now()
    contract._change_reason = reason
    contract._history_user = by
    return [*sorted({*fields, "end_date"}), "version", "updated_at"]


def contract_amend(
    *,
    contract: Contract,
    by: User | None,
    reason: str,
    sla_targets: list[dict] | None = None,
    fee_items: list[dict] | None = None,
    **fields: Any,
) -> Contract:
    """Write an approved amendment's terms and rows to one signed contract (see contract_amend_terms)."""
    _check_row_counts(sla_targets, fee_items)
    contract_amend_terms(contract=contract, by=by, reason=reason, **fields)
    contract.save()
    if sla_targets is not None:
        _amend_sla_targets(contract, [dict(r) for r in sla_targets], by=by, reason=reason)
    _replace_rows(contract, FeeItem, _copies(fee_items), by=by, reason=reason)
    return contract


def _amend_sla_targets(contract: Contract, rows: list[dict], *, by: User | None, reason: str) -> None:
    """The amended SLA targets, kept in place as any edit keeps them (`_replace_rows`): a target whose metric stays
    keeps the months already measured against it; a column the amendment leaves out takes its default."""
    _replace_rows(
        contract,
        SLATarget,
        [
            {name: row.get(name, _field(SLATarget, name).get_default()) for name in _SLA_COLUMNS}
            | ({"id": row["id"]} if row.get("id") is not None else {})
            for row in rows
        ],
        by=by,
        reason=reason,
    )


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
    reason: str = "update",
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
    if "owner" in fields:
        _check_owner_change(locked, by=by, owner=fields["owner"])
    before = _term_snapshot(locked)
    _set_terms(locked, fields)
    if not locked.number:
        locked.number = next_contract_number((locked.effective_date or timezone.localdate()).year)
    _fill_defaults(locked)
    _validate_contract(locked)
    # A signed contract refuses before the version check: re-reading it would not make the change allowed.
    _check_not_locked(locked, before, sla_targets, fee_items)
    if locked.terms_locked:
        # The rows sent are the stored ones (or the check above refused): keep the stored rows as they are.
        sla_targets = fee_items = None
    if version is None or int(version) != locked.version:
        raise StaleVersionError(locked.version)
    taken = _number_taken(locked.number, by=by, exclude_pk=locked.pk)
    if taken:
        raise taken
    locked.version += 1
    locked._change_reason = reason
    locked._history_user = by
    _save_numbered(locked, by=by)
    _replace_rows(locked, SLATarget, _copies(sla_targets), by=by, reason=locked._change_reason)
    _replace_rows(locked, FeeItem, _copies(fee_items), by=by, reason=locked._change_reason)
    search_text_refresh([locked.pk])
    terms_changed([locked], by=by, reason=locked._change_reason)
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
