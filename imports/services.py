"""Spreadsheet imports: upload, dry run, confirm.

An upload is checked at once (size, a real XLSX or CSV, no formulas, the row limit, headers that name columns), so a
file that cannot be imported is refused with a clear error before anything is queued. The dry run and the import run
in a Celery task (imports.tasks), batch by batch, so a file of thousands of rows shows its progress.

The dry run and the import read every row the same way (``_analyse``): the cells parsed, the vendor matched by credit
code, the contract matched by number among those the importer may change, and the terms validated by
contracts.services.terms exactly as a form would be. The dry run only records what each row would do; confirming
reads the rows again against the database as it is then and writes each valid row through the same services as the
pages, one transaction per batch, with the history reason "imported from FILE by USER". A row already written is never
written twice (the task may be retried), and a row that matches what is stored is ``unchanged``: the same file
imported twice changes nothing the second time.
"""

from __future__ import annotations

import copy
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from accounts.models import User
from accounts.roles import user_may_write
from contracts.lifecycle.imported import contract_record_imported_status, imported_status_errors
from contracts.models import Contract, FeeItem, SLATarget
from contracts.selectors import contracts_changeable_by, contracts_visible_to, user_can_share_contract
from contracts.services.lock import amendment_required
from contracts.services.terms import (
    CONTRACT_TERM_FIELDS,
    LOCKED_TERM_FIELDS,
    contract_create,
    contract_terms_check,
    contract_update,
    contracts_follow_up,
)
from vendors.models import Vendor
from vendors.services import vendor_create

from .columns import CellError, columns_of, is_code_name_row, match_header, sheet_kind
from .models import ImportJob, ImportRow
from .reading import Cell, Sheet, SpreadsheetError, read_spreadsheet

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_ROWS = 10_000
# Rows read (dry run) or written (import) per transaction and per progress update.
BATCH = 250
LANGUAGES = ("zh-hans", "en")

Action = ImportRow.Action

_FILE_ERRORS = {
    "not_a_spreadsheet": gettext_lazy("This file is not a spreadsheet clm can read. Upload an XLSX or a CSV file."),
    "old_or_encrypted": gettext_lazy(
        "This is an old .xls workbook or a password-protected file. Save it as an XLSX without a password."
    ),
    "encoding": gettext_lazy("This CSV is neither UTF-8 nor GB18030 text. Save it as “CSV UTF-8”."),
    "too_large_unpacked": gettext_lazy("This workbook unpacks to far more data than a register of contracts holds."),
    "too_many_rows": gettext_lazy("This file has more than %(max)s rows. Split it into smaller files."),
    "formula": gettext_lazy("Row %(row)s holds a formula. Paste the values only (no formulas) and upload it again."),
    "empty": gettext_lazy("This file holds no rows to import."),
}


def interface_language() -> str:
    """The language of the request being served, as an import stores it for its messages."""
    return "en" if (translation.get_language() or "").startswith("en") else "zh-hans"


def may_import_message() -> str:
    return _("Your role cannot change contracts, so it cannot import them.")


def _file_error(message: str) -> ValidationError:
    return ValidationError({"file": [message]})


def _check_header(sheet: Sheet) -> dict[int, str]:
    columns, unknown = match_header("contracts", sheet.header)
    if unknown:
        raise _file_error(
            _("These columns match no contract field: %(columns)s. The template lists the columns clm reads.")
            % {"columns": "、".join(unknown)}
        )
    if "number" not in columns.values():
        raise _file_error(_("The first sheet needs a column “contract number” (合同编号) to match the contracts."))
    return columns


