"""The dry run and the import: what each row would do, what confirming writes, and that nothing is written twice."""

from datetime import date
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.utils import translation

from accounts.models import Role
from contracts.models import Contract
from contracts.services.terms import contract_create
from imports.models import ImportJob
from imports.services import import_job_confirm, import_job_create
from obligations.models import Obligation
from tests.factories import UserFactory, VendorFactory
from tests.imports.conftest import CHINESE_HEADER, CODE_A, CODE_B, chinese_row, csv_bytes, upload, xlsx_bytes
from vendors.models import Vendor

pytestmark = pytest.mark.django_db


@pytest.fixture
def run(eager, django_capture_on_commit_callbacks):
    """Upload (and optionally confirm) with the tasks run as a worker would, after the commit."""

    def run(user, data: bytes, name: str = "contracts.xlsx", *, confirm: bool = False, language: str = "zh-hans"):
        with django_capture_on_commit_callbacks(execute=True):
            job = import_job_create(by=user, upload=upload(data, name), language=language)
        job.refresh_from_db()
        if confirm:
            with django_capture_on_commit_callbacks(execute=True):
                import_job_confirm(job=job, by=user)
            job.refresh_from_db()
        return job

    return run


def actions(job: ImportJob) -> list[tuple[int, str]]:
    return list(job.rows.values_list("row", "action"))


def test_a_dry_run_says_what_each_row_would_do_and_writes_nothing(buyer, run):
    # Given one contract already there and one that is not
    existing = contract_create(by=buyer, number="HT-2026-002", title="旧名称", vendor=VendorFactory(credit_code=CODE_B))
    contracts_before = Contract.objects.count()
    rows = [chinese_row("HT-2026-001"), ["HT-2026-002", "新名称", "", CODE_B, None, None, None, None, "草稿"]]

    # When the file is uploaded
    job = run(buyer, xlsx_bytes(CHINESE_HEADER, rows))

    # Then the first row would be created, the second updated (its title, old -> new), and nothing was written
    assert job.status == ImportJob.Status.READY
    assert actions(job) == [(2, "create"), (3, "update")]
    assert job.rows.get(row=3).changes == {"title": ["旧名称", "新名称"]}
    assert job.counts == {"create": 1, "update": 1, "unchanged": 0, "error": 0}
    assert Contract.objects.count() == contracts_before
    assert not Vendor.objects.filter(credit_code=CODE_A).exists()
    existing.refresh_from_db()
    assert existing.title == "旧名称"


def test_confirming_writes_the_rows_in_their_status_with_history_and_obligations(buyer, run):
    # Given a dry run of an active, auto-renewing contract of a vendor not yet registered, with SLA and fee sheets
    sla = (
        "SLA指标",
        ["合同编号", "指标", "类型", "比较方式", "目标值", "单位"],
        [["HT-2026-001", "20秒接通率", "answer_rate", ">=", 80, "%"]],
    )
    fees = ("费用明细", ["合同编号", "项目", "单价", "数量"], [["HT-2026-001", "坐席服务费", "8,000", 12]])
    data = xlsx_bytes(CHINESE_HEADER, [chinese_row()], extra_sheets=[sla, fees])

    # When the importer confirms
    job = run(buyer, data, "register.xlsx", confirm=True)

    # Then the contract is there, active, with its vendor, rows, history reason and derived obligations
    assert job.status == ImportJob.Status.DONE
    assert job.written == {"created": 1, "updated": 0}
    contract = Contract.objects.get(number="HT-2026-001")
    assert (contract.status, contract.owner, contract.vendor.credit_code) == ("active", buyer, CODE_A)
    assert contract.vendor.name == "上海示例外包有限公司"
    assert (contract.effective_date, contract.end_date, contract.auto_renew) == (
        date(2026, 1, 1),
        date(2026, 12, 31),
        True,
    )
    assert contract.contract_value == Decimal("1200000.00")
    assert list(contract.sla_targets.values_list("metric", "kind", "target")) == [
        ("20秒接通率", "answer_rate", Decimal("80"))
    ]
    assert list(contract.fee_items.values_list("kind", "unit_price", "quantity")) == [
        ("坐席服务费", Decimal("8000"), Decimal("12"))
    ]
    reasons = set(contract.history.values_list("history_change_reason", flat=True))
    assert "imported from register.xlsx by import_buyer" in reasons
    assert Obligation.objects.filter(contract=contract, kind="renewal_window").exists()


def test_the_same_file_again_is_all_unchanged_and_writes_nothing(buyer, run):
    sla = ("SLA", ["number", "metric", "target"], [["HT-2026-001", "接通率", "80.0"]])
    data = xlsx_bytes(CHINESE_HEADER, [chinese_row(), chinese_row("HT-2026-009", status="草稿")], extra_sheets=[sla])
    run(buyer, data, confirm=True)
    history_before = Contract.history.count()

    # When the same file is imported again
    again = run(buyer, data, confirm=True)

    assert actions(again) == [(2, "unchanged"), (3, "unchanged")]
    assert again.written == {"created": 0, "updated": 0}
    assert Contract.history.count() == history_before


