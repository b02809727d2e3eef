"""What a reader of the printed contract sees: real CJK glyphs, the right content in order, the draft watermark."""

import re
import subprocess
from datetime import date

import pytest
from django.utils import timezone, translation
from django.utils.text import Truncator

from contracts.lifecycle.actions import contract_activate, contract_sign, contract_start_negotiation, contract_terminate
from pdf.fingerprint import contract_fingerprint
from pdf.rendering import render_contract_pdf
from tests.factories import ObligationFactory, VendorFactory
from tests.fixtures.pdf import AGREED_MARKER_TEXT, VENDOR_NAME, make_contract, page_count, pdf_text, poppler, squeeze

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

    # Then the cover's number comes first (after the document label; the running header also prints it), then the
    # vendor's name (parties), then the clause text
    number_at = text.index(contract.number, text.index("服务合同"))
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
    assert squeeze(f"Current term January 1, {year} to December 31, {year} (renewal term 2)") in en


def test_key_terms_have_no_current_term_line_for_a_contract_not_in_force(owner, tmp_path):
    # Given a draft whose dates, had it been signed, would have renewed twice by now
    year = timezone.localdate().year
    contract = make_contract(owner, number="CLM-UNSIGNED-1", effective_date=date(year - 2, 1, 1))

    # Then its PDF shows the term as proposed and no current term: an unsigned contract never renewed
    text = pdf_text(render_contract_pdf(contract, language="en"), tmp_path)
    assert "Current term" not in text
    assert squeeze(f"January 1, {year - 2} to December 31, {year - 2} (initial term 12 months)") in squeeze(text)


def test_chinese_footer_reads_page_x_of_y_and_the_fingerprint_in_chinese(contract, tmp_path):
    pdf = render_contract_pdf(contract, language="zh-hans")
    pages = page_count(pdf, tmp_path)

    last = squeeze(pdf_text(pdf, tmp_path, "-f", str(pages), "-l", str(pages)))
    assert f"第{pages}/{pages}页" in last
    assert f"文件指纹（SHA-256）：{contract_fingerprint(contract)}" in last


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_cover_key_terms_sla_fees_and_signatures_print_what_was_agreed(contract, tmp_path, language):
    text = squeeze(pdf_text(render_contract_pdf(contract, language=language), tmp_path))
    vendor = contract.vendor
    today = timezone.localdate()

    # Both parties' legal identity on the cover
    for value in (vendor.name, vendor.credit_code, "李华", "上海市徐汇区宜山路700号B2栋8楼", "91310115MA1H8K2P7X"):
        assert squeeze(value) in text
    expected = {
        "zh-hans": [
            "生效日期2026年1月1日",
            "约定到期日2026年12月31日",
            f"生成日期{today.year}年{today.month}月{today.day}日",
            "提前30天书面通知。",  # termination notice
            "新价格生效前至少提前90天书面通知。每次涨价幅度不超过5%。",  # no space after a Chinese full stop
            "合同终止后7个工作日内，供应商须向我方交还全部数据。",
            "中国境内（上海）",
            "≥90%",  # SLA target
            "6,500.00",  # fee unit price
            "¥1,560,000.00",  # contract value: ¥ before the amount, as Chinese readers write 人民币
            "（以下无正文）",
            "《2026年度呼叫中心客服外包服务合同》（合同编号CLM-2026-0042）签署部分",
        ],
        "en": [
            "EffectivedateJanuary1,2026",
            "EnddateDecember31,2026",
            "30dayswrittennotice.",
            "Writtennoticeatleast90daysbeforeanewpricetakeseffect.Eachincreaseiscappedat5%.",
            "Thevendorhandsoverallofourdatawithin7workingdaysafterthecontractends.",
            "Feemodel:",
            "Contractvalue:CNY1,560,000.00",
            "≥90%",
            "(Nofurthertext;signaturesfollow.)",
            "SignaturestocontractCLM-2026-0042,“2026年度呼叫中心客服外包服务合同”.",
        ],
    }[language]
    missing = [value for value in expected if value not in text]
    assert not missing, missing