def read_import_file(data: bytes, filename: str) -> list[Sheet]:
    """The file's sheets, or a ValidationError on `file` saying why it cannot be imported."""
    if len(data) > MAX_FILE_BYTES:
        raise _file_error(
            _("The file is larger than %(mb)s MB. Split it into smaller files.") % {"mb": MAX_FILE_BYTES // 2**20}
        )
    try:
        sheets = read_spreadsheet(data, filename, max_rows=MAX_ROWS)
    except SpreadsheetError as exc:
        raise _file_error(str(_FILE_ERRORS[exc.code]) % exc.params) from None
    _check_header(sheets[0])
    for index, sheet in enumerate(sheets):
        kind = "contracts" if index == 0 else sheet_kind(sheet.header)
        if kind and sheet.rows and is_code_name_row(kind, sheet.rows[0][1]):
            del sheet.rows[0]
    if not sheets[0].rows:
        raise _file_error(str(_FILE_ERRORS["empty"]))
    for sheet in sheets[1:]:
        if sheet_kind(sheet.header) is None:
            raise _file_error(
                _(
                    "The sheet “%(sheet)s” is neither SLA targets nor fee rows: it needs a contract number column and "
                    "a metric or a unit price column."
                )
                % {"sheet": sheet.name}
            )
    return sheets


@transaction.atomic
def import_job_create(*, by: User, upload: UploadedFile, dry_run: bool = True, language: str = "zh-hans") -> ImportJob:
    """Check the uploaded file and queue its dry run (and, when `dry_run` is False, the import right after it)."""
    if not user_may_write(by):
        raise PermissionDenied(may_import_message())
    if upload.size is not None and upload.size > MAX_FILE_BYTES:
        raise _file_error(
            _("The file is larger than %(mb)s MB. Split it into smaller files.") % {"mb": MAX_FILE_BYTES // 2**20}
        )
    data = upload.read(MAX_FILE_BYTES + 1)
    name = (upload.name or "import").rsplit("/", 1)[-1][-150:]
    sheets = read_import_file(data, name)
    job = ImportJob(
        owner=by,
        language=language,
        original_name=name,
        confirm_requested=not dry_run,
        total=len(sheets[0].rows),
    )
    upload.seek(0)
    job.file.save(name, upload, save=False)
    job.save()
    _queue("analyse", job.pk)
    return job


def _queue(step: str, job_id: int) -> None:
    from . import tasks

    task = tasks.analyse_import if step == "analyse" else tasks.apply_import
    transaction.on_commit(lambda: task.delay(job_id))


@transaction.atomic
def import_job_confirm(*, job: ImportJob, by: User) -> ImportJob:
    """Write the rows the dry run found valid. Only the job's owner confirms, once, after the dry run."""
    locked = ImportJob.objects.select_for_update().get(pk=job.pk)
    if locked.owner_id != by.pk:
        raise PermissionDenied
    if locked.status != ImportJob.Status.READY:
        raise ValidationError(
            {
                "status": [
                    _("Only an import whose dry run is ready can be confirmed; this one is %(status)s.")
                    % {"status": locked.get_status_display().lower()}
                ]
            }
        )
    if not user_may_write(by):
        raise PermissionDenied(may_import_message())
    locked.status = ImportJob.Status.IMPORTING
    locked.processed = 0
    locked.save(update_fields=["status", "processed"])
    _queue("apply", locked.pk)
    job.refresh_from_db()
    return locked


# ---------------------------------------------------------------------------------------------------------------------
# Reading the rows


@dataclass
class _Plan:
    """What one valid row would write."""

    existing: Contract | None
    fields: dict[str, Any]
    status: str = Contract.Status.DRAFT
    status_dates: dict[str, date | None] = field(default_factory=dict)
    new_vendor: tuple[str, str] | None = None  # (credit code, name) of a vendor to create first
    sla_targets: list[dict] | None = None
    fee_items: list[dict] | None = None


@dataclass
class _Outcome:
    action: str
    number: str
    changes: dict[str, list[str]] = field(default_factory=dict)
    errors: list[tuple[str, str]] = field(default_factory=list)
    plan: _Plan | None = None


@dataclass
class _ChildRows:
    """The SLA or fee rows of the other sheets, by contract number, with their cell errors."""

    rows: dict[str, list[dict]] = field(default_factory=lambda: defaultdict(list))
    errors: dict[str, list[tuple[str, str]]] = field(default_factory=lambda: defaultdict(list))
    # (sheet index, row, number) of rows whose number has no contract row in the first sheet
    orphans: list[tuple[int, int, str]] = field(default_factory=list)


_CHILD_FIELDS = {
    "sla": ("metric", "kind", "comparator", "target", "unit", "period", "credit_pct", "critical"),
    "fees": ("kind", "unit_price", "unit", "quantity", "note"),
}


def _read_children(sheets: Sequence[Sheet], numbers: set[str]) -> dict[str, _ChildRows]:
    children = {"sla": _ChildRows(), "fees": _ChildRows()}
    for index, sheet in enumerate(sheets[1:], start=2):
        kind = sheet_kind(sheet.header)
        if kind is None:
            continue
        mapping, _unknown = match_header(kind, sheet.header)
        columns = columns_of(kind)
        label = _("SLA targets") if kind == "sla" else _("Fee items")
        for row_number, cells in sheet.rows:
            values: dict[str, Any] = {}
            errors: list[tuple[str, str]] = []
            for position, name in mapping.items():
                cell = cells[position] if position < len(cells) else None
                if _is_blank(cell):
                    continue
                try:
                    values[name] = columns[name].parse(cell)
                except CellError as exc:
                    errors.append(
                        (
                            kind,
                            _("%(sheet)s, row %(row)s: %(message)s")
                            % {"sheet": label, "row": row_number, "message": exc},
                        )
                    )
            number = values.pop("number", "")
            if not number or number not in numbers:
                children[kind].orphans.append((index, row_number, number))
                continue
            if errors:
                children[kind].errors[number].extend(errors)
                continue
            values = {k: v for k, v in values.items() if k in _CHILD_FIELDS[kind]}
            model = SLATarget if kind == "sla" else FeeItem
            instance = model(**values)
            try:
                instance.full_clean(exclude=["contract"])
            except ValidationError as exc:
                for field_name, messages in exc.message_dict.items():
                    for message in messages:
                        children[kind].errors[number].append(
                            (
                                kind,
                                _("%(sheet)s, row %(row)s, %(field)s: %(message)s")
                                % {"sheet": label, "row": row_number, "field": field_name, "message": message},
                            )
                        )
                continue
            children[kind].rows[number].append({name: getattr(instance, name) for name in _CHILD_FIELDS[kind]})
    return children


def _is_blank(cell: Cell) -> bool:
    return cell is None or (isinstance(cell, str) and not cell.strip())


class _Context:
    """What the rows of one batch are checked against, read in a fixed number of queries per batch."""

    def __init__(self, *, user: User, reason: str, children: dict[str, _ChildRows]):
        self.user = user
        self.reason = reason
        self.children = children
        self.seen: set[str] = set()
        self.owners: dict[str, User | None] = {}
        self.new_vendors: dict[str, str] = {}  # credit code -> name, across the file
        self.created_vendors: dict[str, Vendor] = {}
        # Contracts created in the current batch, whose search text and obligations follow once per batch.
        self.created: list[Contract] = []
        self.contracts: dict[str, Contract] = {}
        self.visible: set[int] = set()
        self.changeable: set[int] = set()
        self.vendors: dict[str, Vendor] = {}
        self.vendors_by_name: dict[str, list[Vendor]] = defaultdict(list)

    def batch_state(self) -> tuple:
        """What writing a batch changes here, to start the batch again after a rollback."""
        return set(self.seen), dict(self.new_vendors), dict(self.created_vendors)

    def restore_batch_state(self, state: tuple) -> None:
        self.seen, self.new_vendors, self.created_vendors = set(state[0]), dict(state[1]), dict(state[2])
        self.created = []

    def load(self, rows: list[dict[str, Any]], *, lock: bool = False) -> None:
        numbers = {r["number"] for r in rows if r.get("number")}
        contracts = Contract.objects.filter(number__in=numbers).select_related("vendor", "owner")
        if lock:
            contracts = contracts.select_for_update(of=("self",))
        self.contracts = {c.number: c for c in contracts.prefetch_related("sla_targets", "fee_items")}
        ids = [c.pk for c in self.contracts.values()]
        self.visible = set(contracts_visible_to(self.user).filter(pk__in=ids).values_list("pk", flat=True))
        self.changeable = set(contracts_changeable_by(self.user).filter(pk__in=ids).values_list("pk", flat=True))
        codes = {r["credit_code"] for r in rows if r.get("credit_code")}
        self.vendors = {v.credit_code: v for v in Vendor.objects.filter(credit_code__in=codes)}
        self.vendors.update(self.created_vendors)
        names = {r["vendor"] for r in rows if r.get("vendor") and not r.get("credit_code")}
        self.vendors_by_name = defaultdict(list)
        for vendor in Vendor.objects.filter(name__in=names):
            self.vendors_by_name[vendor.name].append(vendor)
        usernames = {r["owner"] for r in rows if r.get("owner")} - set(self.owners)
        found = {u.username: u for u in User.objects.filter(username__in=usernames, is_active=True)}
        for username in usernames:
            self.owners[username] = found.get(username)


def _parse_cells(cells: Sequence[Cell], mapping: dict[int, str]) -> tuple[dict[str, Any], list[tuple[str, str]]]:
    columns = columns_of("contracts")
    values: dict[str, Any] = {}
    errors: list[tuple[str, str]] = []
    for position, name in mapping.items():
        cell = cells[position] if position < len(cells) else None
        if _is_blank(cell):
            continue
        try:
            values[name] = columns[name].parse(cell)
        except CellError as exc:
            errors.append((name, str(exc)))
    return values, errors


def _show(value: Any) -> str:
    """A value as the dry run shows it, the same in both languages where it can be."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Vendor):
        return value.name
    if isinstance(value, User):
        return value.username
    return str(value)


def _rows_key(rows: Iterable[dict], fields: Sequence[str]) -> list[tuple]:
    """Rows as compared: 80 and 80.000 are the same target."""

    def plain(value: Any) -> Any:
        return value.normalize() if isinstance(value, Decimal) else value

    return [tuple(plain(r.get(f)) for f in fields) for r in rows]


def _validation_messages(exc: ValidationError) -> list[tuple[str, str]]:
    if hasattr(exc, "error_dict"):
        return [(name, str(message)) for name, messages in exc.message_dict.items() for message in messages]
    return [("", str(message)) for message in exc.messages]


def _resolve_vendor(values: dict[str, Any], ctx: _Context, outcome: _Outcome, plan_vendor: dict) -> None:
    code = values.pop("credit_code", None)
    name = values.pop("vendor", None)
    if code:
        vendor = ctx.vendors.get(code)
        if vendor is not None:
            plan_vendor["vendor"] = vendor
            return
        known_name = ctx.new_vendors.get(code)
        if known_name is not None and name and known_name != name:
            outcome.errors.append(
                ("credit_code", _("An earlier row gives this credit code to “%(name)s”.") % {"name": known_name})
            )
            return
        name = name or known_name
        if not name:
            outcome.errors.append(("vendor", _("A new vendor needs its name as well as its credit code.")))
            return
        candidate = Vendor(name=name, credit_code=code)
        try:
            candidate.full_clean(validate_unique=False)
        except ValidationError as exc:
            outcome.errors.extend(_validation_messages(exc))
            return
        ctx.new_vendors[code] = name
        plan_vendor["new_vendor"] = (candidate.credit_code, name)
    elif name:
        matches = ctx.vendors_by_name.get(name, [])
        if len(matches) == 1:
            plan_vendor["vendor"] = matches[0]
        else:
            outcome.errors.append(
                (
                    "credit_code",
                    _("Give the vendor’s unified social credit code: no single vendor is named “%(name)s”.")
                    % {"name": name},
                )
            )


# Relations of a row's contract that the dry run has in hand (found above, or the stored contract's own): not looked up
# again for each row.
_KNOWN_RELATIONS = ("vendor", "owner", "predecessor")


def _analyse(values: dict[str, Any], parse_errors: list[tuple[str, str]], ctx: _Context) -> _Outcome:
    values = dict(values)
    number = values.get("number") or ""
    outcome = _Outcome(action=Action.ERROR, number=number, errors=list(parse_errors))
    if not number:
        outcome.errors.append(("number", _("The contract number is missing.")))
        return outcome
    if number in ctx.seen:
        outcome.errors.append(
            ("number", _("The contract number %(number)s is on an earlier row too.") % {"number": number})
        )
        return outcome
    ctx.seen.add(number)

    existing = ctx.contracts.get(number)
    if existing is not None and existing.pk not in ctx.visible:
        outcome.errors.append(
            ("number", _("The contract number %(number)s is already used by another contract.") % {"number": number})
        )
        return outcome
    if existing is not None and existing.pk not in ctx.changeable:
        outcome.errors.append(("number", _("You may not change contract %(number)s.") % {"number": number}))
        return outcome

    vendor: dict[str, Any] = {}
    if "vendor" in values or "credit_code" in values:
        _resolve_vendor(values, ctx, outcome, vendor)
    elif existing is None:
        outcome.errors.append(("vendor", _("A new contract needs its vendor: a credit code, or a vendor name.")))

    owner_name = values.pop("owner", None)
    owner: User | None = None
    if owner_name:
        owner = ctx.owners.get(owner_name)
        if owner is None:
            outcome.errors.append(("owner", _("There is no active user “%(name)s”.") % {"name": owner_name}))
        elif not user_may_write(owner):
            outcome.errors.append(
                ("owner", _("%(user)s cannot own contracts: their role cannot change them.") % {"user": owner_name})
            )

    status = values.pop("status", None)
    status_dates = {name: values.pop(name, None) for name in ("signed_on", "activated_on", "terminated_on")}
    children = {kind: ctx.children[kind] for kind in ("sla", "fees")}
    for child in children.values():
        outcome.errors.extend(child.errors.get(number, []))
    if outcome.errors:
        return outcome

    fields = {name: value for name, value in values.items() if name in CONTRACT_TERM_FIELDS}
    if "vendor" in vendor:
        fields["vendor"] = vendor["vendor"]
    if owner is not None:
        fields["owner"] = owner
    sla = children["sla"].rows.get(number)
    fees = children["fees"].rows.get(number)
    plan = _Plan(existing=existing, fields=fields, new_vendor=vendor.get("new_vendor"), sla_targets=sla, fee_items=fees)

    if existing is None:
        candidate = Contract(status=Contract.Status.DRAFT, **{"owner": ctx.user, **fields})
        # The vendor and the owner were found above (or the vendor is yet to be created): not looked up again.
        try:
            contract_terms_check(candidate, exclude=_KNOWN_RELATIONS)
        except ValidationError as exc:
            outcome.errors.extend(_validation_messages(exc))
        plan.status = status or Contract.Status.DRAFT
        plan.status_dates = status_dates
        status_errors = imported_status_errors(
            status=plan.status,
            effective_date=candidate.effective_date,
            end_date=candidate.end_date,
            **status_dates,
        )
        outcome.errors.extend((name, m) for name, messages in status_errors.items() for m in messages)
        if outcome.errors:
            return outcome
        outcome.action = Action.CREATE
        outcome.plan = plan
        return outcome

    if status and status != existing.status:
        outcome.errors.append(
            (
                "status",
                _(
                    "Contract %(number)s is %(status)s here: its status changes through its lifecycle actions, "
                    "not by import."
                )
                % {"number": number, "status": existing.get_status_display().lower()},
            )
        )
        return outcome
    candidate = copy.copy(existing)
    changes_term = any(
        name in fields and fields[name] != getattr(existing, name) for name in ("effective_date", "initial_term_months")
    )
    for name, value in fields.items():
        setattr(candidate, name, value)
    if changes_term and "end_date" not in fields:
        candidate.end_date = None
    try:
        contract_terms_check(candidate, exclude=_KNOWN_RELATIONS)
    except ValidationError as exc:
        outcome.errors.extend(_validation_messages(exc))
        return outcome
    for name in CONTRACT_TERM_FIELDS:
        old, new = getattr(existing, name), getattr(candidate, name)
        if name in ("vendor", "owner"):
            old, new = getattr(existing, f"{name}_id"), getattr(candidate, f"{name}_id")
            if old != new:
                outcome.changes[name] = [_show(getattr(existing, name)), _show(getattr(candidate, name))]
            continue
        if old != new:
            outcome.changes[name] = [_show(old), _show(new)]
    for kind, rows, related in (("sla_targets", sla, "sla_targets"), ("fee_items", fees, "fee_items")):
        if rows is None:
            continue
        names = _CHILD_FIELDS["sla" if kind == "sla_targets" else "fees"]
        stored = [{n: getattr(r, n) for n in names} for r in getattr(existing, related).all()]
        if _rows_key(stored, names) != _rows_key(rows, names):
            outcome.changes[kind] = [
                _("%(count)s rows") % {"count": len(stored)},
                _("%(count)s rows") % {"count": len(rows)},
            ]
    if "owner" in outcome.changes and not user_can_share_contract(ctx.user, existing):
        outcome.errors.append(
            ("owner", _("Only the owner or a procurement manager can hand the contract to someone else."))
        )
        outcome.changes = {}
        return outcome
    agreed = [name for name in outcome.changes if name in (*LOCKED_TERM_FIELDS, "sla_targets", "fee_items")]
    if existing.terms_locked and agreed:
        # What a signed contract's parties agreed changes only through an amendment, as on the contract's page.
        outcome.errors.extend(_validation_messages(amendment_required(existing, agreed)))
        outcome.changes = {}
        return outcome
    plan.fields = {name: getattr(candidate, name) for name in outcome.changes if name in CONTRACT_TERM_FIELDS}
    if "end_date" not in plan.fields and changes_term and candidate.end_date != existing.end_date:
        plan.fields["end_date"] = candidate.end_date
    if "sla_targets" not in outcome.changes:
        plan.sla_targets = None
    if "fee_items" not in outcome.changes:
        plan.fee_items = None
    outcome.action = Action.UPDATE if outcome.changes else Action.UNCHANGED
    outcome.plan = plan
    return outcome


# ---------------------------------------------------------------------------------------------------------------------
# The task's work


def _open_sheets(job: ImportJob) -> list[Sheet]:
    with job.file.open("rb") as handle:
        data = handle.read(MAX_FILE_BYTES + 1)
    return read_import_file(data, job.original_name)


def _reason(job: ImportJob) -> str:
    return f"imported from {job.original_name} by {job.owner.username}"


def _batches(rows: list, size: int = BATCH) -> Iterable[list]:
    for start in range(0, len(rows), size):
        yield rows[start : start + size]


def _claim(job_id: int, *, start: str, running: str) -> ImportJob | None:
    with transaction.atomic():
        job = ImportJob.objects.select_for_update().select_related("owner").filter(pk=job_id).first()
        if job is None or job.status not in (start, running):
            return None
        job.status = running
        job.processed = 0
        job.save(update_fields=["status", "processed"])
        return job


def import_job_fail(job_id: int, message: str) -> None:
    ImportJob.objects.filter(pk=job_id).exclude(status=ImportJob.Status.DONE).update(
        status=ImportJob.Status.FAILED, error=message, finished_at=timezone.now()
    )


@dataclass
class _Row:
    """A row of the first sheet, its cells read once in the job's language."""

    row: int
    cells: list[Cell]
    values: dict[str, Any]
    errors: list[tuple[str, str]]


def _prepare(job: ImportJob) -> tuple[dict[int, str], dict[str, _ChildRows], list[_Row]]:
    sheets = _open_sheets(job)
    mapping = _check_header(sheets[0])
    rows = [_Row(row, cells, *_parse_cells(cells, mapping)) for row, cells in sheets[0].rows]
    children = _read_children(sheets, {r.values["number"] for r in rows if r.values.get("number")})
    return mapping, children, rows


def _check_row(job: ImportJob, read: _Row, mapping: dict[int, str], ctx: _Context) -> tuple[_Outcome, list]:
    """The row's outcome in the job's language, and its errors in both languages: a row with errors is checked a
    second time under the other language (only those rows pay for it), from the same starting point."""
    seen, new_vendors = set(ctx.seen), dict(ctx.new_vendors)
    outcome = _analyse(read.values, read.errors, ctx)
    if not outcome.errors:
        return outcome, []
    after = (ctx.seen, ctx.new_vendors)
    ctx.seen, ctx.new_vendors = seen, new_vendors
    other = "en" if job.language != "en" else "zh-hans"
    with translation.override(other):
        values, errors = _parse_cells(read.cells, mapping)
        translated = _analyse(values, errors, ctx).errors
    ctx.seen, ctx.new_vendors = after
    if len(translated) != len(outcome.errors):
        translated = outcome.errors
    stored = [
        {"field": name, job.language: message, other: translated[i][1]}
        for i, (name, message) in enumerate(outcome.errors)
    ]
    return outcome, stored


def import_job_analyse(job_id: int) -> None:
    """The dry run: record what each row would do. Idempotent: a repeated run starts again from the first row."""
    job = _claim(job_id, start=ImportJob.Status.PENDING, running=ImportJob.Status.RUNNING)
    if job is None:
        return
    with translation.override(job.language):
        try:
            mapping, children, rows = _prepare(job)
        except ValidationError as exc:
            import_job_fail(job.pk, " ".join(exc.messages))
            return
        ImportRow.objects.filter(job=job).delete()
        ctx = _Context(user=job.owner, reason=_reason(job), children=children)
        counts: dict[str, int] = defaultdict(int)
        processed = 0
        for batch in _batches(rows):
            ctx.load([read.values for read in batch])
            objs = []
            for read in batch:
                outcome, stored_errors = _check_row(job, read, mapping, ctx)
                counts[outcome.action] += 1
                objs.append(
                    ImportRow(
                        job=job,
                        row=read.row,
                        number=outcome.number[:200],
                        action=outcome.action,
                        changes=outcome.changes,
                        errors=stored_errors,
                    )
                )
            ImportRow.objects.bulk_create(objs)
            processed += len(batch)
            ImportJob.objects.filter(pk=job.pk).update(processed=processed)
        _record_orphans(job, children, counts)
        job.counts = {action: counts.get(action, 0) for action in Action.values}
        job.processed = processed
        job.status = ImportJob.Status.READY
        job.finished_at = timezone.now()
        if job.confirm_requested and job.can_confirm:
            job.status = ImportJob.Status.IMPORTING
        job.save()
    if job.status == ImportJob.Status.IMPORTING:
        import_job_apply(job.pk)


def _record_orphans(job: ImportJob, children: dict[str, _ChildRows], counts: dict[str, int]) -> None:
    objs = []
    for rows in children.values():
        for sheet, row, number in rows.orphans:
            messages = {}
            for language in LANGUAGES:
                with translation.override(language):
                    messages[language] = (
                        _("No contract row of the first sheet has the number “%(number)s”.") % {"number": number}
                        if number
                        else _("The contract number is missing.")
                    )
            objs.append(
                ImportRow(
                    job=job,
                    sheet=sheet,
                    row=row,
                    number=number[:200],
                    action=Action.ERROR,
                    errors=[{"field": "number", **messages}],
                )
            )
            counts[Action.ERROR] += 1
    ImportRow.objects.bulk_create(objs)


def _write(plan: _Plan, ctx: _Context) -> Contract:
    fields = dict(plan.fields)
    new_vendor = None
    if plan.new_vendor is not None:
        code, name = plan.new_vendor
        vendor = ctx.created_vendors.get(code) or Vendor.objects.filter(credit_code=code).first()
        if vendor is None:
            vendor = new_vendor = vendor_create(by=ctx.user, name=name, credit_code=code)
        fields["vendor"] = vendor
    if plan.existing is None:
        contract = contract_create(
            by=ctx.user,
            sla_targets=plan.sla_targets,
            fee_items=plan.fee_items,
            reason=ctx.reason,
            follow_up=False,
            **fields,
        )
        if plan.status != Contract.Status.DRAFT:
            contract = contract_record_imported_status(
                contract=contract,
                by=ctx.user,
                status=plan.status,
                reason=ctx.reason,
                follow_up=False,
                **plan.status_dates,
            )
        ctx.created.append(contract)
        # Remembered only once the row is written: a row rolled back takes its new vendor with it.
        if new_vendor is not None:
            ctx.created_vendors[new_vendor.credit_code] = new_vendor
        return contract
    return contract_update(
        contract=plan.existing,
        by=ctx.user,
        version=plan.existing.version,
        sla_targets=plan.sla_targets,
        fee_items=plan.fee_items,
        reason=ctx.reason,
        **fields,
    )


def import_job_apply(job_id: int) -> None:
    """Write every valid row, one transaction per batch. A row written before (the task retried) is skipped."""
    job = ImportJob.objects.select_related("owner").filter(pk=job_id).first()
    if job is None or job.status != ImportJob.Status.IMPORTING:
        return
    with translation.override(job.language):
        try:
            mapping, children, rows = _prepare(job)
        except ValidationError as exc:
            import_job_fail(job.pk, " ".join(exc.messages))
            return
        if not user_may_write(job.owner):
            import_job_fail(job.pk, may_import_message())
            return
        ctx = _Context(user=job.owner, reason=_reason(job), children=children)
        done_rows = set(ImportRow.objects.filter(job=job, written=True, sheet=1).values_list("row", flat=True))
        processed = 0
        for batch in _batches(rows):
            state = ctx.batch_state()
            try:
                _apply_batch(job, batch, mapping, ctx, done_rows, careful=False)
            except _RowRefused:
                # A row the dry run passed is refused now (the database changed since): the batch was rolled back
                # and is written again row by row, each in a savepoint, so that only that row is left out.
                ctx.restore_batch_state(state)
                _apply_batch(job, batch, mapping, ctx, done_rows, careful=True)
            processed += len(batch)
            ImportJob.objects.filter(pk=job.pk).update(processed=processed)
        counts: dict[str, int] = defaultdict(int)
        for action in ImportRow.objects.filter(job=job).values_list("action", flat=True):
            counts[action] += 1
        job.counts = {action: counts.get(action, 0) for action in Action.values}
        job.written = {
            "created": ImportRow.objects.filter(job=job, action=Action.CREATE, contract__isnull=False).count(),
            "updated": ImportRow.objects.filter(job=job, action=Action.UPDATE, contract__isnull=False).count(),
        }
        job.processed = processed
        job.status = ImportJob.Status.DONE
        job.finished_at = timezone.now()
        job.save()


class _RowRefused(Exception):
    pass


@transaction.atomic
def _apply_batch(
    job: ImportJob, batch: list[_Row], mapping: dict[int, str], ctx: _Context, done_rows: set[int], *, careful: bool
) -> None:
    """Write one batch in one transaction. Not `careful`: any refused row raises _RowRefused (and the batch is
    rolled back); `careful`: each row in a savepoint, a refused one recorded as an error."""
    ctx.load([read.values for read in batch], lock=True)
    stored = {r.row: r for r in ImportRow.objects.filter(job=job, sheet=1, row__in=[b.row for b in batch])}
    records = []
    for read in batch:
        if read.row in done_rows:
            ctx.seen.add(read.values.get("number") or "")
            continue
        record = stored.get(read.row) or ImportRow(job=job, row=read.row)
        records.append(_apply_row(job, record, read, mapping, ctx, careful=careful))
    if ctx.created:
        contracts_follow_up(ctx.created, by=job.owner, reason=ctx.reason)
        ctx.created = []
    ImportRow.objects.bulk_create([r for r in records if r.pk is None])
    ImportRow.objects.bulk_update(
        [r for r in records if r.pk is not None], ["number", "action", "changes", "errors", "written", "contract"]
    )


def _apply_row(
    job: ImportJob, record: ImportRow, read: _Row, mapping: dict[int, str], ctx: _Context, *, careful: bool
) -> ImportRow:
    """Check the row again and write it; the record is returned to be saved with its batch."""
    outcome, stored_errors = _check_row(job, read, mapping, ctx)
    record.number = outcome.number[:200]
    record.action = outcome.action
    record.changes = outcome.changes
    record.errors = stored_errors
    record.written = True
    if outcome.plan is None or outcome.action not in (Action.CREATE, Action.UPDATE):
        return record
    if not careful:
        try:
            record.contract = _write(outcome.plan, ctx)
        except (ValidationError, PermissionDenied) as exc:
            raise _RowRefused from exc
        return record
    try:
        with transaction.atomic():
            record.contract = _write(outcome.plan, ctx)
    except (ValidationError, PermissionDenied) as exc:
        # The dry run checks what the services check, so this is a change made meanwhile (say, a number taken).
        record.action = Action.ERROR
        messages = _validation_messages(exc) if isinstance(exc, ValidationError) else [("", str(exc))]
        record.errors = [{"field": name, "en": message, "zh-hans": message} for name, message in messages]
    return record
