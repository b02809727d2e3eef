"""Reading an uploaded spreadsheet (XLSX or CSV) into plain rows, with the limits that keep a hostile file harmless.

No Django here: the file's bytes come in, a list of sheets comes out, each a header row and data rows of cell values
(str, int, float, bool, date, datetime or None). A file that cannot be read safely raises SpreadsheetError with a
code; the caller turns the code into a message in the reader's language.

Bounds: the file's size is checked by the caller; an XLSX is a ZIP whose members are summed uncompressed before
openpyxl opens it (a zip bomb is refused unopened), sheets are streamed (openpyxl read-only) and reading stops at
`max_rows`, so memory and time stay bounded whatever the file claims.
"""

from __future__ import annotations

import csv
import io
import zipfile
from dataclasses import dataclass, field
from datetime import date, datetime, time
from typing import Any

Cell = str | int | float | bool | date | datetime | None

# The most an XLSX may hold once unpacked (all its XML together).
MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_SHEETS = 3
# Cells read per row: the template has 32 columns; a crafted row of 16,384 cells is cut here, not held in memory.
MAX_COLUMNS = 64


class SpreadsheetError(Exception):
    """The file as a whole cannot be imported: `code` says why, `params` fill the message."""

    def __init__(self, code: str, **params: Any):
        super().__init__(code)
        self.code = code
        self.params = params


@dataclass
class Sheet:
    name: str
    header: list[str]
    # (row number as the spreadsheet shows it, cells)
    rows: list[tuple[int, list[Cell]]] = field(default_factory=list)


def _blank(cells: list[Cell]) -> bool:
    return all(c is None or (isinstance(c, str) and not c.strip()) for c in cells)


def _header(cells: list[Cell]) -> list[str]:
    return [str(c).strip() if c is not None else "" for c in cells]


def read_spreadsheet(data: bytes, filename: str, *, max_rows: int) -> list[Sheet]:
    """The sheets of an XLSX or the one sheet of a CSV; at most `max_rows` data rows over all sheets."""
    name = filename.lower()
    if data[:4] == b"PK\x03\x04":
        if not name.endswith((".xlsx", ".xlsm")):
            raise SpreadsheetError("not_a_spreadsheet")
        return _read_xlsx(data, max_rows=max_rows)
    if data[:8] == b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1":
        # The old binary .xls (or a password-protected XLSX, which is stored the same way).
        raise SpreadsheetError("old_or_encrypted")
    if name.endswith((".xlsx", ".xlsm", ".xls")):
        raise SpreadsheetError("not_a_spreadsheet")
    return [_read_csv(data, max_rows=max_rows)]


def _decode(data: bytes) -> str:
    if b"\x00" in data:
        raise SpreadsheetError("not_a_spreadsheet")
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise SpreadsheetError("encoding")


def _read_csv(data: bytes, *, max_rows: int) -> Sheet:
    text = _decode(data)
    first_line = text.split("\n", 1)[0]
    delimiter = "\t" if first_line.count("\t") > first_line.count(",") else ","
    try:
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
        header: list[str] | None = None
        sheet = Sheet(name="CSV", header=[])
        for row in reader:
            cells = row[:MAX_COLUMNS]
            number = reader.line_num
            if header is None:
                if _blank(list(cells)):
                    continue
                header = _header(list(cells))
                sheet.header = header
                continue
            if _blank(list(cells)):
                continue
            if len(sheet.rows) >= max_rows:
                raise SpreadsheetError("too_many_rows", max=max_rows)
            _refuse_formula(cells, number)
            sheet.rows.append((number, list(cells)))
    except csv.Error:
        raise SpreadsheetError("not_a_spreadsheet") from None
    if header is None:
        raise SpreadsheetError("empty")
    return sheet


def _refuse_formula(cells, row: int) -> None:
    """A cell that starts a formula is refused: it would run when the sheet is opened again (CSV injection), and
    an XLSX formula's value is whatever the last program that saved it computed, if anything."""
    for cell in cells:
        if isinstance(cell, str) and cell[:1] == "=" and len(cell) > 1:
            raise SpreadsheetError("formula", row=row)


def _read_xlsx(data: bytes, *, max_rows: int) -> list[Sheet]:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            if sum(info.file_size for info in archive.infolist()) > MAX_UNPACKED_BYTES:
                raise SpreadsheetError("too_large_unpacked")
            if "xl/workbook.xml" not in archive.namelist():
                raise SpreadsheetError("not_a_spreadsheet")
    except zipfile.BadZipFile:
        raise SpreadsheetError("not_a_spreadsheet") from None

    import openpyxl

    try:
        workbook = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except SpreadsheetError:
        raise
    except Exception:
        # openpyxl raises many kinds (KeyError, ValueError, XML errors) for a damaged or crafted file.
        raise SpreadsheetError("not_a_spreadsheet") from None
    sheets: list[Sheet] = []
    budget = max_rows
    try:
        for worksheet in workbook.worksheets[:MAX_SHEETS]:
            sheet = _read_worksheet(worksheet, budget=budget, max_rows=max_rows)
            if sheet is not None:
                budget -= len(sheet.rows)
                sheets.append(sheet)
    except SpreadsheetError:
        raise
    except Exception:
        raise SpreadsheetError("not_a_spreadsheet") from None
    finally:
        workbook.close()
    if not sheets:
        raise SpreadsheetError("empty")
    return sheets


def _cell_value(cell) -> Cell:
    if getattr(cell, "data_type", None) == "f":
        raise SpreadsheetError("formula", row=cell.row)
    value = cell.value
    if isinstance(value, time):
        return value.isoformat()
    return value


def _read_worksheet(worksheet, *, budget: int, max_rows: int) -> Sheet | None:
    sheet: Sheet | None = None
    for cells in worksheet.iter_rows(max_col=MAX_COLUMNS):
        number = next((c.row for c in cells if getattr(c, "row", None)), None)
        if number is None:
            continue
        values = [_cell_value(c) for c in cells]
        if sheet is None:
            if _blank(values):
                continue
            sheet = Sheet(name=worksheet.title, header=_header(values))
            continue
        if _blank(values):
            continue
        if len(sheet.rows) >= budget:
            raise SpreadsheetError("too_many_rows", max=max_rows)
        _refuse_formula(values, number)
        sheet.rows.append((number, values))
    return sheet
