"""What a read contract is: its text, in document order, as paragraphs and table rows with their offsets.

Every later step (clauses, terms, mentions) points back into `Document.text` by character offsets, so the review page
can highlight the exact sentence a value came from. Table rows are lines of that text too: their cells are joined
by a tab, so a fee or SLA table reads in the same order as it sits between the paragraphs.
"""

from __future__ import annotations

from dataclasses import dataclass, field

CELL_SEPARATOR = "\t"


@dataclass(frozen=True)
class Paragraph:
    """One block of the text: a paragraph, or one row of a table (`table` is then its index in Document.tables).

    `start`/`end` are offsets into Document.text; `bold` means every visible character is bold; `heading_level` is
    set for paragraphs styled as a heading (Word's Heading N, Title = 0) and `list_level` for Word's own automatic
    numbering, whose numbers are not part of the text.
    """

    text: str
    start: int
    end: int
    bold: bool = False
    heading_level: int | None = None
    list_level: int | None = None
    style: str = ""
    table: int | None = None
    cells: tuple[str, ...] = ()
    page: int | None = None


@dataclass(frozen=True)
class Table:
    """A table as rows of cell texts (merged cells appear once), and where its rows sit in Document.text."""

    rows: tuple[tuple[str, ...], ...]
    start: int
    end: int


@dataclass(frozen=True)
class Document:
    """A readable contract: `kind` is "docx", "pdf" or "text"; `encoding` is set for plain text."""

    text: str
    paragraphs: tuple[Paragraph, ...]
    tables: tuple[Table, ...]
    kind: str
    pages: int | None = None
    encoding: str | None = None


@dataclass
class DocumentBuilder:
    """Collects blocks in reading order and computes their offsets in the joined text."""

    kind: str
    paragraphs: list[Paragraph] = field(default_factory=list)
    tables: list[Table] = field(default_factory=list)
    _parts: list[str] = field(default_factory=list)
    _length: int = 0

    def add_paragraph(self, text: str, **style) -> None:
        text = _clean(text)
        if not text.strip():
            return
        self.paragraphs.append(Paragraph(text=text, start=self._length, end=self._length + len(text), **style))
        self._append(text)

    def add_table(self, rows: list[list[str]], page: int | None = None) -> None:
        cleaned = [tuple(_clean(cell).replace("\n", " ").strip() for cell in row) for row in rows]
        cleaned = [row for row in cleaned if any(row)]
        if not cleaned:
            return
        index = len(self.tables)
        start = self._length
        for row in cleaned:
            line = CELL_SEPARATOR.join(row)
            self.paragraphs.append(
                Paragraph(
                    text=line, start=self._length, end=self._length + len(line), table=index, cells=row, page=page
                )
            )
            self._append(line)
        self.tables.append(Table(rows=tuple(cleaned), start=start, end=self._length - 1))

    def build(self, *, pages: int | None = None, encoding: str | None = None) -> Document:
        return Document(
            text="".join(self._parts),
            paragraphs=tuple(self.paragraphs),
            tables=tuple(self.tables),
            kind=self.kind,
            pages=pages,
            encoding=encoding,
        )

    def _append(self, text: str) -> None:
        self._parts.append(text + "\n")
        self._length += len(text) + 1


def _clean(text: str) -> str:
    """Tabs belong to table rows only; other control characters (Word's soft breaks, NULs) would shift nothing but
    confuse the patterns, so they become spaces (one for one, offsets stay valid)."""
    return "".join(" " if (ord(ch) < 32 and ch != "\n") or ch == "\x7f" else ch for ch in text).strip()
