"""Services that write amendments: propose, edit a draft, approve, reject, withdraw, and apply on the day.

An amendment is applied in the transaction that approves it when its day has come, otherwise by the daily roll
(`amendments_apply_due`) on its day. Applying writes the terms, rows and clauses through contracts.services (the one
way past the lock on signed contracts), bumps the contract's version, records "amendment <number>" in the history,
keeps the old values on the amendment, and re-derives the contract's obligations in the same transaction.
"""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from accounts.models import User
from contracts.models import Clause, ClauseCategory, Contract
from contracts.search import search_text_refresh
from contracts.services.clauses import add_clause, clause_amend
from contracts.services.follow_up import terms_changed
from contracts.services.terms import (
    AMENDABLE_TERM_FIELDS,
    contract_amend,
    contract_amend_terms,
    validate_amended_terms,
)
from core.dates import date_range_errors
from core.exceptions import ActionNotAllowed, StaleVersionError
from obligations.calendar import load_calendar
from rules.workdays import WorkingDayCalendar

from .changes import (
    ROW_FIELDS,
    changes_to_json,
    rows_from_json,
    stored_rows,
    terms_from_json,
    to_json,
)
from .models import Amendment
from .selectors import user_can_approve_amendment, user_can_propose_amendment, user_can_withdraw_amendment

logger = logging.getLogger(__name__)

# A contract is amended while it runs: a draft is still edited directly, an ended contract is a closed record.
AMENDABLE_STATUSES = Contract.RUNNING_STATUSES
MAX_CLAUSES = 50


def _current_value(contract: Contract, name: str) -> Any:
    return getattr(contract, Contract._meta.get_field(name).attname)


def _clean_clauses(contract: Contract, clauses: Iterable[dict] | None) -> list[dict]:
    """The changed clauses as stored: an existing clause of this contract by "id", or a new one by "category"."""
    cleaned: list[dict] = []
    errors: list[str] = []
    rows = list(clauses or [])
    if len(rows) > MAX_CLAUSES:
        raise ValidationError({"clauses": [_("An amendment changes at most %(max)s clauses.") % {"max": MAX_CLAUSES}]})
    ids = [row.get("id") for row in rows if row.get("id") is not None]
    known = {
        pk: (title, text)
        for pk, title, text in contract.clauses.filter(pk__in=[i for i in ids if isinstance(i, int)]).values_list(
            "pk", "title", "text"
        )
    }
    for position, row in enumerate(rows, start=1):
        title = str(row.get("title") or "").strip()
        text = str(row.get("text") or "").strip()
        clause_id, category = row.get("id"), row.get("category")
        problem = None
        if (clause_id is None) == (not category):
            problem = _("give either the id of a clause of this contract or the category of a new clause")
        elif clause_id is not None and clause_id not in known:
            problem = _("no clause of this contract has this id")
        elif category and category not in ClauseCategory.values:
            problem = _("unknown clause category")
        elif not title or len(title) > 200:
            problem = _("a title of 1 to 200 characters is needed")
        elif not text:
            problem = _("the clause text cannot be empty")
        if problem:
            errors.append(_("Clause %(n)s: %(problem)s.") % {"n": position, "problem": problem})
            continue
        if clause_id is not None and known[clause_id] == (title, text):
            continue  # unchanged
        key = {"id": clause_id} if clause_id is not None else {"category": category}
        cleaned.append({**key, "title": title, "text": text})
    if errors:
        raise ValidationError({"clauses": errors})
    return cleaned


