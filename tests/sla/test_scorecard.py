"""The vendor scorecard: figures worked out by hand (tests/fixtures/sla_scorecard.py), the 12-month window, what a
hidden contract must not change, a constant number of queries, and the page and API that show it."""

import re
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from accounts.models import Role
from sla.scorecard import load_trends, vendor_scorecard
from tests.factories import ContractFactory, SLATargetFactory, UserFactory
from tests.fixtures.sla_scorecard import TODAY, build_scorecard_world, months, record

D = Decimal


@pytest.fixture
def world(db):
    return build_scorecard_world()


def by_number(card):
    return {score.contract.number: score for score in card.contracts}


def test_the_buyer_sees_the_hand_computed_figures_of_their_two_contracts_over_the_last_12_recorded_months(world):
    # Given the buyer's two contracts of the vendor and a third contract of the same vendor hidden from them
    # When the buyer opens the vendor's scorecard
    card = vendor_scorecard(world.buyer, world.vendor, today=TODAY)

    # Then the window is the last 12 months with results among the contracts they see, oldest first
    assert card.months == months("2025-04", "2026-03")
    # And each contract counts only those months
    scores = by_number(card)
    assert set(scores) == {"CLM-2026-0101", "CLM-2026-0102"}
    a, b = scores["CLM-2026-0101"], scores["CLM-2026-0102"]
    assert a.periods_recorded == months("2025-04", "2026-02")
    assert (a.targets_met, a.targets_measured) == (18, 22)
    assert a.credits_earned == D("18000.00")
    assert a.open_exit_rights == 1
    assert b.periods_recorded == months("2025-12", "2026-03")
    assert (b.targets_met, b.targets_measured) == (3, 4)
    assert b.credits_earned == D("500.00")  # 2% of 50,000 capped at 1%
    assert b.open_exit_rights == 0
    # And the totals add the two
    totals = card.totals
    assert (totals.contracts, totals.periods_recorded, totals.targets_met, totals.targets_measured) == (2, 15, 21, 26)
    assert totals.credits_earned == {"CNY": D("18500.00")}
    assert totals.open_exit_rights == 1


def test_each_target_has_its_monthly_results_in_the_window_for_the_trend_chart(world):
    card = vendor_scorecard(world.buyer, world.vendor, today=TODAY)
    load_trends(card, card.contracts)
    a = by_number(card)["CLM-2026-0101"]
    availability = next(t for t in a.targets if t.target == world.targets["a_avail"])

    series = dict(availability.series)
    assert list(series) == months("2025-04", "2026-03")
    assert series["2026-03"] is None  # contract A has no result for March 2026
    assert (series["2025-11"].value, series["2025-11"].met) == (D("99.8"), False)
    assert (series["2026-02"].value, series["2026-02"].met) == (D("99.95"), True)
    assert (availability.met, availability.measured) == (8, 11)


def test_the_hidden_contract_counts_for_a_manager_and_moves_their_window(world):
    card = vendor_scorecard(world.manager, world.vendor, today=TODAY)

    assert card.months == months("2025-06", "2026-05")
    assert set(by_number(card)) == {"CLM-2026-0101", "CLM-2026-0102", "CLM-2026-0103"}
    assert card.totals.open_exit_rights == 2


def test_certificates_are_valid_expiring_within_60_days_or_expired(world):
    card = vendor_scorecard(world.buyer, world.vendor, today=TODAY)

    assert {str(state.certification.kind): state.status for state in card.certifications} == {
        "iso27001": "expired",  # expired yesterday
        "iso9001": "expiring",  # in 60 days
        "vats_licence": "valid",  # in 61 days
        "mlps": "valid",  # no expiry date
    }


def test_a_vendor_without_visible_contracts_has_an_empty_scorecard(world):
    other = UserFactory(username="sc_other", role=Role.PROCUREMENT_STAFF)
    card = vendor_scorecard(other, world.vendor, today=TODAY)

    assert card.months == [] and card.contracts == []
    assert card.totals.periods_recorded == 0 and card.totals.credits_earned == {}


def _grow(world, extra_contracts: int) -> None:
    """More contracts of the buyer, each with three targets and 14 months of results."""
    for n in range(extra_contracts):
        contract = ContractFactory(
            vendor=world.vendor, owner=world.buyer, number=f"CLM-2026-9{n:03d}", service_level=False
        )
        targets = [
            SLATargetFactory(
                contract=contract, metric=f"指标{k}", kind="answer_rate", target=D("90"), credit_pct=D("1")
            )
            for k in range(3)
        ]
        for period in months("2025-01", "2026-02"):
            record(contract, period, D("1000.00"), {t: "91" if k else "80" for k, t in enumerate(targets)})


