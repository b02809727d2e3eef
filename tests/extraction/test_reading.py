"""Reading files into a Document: each format, content sniffing, and every way a file is refused."""

import io
import zipfile

import pytest

from extraction import ExtractionError, read_document
from extraction.reading import sniff
from tests.extraction.make_corpus import docx_from_markup, pdf_from_html, zip_bomb_docx

CONTRACT_MARKUP = """# 服务合同
**第一条 服务内容**
乙方提供在线客服服务。
| 费用项目 | 单价 |
| 坐席费 | 300元/席/月 |
**第二条 期限**
自2026年1月1日起至2026年12月31日止。
"""


def error_of(data: bytes, filename: str = "", **limits) -> ExtractionError:
    with pytest.raises(ExtractionError) as caught:
        read_document(data, filename, **limits)
    return caught.value


def test_docx_paragraphs_and_table_rows_come_in_document_order():
    document = read_document(docx_from_markup(CONTRACT_MARKUP), "c.docx")

    texts = [p.text for p in document.paragraphs]
    assert texts == ["服务合同", "第一条 服务内容", "乙方提供在线客服服务。", "费用项目\t单价", "坐席费\t300元/席/月",
                     "第二条 期限", "自2026年1月1日起至2026年12月31日止。"]  # fmt: skip
    assert document.kind == "docx"
    assert document.tables[0].rows == (("费用项目", "单价"), ("坐席费", "300元/席/月"))
    assert [p.table for p in document.paragraphs[3:5]] == [0, 0]


def test_docx_styles_are_kept_bold_and_headings():
    document = read_document(docx_from_markup("# 合同\n## 第一章 总则\n**加粗的标题**\n普通段落"), "c.docx")

    title, heading, bold, plain = document.paragraphs
    assert (title.heading_level, heading.heading_level) == (0, 1)
    assert bold.bold and not plain.bold
    assert plain.heading_level is None


def test_every_paragraph_offset_points_into_the_text():
    document = read_document(docx_from_markup(CONTRACT_MARKUP), "c.docx")

    for paragraph in document.paragraphs:
        assert document.text[paragraph.start : paragraph.end] == paragraph.text


def test_pdf_with_a_text_layer_is_read_with_its_table_and_wrapped_lines_joined():
    long_sentence = "乙方应当按照本合同约定的服务标准，为甲方提供全天候的电话客户服务与在线客户服务。" * 3
    html = f"""<html><head><meta charset="utf-8"></head><body>
    <p><b>第一条 服务内容</b></p><p>{long_sentence}</p>
    <table><tr><th>指标</th><th>目标值</th></tr><tr><td>系统可用性</td><td>≥99.9%</td></tr></table>
    <p>The Customer may terminate this Agreement on thirty (30) days' written notice to the Provider at any time.</p>
    </body></html>"""

    document = read_document(pdf_from_html(html), "c.pdf")

    texts = [p.text for p in document.paragraphs]
    assert texts[0] == "第一条 服务内容"
    assert document.paragraphs[0].bold
    assert texts[1] == long_sentence
    assert texts[2:4] == ["指标\t目标值", "系统可用性\t≥99.9%"]
    assert texts[4].startswith("The Customer may terminate") and texts[4].endswith("at any time.")
    assert document.kind == "pdf" and document.pages == 1


def test_pdf_page_numbers_in_the_footer_are_not_text():
    document = read_document(pdf_from_html("<p>第一条 服务内容</p>"), "c.pdf")

    assert document.text.strip() == "第一条 服务内容"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        ("第一条 服务内容".encode(), "utf-8"),
        (b"\xef\xbb\xbf" + "第一条 服务内容".encode(), "utf-8-sig"),
        ("第一条 服务内容".encode("gb18030"), "gb18030"),
    ],
)
def test_plain_text_in_utf8_with_or_without_bom_and_gb18030(data, encoding):
    document = read_document(data, "c.txt")

    assert document.text.strip() == "第一条 服务内容"
    assert document.encoding == encoding


