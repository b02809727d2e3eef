"""The register's XLSX download imports back: a team moving clm to a new database (or restoring a register kept in a
spreadsheet) gets the same contracts, and importing the same file again changes nothing.

The XLSX carries the contracts' SLA targets and fee rows on two more sheets; the CSV (one sheet) the contracts only.
"""

from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse

from accounts.models import Role
from contracts.models import Contract, FeeItem, SLATarget
from imports.models import ImportJob
from imports.services import import_job_confirm, import_job_create
from tests.factories import ContractFactory, FeeItemFactory, UserFactory, VendorFactory, make_credit_code
from tests.imports.conftest import upload
from vendors.models import Vendor

pytestmark = pytest.mark.django_db

FIELDS = (
    "number",
    "title",
    "vendor__name",
    "vendor__credit_code",
    "category",
    "status",
    "owner__username",
    "effective_date",
    "end_date",
    "initial_term_months",
    "renewal_term_months",
    "auto_renew",
    "non_renewal_notice_days",
    "contract_value",
    "currency",
    "signed_on",
    "activated_on",
)


@pytest.fixture
def register(db):
    """A draft, a signed and an active contract of two vendors, owned by a buyer; a manager exports them."""
    manager = UserFactory(username="round_manager", role=Role.PROCUREMENT_MANAGER)
    buyer = UserFactory(username="round_buyer", role=Role.PROCUREMENT_STAFF)
    year = date.today().year
    first = VendorFactory(name="上海示例外包有限公司", credit_code=make_credit_code(770001))
    second = VendorFactory(name="Example Services Ltd", credit_code=make_credit_code(770002))
    ContractFactory(
        number="RT-2026-001",
        title="呼叫中心外包服务（草稿）",
        vendor=first,
        owner=buyer,
        status=Contract.Status.DRAFT,
        effective_date=date(year + 1, 1, 1),
        end_date=date(year + 1, 12, 31),
        contract_value=Decimal("360000.00"),
        non_renewal_notice_days=45,
    )
    ContractFactory(
        number="RT-2026-002",
        title="客服软件订阅",
        vendor=second,
        owner=buyer,
        category=Contract.Category.CALL_CENTER_SOFTWARE,
        status=Contract.Status.SIGNED,
        effective_date=date(year + 1, 2, 1),
        end_date=date(year + 2, 1, 31),
        auto_renew=True,
        renewal_term_months=6,
        contract_value=Decimal("1234567.89"),
        signed_on=date(year, 1, 15),
    )
    active = ContractFactory(
        number="RT-2026-003",
        title="在线客服外包",
        vendor=first,
        owner=buyer,
        status=Contract.Status.ACTIVE,
        effective_date=date(year - 1, 3, 1),
        end_date=date(year + 1, 2, 28),
        initial_term_months=24,
        auto_renew=True,
        non_renewal_notice_days=60,
        contract_value=Decimal("98000.50"),
        currency="USD",
        signed_on=date(year - 1, 2, 20),
        activated_on=date(year - 1, 3, 1),
    )
    SLATarget.objects.create(
        contract=active,
        metric="平均处理时长",
        kind=SLATarget.Kind.OTHER,
        comparator=SLATarget.Comparator.LTE,
        target=Decimal("180.5"),
        unit="秒",
        period="月",
        credit_pct=Decimal("2.50"),
        critical=True,
        order=1,
    )
    FeeItemFactory(contract=active, kind="坐席服务费", unit_price=Decimal("8000.00"), unit="席/月", quantity=12)
    FeeItemFactory(contract=active, kind="培训费", unit_price=Decimal("1500.50"), quantity=Decimal("2.5"), order=1)
    return manager


def contracts() -> list[tuple]:
    return list(Contract.objects.order_by("number").values_list(*FIELDS))


def sla_and_fee_rows() -> tuple[list[tuple], list[tuple]]:
    sla = SLATarget.objects.order_by("contract__number", "order", "id").values_list(
        "contract__number", "metric", "kind", "comparator", "target", "unit", "period", "credit_pct", "critical"
    )
    fees = FeeItem.objects.order_by("contract__number", "order", "id").values_list(
        "contract__number", "kind", "unit_price", "unit", "quantity", "note"
    )
    return list(sla), list(fees)


@pytest.fixture
def run(eager, django_capture_on_commit_callbacks):
    def run(user, data: bytes, *, confirm: bool, name: str = "register.xlsx") -> ImportJob:
        with django_capture_on_commit_callbacks(execute=True):
            job = import_job_create(by=user, upload=upload(data, name))
        job.refresh_from_db()
        if confirm:
            with django_capture_on_commit_callbacks(execute=True):
                import_job_confirm(job=job, by=user)
            job.refresh_from_db()
        return job

    return run


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_the_register_xlsx_imports_back_as_the_same_contracts(client, register, run, language):
    # Given the register downloaded as XLSX by a manager (headers and status labels in the manager's language)
    manager = register
    manager.language = language
    manager.save(update_fields=["language"])
    before, rows_before = contracts(), sla_and_fee_rows()
    client.force_login(manager)
    response = client.get(reverse("contracts:export", args=["xlsx"]), {"sort": "number"})
    assert response.status_code == 200
    # and a database emptied of contracts and vendors
    Contract.objects.all().delete()
    Vendor.objects.all().delete()

    # When the manager imports the file: the dry run first, then the confirmation
    dry = run(manager, response.content, confirm=False)
    assert dry.status == ImportJob.Status.READY, dry.error
    assert list(dry.rows.values_list("action", "errors")) == [("create", [])] * 3
    assert Contract.objects.count() == 0
    done = run(manager, response.content, confirm=True)

    # Then the same contracts are back, in their status, with their vendors, dates, terms, value and owner, and
    # their SLA targets and fee rows
    assert done.status == ImportJob.Status.DONE
    assert done.written == {"created": 3, "updated": 0}
    assert contracts() == before
    assert sla_and_fee_rows() == rows_before

    # And the same file again changes nothing
    again = run(manager, response.content, confirm=True)
    assert list(again.rows.values_list("action", flat=True)) == ["unchanged"] * 3
    assert again.written == {"created": 0, "updated": 0}
    assert contracts() == before
    assert sla_and_fee_rows() == rows_before


def test_the_register_csv_imports_back_as_the_same_contracts(client, register, run):
    # Given the register downloaded as CSV (ISO dates, amounts with thousands separators), then an emptied database
    before = contracts()
    client.force_login(register)
    response = client.get(reverse("contracts:export", args=["csv"]), {"sort": "number"})
    data = b"".join(response.streaming_content)
    Contract.objects.all().delete()
    Vendor.objects.all().delete()

    # When it is imported and confirmed
    done = run(register, data, confirm=True, name="register.csv")

    # Then the same contracts are back
    assert done.written == {"created": 3, "updated": 0}
    assert contracts() == before


def test_the_register_xlsx_imported_over_the_same_contracts_is_all_unchanged(client, register, run):
    # Given the register downloaded as XLSX, the contracts still in place
    client.force_login(register)
    data = client.get(reverse("contracts:export", args=["xlsx"]), {"sort": "number"}).content

    # When it is imported
    job = run(register, data, confirm=False)

    # Then every row is unchanged: the informational columns (the end shown, the owner's name ...) are not errors
    assert list(job.rows.values_list("action", "errors")) == [("unchanged", [])] * 3
