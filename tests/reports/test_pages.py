"""The Reports page, its CSV downloads and API answers (the same numbers as the tables, over what the caller sees), and
saved register views (private to their user)."""

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation
from rest_framework.test import APIClient

from contracts.search import RegisterQuery
from reports.models import SavedView
from reports.selectors import KINDS, report
from reports.views import cell_text
from tests.fixtures.reports import TODAY, build_report_world


@pytest.fixture
def world(db, settings):
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
    return build_report_world()


@pytest.fixture(autouse=True)
def _today(monkeypatch):
    monkeypatch.setattr("django.utils.timezone.localdate", lambda *args, **kwargs: TODAY)


def csv_rows(response) -> list[list[str]]:
    text = b"".join(response.streaming_content if response.streaming else [response.content]).decode("utf-8-sig")
    return list(csv.reader(io.StringIO(text)))


def test_the_reports_page_shows_every_report_with_a_chart_and_its_table_and_never_a_hidden_contract(client, world):
    client.force_login(world.buyer)
    response = client.get(reverse("reports:index"), HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    html = response.content.decode()
    for kind in KINDS:
        assert f'id="report-{kind}"' in html
    assert 'data-chart="spend-vendors"' in html and 'id="report-charts"' in html
    assert "131,000.00" in html  # c1's monthly fees
    assert "999,999" not in html and "9,000.00" not in html  # the stranger's contract and its credits
    # And the charts' script and library come from our own static files
    assert "/static/vendor/echarts/echarts.min.js" in html and "/static/js/reports.js" in html


@pytest.mark.parametrize(
    ("kind", "table"),
    [
        ("renewals", "months"),
        ("spend", "vendors"),
        ("spend", "categories"),
        ("spend", "months"),
        ("obligations", "months"),
        ("obligations", "owners"),
        ("sla", "vendors"),
        ("findings", "rules"),
    ],
)
def test_each_csv_download_equals_its_table(client, world, kind, table):
    client.force_login(world.buyer)
    response = client.get(reverse("reports:csv", args=[kind, table]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    with translation.override(world.buyer.language):  # the CSV speaks the user's language, as the page does
        expected = report(kind, world.buyer, RegisterQuery(), today=TODAY).table(table)
        header = [str(column.label) for column in expected.columns]
    rows = csv_rows(response)
    assert rows[0] == header
    assert rows[1:] == [[cell_text(expected, row, c.key) for c in expected.columns] for row in expected.rows]


def test_the_registers_query_string_filters_the_csv_as_it_filters_the_register(client, world):
    client.force_login(world.buyer)
    response = client.get(reverse("reports:csv", args=["spend", "vendors"]), {"vendor": world.vendor_b.pk})
    rows = csv_rows(response)[1:]
    assert [row[0] for row in rows] == ["乙方呼叫软件有限公司"]
    assert rows[0][2:4] == ["2", "67777.00"]


def test_an_unknown_table_is_not_found(client, world):
    client.force_login(world.buyer)
    assert client.get(reverse("reports:csv", args=["spend", "nothing"])).status_code == 404


def api(user) -> APIClient:
    client = APIClient()
    client.force_authenticate(user)
    return client


def test_the_api_answers_the_tables_numbers_for_the_caller(world):
    response = api(world.buyer).get("/api/v1/reports/spend/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    vendors = next(t for t in response.data["tables"] if t["key"] == "vendors")
    assert [(r["vendor"], r["contracts"], r["value"], r["monthly_fees"]) for r in vendors["rows"]] == [
        ("甲方客服外包有限公司", 1, "120000.00", "131000.00"),
        ("乙方呼叫软件有限公司", 2, "67777.00", "0.00"),
    ]
    manager = api(world.manager).get("/api/v1/reports/renewals/", {"vendor": world.vendor_a.pk})
    march = next(r for r in manager.data["tables"][0]["rows"] if r["month"] == "2027-03")
    assert (march["endings"], march["endings_value"]) == (2, "1119999.00")


def test_a_filter_the_api_cannot_read_is_a_400_naming_the_field(world):
    response = api(world.buyer).get("/api/v1/reports/obligations/", {"expiring": "-3", "status": "nonsense"})
    assert response.status_code == 400
    assert set(response.data) == {"expiring", "status"}


def test_saving_a_view_keeps_the_registers_filters_and_sort_and_lists_it_in_the_menu(client, world):
    client.force_login(world.buyer)
    response = client.post(
        reverse("reports:saved_views"),
        {"name": " 即将到期 ", "query": "status=active&expiring=90&page=4&sort=-end_date"},
    )
    view = SavedView.objects.get(user=world.buyer)
    assert (view.name, view.query) == ("即将到期", "status=active&expiring=90&sort=-end_date")
    assert response["Location"] == reverse("contracts:list") + "?" + view.query
    menu = client.get(reverse("contracts:list")).content.decode()
    assert f'href="{view.get_absolute_url().replace("&", "&amp;")}"' in menu and "即将到期" in menu


def test_a_saved_view_is_private_to_its_user(client, world):
    view = SavedView.objects.create(user=world.buyer, name="买方私人视图", query="status=active")
    client.force_login(world.stranger)
    assert client.get(reverse("reports:saved_view", args=[view.pk])).status_code == 404
    assert client.post(reverse("reports:saved_view", args=[view.pk]), {"name": "抢走"}).status_code == 404
    assert client.post(reverse("reports:saved_view_delete", args=[view.pk])).status_code == 404
    assert "买方私人视图" not in client.get(reverse("reports:saved_views")).content.decode()
    assert api(world.stranger).get(f"/api/v1/saved-views/{view.pk}/").status_code == 404
    assert api(world.stranger).get("/api/v1/saved-views/").data["count"] == 0
    view.refresh_from_db()
    assert view.name == "买方私人视图"


def test_the_owner_opens_renames_and_deletes_a_saved_view(client, world):
    view = SavedView.objects.create(user=world.buyer, name="我的", query="status=active")
    client.force_login(world.buyer)
    assert client.get(reverse("reports:saved_view", args=[view.pk]))["Location"].endswith("?status=active")
    client.post(reverse("reports:saved_view", args=[view.pk]), {"name": "生效中"})
    view.refresh_from_db()
    assert view.name == "生效中"
    client.post(reverse("reports:saved_view_delete", args=[view.pk]))
    assert not SavedView.objects.filter(pk=view.pk).exists()


def test_the_api_refuses_a_second_view_of_the_same_name(world):
    client = api(world.buyer)
    assert client.post("/api/v1/saved-views/", {"name": "生效中", "query": "status=active"}).status_code == 201
    again = client.post("/api/v1/saved-views/", {"name": "生效中", "query": "status=signed"})
    assert again.status_code == 400 and "name" in again.data
    other = client.post("/api/v1/saved-views/", {"name": "已签", "query": "status=signed"}).data
    renamed = client.patch(f"/api/v1/saved-views/{other['id']}/", {"name": "生效中"})
    assert renamed.status_code == 400 and "name" in renamed.data