def test_agreed_clauses_print_in_their_order_under_their_category_headings(contract, tmp_path):
    text = squeeze(pdf_text(render_contract_pdf(contract, language="zh-hans"), tmp_path))
    clauses = list(contract.clauses.filter(status="agreed").order_by("order", "id"))

    positions = [text.index(squeeze(f"第 {n} 条")) for n in range(1, len(clauses) + 1)]
    assert positions == sorted(positions)
    for n, clause in enumerate(clauses, start=1):
        assert squeeze(f"第 {n} 条 {clause.title}") in text
        assert squeeze(clause.text)[:30] in text
    assert str(clauses[0].get_category_display()) in text[: positions[0]]


def test_a_terminated_contract_shows_when_and_why_it_ended(contract, owner, tmp_path):
    contract = contract_start_negotiation(contract=contract, by=owner)
    contract.clauses.filter(status="draft").update(status="agreed")
    contract = contract_sign(contract=contract, by=owner, date=date(2025, 12, 20))
    contract = contract_activate(contract=contract, by=owner, date=date(2026, 1, 1))
    contract = contract_terminate(contract=contract, by=owner, date=date(2026, 6, 30), reason="供应商连续三个月未达标")

    zh = squeeze(pdf_text(render_contract_pdf(contract, language="zh-hans"), tmp_path))
    en = squeeze(pdf_text(render_contract_pdf(contract, language="en"), tmp_path))

    assert "终止日期2026年6月30日" in zh
    assert "终止原因供应商连续三个月未达标" in zh
    assert "TerminatedonJune30,2026" in en
    assert "Terminationreason供应商连续三个月未达标" in en


def test_english_names_and_addresses_are_never_hyphenated(owner, tmp_path):
    # Given a vendor whose legal name and address hold words too long for what is left of a line
    name = "Shanghai Telecommunications Internationalization Outsourcing Holdings Group Incorporated Limited"
    address = "Room ABCDEFGHIJKLMNOPQRSTUVWXYZ, Interdepartmental Administration Building, Xuhui District"
    vendor = VendorFactory(name=name, legal_representative="Li Hua", registered_address=address)
    contract = make_contract(owner, number="CLM-HYPHEN-1", vendor=vendor)

    text = pdf_text(render_contract_pdf(contract, language="en"), tmp_path)

    # Then each word stays whole: a break falls between words, never with an inserted hyphen
    assert squeeze(name) in squeeze(text)
    assert squeeze(address) in squeeze(text)
    assert "\u2010" not in text  # the hyphen WeasyPrint inserts when it hyphenates a word


def test_a_long_title_is_shortened_in_the_running_header_and_the_text_map_stays_valid(owner, tmp_path):
    # Given a 200-character title (the longest allowed)
    title = "超长标题的客服外包服务合同" * 15 + "甲乙双方"
    contract = make_contract(owner, number="CLM-LONG-1")
    contract.title = title[:200]
    contract.save(update_fields=["title"])
    path = tmp_path / "long.pdf"
    path.write_bytes(render_contract_pdf(contract, language="zh-hans"))

    # When the text is read back from a later page (the running header only)
    result = subprocess.run(["pdftotext", "-f", "2", "-l", "2", str(path), "-"], capture_output=True, text=True)

    # Then the header holds the title shortened to 48 characters, Django's way, and poppler reads the text map
    # without complaint (an ellipsised header line used to map one glyph to the whole cut title)
    with translation.override("zh-hans"):
        shortened = Truncator(title).chars(48)
    assert len(shortened) == 48 and shortened != title
    assert squeeze(f"{contract.number} {shortened}") in squeeze(result.stdout)
    assert "Illegal entry" not in result.stderr, result.stderr