def test_the_number_of_queries_does_not_grow_with_contracts_months_and_targets(world, django_assert_num_queries):
    # Given the scorecard of the small world (the buyer's permissions already loaded, as after the first request)
    vendor_scorecard(world.buyer, world.vendor, today=TODAY)
    with django_assert_num_queries(9):
        card = vendor_scorecard(world.buyer, world.vendor, today=TODAY)
        load_trends(card, card.contracts)

    # When the vendor has five more contracts with three targets and 14 months each
    _grow(world, 5)

    # Then the scorecard takes the same nine queries
    with django_assert_num_queries(9):
        card = vendor_scorecard(world.buyer, world.vendor, today=TODAY)
        load_trends(card, card.contracts)
    assert len(card.contracts) == 7
    assert sum(len(score.targets) for score in card.contracts) == 18


def test_the_page_and_the_api_take_the_same_number_of_queries_as_the_data_grows(
    world, client, django_assert_num_queries
):
    client.force_login(world.buyer)
    url = reverse("vendor_scorecard", args=[world.vendor.pk])
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.buyer).key}")
    api_url = f"/api/v1/vendors/{world.vendor.pk}/scorecard/"
    client.get(url)
    api.get(api_url)
    with CaptureQueriesContext(connection) as page_small:
        assert client.get(url).status_code == 200
    with CaptureQueriesContext(connection) as api_small:
        assert api.get(api_url).status_code == 200
    # Counted now: the contexts slice the connection's query log, which the data added below runs past
    page_queries, api_queries = len(page_small), len(api_small)

    _grow(world, 4)

    with django_assert_num_queries(page_queries):
        response = client.get(url)
    # The page charts five contracts at a time; the table lists all six, linking to the page with each one's charts
    html = response.content.decode()
    assert html.count('class="trend-chart"') == 2 + 1 + 3 + 3 + 3
    assert html.count('<section class="card scorecard-section" id="contract-') == 5
    assert "?page=2#contract-" in html
    assert client.get(url, {"page": 2}).content.decode().count('class="trend-chart"') == 3
    with django_assert_num_queries(api_queries):
        assert api.get(api_url).status_code == 200


def test_the_api_gives_the_buyer_the_figures_without_the_hidden_contract(world):
    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.buyer).key}")
    response = api.get(f"/api/v1/vendors/{world.vendor.pk}/scorecard/")

    assert response.status_code == 200
    body = response.json()
    assert body["months"] == months("2025-04", "2026-03")
    assert body["totals"] == {
        "contracts": 2,
        "periods_recorded": 15,
        "targets_measured": 26,
        "targets_met": 21,
        "credits_earned": [{"currency": "CNY", "amount": "18500.00"}],
        "open_exit_rights": 1,
    }
    numbers = [row["number"] for row in body["contracts"]]
    assert numbers == ["CLM-2026-0101", "CLM-2026-0102"]
    b = body["contracts"][1]
    assert b["targets"][0]["points"][-1] == {"period": "2026-03", "value": "25.0000", "met": False}
    assert {cert["kind"] for cert in body["certifications"]} == {"iso27001", "iso9001", "vats_licence", "mlps"}


def test_an_unknown_vendor_is_404_on_the_page_and_the_api(world, client):
    client.force_login(world.buyer)
    assert client.get(reverse("vendor_scorecard", args=[999999])).status_code == 404
    api = APIClient()
    api.force_authenticate(world.buyer)
    assert api.get("/api/v1/vendors/999999/scorecard/").status_code == 404


def test_the_page_shows_figures_charts_and_tables_in_english_and_no_outside_asset(world, client):
    world.buyer.language = "en"
    world.buyer.save()
    client.force_login(world.buyer)

    response = client.get(reverse("vendor_scorecard", args=[world.vendor.pk]))

    html = response.content.decode()
    assert response.status_code == 200
    assert "The last 12 recorded months: 2025-04 to 2026-03." in html
    assert "CNY 18,500.00" in html and "CNY 18,000.00" in html and "CNY 500.00" in html
    assert "保密项目合同" not in html and "CLM-2026-0103" not in html
    # One chart per target, each with a table of the same months, and the data for the charts
    assert html.count('class="trend-chart"') == 3
    assert html.count('class="cards trend-table"') == 3
    assert 'id="scorecard-data"' in html
    # The monthly reports are linked
    assert reverse("sla_report_pdf", args=[world.a.pk, "2025-11"]) in html
    # And every script, stylesheet and image comes from the app itself
    for attribute in re.findall(r'(?:src|href)="([^"]+)"', html):
        assert not re.match(r"^(?:[a-z]+:)?//", attribute, re.IGNORECASE), attribute
    assert "/static/vendor/echarts/echarts.min.js" in html


def test_the_vendor_page_links_to_the_scorecard(world, client):
    client.force_login(world.buyer)
    html = client.get(reverse("vendors:detail", args=[world.vendor.pk])).content.decode()
    assert reverse("vendor_scorecard", args=[world.vendor.pk]) in html