def test_a_row_with_errors_is_left_out_and_the_others_are_written(buyer, run):
    rows = [chinese_row("HT-1"), chinese_row("HT-2", start="2026年13月1日"), chinese_row("HT-1")]
    job = run(buyer, xlsx_bytes(CHINESE_HEADER, rows), confirm=True)

    assert actions(job) == [(2, "create"), (3, "error"), (4, "error")]
    assert list(Contract.objects.values_list("number", flat=True)) == ["HT-1"]


def test_row_errors_are_kept_in_both_languages(buyer, run):
    # Given a row whose auto-renewal is neither yes nor no and whose owner does not exist
    header = ["合同编号", "统一社会信用代码", "供应商", "自动续约", "负责人"]
    job = run(buyer, xlsx_bytes(header, [["HT-1", CODE_A, "甲公司", "也许", "nobody"]]))
    row = job.rows.get()

    # Then each error is shown in the reader's language
    with translation.override("en"):
        english = row.error_messages()
    assert [e["field"] for e in english] == ["auto_renew", "owner"]
    assert "is not yes or no" in english[0]["message"]
    assert "no active user “nobody”" in english[1]["message"]
    assert {e["field"] for e in row.error_messages("zh-hans")} == {"auto_renew", "owner"}
    assert all("en" in e and "zh-hans" in e for e in row.errors)


def test_a_new_contract_without_a_vendor_or_with_a_bad_credit_code_is_an_error(buyer, run):
    header = ["合同编号", "供应商", "统一社会信用代码"]
    job = run(buyer, xlsx_bytes(header, [["HT-1", "", ""], ["HT-2", "甲公司", "91310000000000000X"]]))
    with translation.override("en"):
        errors = [row.error_messages() for row in job.rows.all()]
    assert errors[0][0]["field"] == "vendor"
    assert errors[1][0]["field"] == "credit_code"


def test_an_owner_column_hands_new_contracts_to_someone_who_may_own_them(buyer, run):
    colleague = UserFactory(username="colleague", role=Role.PROCUREMENT_STAFF)
    UserFactory(username="reader", role=Role.AUDITOR)
    header = ["合同编号", "合同名称", "统一社会信用代码", "供应商", "owner"]
    job = run(
        buyer,
        xlsx_bytes(header, [["HT-1", "甲", CODE_A, "甲公司", "colleague"], ["HT-2", "乙", CODE_A, "甲公司", "reader"]]),
        confirm=True,
    )
    assert actions(job) == [(2, "create"), (3, "error")]
    assert Contract.objects.get(number="HT-1").owner == colleague


def test_a_contract_the_importer_may_not_see_is_not_revealed_or_changed(buyer, run):
    other = UserFactory(username="other_buyer", role=Role.PROCUREMENT_STAFF)
    hidden = contract_create(by=other, number="HT-SECRET", title="别人的合同", vendor=VendorFactory())
    job = run(buyer, xlsx_bytes(["合同编号", "合同名称"], [["HT-SECRET", "改掉"]]), confirm=True)
    with translation.override("en"):
        [error] = job.rows.get().error_messages()
    assert error["message"] == "The contract number HT-SECRET is already used by another contract."
    hidden.refresh_from_db()
    assert hidden.title == "别人的合同"


def test_the_status_of_an_existing_contract_is_not_changed_by_import(buyer, run):
    contract_create(by=buyer, number="HT-1", title="合同", vendor=VendorFactory())
    job = run(buyer, xlsx_bytes(["合同编号", "状态"], [["HT-1", "已生效"]]))
    assert actions(job) == [(2, "error")]


def test_a_terminated_contract_needs_its_termination_date(buyer, run):
    header = ["合同编号", "标题", "统一社会信用代码", "供应商", "生效日期", "状态", "terminated_on"]
    rows = [
        ["HT-1", "甲", CODE_A, "甲", "2025-01-01", "已终止", None],
        ["HT-2", "乙", CODE_A, "甲", "2025-01-01", "已终止", "2025-06-30"],
    ]
    job = run(buyer, xlsx_bytes(header, rows), confirm=True)
    assert actions(job) == [(2, "error"), (3, "create")]
    contract = Contract.objects.get(number="HT-2")
    assert (contract.status, contract.terminated_on) == ("terminated", date(2025, 6, 30))