def _clean_changes(contract: Contract, changes: dict[str, Any] | None) -> dict[str, Any]:
    """The changed terms and rows, validated as an edit of the contract would be, as stored (JSON values)."""
    changes = dict(changes or {})
    unknown = sorted(set(changes) - set(AMENDABLE_TERM_FIELDS) - set(ROW_FIELDS))
    if unknown:
        raise ValidationError(
            {"changes": [_("An amendment cannot change “%(field)s”.") % {"field": name} for name in unknown]}
        )
    rows = {name: changes.pop(name, None) for name in ROW_FIELDS}
    # Only what differs from the terms in force is a change: a form that starts from the current terms sends them all.
    changes = {
        name: value
        for name, value in changes.items()
        if name not in AMENDABLE_TERM_FIELDS or to_json(value) != to_json(_current_value(contract, name))
    }
    rows = {
        name: value
        for name, value in rows.items()
        if value is not None and changes_to_json({}, {name: value})[name] != stored_rows(contract, name)
    }
    rows = {name: rows.get(name) for name in ROW_FIELDS}
    # Field errors keep the contract's field names (end_date, sla_targets...), as the contract form and API give them.
    validate_amended_terms(contract, sla_targets=rows["sla_targets"], fee_items=rows["fee_items"], **changes)
    return changes_to_json(changes, rows)


def _check_something_changes(changes: dict, clauses: list) -> None:
    if not changes and not clauses:
        raise ValidationError({"changes": [_("An amendment must change at least one term, row or clause.")]})


def _check_effective_on(effective_on: date) -> None:
    errors = date_range_errors(effective_on=effective_on)
    if errors:
        raise ValidationError(errors)


def _check_title(title: str) -> str:
    title = (title or "").strip()
    if not title:
        raise ValidationError({"title": [_("Give the amendment a title.")]})
    return title


@transaction.atomic
def amendment_create(
    *,
    contract: Contract,
    by: User,
    title: str,
    effective_on: date,
    changes: dict[str, Any] | None = None,
    clauses: list[dict] | None = None,
) -> Amendment:
    """Propose an amendment of a signed or active contract, as a draft numbered `<contract number>-A<n>`.

    The contract row is locked while the next number is drawn, so amendments proposed at the same moment never
    share a number.
    """
    if not user_can_propose_amendment(by, contract):
        raise PermissionDenied(_("You can view this contract but not change it."))
    locked = Contract.objects.select_for_update().get(pk=contract.pk)
    if locked.status not in AMENDABLE_STATUSES:
        raise ActionNotAllowed(
            _("Only a signed or active contract is amended; before signing, edit its terms directly.")
        )
    title = _check_title(title)
    _check_effective_on(effective_on)
    stored = _clean_changes(locked, changes)
    stored_clauses = _clean_clauses(locked, clauses)
    _check_something_changes(stored, stored_clauses)
    sequence = (locked.amendments.order_by("-sequence").values_list("sequence", flat=True).first() or 0) + 1
    amendment = Amendment(
        contract=locked,
        sequence=sequence,
        number=f"{locked.number}-A{sequence}",
        title=title,
        effective_on=effective_on,
        changes=stored,
        clauses=stored_clauses,
        created_by=by,
    )
    amendment._history_user = by
    amendment._change_reason = "create"
    amendment.save()
    return amendment


def _locked(amendment: Amendment) -> Amendment:
    return Amendment.objects.select_for_update(of=("self",)).select_related("contract").get(pk=amendment.pk)


def _check_version(locked: Amendment, version: int | None) -> None:
    if version is not None and int(version) != locked.version:
        raise StaleVersionError(locked.version)


@transaction.atomic
def amendment_update(
    *,
    amendment: Amendment,
    by: User,
    version: int | None,
    title: str | None = None,
    effective_on: date | None = None,
    changes: dict[str, Any] | None = None,
    clauses: list[dict] | None = None,
) -> Amendment:
    """Change a draft. An approved amendment is not changed: withdraw it and propose a new one."""
    locked = _locked(amendment)
    if not user_can_propose_amendment(by, locked.contract):
        raise PermissionDenied(_("You can view this amendment but not change it."))
    if locked.status != Amendment.Status.DRAFT:
        raise ActionNotAllowed(_("Only a draft amendment can be changed; withdraw it and propose a new one."))
    if version is None or int(version) != locked.version:
        raise StaleVersionError(locked.version)
    if title is not None:
        locked.title = _check_title(title)
    if effective_on is not None:
        _check_effective_on(effective_on)
        locked.effective_on = effective_on
    if changes is not None:
        locked.changes = _clean_changes(locked.contract, changes)
    if clauses is not None:
        locked.clauses = _clean_clauses(locked.contract, clauses)
    _check_something_changes(locked.changes, locked.clauses)
    locked.version += 1
    locked._history_user = by
    locked._change_reason = "update"
    locked.save()
    return locked


