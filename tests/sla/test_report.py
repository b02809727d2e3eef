"""The monthly SLA performance report as a reader of the PDF sees it (pdftotext, pdffonts), in Chinese and English,
and who may get it."""

import re

import pytest
from django.urls import reverse
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from sla.report import render_sla_report_pdf
from tests.fixtures.pdf import pdf_text, poppler, squeeze
from tests.fixtures.sla_scorecard import build_scorecard_world

CJK_FONT = re.compile(r"(Noto-?Sans-?CJK|Noto-?Serif-?CJK|WenQuanYi|wqy)", re.IGNORECASE)


@pytest.fixture
def world(db):
    return build_scorecard_world()


def lines(pdf: bytes, tmp_path) -> list[str]:
    """The report's lines as laid out (one table row per line), whitespace squeezed out."""
    return [squeeze(line) for line in pdf_text(pdf, tmp_path, "-layout").splitlines() if line.strip()]


def test_the_english_report_states_each_result_the_credit_and_the_cap(world, tmp_path):
    # Given contract A's November 2025: availability 99.8 (< 99.9) and answer rate 85 (< 90) both missed
    month = world.periods[("a", "2025-11")]

    # When the report is printed in English
    rows = lines(render_sla_report_pdf(month, language="en"), tmp_path)
    text = "".join(rows)

    # Then it names the contract, the vendor and the month, and every target with target, result and verdict
    for expected in ("MonthlySLAperformancereport", "CLM-2026-0101", "上海云联客服外包服务有限公司", "November2025"):
        assert expected in text
    assert squeeze("Month November 1, 2025 – November 30, 2025") in rows
    assert squeeze("系统可用性 ≥ 99.9% 99.8% Missed 5%") in rows
    assert squeeze("20秒接通率 ≥ 90% 85% Missed 3%") in rows
    # And the credit: 5% + 3% = 8%, under the 15% cap, of the 100,000.00 fee billed = 8,000.00
    assert squeeze("Credits of the missed targets 8%") in rows
    assert squeeze("Cap per month 15%") in rows
    assert squeeze("Fee billed CNY 100,000.00") in rows
    assert squeeze("Credit due to us CNY 8,000.00") in rows
    # And the run of the critical target: one miss so far, no exit right
    assert squeeze("1 / 3 2025-11 (99.8%) No exit right") in text


def test_the_chinese_report_shows_a_capped_credit_in_yuan_with_an_embedded_cjk_font(world, tmp_path):
    # Given contract B's March 2026: ASA 25 s over 20 s, a 2% credit capped at 1% of 50,000.00
    pdf = render_sla_report_pdf(world.periods[("b", "2026-03")], language="zh-hans")
    rows = lines(pdf, tmp_path)

    assert "2026年3月" in rows[0]
    assert squeeze("平均应答时长 ≤ 20秒 25秒 未达标 2%") in rows
    assert squeeze("账单费用 ¥50,000.00 达标指标数 0 / 1") in rows
    assert squeeze("未达标指标的抵扣 2%") in rows
    assert squeeze("每月上限 1%") in rows
    assert squeeze("我方应得抵扣 ¥500.00") in rows
    fonts = poppler("pdffonts", pdf, tmp_path).splitlines()[2:]
    assert [font for font in fonts if CJK_FONT.search(font) and font.split()[-5] == "yes"], fonts


def test_the_third_miss_in_a_row_shows_the_exit_right_and_its_decision_date(world, tmp_path):
    # Given availability missed in November, December and January: the third miss earns the exit right, decided by
    # January 31 + 30 days, and clm holds it as an open obligation
    pdf = render_sla_report_pdf(world.periods[("a", "2026-01")], language="en")
    text = squeeze(pdf_text(pdf, tmp_path))

    assert squeeze("系统可用性 3 / 3") in "".join(lines(pdf, tmp_path))
    assert squeeze("2025-11 (99.8%), 2025-12 (99.7%), 2026-01 (99%)") in text
    assert squeeze("Earned in January 2026") in text
    assert squeeze("decide by March 2, 2026") in text
    assert squeeze("Obligation: Open") in text


def test_a_met_month_ends_the_run(world, tmp_path):
    rows = lines(render_sla_report_pdf(world.periods[("a", "2026-02")], language="en"), tmp_path)

    assert squeeze("0 / 3 — No exit right") in "".join(rows)
    assert squeeze("Credit due to us CNY 0.00") in rows


def _fake_render(sla_period, language):
    return f"%PDF-1.7 {sla_period.pk} {language}".encode()


def test_the_page_and_api_serve_the_pdf_to_whoever_sees_the_contract_and_404_otherwise(world, client, monkeypatch):
    monkeypatch.setattr("sla.scorecard_views.render_sla_report_pdf", _fake_render)
    monkeypatch.setattr("sla.scorecard_api.render_sla_report_pdf", _fake_render)
    month = world.periods[("a", "2025-11")]
    page = reverse("sla_report_pdf", args=[world.a.pk, "2025-11"])
    api_url = f"/api/v1/sla-periods/{month.pk}/pdf/"

    client.force_login(world.buyer)
    response = client.get(page + "?lang=en")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response.content == f"%PDF-1.7 {month.pk} en".encode()
    assert "CLM-2026-0101-SLA-2025-11-en.pdf" in response["Content-Disposition"]
    # A language the report is not written in goes back to the contract with the reason
    refused = client.get(page + "?lang=fr", HTTP_ACCEPT_LANGUAGE="en")
    assert refused.status_code == 302 and refused["Location"] == world.a.get_absolute_url()
    # A month that was not recorded, and a month of the hidden contract, do not exist for the buyer
    assert client.get(reverse("sla_report_pdf", args=[world.a.pk, "2024-11"])).status_code == 404
    assert client.get(reverse("sla_report_pdf", args=[world.hidden.pk, "2026-04"])).status_code == 404

    api = APIClient()
    api.credentials(HTTP_AUTHORIZATION=f"Token {Token.objects.create(user=world.buyer).key}")
    response = api.get(api_url, {"lang": "zh-hans"})
    assert response.status_code == 200
    assert response.content == f"%PDF-1.7 {month.pk} zh-hans".encode()
    assert api.get(api_url, {"lang": "fr"}).status_code == 400
    hidden = world.periods[("h", "2026-04")]
    assert api.get(f"/api/v1/sla-periods/{hidden.pk}/pdf/").status_code == 404
