"""Splitting a contract into clauses: every numbering style, bold and styled headings, and categories."""

import pytest

from extraction import read_document, segment
from extraction.segment import categorize
from tests.extraction.make_corpus import docx_from_markup


def clauses_of_text(text: str):
    return segment(read_document(text.encode(), "c.txt"))


def summary(clauses):
    return [(c.number, c.title, c.category) for c in clauses]


@pytest.mark.parametrize(
    ("first", "second", "numbers"),
    [
        ("第一条 服务内容", "第二条 费用", ["第一条", "第二条"]),
        ("第一條 服務內容", "第二條 費用", ["第一條", "第二條"]),
        ("第1条 服务内容", "第2条 费用", ["第1条", "第2条"]),
        ("一、服务内容", "二、费用", ["一", "二"]),
        ("（一）服务内容", "（二）费用", ["（一）", "（二）"]),
        ("1. 服务内容", "2. 费用", ["1", "2"]),
        ("1、服务内容", "2、费用", ["1", "2"]),
        ("1.1 服务内容", "1.2 费用", ["1.1", "1.2"]),
        ("Article 1 Services", "Article 2 Fees", ["Article 1", "Article 2"]),
        ("ARTICLE I SERVICES", "ARTICLE II FEES", ["ARTICLE I", "ARTICLE II"]),
        ("Section 1. Services", "Section 2. Fees", ["Section 1", "Section 2"]),
    ],
)
def test_each_numbering_style_opens_clauses(first, second, numbers):
    clauses = clauses_of_text(f"合同\n甲方：某公司\n{first}\n乙方提供客服服务。\n{second}\n甲方按月付款。\n")

    assert [c.number for c in clauses] == numbers
    assert [c.text for c in clauses] == ["乙方提供客服服务。", "甲方按月付款。"]


def test_a_list_inside_a_clause_is_not_a_clause_of_its_own():
    clauses = clauses_of_text(
        "1. 服务内容\n乙方负责：\n1. 热线接听；\n2. 工单处理；\n3. 回访。\n2. 费用\n按月结算。\n3. 期限\n一年。\n"
    )

    assert summary(clauses) == [("1", "服务内容", "scope"), ("2", "费用", "fees"), ("3", "期限", "term_renewal")]
    assert "2. 工单处理" in clauses[0].text


def test_the_top_style_wins_over_the_items_inside():
    clauses = clauses_of_text("一、服务内容\n1. 热线\n2. 在线\n二、费用\n1. 按月\n2. 按季\n")

    assert [c.number for c in clauses] == ["一", "二"]


def test_a_heading_with_its_text_in_one_paragraph_is_split_into_title_and_text():
    clauses = clauses_of_text("第一条 保密条款：乙方应对甲方资料保密。\n第二条 乙方应按时提交报表。\n")

    assert [(c.title, c.text) for c in clauses] == [
        ("保密条款", "乙方应对甲方资料保密。"),
        ("", "乙方应按时提交报表。"),
    ]


def test_an_english_heading_with_its_text_in_one_paragraph():
    clauses = clauses_of_text("1. Fees and Payment. The Customer pays monthly.\n2. Term. One year.\n")

    assert [(c.title, c.text) for c in clauses] == [
        ("Fees and Payment", "The Customer pays monthly."),
        ("Term", "One year."),
    ]


def test_bold_headings_without_numbers_are_clauses_and_the_title_is_not():
    document = read_document(
        docx_from_markup("**服务协议**\n甲方：某公司\n**服务内容**\n文字一\n**费用**\n文字二"), "c.docx"
    )

    assert summary(segment(document)) == [("", "服务内容", "scope"), ("", "费用", "fees")]


def test_word_heading_styles_are_headings():
    document = read_document(docx_from_markup("# 协议\n## 服务范围\n文字一\n## 违约责任\n文字二"), "c.docx")

    assert summary(segment(document)) == [("", "服务范围", "scope"), ("", "违约责任", "liability")]


def test_the_signature_block_is_not_part_of_the_last_clause():
    clauses = clauses_of_text(
        "第一条 服务内容\n文字。\n第二条 其他\n本合同一式两份。\n甲方（盖章）：\n乙方（盖章）：\n"
    )

    assert clauses[-1].text == "本合同一式两份。"


def test_an_annex_after_the_last_clause_is_a_clause_of_its_own():
    clauses = clauses_of_text("第一条 服务内容\n文字。\n第二条 其他\n文字。\n附件一：服务价格表\n坐席费300元/席/月\n")

    assert [c.number for c in clauses] == ["第一条", "第二条", "附件一"]
    assert clauses[-1].category == "fees"


def test_a_clause_span_covers_its_heading_and_text():
    document = read_document("前言\n第一条 服务内容\n乙方提供服务。\n第二条 费用\n按月。\n".encode(), "c.txt")

    first = segment(document)[0]
    assert document.text[first.start : first.end] == "第一条 服务内容\n乙方提供服务。"


def test_a_text_without_structure_has_no_clauses():
    assert clauses_of_text("这是一段没有条款编号的文字。\n另一段文字。\n") == []


@pytest.mark.parametrize(
    ("title", "category"),
    [
        ("服务范围", "scope"),
        ("服務範圍", "scope"),
        ("Scope of Services", "scope"),
        ("服务水平", "sla"),
        ("服務水準", "sla"),
        ("Service Levels", "sla"),
        ("人员配置", "staffing"),
        ("Staffing", "staffing"),
        ("数据安全与保密", "data_security"),
        ("資料保護", "data_security"),
        ("Confidentiality", "data_security"),
        ("费用与支付", "fees"),
        ("費用", "fees"),
        ("Fees and Payment", "fees"),
        ("价格调整", "price_adjustment"),
        ("價格調整", "price_adjustment"),
        ("Price Adjustment", "price_adjustment"),
        ("期限与续约", "term_renewal"),
        ("合約期間", "term_renewal"),
        ("Term and Renewal", "term_renewal"),
        ("合同解除", "termination"),
        ("合約終止", "termination"),
        ("Termination", "termination"),
        ("数据交接", "data_handover"),
        ("資料返還", "data_handover"),
        ("Exit Assistance", "data_handover"),
        ("违约责任", "liability"),
        ("違約責任", "liability"),
        ("Limitation of Liability", "liability"),
        ("争议解决", "dispute"),
        ("爭議處理", "dispute"),
        ("Governing Law", "dispute"),
        ("合规与资质", "compliance"),
        ("Compliance", "compliance"),
        ("不可抗力", "force_majeure"),
        ("Force Majeure", "force_majeure"),
        ("定义", "other"),
        ("Notices", "other"),
    ],
)
def test_a_title_decides_the_category_in_simplified_traditional_and_english(title, category):
    assert categorize(title, "") == category


def test_the_title_wins_over_the_words_of_the_text():
    assert categorize("违约责任", "甲方可提前三十日书面通知解除本合同。") == "liability"


def test_the_text_decides_when_the_title_says_nothing():
    assert categorize("", "合同终止后五个工作日内，乙方应将全部数据移交甲方。") == "data_handover"
    assert categorize("数据", "数据应存储于中国境内。") == "data_security"
    assert categorize("第五条", "") == "other"


def test_a_keyword_inside_a_longer_one_does_not_count():
    assert categorize("价格调整", "") == "price_adjustment"
