"""Reading a signed contract: its text, its clauses and the structured terms it states. No Django, no app.

    document = read_document(data, filename, max_bytes=..., max_uncompressed_bytes=...)   # or ExtractionError
    clauses = segment(document)                                                             # [Clause]
    proposal = extract_terms(document, clauses)                                             # Proposal
    mentions = find_term_mentions(clause.text)                                              # [Mention]

Every value carries the sentence it came from and that sentence's span in `document.text`; a field nothing states
is None and listed in `proposal.not_found`. Errors carry a code and parameters, never a worded message.
"""

from .document import Document, Paragraph, Table
from .errors import ExtractionError
from .mentions import Mention, find_term_mentions
from .reading import read_document
from .results import Extracted, FeeItem, Proposal, SLATarget
from .segment import Clause, segment
from .terms import FIELDS, extract_terms

__all__ = [
    "FIELDS",
    "Clause",
    "Document",
    "Extracted",
    "ExtractionError",
    "FeeItem",
    "Mention",
    "Paragraph",
    "Proposal",
    "SLATarget",
    "Table",
    "extract_terms",
    "find_term_mentions",
    "read_document",
    "segment",
]
