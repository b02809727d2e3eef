"""The PAdES signature of a contract PDF, by our company's certificate."""

from __future__ import annotations

import io

from django.conf import settings

from contracts.models import Contract
from pdfrender.sandbox import RenderError

from .fingerprint import contract_fingerprint


def sign_pdf(pdf: bytes, *, contract: Contract) -> bytes:
    """A PAdES signature (pyHanko) by our company's certificate: proves who issued the file and that it is unchanged.

    Configured with PDF_SIGNING_CERT and PDF_SIGNING_KEY (PEM files) and PDF_SIGNING_KEY_PASSPHRASE if the key is
    encrypted. A configured but unreadable key or certificate is an error, never a silently unsigned document.
    """
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter
    from pyhanko.sign import fields, signers

    passphrase = settings.PDF_SIGNING_KEY_PASSPHRASE.encode() if settings.PDF_SIGNING_KEY_PASSPHRASE else None
    signer = signers.SimpleSigner.load(settings.PDF_SIGNING_KEY, settings.PDF_SIGNING_CERT, key_passphrase=passphrase)
    if signer is None:
        raise RenderError("the PDF signing key or certificate could not be loaded")
    metadata = signers.PdfSignatureMetadata(
        field_name="CLMSignature",
        subfilter=fields.SigSeedSubFilter.PADES,
        md_algorithm="sha256",
        reason=f"{contract.number} SHA-256 {contract_fingerprint(contract)}",
        name=settings.COMPANY_NAME,
    )
    signed = signers.sign_pdf(IncrementalPdfFileWriter(io.BytesIO(pdf)), metadata, signer=signer)
    return signed.getvalue()
