"""5,000 rows: the dry run and the import both finish, every row is written once, and the queries grow with the rows
at a constant rate (bench/imports.py times it)."""

import time
from datetime import date

import pytest

from bench._support import QueryCounter
from contracts.models import Contract
from imports.models import ImportJob
from imports.services import import_job_confirm, import_job_create
from tests.factories import make_credit_code
from tests.imports.conftest import upload, xlsx_bytes

pytestmark = [pytest.mark.django_db, pytest.mark.slow, pytest.mark.postgres]

HEADER = ["合同编号", "合同名称", "供应商", "统一社会信用代码", "生效日期", "自动续约", "合同金额", "状态"]


def _file(rows: int, prefix: str) -> bytes:
    return xlsx_bytes(
        HEADER,
        [
            [f"{prefix}{i:05d}", f"外包合同{i}", f"供应商{i // 50}", make_credit_code(660000 + i // 50),
             date(2026, 1 + i % 12, 1), "是" if i % 2 else "否", 1000 + i, "已生效" if i % 2 else "草稿"]
            for i in range(rows)
        ],
    )  # fmt: skip


def _import(buyer, data: bytes, django_capture_on_commit_callbacks) -> tuple[ImportJob, int, int, float]:
    started = time.perf_counter()
    with QueryCounter() as dry, django_capture_on_commit_callbacks(execute=True):
        job = import_job_create(by=buyer, upload=upload(data))
    job.refresh_from_db()
    with QueryCounter() as written, django_capture_on_commit_callbacks(execute=True):
        import_job_confirm(job=job, by=buyer)
    job.refresh_from_db()
    return job, dry.count, written.count, time.perf_counter() - started


def test_five_thousand_rows_import_with_a_constant_number_of_queries_per_row(
    buyer, eager, django_capture_on_commit_callbacks
):
    # Given a small file, then one of 5,000 rows of the same kind
    _small, small_dry, small_written, _ = _import(buyer, _file(250, "S-"), django_capture_on_commit_callbacks)
    job, dry, written, seconds = _import(buyer, _file(5000, "L-"), django_capture_on_commit_callbacks)

    # Then every row was written, half of them active with their obligations
    assert job.status == ImportJob.Status.DONE, job.error
    assert job.written == {"created": 5000, "updated": 0}
    assert Contract.objects.filter(number__startswith="L-").count() == 5000
    assert Contract.objects.filter(number__startswith="L-", status="active").count() == 2500
    # And the queries per row did not grow with the file (a few per batch aside)
    assert dry / 5000 <= small_dry / 250 + 0.2
    assert written / 5000 <= small_written / 250 + 0.2
    print(f"5,000 rows: dry run and import {seconds:.0f} s, {dry / 5000:.1f} + {written / 5000:.1f} queries per row")