@transaction.atomic
def amendment_approve(
    *, amendment: Amendment, by: User, version: int | None = None, today: date | None = None
) -> Amendment:
    """Approve a draft; when its day has come (effective_on <= today) it is applied in the same transaction."""
    locked = _locked(amendment)
    if not user_can_approve_amendment(by, locked):
        raise PermissionDenied(
            _("Only a procurement manager approves amendments; legal may approve one that changes clauses only.")
        )
    if locked.status != Amendment.Status.DRAFT:
        raise ActionNotAllowed(_("Only a draft amendment can be approved."))
    _check_version(locked, version)
    if locked.contract.status not in AMENDABLE_STATUSES:
        raise ActionNotAllowed(_("The contract has ended; the amendment can no longer be approved."))
    # The contract may have changed since the draft was written (another amendment came into force): check again.
    changes = dict(locked.changes)
    _clean_changes(
        locked.contract,
        {**terms_from_json(changes), **{name: rows_from_json(changes, name) for name in ROW_FIELDS if name in changes}},
    )
    _clean_clauses(locked.contract, locked.clauses)
    locked.status = Amendment.Status.APPROVED
    locked.approved_by = by
    locked.approved_at = timezone.now()
    locked.version += 1
    locked._history_user = by
    locked._change_reason = "approve"
    locked.save()
    today = today or timezone.localdate()
    if locked.effective_on <= today:
        apply_amendments([locked], today=today, by=by)
    return locked


def _decide(amendment: Amendment, *, by: User, version: int | None, status: str, reason: str) -> Amendment:
    amendment.status = status
    amendment.decision_reason = reason
    amendment.version += 1
    amendment._history_user = by
    amendment._change_reason = status
    amendment.save()
    return amendment


@transaction.atomic
def amendment_reject(*, amendment: Amendment, by: User, reason: str, version: int | None = None) -> Amendment:
    """Turn a draft down, with the reason; the rejected amendment is kept."""
    locked = _locked(amendment)
    if not user_can_approve_amendment(by, locked):
        raise PermissionDenied(
            _("Only a procurement manager rejects amendments; legal may reject one that changes clauses only.")
        )
    if locked.status != Amendment.Status.DRAFT:
        raise ActionNotAllowed(_("Only a draft amendment can be rejected."))
    _check_version(locked, version)
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the amendment is rejected.")]})
    return _decide(locked, by=by, version=version, status=Amendment.Status.REJECTED, reason=reason)


@transaction.atomic
def amendment_withdraw(*, amendment: Amendment, by: User, reason: str = "", version: int | None = None) -> Amendment:
    """Take back an amendment that is not yet in force (a draft, or approved for a later day); it is kept."""
    locked = _locked(amendment)
    if not user_can_withdraw_amendment(by, locked):
        raise PermissionDenied(_("You can view this amendment but not withdraw it."))
    if locked.status not in Amendment.OPEN_STATUSES:
        raise ActionNotAllowed(_("Only a draft or an approved amendment not yet in force can be withdrawn."))
    _check_version(locked, version)
    return _decide(locked, by=by, version=version, status=Amendment.Status.WITHDRAWN, reason=(reason or "").strip())


def _old_values(contract: Contract, amendment: Amendment, clauses: dict[int, Clause]) -> dict[str, Any]:
    old: dict[str, Any] = {
        "terms": {name: to_json(_current_value(contract, name)) for name in amendment.changes if name not in ROW_FIELDS}
    }
    for name in ROW_FIELDS:
        if name in amendment.changes:
            old[name] = stored_rows(contract, name)
    old["clauses"] = [
        {"id": row["id"], "title": clauses[row["id"]].title, "text": clauses[row["id"]].text}
        for row in amendment.clauses
        if "id" in row and row["id"] in clauses
    ]
    return old


