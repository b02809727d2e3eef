"""SLA months over the API (section 12): the shape of a month, every refusal as a 400 with the reason and nothing
written, and the vendor's report import, all or nothing."""

import io
from datetime import date
from decimal import Decimal

import openpyxl
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from contracts.models import Contract, Document
from sla.models import SlaMeasurement, SlaPeriod
from tests.factories import SLATargetFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def w(world):
    Contract.objects.filter(pk=world.contract.pk).update(
        effective_date=date(2026, 1, 1), status=Contract.Status.ACTIVE, sla_credit_cap_pct=Decimal("15")
    )
    world.contract.refresh_from_db()
    world.asa = SLATargetFactory(
        contract=world.contract, metric="平均应答时长", kind="asa", comparator="<=", target=20, unit="秒", credit_pct=4
    )
    world.sla_target.credit_pct = Decimal("10")
    world.sla_target.save()
    return world


def url(w):
    return f"/api/v1/contracts/{w.contract.pk}/sla-periods/"


def state():
    return (
        list(SlaPeriod.objects.order_by("pk").values()),
        list(SlaMeasurement.objects.order_by("pk").values()),
        Document.objects.count(),
    )


def test_a_month_posted_answers_its_results_and_credit(w):
    body = {
        "period": "2026-04",
        "fee_amount": "130000.00",
        "measurements": [{"target": w.sla_target.pk, "value": "85.5"}, {"target": w.asa.pk, "value": "25"}],
    }
    response = w.client("owner").post(url(w), body, format="json")

    assert response.status_code == 201, response.data
    data = response.data
    assert data["period"] == "2026-04"
    assert data["missed_count"] == 2
    assert data["credit_pct"] == "14.00"  # 10 + 4, under the cap of 15
    assert data["credit_amount"] == "18200.00"  # 14% of 130,000
    assert data["measurements"] == [
        {"target": w.sla_target.pk, "metric": "接通率", "value": "85.5000", "met": False},
        {"target": w.asa.pk, "metric": "平均应答时长", "value": "25.0000", "met": False},
    ]
    listed = w.client("auditor").get(url(w)).data["results"]
    assert [row["period"] for row in listed] == ["2026-03", "2026-04"]


def test_put_replaces_the_months_results(w):
    response = w.client("editor").put(
        f"/api/v1/sla-periods/{w.sla_period.pk}/",
        {"period": "2026-03", "fee_amount": None, "measurements": [{"target": w.asa.pk, "value": "12"}]},
        format="json",
    )
    assert response.status_code == 200, response.data
    assert [m["target"] for m in response.data["measurements"]] == [w.asa.pk]
    assert response.data["missed_count"] == 0


def test_put_cannot_move_a_month_to_another(w):
    before = state()
    response = w.client("owner").put(
        f"/api/v1/sla-periods/{w.sla_period.pk}/",
        {"period": "2026-05", "measurements": [{"target": w.asa.pk, "value": "12"}]},
        format="json",
    )
    assert response.status_code == 400
    assert "period" in response.data
    assert state() == before


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"measurements": [{"target": 999999, "value": "90"}]}, "measurements"),  # unknown target
        ({"period": "2025-12"}, "period"),  # before the effective date
        ({"period": "2099-01"}, "period"),  # in the future
        ({"period": "March"}, "period"),
        ({"measurements": [{"target": "TARGET", "value": "abc"}]}, "measurements"),  # not a number
        ({"fee_amount": "-1.00"}, "fee_amount"),
        ({"measurements": []}, "measurements"),
        ({"measurements": [{"target": "TARGET", "value": "100.5"}]}, "measurements"),  # a rate over 100%
    ],
)
def test_bad_input_is_a_400_with_the_reason_and_nothing_written(w, change, field):
    body = {"period": "2026-04", "fee_amount": "1000.00", "measurements": [{"target": w.sla_target.pk, "value": "90"}]}
    body.update(change)
    for row in body["measurements"]:
        if row["target"] == "TARGET":
            row["target"] = w.sla_target.pk
    before = state()

    response = w.client("owner").post(url(w), body, format="json")

    assert response.status_code == 400
    assert field in response.data
    assert state() == before


