"""What a cell or a header in an uploaded spreadsheet means: the formats people actually type, and the files refused."""

import io
import zipfile
from datetime import date, datetime
from decimal import Decimal

import openpyxl
import pytest
from django.utils import translation

from imports.columns import (
    CellError,
    match_header,
    parse_boolean,
    parse_date,
    parse_decimal,
    parse_integer,
    sheet_kind,
)
from imports.reading import SpreadsheetError, read_spreadsheet
from tests.imports.conftest import csv_bytes, xlsx_bytes


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("是", True),
        ("否", False),
        ("yes", True),
        ("No", False),
        ("TRUE", True),
        ("false", False),
        ("1", True),
        ("0", False),
        (1, True),
        (0, False),
        (True, True),
    ],
)
def test_booleans_are_read_in_chinese_english_and_digits(typed, expected):
    assert parse_boolean(typed) is expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("2026-01-01", date(2026, 1, 1)),
        ("2026/1/1", date(2026, 1, 1)),
        ("2026年1月1日", date(2026, 1, 1)),
        ("２０２６年１月１日", date(2026, 1, 1)),
        (datetime(2026, 3, 31, 0, 0), date(2026, 3, 31)),
        (date(2026, 3, 31), date(2026, 3, 31)),
    ],
)
def test_dates_are_read_as_iso_slashes_chinese_or_date_cells(typed, expected):
    assert parse_date(typed) == expected


@pytest.mark.parametrize(
    ("typed", "expected"),
    [
        ("1,200,000.00", Decimal("1200000.00")),
        ("¥1,234.5", Decimal("1234.5")),
        ("１，２００", Decimal("1200")),
        (1200000, Decimal("1200000")),
        (0.5, Decimal("0.5")),
    ],
)
def test_amounts_are_read_with_separators_and_full_width_digits(typed, expected):
    assert parse_decimal(typed) == expected


@pytest.mark.parametrize("typed", ["明年", "2026-02-30", "12,34", 3.5])
def test_what_is_not_a_date_is_refused_with_a_message(typed):
    with pytest.raises(CellError), translation.override("en"):
        parse_date(typed)


def test_a_fraction_is_not_a_whole_number_of_days():
    with pytest.raises(CellError):
        parse_integer("7.5")
    assert parse_integer("３０") == 30


def test_headers_may_be_code_names_chinese_or_english_labels_and_aliases():
    header = [
        "合同编号",
        "合同名称",
        "供应商",
        "统一社会信用代码",
        "生效日期",
        "到期日期",
        "自动续约",
        "fee_model",
        "Contract value",
        "负责人",
        "状态",
    ]
    columns, unknown = match_header("contracts", header)
    assert unknown == []
    assert list(columns.values()) == [
        "number",
        "title",
        "vendor",
        "credit_code",
        "effective_date",
        "end_date",
        "auto_renew",
        "fee_model",
        "contract_value",
        "owner",
        "status",
    ]


def test_a_header_that_names_no_field_is_reported():
    _columns, unknown = match_header("contracts", ["合同编号", "备用字段"])
    assert unknown == ["备用字段"]


def test_second_sheets_are_told_apart_by_their_columns():
    assert sheet_kind(["合同编号", "指标", "目标值"]) == "sla"
    assert sheet_kind(["number", "kind", "unit_price"]) == "fees"
    assert sheet_kind(["合同编号", "备注"]) is None


@pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "gb18030"])
def test_csv_in_utf8_with_or_without_bom_and_gb18030_reads_the_same(encoding):
    data = csv_bytes(["合同编号", "合同名称"], [["HT-1", "呼叫中心外包服务"]], encoding=encoding)
    [sheet] = read_spreadsheet(data, "c.csv", max_rows=10)
    assert sheet.header == ["合同编号", "合同名称"]
    assert sheet.rows == [(2, ["HT-1", "呼叫中心外包服务"])]


def test_an_xlsx_keeps_its_date_cells_and_row_numbers():
    data = xlsx_bytes(["合同编号", "生效日期"], [["HT-1", date(2026, 1, 1)], [None, None], ["HT-2", "2026/2/1"]])
    [sheet] = read_spreadsheet(data, "c.xlsx", max_rows=10)
    assert [(n, cells[0]) for n, cells in sheet.rows] == [(2, "HT-1"), (4, "HT-2")]
    assert isinstance(sheet.rows[0][1][1], datetime)


def _refused(data: bytes, name: str, max_rows: int = 10) -> str:
    with pytest.raises(SpreadsheetError) as refused:
        read_spreadsheet(data, name, max_rows=max_rows)
    return refused.value.code


def test_an_xlsx_formula_is_refused():
    workbook = openpyxl.Workbook()
    workbook.active.append(["合同编号", "合同金额"])
    workbook.active.append(["HT-1", "=1+1"])
    out = io.BytesIO()
    workbook.save(out)
    assert _refused(out.getvalue(), "c.xlsx") == "formula"


def test_a_csv_formula_is_refused():
    assert _refused(csv_bytes(["合同编号"], [['=HYPERLINK("http://x")']]), "c.csv") == "formula"


def test_too_many_rows_are_refused_without_reading_them_all():
    data = csv_bytes(["合同编号"], [[f"HT-{i}"] for i in range(20)])
    assert _refused(data, "c.csv", max_rows=5) == "too_many_rows"


def test_an_empty_file_is_refused():
    assert _refused(b"", "c.csv") == "empty"
    assert _refused(xlsx_bytes([], []), "c.xlsx") == "empty"


def test_a_file_that_only_pretends_to_be_a_spreadsheet_is_refused():
    assert _refused(b"%PDF-1.7 not a workbook", "c.xlsx") == "not_a_spreadsheet"
    assert _refused(b"\x00\x01\x02binary", "c.csv") == "not_a_spreadsheet"
    assert _refused(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "c.xls") == "old_or_encrypted"


def test_a_zip_that_is_not_a_workbook_is_refused():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("hello.txt", "hi")
    assert _refused(out.getvalue(), "c.xlsx") == "not_a_spreadsheet"


def test_a_zip_bomb_is_refused_before_it_is_unpacked():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\x00" * (210 * 1024 * 1024))
    assert len(out.getvalue()) < 1024 * 1024
    assert _refused(out.getvalue(), "c.xlsx") == "too_large_unpacked"


def test_text_in_neither_utf8_nor_gb18030_is_refused():
    assert _refused(b"\xff\xfe number \xff\n", "c.csv") == "encoding"
    assert _refused("合同编号\n".encode("utf-16"), "c.csv") == "not_a_spreadsheet"
