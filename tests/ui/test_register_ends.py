"""The register and its exports show the real end of each contract, and the XLSX is a finance user's spreadsheet."""

import csv
import io
import re
from datetime import date
from decimal import Decimal

import pytest
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from contracts.models import Contract
from rules.terms import end_dates
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def ends(people):
    """Three contracts of one owner: one rolled over by itself, one terminated early, one expired after a renewal."""
    owner = people["owner"]
    year = timezone.localdate().year
    rolling = ContractFactory(
        number="CLM-2026-0301",
        owner=owner,
        status=Contract.Status.ACTIVE,
        effective_date=date(year - 3, 1, 1),
        end_date=date(year - 2, 12, 31),
        auto_renew=True,
        renewal_term_months=12,
        contract_value=Decimal("1234567.50"),
    )
    terminated = ContractFactory(
        number="CLM-2026-0302",
        owner=owner,
        status=Contract.Status.TERMINATED,
        effective_date=date(year - 1, 1, 1),
        end_date=date(year - 1, 12, 31),
        auto_renew=True,
        terminated_on=date(year - 1, 6, 30),
    )
    expired = ContractFactory(
        number="CLM-2026-0303",
        owner=owner,
        status=Contract.Status.EXPIRED,
        effective_date=date(year - 3, 1, 1),
        end_date=date(year - 3, 12, 31),
        auto_renew=True,
        notice_given_on=date(year - 2, 9, 1),
        expired_on=date(year - 2, 12, 31),
    )
    return {"year": year, "rolling": rolling, "terminated": terminated, "expired": expired}


def row_html(content: str, number: str) -> str:
    return next(row for row in content.split("<tr>") if number in row)


def test_the_register_shows_the_current_term_end_the_termination_and_the_expiry(client, people, ends):
    year = ends["year"]
    client.force_login(people["owner"])

    content = client.get(reverse("contracts:list")).content.decode()

    rolling = row_html(content, "CLM-2026-0301")
    assert f"{year}-12-31" in rolling
    assert f"initial term to {year - 2}-12-31" in rolling
    assert "Auto-renews" in rolling
    terminated = row_html(content, "CLM-2026-0302")
    assert f"{year - 1}-06-30" in terminated
    assert "Auto-renews" not in terminated
    expired = row_html(content, "CLM-2026-0303")
    assert f"{year - 2}-12-31" in expired
    assert "Auto-renews" not in expired


def test_the_end_rule_picks_the_day_it_ended_over_the_terms():
    terms = {
        "effective_date": date(2024, 1, 1),
        "end_date": date(2024, 12, 31),
        "auto_renew": True,
        "renewal_term_months": 12,
        "notice_given_on": None,
        "today": date(2026, 3, 1),
    }

    running = end_dates(running=True, ended=False, ended_on=None, **terms)
    ended = end_dates(running=False, ended=True, ended_on=date(2025, 5, 31), **terms)
    draft = end_dates(running=False, ended=False, ended_on=None, **terms)

    assert (running.shown, running.current_term_end, running.renews_automatically) == (
        date(2026, 12, 31),
        date(2026, 12, 31),
        True,
    )
    assert (ended.shown, ended.current_term_end, ended.ended_on, ended.renews_automatically) == (
        date(2025, 5, 31),
        None,
        date(2025, 5, 31),
        False,
    )
    assert (draft.shown, draft.stored_end, draft.current_term_end) == (date(2024, 12, 31), date(2024, 12, 31), None)


def test_csv_export_has_the_real_end_and_a_column_for_each_end_date(client, people, ends):
    year = ends["year"]
    client.force_login(people["owner"])

    response = client.get(reverse("contracts:export", args=["csv"]), {"sort": "number"})

    rows = list(csv.DictReader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    by_number = {row["Contract number"]: row for row in rows}
    ends_of = {
        number: (row["Ends"], row["End date as entered"], row["Current term ends"], row["Ended on"])
        for number, row in by_number.items()
    }
    assert ends_of == {
        "CLM-2026-0301": (f"{year}-12-31", f"{year - 2}-12-31", f"{year}-12-31", ""),
        "CLM-2026-0302": (f"{year - 1}-06-30", f"{year - 1}-12-31", "", f"{year - 1}-06-30"),
        "CLM-2026-0303": (f"{year - 2}-12-31", f"{year - 3}-12-31", "", f"{year - 2}-12-31"),
    }
    renews = {number: row["Still renews"] for number, row in by_number.items()}
    assert renews == {"CLM-2026-0301": "Yes", "CLM-2026-0302": "No", "CLM-2026-0303": "No"}


def xlsx(client, **params):
    response = client.get(reverse("contracts:export", args=["xlsx"]), {"sort": "number", **params})
    assert response.status_code == 200
    return load_workbook(io.BytesIO(response.content)).active


def test_xlsx_export_has_date_and_number_cells_a_frozen_filtered_header_and_widths(client, people, ends):
    year = ends["year"]
    client.force_login(people["owner"])

    sheet = xlsx(client)

    headers = [cell.value for cell in sheet[1]]
    assert headers[:2] == ["Contract number", "Title"]
    assert sheet.title == "Contracts"
    assert sheet.freeze_panes == "A2"
    assert sheet.auto_filter.ref == f"A1:{sheet.cell(1, len(headers)).column_letter}4"
    assert sheet.column_dimensions["B"].width >= 30
    rolling = dict(zip(headers, sheet[2], strict=True))
    assert rolling["Contract number"].value == "CLM-2026-0301"
    ends_cell = rolling["Ends"]
    assert ends_cell.is_date and ends_cell.value.date() == date(year, 12, 31)
    assert ends_cell.number_format == "yyyy-mm-dd"
    assert rolling["Effective date"].is_date
    value = rolling["Contract value"]
    assert (value.data_type, value.value, value.number_format) == ("n", 1234567.5, "#,##0.00")
    assert rolling["Ended on"].value is None
    terminated = dict(zip(headers, sheet[3], strict=True))
    assert terminated["Ended on"].value.date() == date(year - 1, 6, 30)
    assert terminated["Still renews"].value == "No"


def test_xlsx_export_headers_and_sheet_name_follow_the_users_language(client, people, ends, settings):
    owner = people["owner"]
    client.cookies.pop(settings.LANGUAGE_COOKIE_NAME)
    client.force_login(owner)

    chinese = xlsx(client)
    owner.language = "en"
    owner.save(update_fields=["language"])
    english = xlsx(client)

    assert re.search(r"[\u4e00-\u9fff]", chinese.title)
    assert chinese.cell(1, 1).value == "合同编号"
    assert english.title == "Contracts"
    assert english.cell(1, 1).value == "Contract number"
