"""CSV and XLSX downloads of the (filtered) contract register.

Both stream rows from the database in chunks, so exporting tens of thousands of contracts does not load them all
into memory. Headers and choice labels are in the user's language. The end of each contract is the real one
(Contract.end_dates): the end shown in the register, then the entered end, the current term's end and the day it
ended, each in its own column. CSV dates are ISO so spreadsheets sort them; the XLSX has real date and number cells.

The XLSX is also a file the spreadsheet import (imports/) reads back: each column says which import field it fills
(`field`): the auto-renew clause as agreed, the owner by username, the vendor by its credit code as well as its name.
Columns worked out from others (the end shown, the current term's end, the day it ended, whether it still renews, the
owner's name) have no field: the import recognises their headers (EXPORT_HEADERS) and ignores them. The XLSX has two
more sheets, the contracts' SLA targets and fee rows keyed by contract number, under the headers the import reads.
"""

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO

from django.db.models import Model, QuerySet
from django.utils.text import capfirst
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from core.formatting import amount, person_name

from .models import Contract, FeeItem, SLATarget

CHUNK = 2000
DATE_FORMAT = "yyyy-mm-dd"
AMOUNT_FORMAT = "#,##0.00"


@dataclass(frozen=True)
class Column:
    header: str
    width: int  # in characters, as a spreadsheet measures a column
    kind: str = "text"  # "text", "date", "amount" or "number"
    field: str | None = None  # the import's column code name this column fills; None: informational, read-only


# (header, width, kind, the import field or None). Headers are lazy so the import can read them in both languages.
_COLUMNS = (
    (gettext_lazy("Contract number"), 16, "text", "number"),
    (gettext_lazy("Title"), 40, "text", "title"),
    (gettext_lazy("Vendor"), 32, "text", "vendor"),
    (gettext_lazy("Vendor credit code"), 20, "text", "credit_code"),
    (gettext_lazy("Category"), 18, "text", "category"),
    (gettext_lazy("Status"), 10, "text", "status"),
    (gettext_lazy("Owner"), 14, "text", "owner"),
    (gettext_lazy("Owner's name"), 14, "text", None),
    (gettext_lazy("Effective date"), 12, "date", "effective_date"),
    (gettext_lazy("Ends"), 12, "date", None),
    (gettext_lazy("End date as entered"), 12, "date", "end_date"),
    (gettext_lazy("Current term ends"), 12, "date", None),
    (gettext_lazy("Ended on"), 12, "date", None),
    # The clause as agreed (the import reads it), then whether it still renews (no once the contract has ended).
    (gettext_lazy("Renews automatically"), 10, "text", "auto_renew"),
    (gettext_lazy("Still renews"), 10, "text", None),
    (gettext_lazy("Initial term (months)"), 10, "number", "initial_term_months"),
    (gettext_lazy("Renewal term (months)"), 10, "number", "renewal_term_months"),
    (gettext_lazy("Non-renewal notice (days)"), 10, "number", "non_renewal_notice_days"),
    (gettext_lazy("Contract value"), 16, "amount", "contract_value"),
    (gettext_lazy("Currency"), 8, "text", "currency"),
    (gettext_lazy("Signed on"), 12, "date", "signed_on"),
    (gettext_lazy("Activated on"), 12, "date", "activated_on"),
    (gettext_lazy("Terminated on"), 12, "date", "terminated_on"),
)

# Every header of the export, lazy (read in each language by the import) -> the import field it fills, or None.
EXPORT_HEADERS = tuple((header, field) for header, _width, _kind, field in _COLUMNS)


def _columns() -> list[Column]:
    return [Column(str(header), width, kind, field) for header, width, kind, field in _COLUMNS]


def _rows(contracts: QuerySet[Contract], *, today: date) -> Iterator[list]:
    """One list of values per contract, in the order of _columns(); a missing date or amount is None."""
    yes, no = _("Yes"), _("No")
    for c in contracts.select_related("vendor", "owner").iterator(chunk_size=CHUNK):
        ends = c.end_dates(today)
        yield [
            c.number,
            c.title,
            c.vendor.name,
            c.vendor.credit_code,
            c.category_label,
            c.status_label,
            c.owner.username,
            person_name(c.owner),
            c.effective_date,
            ends.shown,
            ends.stored_end,
            ends.current_term_end,
            ends.ended_on,
            yes if c.auto_renew else no,
            yes if ends.renews_automatically else no,
            c.initial_term_months,
            c.renewal_term_months,
            c.non_renewal_notice_days,
            c.contract_value,
            c.currency,
            c.signed_on,
            c.activated_on,
            c.terminated_on,
        ]


