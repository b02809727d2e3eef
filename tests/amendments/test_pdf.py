"""The PDFs: an amendment's own document (old -> new, both parties, fingerprint) and the contract's list of them."""

from datetime import date

import pytest

from amendments.services import amendment_approve, amendment_create
from pdf.rendering import render_amendment_pdf, render_contract_pdf
from tests.fixtures.pdf import pdf_text, poppler, squeeze

pytestmark = pytest.mark.django_db


@pytest.fixture
def applied(contract, people):
    amendment = amendment_create(
        contract=contract,
        by=people["owner"],
        title="调整调价通知期与价格上限",
        effective_on=date(2026, 3, 1),
        changes={"price_change_notice_days": 120, "price_increase_cap_pct": "3"},
    )
    return amendment_approve(amendment=amendment, by=people["manager"], today=date(2026, 3, 1))


def test_the_amendment_pdf_shows_each_change_old_and_new_in_chinese_and_english(applied, contract, tmp_path):
    zh = squeeze(pdf_text(render_amendment_pdf(applied, language="zh-hans"), tmp_path))
    en = pdf_text(render_amendment_pdf(applied, language="en"), tmp_path)

    assert applied.number in zh and "调整调价通知期与价格上限" in zh
    assert "90" in zh and "120" in zh and "5%" in zh and "3%" in zh
    assert contract.vendor.name in zh
    flat = " ".join(en.split())
    assert "Price-change notice (days) 90 120" in flat
    assert "Price increase cap (%) 5% 3%" in flat
    assert "Fingerprint (SHA-256)" in flat and "Party B" in flat


def test_the_amendment_pdf_embeds_its_cjk_font(applied, tmp_path):
    fonts = poppler("pdffonts", render_amendment_pdf(applied, language="zh-hans"), tmp_path)
    assert "CJK" in fonts and " yes " in fonts


def test_the_contract_pdf_prints_the_terms_in_force_and_lists_the_amendments(applied, contract, tmp_path):
    text = squeeze(pdf_text(render_contract_pdf(contract, language="zh-hans"), tmp_path))
    assert applied.number in text and "调整调价通知期与价格上限" in text
    assert "120" in text