def _bulk_write(objs: list, model: type[Model], columns: list[str]) -> None:
    """Write `columns` of many rows and their history rows: on PostgreSQL one UPDATE ... FROM (VALUES ...) per 500
    rows (Django's bulk_update builds a CASE per row and column, whose Python cost outgrows the database's), else
    Django's bulk_update. Each row's history keeps its own user and reason."""
    connection = transaction.get_connection()
    if connection.vendor != "postgresql":
        bulk_update_with_history(objs, model, columns, batch_size=500)
        return
    fields = [model._meta.get_field(name) for name in columns]
    pk = model._meta.pk
    table = connection.ops.quote_name(model._meta.db_table)
    quoted = [connection.ops.quote_name(f.column) for f in fields]
    casts = [f"%s::{f.db_type(connection)}" for f in fields]
    for start in range(0, len(objs), 500):
        chunk = objs[start : start + 500]
        rows = ", ".join(f"(%s::{pk.db_type(connection)}, {', '.join(casts)})" for _ in chunk)
        params: list = []
        for obj in chunk:
            params.append(obj.pk)
            params.extend(f.get_db_prep_save(getattr(obj, f.attname), connection) for f in fields)
        assignments = ", ".join(f"{q} = v.{q}" for q in quoted)
        names = ", ".join(["id", *quoted])
        sql = (
            f"UPDATE {table} SET {assignments} FROM (VALUES {rows}) AS v({names}) "  # noqa: S608
            f"WHERE {table}.{connection.ops.quote_name(pk.column)} = v.id"
        )
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
    bulk_update_with_history(objs, model, [], batch_size=500)


_APPLIED_COLUMNS = ("old_values", "status", "applied_at", "version", "updated_at")


def _terms_only(amendment: Amendment) -> bool:
    return not amendment.clauses and not any(name in amendment.changes for name in ROW_FIELDS)


def _mark_in_force(amendment: Amendment, *, by: User | None) -> None:
    amendment.status = Amendment.Status.IN_FORCE
    amendment.applied_at = timezone.now()
    amendment.updated_at = amendment.applied_at
    amendment.version += 1
    amendment._history_user = by or amendment.approved_by or amendment.created_by
    amendment._change_reason = "apply"


def _mark_failed(amendment: Amendment, exc: ValidationError, *, by: User | None) -> None:
    """An approved amendment whose changes no longer fit its contract on its day: marked failed with the reason, so
    the amendment and contract pages show it (instead of a retry every day that nobody sees)."""
    logger.warning("amendment %s no longer fits its contract, marked failed: %s", amendment.number, exc)
    amendment.status = Amendment.Status.FAILED
    amendment.failure_reason = " ".join(exc.messages)
    amendment.version += 1
    amendment._history_user = by or amendment.approved_by or amendment.created_by
    amendment._change_reason = "fail"
    amendment.save(update_fields=["status", "failure_reason", "version", "updated_at"])


def _prepare_terms(amendment: Amendment, contract: Contract, *, by: User | None) -> list[str]:
    """Set an amendment of terms only on its contract and mark it in force, without writing; the columns to write."""
    old = _old_values(contract, amendment, {})
    author = amendment.approved_by or amendment.created_by
    columns = contract_amend_terms(
        contract=contract, by=by or author, reason=f"amendment {amendment.number}", **terms_from_json(amendment.changes)
    )
    amendment.old_values = old
    _mark_in_force(amendment, by=by)
    return columns


def _apply_one(amendment: Amendment, contract: Contract, clauses: dict[int, Clause], *, by: User | None) -> None:
    reason = f"amendment {amendment.number}"
    author = amendment.approved_by or amendment.created_by or by
    amendment.old_values = _old_values(contract, amendment, clauses)
    changes = amendment.changes
    contract_amend(
        contract=contract,
        by=by or author,
        reason=reason,
        sla_targets=rows_from_json(changes, "sla_targets"),
        fee_items=rows_from_json(changes, "fee_items"),
        **terms_from_json(changes),
    )
    for row in amendment.clauses:
        if "id" in row:
            clause_amend(
                clause=clauses[row["id"]],
                by=by or author,
                author=author,
                title=row["title"],
                text=row["text"],
                reason=reason,
            )
        else:
            add_clause(
                contract=contract,
                by=author,
                category=row["category"],
                title=row["title"],
                text=row["text"],
                order=None,
                template=None,
                status=Clause.Status.AGREED,
                comment=reason,
            )
    _mark_in_force(amendment, by=by)
    amendment.save()