class _Echo:
    """A write-only file whose write() hands the line back, for csv.writer feeding a streaming response."""

    def write(self, value: str) -> str:
        return value


def _csv_value(value: object) -> object:
    if value is None:
        return ""
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        # A CSV is read as text: amounts with thousands separators (the XLSX keeps numeric cells).
        return amount(value)
    return value


def register_csv_lines(contracts: QuerySet[Contract], *, today: date) -> Iterator[str]:
    """UTF-8 CSV lines with a byte-order mark first, so Excel opens Chinese text correctly."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow([column.header for column in _columns()])
    for row in _rows(contracts, today=today):
        yield writer.writerow([_csv_value(value) for value in row])


def register_xlsx(contracts: QuerySet[Contract], *, today: date) -> bytes:
    """An .xlsx workbook of the register, written in openpyxl's streaming (write-only) mode.

    As a finance user expects it: a named sheet, a bold header row that stays in view and carries filters, column
    widths that fit the content, dates as date cells and amounts as numbers with thousands separators. openpyxl is
    imported here, on the first download, not when the URLs load.
    """
    from openpyxl import Workbook
    from openpyxl.cell import WriteOnlyCell
    from openpyxl.styles import Alignment, Font, PatternFill
    from openpyxl.utils import get_column_letter

    columns = _columns()
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Contracts"))
    # Column widths and the frozen header row are written before the rows, so they are set first.
    for index, column in enumerate(columns, start=1):
        sheet.column_dimensions[get_column_letter(index)].width = column.width
    sheet.freeze_panes = "A2"
    bold, fill = Font(bold=True), PatternFill("solid", fgColor="DDE6F0")
    header = []
    for column in columns:
        cell = WriteOnlyCell(sheet, value=column.header)
        cell.font, cell.fill = bold, fill
        cell.alignment = Alignment(vertical="center", wrap_text=True)
        header.append(cell)
    sheet.append(header)
    count = 0
    for row in _rows(contracts, today=today):
        sheet.append(
            [_xlsx_cell(WriteOnlyCell, sheet, column, value) for column, value in zip(columns, row, strict=True)]
        )
        count += 1
    sheet.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{count + 1}"
    # The SLA targets and fee rows of the same contracts, keyed by contract number, as the import's template has them.
    for title, model, fields in _child_sheets():
        child = workbook.create_sheet(title)
        child.freeze_panes = "A2"
        header = [_("Contract number")] + [capfirst(str(model._meta.get_field(name).verbose_name)) for name in fields]
        child.append([WriteOnlyCell(child, value=text) for text in header])
        items = model.objects.filter(contract__in=contracts.order_by().values("pk")).select_related("contract")
        for item in items.order_by("contract__number", "order", "id").iterator(chunk_size=CHUNK):
            child.append([item.contract.number] + [_child_value(WriteOnlyCell, child, item, name) for name in fields])
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def _child_sheets() -> list[tuple[str, type[Model], tuple[str, ...]]]:
    return [
        (
            _("SLA targets"),
            SLATarget,
            ("metric", "kind", "comparator", "target", "unit", "period", "credit_pct", "critical"),
        ),
        (_("Fee rows"), FeeItem, ("kind", "unit_price", "unit", "quantity", "note")),
    ]


def _child_value(cell_class, sheet, item: Model, name: str) -> object:
    """A choice by its label, a yes/no as the register writes it, a number as a number cell."""
    value = getattr(item, name)
    if isinstance(value, bool):
        return _("Yes") if value else _("No")
    if hasattr(item, f"get_{name}_display"):
        return getattr(item, f"get_{name}_display")()
    if isinstance(value, Decimal):
        cell = cell_class(sheet, value=value)
        cell.number_format = "#,##0.###"
        return cell
    return value


def _xlsx_cell(cell_class, sheet, column: Column, value: object) -> object:
    """A text value as it is; a date or an amount as a cell of `cell_class` (openpyxl's WriteOnlyCell, imported by
    the caller once per download, not once per cell) with its number format."""
    if value is None or column.kind in ("text", "number"):
        return value
    cell = cell_class(sheet, value=value)
    cell.number_format = DATE_FORMAT if column.kind == "date" else AMOUNT_FORMAT
    return cell
