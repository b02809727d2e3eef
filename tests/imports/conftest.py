"""Shared pieces of the import tests: users, files built in memory, and the Celery tasks run in-process."""

import csv
import io
from datetime import date

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from accounts.models import Role
from clm.celery import app as celery_app
from tests.factories import UserFactory, make_credit_code


@pytest.fixture
def buyer(db):
    return UserFactory(username="import_buyer", role=Role.PROCUREMENT_STAFF)


@pytest.fixture
def eager(monkeypatch):
    """Tasks run in-process, as with CELERY_TASK_ALWAYS_EAGER."""
    monkeypatch.setitem(celery_app.conf, "task_always_eager", True)


def xlsx_bytes(header, rows, *, extra_sheets=()) -> bytes:
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.title = "合同"
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    for title, other_header, other_rows in extra_sheets:
        other = workbook.create_sheet(title)
        other.append(other_header)
        for row in other_rows:
            other.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def csv_bytes(header, rows, *, encoding="utf-8") -> bytes:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode(encoding)


def upload(data: bytes, name: str = "contracts.xlsx") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, data)


CODE_A = make_credit_code(880001)
CODE_B = make_credit_code(880002)

CHINESE_HEADER = [
    "合同编号",
    "合同名称",
    "供应商",
    "统一社会信用代码",
    "生效日期",
    "到期日期",
    "自动续约",
    "合同金额",
    "状态",
]


def chinese_row(number="HT-2026-001", *, start=date(2026, 1, 1), status="已生效", value="1,200,000.00"):
    return [number, "呼叫中心外包服务", "上海示例外包有限公司", CODE_A, start, None, "是", value, status]
