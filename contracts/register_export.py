"""CSV and XLSX downloads of the (filtered) contract register.

Both stream rows from the database in chunks, so exporting tens of thousands of contracts does not load them all
into memory. Headers and choice labels are in the user's language; dates are ISO so spreadsheets sort them.
"""

import csv
from collections.abc import Iterator
from decimal import Decimal
from io import BytesIO

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from openpyxl import Workbook

from core.formatting import amount, person_name

from .models import Contract

CHUNK = 2000


def _headers() -> list[str]:
    return [
        _("Contract number"),
        _("Title"),
        _("Vendor"),
        _("Category"),
        _("Status"),
        _("Owner"),
        _("Effective date"),
        _("End date"),
        _("Renews automatically"),
        _("Contract value"),
        _("Currency"),
    ]


def _rows(contracts: QuerySet[Contract]) -> Iterator[list]:
    yes, no = _("Yes"), _("No")
    for c in contracts.select_related("vendor", "owner").iterator(chunk_size=CHUNK):
        yield [
            c.number,
            c.title,
            c.vendor.name,
            c.get_category_display(),
            c.get_status_display(),
            person_name(c.owner),
            c.effective_date.isoformat() if c.effective_date else "",
            c.end_date.isoformat() if c.end_date else "",
            yes if c.auto_renew else no,
            c.contract_value if c.contract_value is not None else "",
            c.currency,
        ]


class _Echo:
    """A write-only file whose write() hands the line back, for csv.writer feeding a streaming response."""

    def write(self, value: str) -> str:
        return value


def register_csv_lines(contracts: QuerySet[Contract]) -> Iterator[str]:
    """UTF-8 CSV lines with a byte-order mark first, so Excel opens Chinese text correctly."""
    writer = csv.writer(_Echo())
    yield "\ufeff"
    yield writer.writerow(_headers())
    for row in _rows(contracts):
        # A CSV is read as text: amounts with thousands separators (the XLSX keeps numeric cells).
        yield writer.writerow([amount(cell) if isinstance(cell, Decimal) else cell for cell in row])


def register_xlsx(contracts: QuerySet[Contract]) -> bytes:
    """An .xlsx workbook of the register, written in openpyxl's streaming (write-only) mode."""
    workbook = Workbook(write_only=True)
    sheet = workbook.create_sheet(_("Contracts"))
    sheet.append(_headers())
    for row in _rows(contracts):
        sheet.append(row)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
