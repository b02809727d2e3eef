"""What a reader of the printed contract sees: real CJK glyphs, the right content in order, the draft watermark."""

import re
from datetime import date

import pytest
from django.utils import timezone

from contracts.lifecycle import contract_activate, contract_sign, contract_start_negotiation
from contracts.pdf import contract_fingerprint, render_contract_pdf
from tests.factories import ObligationFactory

from .conftest import AGREED_MARKER_TEXT, VENDOR_NAME, make_contract, page_count, pdf_text, poppler, squeeze

CJK_FONT = re.compile(r"(Noto-?Sans-?CJK|Noto-?Serif-?CJK|WenQuanYi|wqy)", re.IGNORECASE)


def test_chinese_pdf_embeds_a_cjk_font(contract, tmp_path):
    # Given a contract with Chinese terms and clauses
    # When it is printed in Chinese
    pdf = render_contract_pdf(contract, language="zh-hans")

    # Then pdffonts lists a CJK font (Noto CJK, or the WenQuanYi fallback) that is embedded, so no tofu boxes
    rows = poppler("pdffonts", pdf, tmp_path).splitlines()[2:]
    embedded_cjk = [row for row in rows if CJK_FONT.search(row) and row.split()[-5] == "yes"]
    assert embedded_cjk, rows


def test_text_holds_number_vendor_and_agreed_clause_in_reading_order(contract, tmp_path):
    # Given a contract whose agreed clauses include a known Chinese sentence
    # When it is printed
    text = squeeze(pdf_text(render_contract_pdf(contract, language="zh-hans"), tmp_path))

    # Then the number comes first (cover), then the vendor's name (parties), then the clause text
    number_at = text.index(contract.number)
    vendor_at = text.index(VENDOR_NAME)
    clause_at = text.index(squeeze(AGREED_MARKER_TEXT))
    assert number_at < vendor_at < clause_at


def test_only_agreed_clauses_are_printed_and_the_document_says_what_was_left_out(contract, tmp_path):
    text = squeeze(pdf_text(render_contract_pdf(contract, language="en"), tmp_path))

    assert squeeze("尚未谈妥的违约金比例条款。") not in text
    assert squeeze("双方同意放弃的独家条款。") not in text
    assert squeeze("1 waived clause is not part of this contract") in text
    assert squeeze("1 clause is still under negotiation") in text


def test_every_page_has_number_page_x_of_y_and_fingerprint(contract, tmp_path):
    pdf = render_contract_pdf(contract, language="en")
    pages = page_count(pdf, tmp_path)
    fingerprint = contract_fingerprint(contract)

    assert pages >= 3
    for page in range(1, pages + 1):
        text = squeeze(pdf_text(pdf, tmp_path, "-f", str(page), "-l", str(page)))
        assert contract.number in text
        assert f"Page{page}/{pages}" in text
        assert fingerprint in text


def test_english_version_has_english_labels_and_the_clauses_as_negotiated(contract, tmp_path):
    text = pdf_text(render_contract_pdf(contract, language="en"), tmp_path)

    for label in ("Key terms", "Service level targets", "Fee items", "Agreed clauses", "Obligation schedule"):
        assert label in text
    assert "Party B" in text
    assert squeeze(AGREED_MARKER_TEXT) in squeeze(text)


def _watermarked_pages(pdf: bytes, tmp_path) -> list[bool]:
    # The watermark is set diagonally; -raw keeps rotated text that the layout mode drops.
    pages = page_count(pdf, tmp_path)
    return [
        "DRAFT" in pdf_text(pdf, tmp_path, "-raw", "-f", str(page), "-l", str(page)) for page in range(1, pages + 1)
    ]


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_watermark_on_every_page_until_signed_and_gone_after(contract, owner, tmp_path, language):
    # Given a draft, then the same contract under negotiation: every page carries DRAFT / 草稿
    assert all(_watermarked_pages(render_contract_pdf(contract, language=language), tmp_path))
    contract = contract_start_negotiation(contract=contract, by=owner)
    assert all(_watermarked_pages(render_contract_pdf(contract, language=language), tmp_path))

    # When every clause is agreed or waived and the contract is signed
    contract.clauses.filter(status="draft").update(status="agreed")
    contract = contract_sign(contract=contract, by=owner, date=date(2025, 12, 20))
    pdf = render_contract_pdf(contract, language=language)

    # Then no page carries the watermark
    assert not any(_watermarked_pages(pdf, tmp_path))
    assert "草稿" not in pdf_text(pdf, tmp_path, "-raw")


def test_obligation_schedule_lists_open_and_done_obligations_and_flags_overdue_ones(contract, tmp_path):
    # Given one obligation past its due date, one done, and one waived
    ObligationFactory(contract=contract, title="季度服务评审", due_date=date(2020, 3, 31))
    ObligationFactory(contract=contract, title="年度安全审计", due_date=date(2020, 6, 30), status="done")
    ObligationFactory(contract=contract, title="已豁免的检查", due_date=date(2020, 9, 30), status="waived")

    text = pdf_text(render_contract_pdf(contract, language="en"), tmp_path)
    schedule = squeeze(text[text.index("Obligation schedule") :])

    assert "季度服务评审" in schedule
    assert "Overdue" in schedule
    assert "年度安全审计" in schedule
    assert "已豁免的检查" not in schedule


def test_key_terms_show_the_current_renewal_term_of_an_auto_renewed_contract(owner, tmp_path):
    # Given an auto-renewing contract (12-month terms) that started on 1 January two years ago and is in force:
    # its initial term and first renewal are over, so today falls in renewal term 2, this calendar year
    year = timezone.localdate().year
    contract = make_contract(owner, number="CLM-RENEWED-1", effective_date=date(year - 2, 1, 1))
    contract = contract_start_negotiation(contract=contract, by=owner)
    contract.clauses.filter(status="draft").update(status="agreed")
    contract = contract_sign(contract=contract, by=owner, date=date(year - 3, 12, 20))
    contract = contract_activate(contract=contract, by=owner, date=date(year - 2, 1, 1))

    # When it is printed in either language
    zh = squeeze(pdf_text(render_contract_pdf(contract, language="zh-hans"), tmp_path))
    en = squeeze(pdf_text(render_contract_pdf(contract, language="en"), tmp_path))

    # Then the key terms keep the initial term as agreed and add the term the contract is in now
    assert squeeze(f"{year - 2}年1月1日 至 {year - 2}年12月31日（初始期限 12 个月）") in zh
    assert squeeze(f"当前期限 {year}年1月1日 至 {year}年12月31日（第 2 个续约期）") in zh
    assert squeeze(f"Current term Jan. 1, {year} to Dec. 31, {year} (renewal term 2)") in en


def test_key_terms_have_no_current_term_line_for_a_contract_not_in_force(owner, tmp_path):
    # Given a draft whose dates, had it been signed, would have renewed twice by now
    year = timezone.localdate().year
    contract = make_contract(owner, number="CLM-UNSIGNED-1", effective_date=date(year - 2, 1, 1))

    # Then its PDF shows the term as proposed and no current term: an unsigned contract never renewed
    text = pdf_text(render_contract_pdf(contract, language="en"), tmp_path)
    assert "Current term" not in text
    assert squeeze(f"Jan. 1, {year - 2} to Dec. 31, {year - 2} (initial term 12 months)") in squeeze(text)
