"""The vendor's monthly SLA report, uploaded as CSV or XLSX: every month in it is recorded, or none.

Columns (header row, any order; English or Chinese names): `period` (YYYY-MM), `metric` (a target's metric name or
kind), `value`, and optionally `fee_amount` (the month's fee; one per month). A CSV is read as UTF-8 (with or without
BOM) or GB18030, as Excel in China saves it; an XLSX is read with openpyxl in read-only mode and refused when a cell
holds a formula (the value the vendor saw may not be the one stored). The whole file is checked before anything is
written; each refused row is named by its line with every reason, in the reader's language. The file is kept as a
document of the contract, linked from each month it recorded.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils import timezone
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from accounts.models import User
from contracts.models import Contract, Document, SLATarget
from rules import sla as rules

from .models import SlaPeriod
from .services import (
    MeasurementInput,
    fee_problem,
    parse_decimal,
    period_problem,
    sla_periods_save,
    value_problem,
)

MAX_ROWS = 5000
MAX_BYTES = 5 * 1024 * 1024
# An XLSX is a ZIP: what its parts may unpack to (a small file that unpacks to gigabytes is refused).
MAX_UNPACKED_BYTES = 64 * 1024 * 1024
CONTENT_TYPES = {
    "csv": "text/csv",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
COLUMNS = {
    "period": "period",
    "month": "period",
    "月份": "period",
    "期间": "period",
    "metric": "metric",
    "指标": "metric",
    "value": "value",
    "数值": "value",
    "实际值": "value",
    "fee_amount": "fee_amount",
    "fee": "fee_amount",
    "费用": "fee_amount",
    "月费": "fee_amount",
}
REQUIRED = ("period", "metric", "value")
_PERIOD = re.compile(r"^\s*(\d{4})\s*[-/.年]\s*(\d{1,2})\s*月?\s*$")


@dataclass
class ImportRefused(Exception):
    """Nothing was written: the file itself is refused (`file`), or these rows are wrong (line -> reasons)."""

    file: list[str] = field(default_factory=list)
    rows: dict[int, list[str]] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        if self.file:
            return {"file": self.file}
        return {"rows": [{"row": line, "errors": errors} for line, errors in sorted(self.rows.items())]}

    def messages(self) -> list[str]:
        """Every reason as one line each, for a page."""
        if self.file:
            return list(self.file)
        return [
            _("Line %(line)s: %(errors)s") % {"line": line, "errors": " ".join(errors)}
            for line, errors in sorted(self.rows.items())
        ]


def _refuse(message: str) -> ImportRefused:
    return ImportRefused(file=[message])


def _too_many_rows() -> ImportRefused:
    return _refuse(_("The file has more than %(max)s rows; split it into smaller files.") % {"max": MAX_ROWS})


# Reading ----------------------------------------------------------------------------------------------------------


def _csv_rows(data: bytes) -> Iterator[list[Any]]:
    if b"\x00" in data:
        raise _refuse(_("This is not a CSV text file. Upload the report as CSV or XLSX."))
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:
        raise _refuse(_("The CSV file must be encoded as UTF-8 or GB18030."))
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error:
        raise _refuse(_("This CSV file cannot be read; save it again as CSV and upload it.")) from None


def _xlsx_rows(data: bytes) -> Iterator[list[Any]]:
    import openpyxl  # only an XLSX upload pays for loading it

    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            names = set(archive.namelist())
            unpacked = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, OSError):
        raise _refuse(_("This is not an XLSX workbook. Upload the report as CSV or XLSX.")) from None
    if "xl/workbook.xml" not in names:
        raise _refuse(_("This is not an XLSX workbook. Upload the report as CSV or XLSX."))
    if unpacked > MAX_UNPACKED_BYTES:
        raise _refuse(_("This workbook is too large once unpacked; split it into smaller files."))
    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds of errors on a damaged workbook
        raise _refuse(_("This XLSX workbook cannot be read; save it again and upload it.")) from None
    try:
        sheet = workbook.worksheets[0]
        if (sheet.max_row or 0) > MAX_ROWS + 1:
            raise _too_many_rows()
        for row in sheet.iter_rows():
            values = []
            for cell in row:
                if getattr(cell, "data_type", None) == "f":
                    raise _refuse(
                        _(
                            "Cell %(cell)s holds a formula. Replace the formulas with their values (copy, paste as "
                            "values) and upload the file again."
                        )
                        % {"cell": getattr(cell, "coordinate", "?")}
                    )
                values.append(cell.value)
            yield values
    finally:
        workbook.close()


def _text(value: Any) -> str:
    if value is None:
        return ""
    return str(value).strip()


def _period(value: Any) -> str | None:
    if isinstance(value, datetime | date):
        return rules.period_of(value if isinstance(value, date) and not isinstance(value, datetime) else value.date())
    match = _PERIOD.match(_text(value))
    if not match or not 1 <= int(match[2]) <= 12:
        return None
    return f"{match[1]}-{int(match[2]):02d}"


@dataclass
class _Row:
    line: int
    period: str
    target: SLATarget
    value: Decimal
    fee_amount: Decimal | None


def _target_finder(targets: list[SLATarget]) -> Callable[[str], tuple[SLATarget | None, str | None]]:
    by_metric: dict[str, SLATarget] = {}
    by_kind: dict[str, list[SLATarget]] = {}
    for target in targets:
        by_metric.setdefault(target.metric.strip().casefold(), target)
        by_kind.setdefault(target.kind, []).append(target)

    def find(name: str) -> tuple[SLATarget | None, str | None]:
        key = name.strip().casefold()
        if key in by_metric:
            return by_metric[key], None
        matches = by_kind.get(key, [])
        if len(matches) == 1:
            return matches[0], None
        if len(matches) > 1:
            return None, _("Several targets are of the kind “%(kind)s”; name the metric instead.") % {"kind": name}
        return None, _("“%(metric)s” is not one of this contract's SLA targets.") % {"metric": name}

    return find


def parse_report(contract: Contract, raw_rows: Iterator[list[Any]], *, today: date) -> list[_Row]:
    """The rows of a report, checked against the contract; ImportRefused with every row error otherwise."""
    header = None
    for header_row in raw_rows:
        if any(_text(cell) for cell in header_row):
            header = header_row
            break
    if header is None:
        raise _refuse(_("The file is empty."))
    columns: dict[str, int] = {}
    for index, name in enumerate(header):
        column = COLUMNS.get(_text(name).casefold().replace(" ", "_"))
        if column and column not in columns:
            columns[column] = index
    missing = [name for name in REQUIRED if name not in columns]
    if missing:
        raise _refuse(
            _("The header row must name the columns period, metric and value; missing: %(missing)s.")
            % {"missing": ", ".join(missing)}
        )

    find = _target_finder(list(SLATarget.objects.filter(contract=contract)))
    errors: dict[int, list[str]] = {}
    rows: list[_Row] = []
    count = 0
    for line, cells in enumerate(raw_rows, start=2):
        if not any(_text(cell) for cell in cells):
            continue
        count += 1
        if count > MAX_ROWS:
            raise _too_many_rows()

        def cell(name: str, cells: list[Any] = cells) -> Any:
            index = columns.get(name)
            return cells[index] if index is not None and index < len(cells) else None

        problems = []
        period = _period(cell("period"))
        if period is None:
            problems.append(_("Write the month as YYYY-MM, e.g. 2026-03."))
        elif problem := period_problem(contract, period, today=today):
            problems.append(problem)
        target, problem = find(_text(cell("metric")))
        if problem:
            problems.append(problem)
        value = parse_decimal(cell("value"))
        if value is None:
            problems.append(_("The value “%(value)s” is not a number.") % {"value": _text(cell("value"))})
        elif target is not None and (problem := value_problem(target, value)):
            problems.append(problem)
        fee = None
        if _text(cell("fee_amount")):
            fee = parse_decimal(cell("fee_amount"))
            if fee is None:
                problems.append(_("The fee “%(value)s” is not a number.") % {"value": _text(cell("fee_amount"))})
            elif problem := fee_problem(fee):
                problems.append(problem)
        if problems:
            errors[line] = problems
        elif period and target and value is not None:
            rows.append(_Row(line, period, target, value, fee))
    if not count and not errors:
        raise _refuse(_("The file has a header but no results."))

    seen: dict[tuple[str, int], int] = {}
    fees: dict[str, tuple[int, Decimal]] = {}
    for row in rows:
        first = seen.setdefault((row.period, row.target.pk), row.line)
        if first != row.line:
            errors.setdefault(row.line, []).append(
                _("%(metric)s of %(month)s is already given on line %(line)s.")
                % {"metric": row.target.metric, "month": row.period, "line": first}
            )
        if row.fee_amount is not None:
            fee_line, fee = fees.setdefault(row.period, (row.line, row.fee_amount))
            if fee != row.fee_amount:
                errors.setdefault(row.line, []).append(
                    _("The fee of %(month)s differs from the one on line %(line)s.")
                    % {"month": row.period, "line": fee_line}
                )
    if errors:
        raise ImportRefused(rows=errors)
    return rows


def _file_name(name: str | None, extension: str) -> str:
    stem = os.path.splitext(os.path.basename((name or "").replace("\\", "/")))[0].strip(" .")
    try:
        stem = get_valid_filename(stem) if stem else ""
    except SuspiciousFileOperation:
        stem = ""
    return f"{stem.lstrip('.-')[:100] or 'sla-report'}.{extension}"


def sla_report_import(
    *, contract: Contract, by: User, uploaded_file: UploadedFile | None, today: date | None = None
) -> list[SlaPeriod]:
    """Record every month of an uploaded report, or raise ImportRefused and write nothing.

    The caller runs it in a transaction (sla_periods_save locks the contract and writes all months or none).
    """
    today = today or timezone.localdate()
    if uploaded_file is None:
        raise _refuse(_("Choose a file to upload."))
    extension = os.path.splitext(uploaded_file.name or "")[1].lower().lstrip(".")
    if extension not in CONTENT_TYPES:
        raise _refuse(_("Upload the report as a CSV or XLSX file."))
    if uploaded_file.size is not None and uploaded_file.size > MAX_BYTES:
        raise _refuse(
            _("This file is %(size)s; reports up to %(limit)s are accepted.")
            % {"size": filesizeformat(uploaded_file.size), "limit": filesizeformat(MAX_BYTES)}
        )
    uploaded_file.seek(0)
    data = uploaded_file.read(MAX_BYTES + 1)
    if len(data) > MAX_BYTES:
        raise _refuse(
            _("This file is %(size)s; reports up to %(limit)s are accepted.")
            % {"size": filesizeformat(len(data)), "limit": filesizeformat(MAX_BYTES)}
        )
    if not data.strip():
        raise _refuse(_("The file is empty."))
    raw_rows = _xlsx_rows(data) if extension == "xlsx" else _csv_rows(data)
    rows = parse_report(contract, raw_rows, today=today)

    months: dict[str, tuple[Decimal | None, list[MeasurementInput]]] = {}
    for row in rows:
        _fee, measurements = months.setdefault(row.period, (None, []))
        measurements.append(MeasurementInput(row.target.pk, row.value))
        if row.fee_amount is not None:
            months[row.period] = (row.fee_amount, measurements)
    # A month without a fee in the file keeps the fee recorded before.
    stored_fees = dict(
        SlaPeriod.objects.filter(contract=contract, period__in=list(months)).values_list("period", "fee_amount")
    )
    name = _file_name(uploaded_file.name, extension)
    document = Document(
        contract=contract,
        kind=Document.Kind.OTHER,
        original_name=name,
        content_type=CONTENT_TYPES[extension],
        size=len(data),
        sha256=hashlib.sha256(data).hexdigest(),
        uploaded_by=by,
    )
    document.file.save(name, ContentFile(data), save=False)
    document.save()
    try:
        return sla_periods_save(
            contract=contract,
            by=by,
            months=[
                (period, fee if fee is not None else stored_fees.get(period), measurements)
                for period, (fee, measurements) in sorted(months.items())
            ],
            report=document,
            today=today,
        )
    except ValidationError as exc:
        document.file.delete(save=False)
        raise _refuse(" ".join(exc.messages)) from None
