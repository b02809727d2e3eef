"""Optional PAdES signature: with a certificate and key configured, poppler's pdfsig finds a valid signature."""

import subprocess

import pytest

from pdf.rendering import render_contract_pdf


@pytest.fixture
def signing_key(tmp_path, settings):
    key, cert = tmp_path / "key.pem", tmp_path / "cert.pem"
    subprocess.run(
        ["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes", "-keyout", str(key), "-out", str(cert),
         "-days", "30", "-subj", "/CN=clm test signer/O=Demo"],
        check=True, capture_output=True,
    )  # fmt: skip
    settings.PDF_SIGNING_CERT, settings.PDF_SIGNING_KEY = str(cert), str(key)


def pdfsig(pdf: bytes, tmp_path) -> str:
    path = tmp_path / "signed.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(["pdfsig", str(path)], capture_output=True, text=True)
    return result.stdout + result.stderr


def test_with_a_key_configured_the_pdf_carries_a_valid_signature_over_the_whole_file(contract, signing_key, tmp_path):
    pdf = render_contract_pdf(contract, language="zh-hans")

    report = pdfsig(pdf, tmp_path)
    assert "Signature Validation: Signature is Valid." in report
    assert "Total document signed" in report
    assert "clm test signer" in report


def test_a_signed_pdf_changed_afterwards_no_longer_validates(contract, signing_key, tmp_path):
    pdf = bytearray(render_contract_pdf(contract, language="en"))
    position = pdf.index(b"/Producer")
    pdf[position + 1 : position + 9] = b"Tampered"

    assert "Signature is Valid." not in pdfsig(bytes(pdf), tmp_path)


def test_without_a_key_the_pdf_is_not_signed(contract, tmp_path):
    assert "Signature is Valid" not in pdfsig(render_contract_pdf(contract, language="en"), tmp_path)
