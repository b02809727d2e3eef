"""Uploading contract documents: only real files of an allowed type, within the size limit, with their SHA-256."""

import hashlib
import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from contracts.models import Document
from contracts.services.documents import document_upload, sanitize_filename
from tests.factories import ContractFactory

pytestmark = pytest.mark.django_db


def image_bytes(fmt: str) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (40, 30), "white").save(buffer, format=fmt)
    return buffer.getvalue()


def docx_bytes() -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


def xlsx_bytes() -> bytes:
    buffer = io.BytesIO()
    workbook = openpyxl.Workbook()
    workbook.active["A1"] = "坐席服务费"
    workbook.save(buffer)
    return buffer.getvalue()


def upload(name: str, content: bytes, kind: str = Document.Kind.ANNEX):
    contract = ContractFactory()
    return contract, document_upload(
        contract=contract, by=contract.owner, uploaded_file=SimpleUploadedFile(name, content), kind=kind
    )


def upload_error(name: str, content: bytes) -> ValidationError:
    contract = ContractFactory()
    with pytest.raises(ValidationError) as exc:
        document_upload(
            contract=contract, by=contract.owner, uploaded_file=SimpleUploadedFile(name, content), kind="annex"
        )
    assert not Document.objects.filter(contract=contract).exists()
    return exc.value


def test_a_real_pdf_is_stored_with_its_sha256_and_a_content_type_from_the_content():
    content = image_bytes("PDF")

    contract, document = upload("签字版 合同.pdf", content, kind=Document.Kind.SIGNED_SCAN)

    document.refresh_from_db()
    assert document.contract == contract
    assert document.kind == Document.Kind.SIGNED_SCAN
    assert document.sha256 == hashlib.sha256(content).hexdigest()
    assert document.size == len(content)
    assert document.content_type == "application/pdf"
    assert document.uploaded_by == contract.owner
    assert document.original_name == "签字版_合同.pdf"
    with document.file.open("rb") as stored:
        assert stored.read() == content


@pytest.mark.parametrize(
    ("name", "make"),
    [
        ("scan.png", lambda: image_bytes("PNG")),
        ("scan.JPG", lambda: image_bytes("JPEG")),
        ("scan.jpeg", lambda: image_bytes("JPEG")),
        ("annex.docx", docx_bytes),
        ("fees.xlsx", xlsx_bytes),
        ("bundle.zip", docx_bytes),
        ("notes.txt", lambda: "会议纪要：双方同意接通率不低于95%。\n".encode()),
    ],
)
def test_each_allowed_type_is_accepted_when_its_content_matches(name, make):
    _contract, document = upload(name, make())

    assert document.pk is not None


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("contract.pdf", b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 100),
        ("contract.pdf", image_bytes("PNG")),
        ("scan.png", image_bytes("JPEG")),
        ("annex.docx", b"PK\x03\x04 not really a zip"),
        ("fees.xlsx", docx_bytes()),
        ("legacy.doc", image_bytes("PDF")),
        ("notes.txt", image_bytes("PNG")),
        ("notes.txt", b"plain text with a \x00 byte"),
    ],
)
def test_content_that_does_not_match_the_extension_is_refused(name, content):
    error = upload_error(name, content)

    assert error.error_dict["file"][0].code == "content_mismatch"


def test_a_text_file_that_is_not_utf8_is_refused_with_a_clear_reason():
    error = upload_error("notes.txt", "会议纪要".encode("gbk"))

    assert error.error_dict["file"][0].code == "not_utf8"


@pytest.mark.parametrize("name", ["setup.exe", "script.sh", "page.html", "no_extension"])
def test_an_extension_outside_the_allowed_list_is_refused(name):
    error = upload_error(name, b"anything")

    assert error.error_dict["file"][0].code == "extension_not_allowed"


def test_a_file_over_the_size_limit_is_refused(settings):
    settings.DOCUMENT_MAX_BYTES = 1024
    content = image_bytes("PDF") + b"\n%" + b"x" * 2048

    error = upload_error("big.pdf", content)

    assert error.error_dict["file"][0].code == "too_large"
    assert "1.0\xa0KB" in error.error_dict["file"][0].messages[0]


def test_an_empty_file_is_refused():
    error = upload_error("empty.pdf", b"")

    assert error.error_dict["file"][0].code == "empty"


def test_an_unknown_kind_is_a_field_error():
    contract = ContractFactory()

    with pytest.raises(ValidationError) as exc:
        document_upload(
            contract=contract,
            by=contract.owner,
            uploaded_file=SimpleUploadedFile("a.pdf", image_bytes("PDF")),
            kind="selfie",
        )

    assert "kind" in exc.value.error_dict


@pytest.mark.parametrize(
    ("name", "expected"),
    [
        ("../../etc/passwd.pdf", "passwd.pdf"),
        ("C:\\Users\\张三\\合同 终稿.pdf", "合同_终稿.pdf"),
        ("uploads/..", "document.pdf"),
        ("a\x00b\x1f<script>.pdf", "abscript.pdf"),
    ],
)
def test_stored_file_names_are_sanitised_but_keep_chinese(name, expected):
    assert sanitize_filename(name, "pdf") == expected