def apply_amendments(
    amendments: list[Amendment],
    *,
    today: date,
    by: User | None = None,
    calendar: WorkingDayCalendar | None = None,
) -> int:
    """Apply approved amendments the caller holds locked, in one transaction; returns how many were applied.

    The contracts are locked together. Amendments of terms only (the daily common case) are checked one by one and
    written together: one bulk update of the contracts and one of the amendments, each with its history rows, so the
    queries per amendment stay constant and few. Those that change rows or clauses, or whose contract has another
    amendment in the batch, are written one by one in a savepoint each. One that no longer fits its contract (say an
    end date now before a changed start) is marked failed with the reason, and is not tried again. Then the search
    text and the obligations of all the amended contracts are brought up to date at once.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("apply_amendments() must run inside the transaction that locked the amendments")
    amendments = sorted(amendments, key=lambda a: (a.contract_id, a.sequence))
    contracts = {
        c.pk: c
        for c in Contract.objects.select_for_update()
        .select_related("vendor", "owner")
        .filter(pk__in={a.contract_id for a in amendments})
        .order_by("pk")
    }
    clause_ids = {row["id"] for a in amendments for row in a.clauses if "id" in row}
    clauses = (
        {c.pk: c for c in Clause.objects.select_for_update().filter(pk__in=clause_ids).order_by("pk")}
        if clause_ids
        else {}
    )
    applied: list[Amendment] = []
    failed: list[tuple[Amendment, ValidationError]] = []
    per_contract = Counter(a.contract_id for a in amendments)
    bulk_contracts: list[Contract] = []
    bulk_amendments: list[Amendment] = []
    columns: set[str] = set()
    for amendment in amendments:
        contract = contracts[amendment.contract_id]
        if _terms_only(amendment) and per_contract[contract.pk] == 1:
            # The common case, written in bulk below: a few terms of a contract amended once in this batch.
            try:
                columns.update(_prepare_terms(amendment, contract, by=by))
            except ValidationError as exc:
                failed.append((amendment, exc))
                continue
            bulk_contracts.append(contract)
            bulk_amendments.append(amendment)
            continue
        try:
            with transaction.atomic():
                _apply_one(amendment, contract, clauses, by=by)
        except ValidationError as exc:
            contract.refresh_from_db()
            amendment.refresh_from_db()
            failed.append((amendment, exc))
            continue
        applied.append(amendment)
    for amendment, exc in failed:
        _mark_failed(amendment, exc, by=by)
    if bulk_contracts:
        _bulk_write(bulk_contracts, Contract, sorted(columns))
        _bulk_write(bulk_amendments, Amendment, list(_APPLIED_COLUMNS))
        applied.extend(bulk_amendments)
    if applied:
        changed = [contracts[pk] for pk in sorted({a.contract_id for a in applied})]
        if any(a.clauses for a in applied):
            search_text_refresh([c.pk for c in changed])
        terms_changed(changed, today=today, by=by, reason="amendment", calendar=calendar)
    return len(applied)


def amendments_apply_due(*, today: date, batch_size: int = 200) -> int:
    """The daily roll of amendments: apply every approved amendment whose day has come; returns how many.

    A set-based scan in batches; rows are claimed with SKIP LOCKED, so two workers never apply one amendment twice,
    and running it again on the same day finds nothing left to do.
    """
    calendar = load_calendar()
    applied = 0
    last_pk = 0
    while True:
        with transaction.atomic():
            batch = list(
                Amendment.objects.filter(status=Amendment.Status.APPROVED, effective_on__lte=today, pk__gt=last_pk)
                .select_related("approved_by", "created_by")
                .order_by("pk")
                .select_for_update(skip_locked=True, of=("self",))[:batch_size]
            )
            if not batch:
                break
            applied += apply_amendments(batch, today=today, calendar=calendar)
        last_pk = batch[-1].pk
    return applied
