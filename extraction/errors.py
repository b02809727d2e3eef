"""The one error a caller of the extraction engine has to handle.

A file that cannot be read is the user's problem to fix (a scan, a password, a wrong file), so the engine never
words the message itself: it names a stable `code` and the numbers behind it in `params`, and the Django layer turns
them into a sentence in the reader's language.
"""

from __future__ import annotations

from typing import Any

# Every code the engine raises, with the parameters each carries.
CODES = {
    "too_large": ("size", "limit"),  # the file itself is over max_bytes
    "zip_bomb": ("uncompressed", "limit", "ratio"),  # a DOCX whose unpacked members would exceed the limits
    "unsupported_type": ("detected",),  # content that is none of DOCX, PDF or plain text (whatever its name)
    "corrupt": ("detected",),  # looks like DOCX or PDF but cannot be parsed
    "encrypted": ("detected",),  # needs a password (PDF) or is an encrypted Office container (DOCX)
    "no_text_layer": ("pages",),  # a PDF whose pages carry no text: a scan; OCR is out of scope
    "unknown_encoding": (),  # plain text that is neither UTF-8 nor GB18030
    "empty": (),  # readable, but holds no text at all
}


class ExtractionError(Exception):
    """A document that cannot be read, as a machine code plus the parameters a message needs."""

    def __init__(self, code: str, **params: Any) -> None:
        if code not in CODES:
            raise ValueError(f"unknown extraction error code {code!r}")
        self.code = code
        self.params = params
        super().__init__(code if not params else f"{code} {params}")
