"""Uploading contract documents (signed scans, annexes, amendments).

A document is evidence: what was signed must be what is stored. So an upload is checked before anything is kept
(core.uploads.check_upload: size, allowed extension, content matching the extension, SHA-256 read in chunks). Callers
decide who may upload (contracts.selectors); core.uploads decides what may be uploaded.
"""

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.http import FileResponse, Http404
from django.utils.translation import gettext as _

from accounts.models import User
from contracts.models import Contract, Document
from core.uploads import ALLOWED_TYPES, check_upload, sanitize_filename, store_upload

__all__ = ["ALLOWED_TYPES", "document_file_response", "document_upload", "sanitize_filename"]


@transaction.atomic
def document_upload(*, contract: Contract, by: User, uploaded_file: UploadedFile, kind: str) -> Document:
    """Check and store one uploaded file for a contract; return the new Document with its SHA-256."""
    if kind not in Document.Kind.values:
        raise ValidationError({"kind": ValidationError(_("Choose a valid document kind."), code="invalid_kind")})
    checked = check_upload(uploaded_file)
    document = Document(
        contract=contract,
        kind=kind,
        original_name=checked.name,
        content_type=checked.content_type,
        size=checked.size,
        sha256=checked.sha256,
        uploaded_by=by,
    )
    document._history_user = by
    store_upload(document, "file", checked)
    return document


def document_file_response(document: Document) -> FileResponse:
    """The stored file as an attachment under its original name; a file lost from storage is a 404, not a 500."""
    try:
        stored = document.file.open("rb")
    except FileNotFoundError:
        raise Http404(_("The stored file of this document is missing; ask an administrator.")) from None
    return FileResponse(stored, as_attachment=True, filename=document.original_name, content_type=document.content_type)
