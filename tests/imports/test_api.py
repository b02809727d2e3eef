"""Spreadsheet imports over the API: the shape section 14 names, the dry run default, confirm, privacy, the template."""

import io

import openpyxl
import pytest
from rest_framework.test import APIClient

from accounts.models import Role
from contracts.models import Contract
from imports.models import ImportJob
from tests.factories import UserFactory
from tests.imports.conftest import CHINESE_HEADER, chinese_row, upload, xlsx_bytes

pytestmark = pytest.mark.django_db


@pytest.fixture
def api(buyer, eager, django_capture_on_commit_callbacks):
    client = APIClient()
    client.force_authenticate(buyer)

    def call(method, url, data=None, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return getattr(client, method)(url, data, **kwargs)

    return call


def test_an_upload_is_a_dry_run_by_default_and_answers_rows_and_counts(api):
    data = xlsx_bytes(CHINESE_HEADER, [chinese_row(), chinese_row("HT-2", start="not a date")])

    response = api("post", "/api/v1/imports/", {"file": upload(data)}, format="multipart", HTTP_ACCEPT_LANGUAGE="en")

    # Then the answer names the import, waiting for the worker; once the worker has read it, the dry run is there
    assert response.status_code == 201
    assert (response.json()["status"], response.json()["rows"]) == ("pending", [])
    body = api("get", f"/api/v1/imports/{response.json()['id']}/", HTTP_ACCEPT_LANGUAGE="en").json()
    assert body["status"] == "ready"
    assert body["counts"] == {"create": 1, "update": 0, "unchanged": 0, "error": 1}
    assert [(r["row"], r["number"], r["action"]) for r in body["rows"]] == [
        (2, "HT-2026-001", "create"),
        (3, "HT-2", "error"),
    ]
    assert body["rows"][1]["errors"][0]["field"] == "effective_date"
    assert "is not a date" in body["rows"][1]["errors"][0]["message"]
    assert not Contract.objects.exists()


def test_confirm_writes_the_valid_rows(api):
    created = api(
        "post", "/api/v1/imports/", {"file": upload(xlsx_bytes(CHINESE_HEADER, [chinese_row()]))}, format="multipart"
    ).json()

    response = api("post", f"/api/v1/imports/{created['id']}/confirm/")

    assert response.status_code == 202
    assert api("get", f"/api/v1/imports/{created['id']}/").json()["status"] == "done"
    assert Contract.objects.filter(number="HT-2026-001", status="active").exists()


def test_dry_run_false_imports_in_one_call(api):
    data = xlsx_bytes(CHINESE_HEADER, [chinese_row()])
    created = api("post", "/api/v1/imports/", {"file": upload(data), "dry_run": "false"}, format="multipart").json()
    body = api("get", f"/api/v1/imports/{created['id']}/").json()
    assert (body["status"], body["written"]) == ("done", {"created": 1, "updated": 0})


def test_confirming_twice_is_refused(api):
    created = api(
        "post", "/api/v1/imports/", {"file": upload(xlsx_bytes(CHINESE_HEADER, [chinese_row()]))}, format="multipart"
    ).json()
    api("post", f"/api/v1/imports/{created['id']}/confirm/")
    again = api("post", f"/api/v1/imports/{created['id']}/confirm/")
    assert again.status_code == 400
    assert Contract.objects.count() == 1


def test_a_hostile_file_is_a_400_with_the_reason(api):
    response = api(
        "post",
        "/api/v1/imports/",
        {"file": upload(b"PK\x03\x04garbage", "x.xlsx")},
        format="multipart",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 400
    assert "not a spreadsheet" in response.json()["file"][0]
    assert not ImportJob.objects.exists()


def test_another_users_import_is_404(api):
    created = api(
        "post", "/api/v1/imports/", {"file": upload(xlsx_bytes(CHINESE_HEADER, [chinese_row()]))}, format="multipart"
    ).json()
    manager = UserFactory(username="import_manager", role=Role.PROCUREMENT_MANAGER)
    other = APIClient()
    other.force_authenticate(manager)
    assert other.get(f"/api/v1/imports/{created['id']}/").status_code == 404
    assert other.post(f"/api/v1/imports/{created['id']}/confirm/").status_code == 404
    assert not Contract.objects.exists()


def test_the_template_has_chinese_headers_code_names_an_example_and_the_sla_and_fee_sheets(api):
    response = api("get", "/api/v1/imports/template/")
    assert response.status_code == 200
    workbook = openpyxl.load_workbook(io.BytesIO(response.content))
    contracts, sla, fees = workbook.worksheets
    header = [c.value for c in contracts[1]]
    assert header[:4] == ["合同编号", "标题", "供应商", "统一社会信用代码"]
    assert [c.value for c in contracts[2]][:2] == ["number", "title"]
    assert contracts["A3"].value == "HT-2026-001"
    assert [c.value for c in sla[2]][:2] == ["number", "metric"]
    assert [c.value for c in fees[2]][:3] == ["number", "kind", "unit_price"]


def test_the_template_itself_imports_cleanly(api):
    template = api("get", "/api/v1/imports/template/").content
    created = api("post", "/api/v1/imports/", {"file": upload(template, "template.xlsx")}, format="multipart").json()
    body = api("get", f"/api/v1/imports/{created['id']}/").json()
    assert body["counts"] == {"create": 1, "update": 0, "unchanged": 0, "error": 0}, body["rows"]
