"""Spreadsheet import of 5,000 contracts: the dry run and the import, timed, with the queries per row and the memory.

A 5,000-row XLSX (Chinese headers, real date cells, amounts, a second sheet of SLA targets) from a new vendor per 50
rows, half the contracts active (their obligations derived). The tasks run in this process, as an eager worker would.
Then the same file again: every row unchanged. Targets (issue 20): dry run < 15 s, import < 60 s, peak memory < 400 MB,
a constant number of queries per row. The contracts of the previous run are deleted first.
"""

from __future__ import annotations

import io
import resource
import time
from datetime import date

ROWS = 5000
PREFIX = "IMPB-"


def _workbook(rows: int) -> bytes:
    import openpyxl

    from tests.factories import make_credit_code

    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append(
        [
            "合同编号",
            "合同名称",
            "供应商",
            "统一社会信用代码",
            "生效日期",
            "初始期限（月）",
            "自动续约",
            "合同金额",
            "状态",
        ]
    )
    for i in range(rows):
        start = date(2026, 1 + i % 12, 1)
        sheet.append(
            [
                f"{PREFIX}{i:05d}",
                f"外包服务合同{i}",
                f"导入测试供应商{i // 50}",
                make_credit_code(770000 + i // 50),
                start,
                12,
                "是" if i % 2 else "否",
                100000 + i,
                "已生效" if i % 2 else "草稿",
            ]
        )
    sla = workbook.create_sheet("SLA")
    sla.append(["合同编号", "指标", "类型", "目标值", "单位"])
    for i in range(0, rows, 5):
        sla.append([f"{PREFIX}{i:05d}", "20秒接通率", "answer_rate", 80, "%"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _clean() -> None:
    from django.db import connection

    from bench._support import delete_reminders
    from contracts.models import Contract
    from imports.models import ImportJob

    with connection.cursor() as cursor:
        table = connection.ops.quote_name(Contract._meta.db_table)
        delete_reminders(cursor, f"SELECT id FROM {table} WHERE number LIKE %s", [f"{PREFIX}%"])  # noqa: S608
    Contract.objects.filter(number__startswith=PREFIX).delete()
    ImportJob.objects.filter(original_name__startswith="bench-import").delete()


def _user():
    from accounts.models import Role
    from tests.factories import UserFactory

    return UserFactory(username="bench_importer", role=Role.PROCUREMENT_STAFF)


def run() -> None:
    from django.core.files.uploadedfile import SimpleUploadedFile

    from bench._support import QueryCounter
    from clm.celery import app
    from imports.models import ImportJob
    from imports.services import import_job_confirm, import_job_create

    app.conf.task_always_eager = True
    _clean()
    user = _user()
    data = _workbook(ROWS)
    print(f"{ROWS} rows, {len(data) / 1024:.0f} KB XLSX")

    def dry_run(name: str) -> tuple[ImportJob, float, int]:
        started = time.perf_counter()
        with QueryCounter() as queries:
            job = import_job_create(by=user, upload=SimpleUploadedFile(name, data))
        job.refresh_from_db()
        return job, time.perf_counter() - started, queries.count

    job, seconds, count = dry_run("bench-import-1.xlsx")
    print(f"dry run:  {seconds:5.1f} s  {count / ROWS:5.1f} queries/row  {job.counts}")
    started = time.perf_counter()
    with QueryCounter() as queries:
        import_job_confirm(job=job, by=user)
    job.refresh_from_db()
    seconds = time.perf_counter() - started
    print(f"import:   {seconds:5.1f} s  {queries.count / ROWS:5.1f} queries/row  {job.status} {job.written}")
    again, seconds, count = dry_run("bench-import-2.xlsx")
    print(f"same file again (dry run): {seconds:5.1f} s  {count / ROWS:5.1f} queries/row  {again.counts}")
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"peak memory of this process: {peak:.0f} MB")