def test_a_target_of_another_contract_is_refused(w):
    other = SLATargetFactory(metric="接通率", contract__number="CLM-2099-0001")
    before = state()
    response = w.client("manager").post(
        url(w), {"period": "2026-04", "measurements": [{"target": other.pk, "value": "99"}]}, format="json"
    )
    assert response.status_code == 400
    assert "measurements" in response.data
    assert state() == before


# The vendor's report -----------------------------------------------------------------------------------------------


def upload(w, name, content, role="owner"):
    return w.client(role).post(
        f"/api/v1/contracts/{w.contract.pk}/sla-periods/import/",
        {"file": SimpleUploadedFile(name, content)},
        format="multipart",
    )


def xlsx(rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


REPORT = "period,metric,value,fee_amount\n2026-04,接通率,88,130000.00\n2026-04,asa,18,130000.00\n2026-05,接通率,93,\n"


def test_a_csv_report_records_every_month_and_is_kept_as_a_document(w):
    response = upload(w, "4月SLA报告.csv", REPORT.encode("utf-8-sig"))

    assert response.status_code == 201, response.data
    april, may = response.data["periods"]
    assert (april["period"], april["missed_count"], april["credit_amount"]) == ("2026-04", 1, "13000.00")
    assert (may["period"], may["missed_count"], may["fee_amount"]) == ("2026-05", 0, None)
    document = Document.objects.get(pk=april["report"])
    assert document.original_name.endswith(".csv") and document.contract_id == w.contract.pk
    assert may["report"] == document.pk


def test_a_gb18030_csv_is_read(w):
    response = upload(w, "report.csv", "月份,指标,数值\n2026-04,接通率,91\n".encode("gb18030"))
    assert response.status_code == 201, response.data
    assert response.data["periods"][0]["measurements"][0]["value"] == "91.0000"


def test_an_xlsx_report_is_read(w):
    content = xlsx([["period", "metric", "value"], ["2026-04", "接通率", 89.5], [date(2026, 5, 1), "asa", 21]])
    response = upload(w, "report.xlsx", content)
    assert response.status_code == 201, response.data
    assert [p["period"] for p in response.data["periods"]] == ["2026-04", "2026-05"]


def test_a_report_with_one_bad_row_writes_nothing_and_names_every_bad_row(w):
    before = state()
    content = (
        "period,metric,value\n2026-04,接通率,88\n2026-04,客户满意度,95\n2099-01,接通率,90\n2026-05,asa,fast\n"
    ).encode()

    response = upload(w, "report.csv", content, role="manager")

    assert response.status_code == 400
    assert [row["row"] for row in response.data["rows"]] == [3, 4, 5]
    assert state() == before


@pytest.mark.parametrize(
    ("name", "content", "reason"),
    [
        ("report.pdf", b"%PDF-1.4", "CSV or XLSX"),
        ("report.csv", b"", "empty"),
        ("report.csv", b"period,metric,value\n", "no results"),
        ("report.xlsx", b"not a zip", "not an XLSX"),
        ("report.csv", b"period,metric\n2026-04,x\n", "missing: value"),
        ("report.csv", b"\x00\x01binary", "not a CSV"),
    ],
)
def test_a_file_that_cannot_be_a_report_is_refused(w, name, content, reason):
    before = state()
    response = w.client("owner").post(
        f"/api/v1/contracts/{w.contract.pk}/sla-periods/import/",
        {"file": SimpleUploadedFile(name, content)},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert reason in " ".join(response.data["file"])
    assert state() == before


def test_an_xlsx_with_formulas_is_refused(w):
    before = state()
    content = xlsx([["period", "metric", "value"], ["2026-04", "接通率", "=90+1"]])
    response = w.client("owner").post(
        f"/api/v1/contracts/{w.contract.pk}/sla-periods/import/",
        {"file": SimpleUploadedFile("report.xlsx", content)},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "formula" in response.data["file"][0]
    assert state() == before


def test_a_report_of_100000_rows_is_refused(w):
    before = state()
    content = ("period,metric,value\n" + "2026-04,接通率,90\n" * 100_000).encode()
    response = upload(w, "report.csv", content)
    assert response.status_code == 400
    assert "file" in response.data
    assert state() == before


def test_an_xlsx_of_100000_rows_is_refused(w):
    content = xlsx([["period", "metric", "value"]] + [["2026-04", "接通率", 90]] * 100_000)
    response = upload(w, "report.xlsx", content)
    assert response.status_code == 400
    assert "file" in response.data
