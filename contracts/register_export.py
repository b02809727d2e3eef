"""CSV and XLSX downloads of the (filtered) contract register.

Both stream rows from the database in chunks, so exporting tens of thousands of contracts does not load them all
into memory. Headers and choice labels are in the user's language. The end of each contract is the real one
(Contract.end_dates): the end shown in the register, then the entered end, the current term's end and the day it
ended, each in its own column. CSV dates are ISO so spreadsheets sort them; the XLSX has real date and number cells.
"""

import csv
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from io import BytesIO

from django.db.models import QuerySet
from django.utils.translation import gettext as _

from core.formatting import amount, person_name

from .models import Contract

CHUNK = 2000
DATE_FORMAT = "yyyy-mm-dd"
AMOUNT_FORMAT = "#,##0.00"


@dataclass(frozen=True)
class Column:
    header: str
    width: int  # in characters, as a spreadsheet measures a column
    kind: str = "text"  # "text", "date" or "amount"


def _columns() -> list[Column]:
    return [
        Column(_("Contract number"), 16),
        Column(_("Title"), 40),
        Column(_("Vendor"), 32),
        Column(_("Category"), 18),
        Column(_("Status"), 10),
        Column(_("Owner"), 14),
        Column(_("Effective date"), 12, "date"),
        Column(_("Ends"), 12, "date"),
        Column(_("End date as entered"), 12, "date"),
        Column(_("Current term ends"), 12, "date"),
        Column(_("Ended on"), 12, "date"),
        Column(_("Renews automatically"), 10),
        Column(_("Contract value"), 16, "amount"),
        Column(_("Currency"), 8),
    ]


def _rows(contracts: QuerySet[Contract], *, today: date) -> Iterator[list]:
    """One list of values per contract, in the order of _columns(); a missing date or amount is None."""
    yes, no = _("Yes"), _("No")
    for c in contracts.select_related("vendor", "owner").iterator(chunk_size=CHUNK):
        ends = c.end_dates(today)
        yield [
            c.number,
            c.title,
            c.vendor.name,
            c.category_label,
            c.status_label,
            person_name(c.owner),
            c.effective_date,
            ends.shown,
            ends.stored_end,
            ends.current_term_end,
            ends.ended_on,
            yes if ends.renews_automatically else no,
            c.contract_value,
            c.currency,
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
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()


def _xlsx_cell(cell_class, sheet, column: Column, value: object) -> object:
    """A text value as it is; a date or an amount as a cell of `cell_class` (openpyxl's WriteOnlyCell, imported by
    the caller once per download, not once per cell) with its number format."""
    if value is None or column.kind == "text":
        return value
    cell = cell_class(sheet, value=value)
    cell.number_format = DATE_FORMAT if column.kind == "date" else AMOUNT_FORMAT
    return cell