def test_a_csv_in_gb18030_with_chinese_headers_imports(buyer, run):
    data = csv_bytes(
        CHINESE_HEADER, [["HT-1", "外包合同", "甲公司", CODE_A, "2026/1/1", "", "否", "¥1,000", ""]], encoding="gb18030"
    )
    job = run(buyer, data, "register.csv", confirm=True)
    contract = Contract.objects.get(number="HT-1")
    assert (job.status, contract.status, contract.contract_value, contract.auto_renew) == (
        "done",
        "draft",
        Decimal("1000"),
        False,
    )


def test_the_template_row_of_code_names_is_skipped(buyer, run):
    data = xlsx_bytes(["合同编号", "合同名称"], [["number", "title"], ["HT-1", "合同"]])
    contract_create(by=buyer, number="HT-1", title="合同", vendor=VendorFactory())
    job = run(buyer, data)
    assert actions(job) == [(3, "unchanged")]


@pytest.mark.parametrize(
    ("data", "name", "message"),
    [
        (b"not a spreadsheet at all \x00", "c.xlsx", "not a spreadsheet"),
        (b"", "c.csv", "no rows"),
        ("合同编号,备用\nHT-1,x\n".encode(), "c.csv", "match no contract field"),
        ("合同名称\n外包\n".encode(), "c.csv", "contract number"),
        ("合同编号\n=1+1\n".encode(), "c.csv", "formula"),
    ],
)
def test_a_file_that_cannot_be_imported_is_refused_at_upload(buyer, data, name, message):
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        import_job_create(by=buyer, upload=upload(data, name))
    assert message in " ".join(refused.value.message_dict["file"])
    assert not ImportJob.objects.exists()


def test_too_many_rows_are_refused(buyer, monkeypatch):
    monkeypatch.setattr("imports.services.MAX_ROWS", 3)
    data = csv_bytes(["合同编号"], [[f"HT-{i}"] for i in range(4)])
    with translation.override("en"), pytest.raises(ValidationError) as refused:
        import_job_create(by=buyer, upload=upload(data, "c.csv"))
    assert "more than 3 rows" in refused.value.message_dict["file"][0]


def test_an_auditor_cannot_import():
    auditor = UserFactory(username="import_auditor", role=Role.AUDITOR)
    with pytest.raises(PermissionDenied):
        import_job_create(by=auditor, upload=upload(csv_bytes(["合同编号"], [["HT-1"]]), "c.csv"))


def test_an_interrupted_import_does_not_write_a_row_twice(buyer, run, django_capture_on_commit_callbacks):
    # Given an import that was confirmed and ran, then (the worker died before acking) runs again
    from imports.services import import_job_apply

    job = run(buyer, xlsx_bytes(CHINESE_HEADER, [chinese_row()]), confirm=True)
    history = Contract.history.count()
    ImportJob.objects.filter(pk=job.pk).update(status=ImportJob.Status.IMPORTING)

    import_job_apply(job.pk)

    assert Contract.objects.filter(number="HT-2026-001").count() == 1
    assert Contract.history.count() == history


def test_a_row_refused_at_write_time_is_left_out_and_the_rest_of_its_batch_is_written(buyer, run, monkeypatch):
    # Given a dry run of three valid rows, and a service that refuses the second when it is written (as when someone
    # took its number between the dry run and the confirmation)
    from imports import services

    job = run(buyer, xlsx_bytes(CHINESE_HEADER, [chinese_row("HT-1"), chinese_row("HT-2"), chinese_row("HT-3")]))
    real_create = services.contract_create

    def refusing_create(**fields):
        if fields.get("number") == "HT-2":
            raise ValidationError({"number": ["taken meanwhile"]})
        return real_create(**fields)

    monkeypatch.setattr(services, "contract_create", refusing_create)

    # When the import is confirmed
    import_job_confirm(job=job, by=buyer)
    services.import_job_apply(job.pk)
    job.refresh_from_db()

    # Then the other two rows were written once each, and the refused one says why
    assert actions(job) == [(2, "create"), (3, "error"), (4, "create")]
    assert job.rows.get(row=3).error_messages("en") == [{"field": "number", "message": "taken meanwhile"}]
    assert sorted(Contract.objects.values_list("number", flat=True)) == ["HT-1", "HT-3"]
    assert Contract.history.filter(number="HT-1", history_type="+").count() == 1


def test_the_agreed_terms_of_a_signed_contract_change_only_through_an_amendment(buyer, run):
    # Given an active contract imported from a file
    run(buyer, xlsx_bytes(CHINESE_HEADER, [chinese_row()]), confirm=True)

    # When a later file changes its contract value
    job = run(buyer, xlsx_bytes(CHINESE_HEADER, [chinese_row(value="2,000,000")]), confirm=True)

    # Then the row is refused, pointing to an amendment, and the value stays
    [error] = job.rows.get().error_messages("en")
    assert (job.rows.get().action, error["field"]) == ("error", "contract_value")
    assert "amendment" in error["message"]
    assert Contract.objects.get().contract_value == Decimal("1200000.00")