def test_tab_separated_lines_of_a_text_file_are_a_table():
    document = read_document("费用\n项目\t单价\n坐席费\t300元\n完".encode(), "c.txt")

    assert document.tables[0].rows == (("项目", "单价"), ("坐席费", "300元"))


@pytest.mark.parametrize(
    "data",
    [
        "業務委託契約書、契約期間は一年間とする。".encode("shift_jis"),
        "Résiliation avec préavis de trente jours.".encode("latin-1"),
        "第一条".encode("utf-16"),
        "第一條 服務內容".encode("big5"),
    ],
    ids=["shift_jis", "latin-1", "utf-16", "big5"],
)
def test_text_that_is_neither_utf8_nor_gb18030_is_an_unknown_encoding(data):
    assert error_of(data, "c.txt").code == "unknown_encoding"


def test_the_type_is_read_from_the_content_not_the_name():
    pdf = pdf_from_html("<p>第一条 服务内容</p>")
    docx = docx_from_markup("第一条 服务内容")

    assert read_document(pdf, "renamed.docx").kind == "pdf"
    assert read_document(docx, "renamed.txt").kind == "docx"
    assert sniff(pdf) == "pdf" and sniff(docx) == "docx"


def test_a_picture_named_pdf_is_an_unsupported_type():
    png = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + bytes(range(256)) * 4

    assert error_of(png, "scan.pdf").code == "unsupported_type"


def test_a_spreadsheet_is_not_a_contract_document():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("xl/workbook.xml", "<workbook/>")

    assert error_of(out.getvalue(), "c.docx").code == "unsupported_type"


def test_a_legacy_word_file_is_an_unsupported_type():
    ole2 = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 512

    error = error_of(ole2, "old.doc")
    assert (error.code, error.params) == ("unsupported_type", {"detected": "doc"})


def test_a_password_protected_word_file_is_encrypted():
    container = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 64 + "EncryptedPackage".encode("utf-16-le")

    assert error_of(container, "locked.docx").code == "encrypted"


def test_a_file_over_the_size_limit_is_refused_before_it_is_parsed():
    error = error_of(b"%PDF-1.7" + b" " * 2000, "big.pdf", max_bytes=1000)

    assert (error.code, error.params) == ("too_large", {"size": 2008, "limit": 1000})


def test_a_zip_bomb_disguised_as_docx_is_refused_from_its_declared_sizes():
    error = error_of(zip_bomb_docx(), "bomb.docx")

    assert error.code == "zip_bomb"
    assert error.params["uncompressed"] > error.params["limit"]


def test_a_docx_whose_members_would_unpack_past_the_limit_is_a_zip_bomb():
    docx = docx_from_markup("第一条 服务内容")

    assert error_of(docx, "c.docx", max_uncompressed_bytes=10_000).code == "zip_bomb"


def test_a_highly_compressed_member_is_a_zip_bomb_even_under_the_total_limit():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/document.xml", b" " * (5 * 1024 * 1024))

    error = error_of(out.getvalue(), "c.docx")
    assert error.code == "zip_bomb" and error.params["ratio"] > 200


def test_a_truncated_docx_is_corrupt():
    docx = docx_from_markup("第一条 服务内容")

    assert error_of(docx[: len(docx) // 2], "c.docx").code == "corrupt"


def test_a_docx_without_its_parts_is_corrupt():
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("word/document.xml", "<not-word/>")

    assert error_of(out.getvalue(), "c.docx").code == "corrupt"


def test_a_damaged_pdf_is_corrupt():
    assert error_of(b"%PDF-1.7\n1 0 obj << /Type /Catalog >> endobj\ntrailer garbage", "c.pdf").code == "corrupt"


def test_an_empty_text_file_is_empty():
    assert error_of(b"  \n\n ", "c.txt").code == "empty"


def test_error_codes_are_checked():
    with pytest.raises(ValueError):
        ExtractionError("no_such_code")
