"""Checking an uploaded file before anything is kept: its size, an allowed extension, and content that really is what
the extension says (an executable renamed `.pdf` or a photo saved as `.pdf` is refused). The SHA-256 is computed
while reading, in chunks, so a copy can later be proved identical.

Contract documents (contracts.services.documents) and the evidence of a completed obligation (obligations.actions)
are checked by the same function, `check_upload`, and stored with `store_upload`.
"""

import codecs
import hashlib
import os
import unicodedata
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass

import filetype
from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation, ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db import models
from django.template.defaultfilters import filesizeformat
from django.utils.text import get_valid_filename
from django.utils.translation import gettext as _

from core.formatting import join_list

SNIFF_BYTES = 8192
OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURE = b"PK\x03\x04"

# Extension -> the content type we store (never the browser's claim).
ALLOWED_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpg": "image/jpeg",
    "jpeg": "image/jpeg",
    "doc": "application/msword",
    "xls": "application/vnd.ms-excel",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "txt": "text/plain",
    "zip": "application/zip",
}
# For binary formats: what `filetype` must recognise in the first bytes.
SNIFFED_AS = {"pdf": "pdf", "png": "png", "jpg": "jpg", "jpeg": "jpg"}
# Office Open XML files are ZIP archives; this part must be inside.
OOXML_MAIN_PART = {"docx": "word/document.xml", "xlsx": "xl/workbook.xml"}

MAX_NAME_LENGTH = 150


def _file_error(message: str, code: str, **params: object) -> ValidationError:
    return ValidationError({"file": ValidationError(message, code=code, params=params or None)})


def sanitize_filename(name: str | None, extension: str) -> str:
    """A safe file name that keeps the user's words (Chinese included): no path, no control or shell characters."""
    base = os.path.basename((name or "").replace("\\", "/"))
    base = "".join(ch for ch in unicodedata.normalize("NFC", base) if unicodedata.category(ch)[0] != "C")
    stem = os.path.splitext(base)[0].strip(" .")
    try:
        stem = get_valid_filename(stem) if stem else ""
    except SuspiciousFileOperation:  # nothing usable left, e.g. "..": fall back to a neutral name
        stem = ""
    stem = stem.lstrip(".-")[: MAX_NAME_LENGTH - len(extension) - 1] or "document"
    return f"{stem}.{extension}"


def _extension(name: str | None) -> str:
    return os.path.splitext(name or "")[1].lower().lstrip(".")


def _read_all(uploaded_file: UploadedFile) -> Iterable[bytes]:
    uploaded_file.seek(0)
    yield from uploaded_file.chunks()


def _check_content(uploaded_file: UploadedFile, extension: str, head: bytes) -> None:
    """Refuse content that does not match the extension."""
    mismatch = _file_error(
        _("The content of this file is not a .%(extension)s file. Upload the original document."),
        "content_mismatch",
        extension=extension,
    )
    if extension in SNIFFED_AS:
        kind = filetype.guess(head)
        if kind is None or kind.extension != SNIFFED_AS[extension]:
            raise mismatch
    elif extension in ("doc", "xls"):
        if not head.startswith(OLE2_SIGNATURE):
            raise mismatch
    elif extension in ("docx", "xlsx", "zip"):
        if not head.startswith(ZIP_SIGNATURE):
            raise mismatch
        uploaded_file.seek(0)
        try:
            with zipfile.ZipFile(uploaded_file) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError):
            raise mismatch from None
        if extension in OOXML_MAIN_PART and (
            "[Content_Types].xml" not in names or OOXML_MAIN_PART[extension] not in names
        ):
            raise mismatch
    elif extension == "txt":
        if filetype.guess(head) is not None:
            raise mismatch
        decoder = codecs.getincrementaldecoder("utf-8")()
        try:
            for chunk in _read_all(uploaded_file):
                if b"\x00" in chunk:
                    raise mismatch
                decoder.decode(chunk)
            decoder.decode(b"", final=True)
        except UnicodeDecodeError:
            raise _file_error(
                _("A text file must be encoded as UTF-8. Save it as UTF-8 and upload it again."), "not_utf8"
            ) from None


def _sha256(uploaded_file: UploadedFile) -> tuple[str, int]:
    digest = hashlib.sha256()
    size = 0
    for chunk in _read_all(uploaded_file):
        digest.update(chunk)
        size += len(chunk)
    return digest.hexdigest(), size


@dataclass(frozen=True)
class CheckedUpload:
    """What `check_upload` found: the file as it will be stored."""

    file: UploadedFile
    name: str
    content_type: str
    size: int
    sha256: str


def check_upload(uploaded_file: UploadedFile | None, *, field: str = "file") -> CheckedUpload:
    """Refuse a file that is missing, empty, too large, of a type not allowed, or not what its extension says
    (a ValidationError on `field`); return its safe name, stored content type, size and SHA-256."""
    try:
        return _check(uploaded_file)
    except ValidationError as exc:
        if field == "file":
            raise
        raise ValidationError({field: exc.error_dict["file"]}) from None


def _check(uploaded_file: UploadedFile | None) -> CheckedUpload:
    if uploaded_file is None:
        raise _file_error(_("Choose a file to upload."), "required")
    limit = settings.DOCUMENT_MAX_BYTES
    if uploaded_file.size is not None and uploaded_file.size > limit:
        raise _file_error(
            _("This file is %(size)s; files up to %(limit)s are accepted."),
            "too_large",
            size=filesizeformat(uploaded_file.size),
            limit=filesizeformat(limit),
        )
    extension = _extension(uploaded_file.name)
    if extension not in ALLOWED_TYPES:
        raise _file_error(
            _("Files of this type cannot be uploaded. Allowed types: %(allowed)s."),
            "extension_not_allowed",
            allowed=join_list(sorted(ALLOWED_TYPES)),
        )
    uploaded_file.seek(0)
    head = uploaded_file.read(SNIFF_BYTES)
    if not head:
        raise _file_error(_("The file is empty."), "empty")
    _check_content(uploaded_file, extension, head)

    sha256, size = _sha256(uploaded_file)
    if size > limit:
        raise _file_error(
            _("This file is %(size)s; files up to %(limit)s are accepted."),
            "too_large",
            size=filesizeformat(size),
            limit=filesizeformat(limit),
        )
    return CheckedUpload(
        file=uploaded_file,
        name=sanitize_filename(uploaded_file.name, extension),
        content_type=ALLOWED_TYPES[extension],
        size=size,
        sha256=sha256,
    )


def store_upload(instance: models.Model, field: str, checked: CheckedUpload) -> None:
    """Write the checked file into `instance`'s file field and save the row; a failed save leaves no file behind."""
    checked.file.seek(0)
    stored = getattr(instance, field)
    stored.save(checked.name, checked.file, save=False)
    try:
        instance.save()
    except Exception:
        stored.delete(save=False)
        raise
