"""Reading a contract file as one job for a sandboxed child process (pdfrender.sandbox.run_isolated).

The child sends back plain dataclasses; a file the engine refuses comes back as a `Refused` value rather than as a
raised ExtractionError, so the caller learns its code and parameters (the sandbox reports any exception as text).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from .document import Document
from .errors import ExtractionError
from .reading import read_document
from .results import Proposal
from .segment import Clause, segment
from .terms import extract_terms


@dataclass(frozen=True)
class Reading:
    document: Document
    clauses: list[Clause]
    proposal: Proposal


@dataclass(frozen=True)
class Refused:
    code: str
    params: dict[str, Any]


def read_contract(data: bytes, filename: str, max_bytes: int) -> Reading | Refused:
    """The document, its clauses and the proposed terms; Refused(code, params) for a file that cannot be read."""
    try:
        document = read_document(data, filename, max_bytes=max_bytes)
    except ExtractionError as error:
        return Refused(error.code, dict(error.params))
    clauses = segment(document)
    return Reading(document, clauses, extract_terms(document, clauses))
