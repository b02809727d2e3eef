"""Reading a contract file into a Document: DOCX, PDF with a text layer, or plain text.

The file's type is decided by its content, never by its name: a PDF renamed `.docx` is read as a PDF and a photo
renamed `.pdf` is refused. Everything that could make reading unbounded is checked before the parser sees the bytes:
the file size, and for a DOCX (a ZIP archive) the declared size of every member and their compression ratios, since
zipfile never inflates a member past its declared size. Time and memory limits of the whole read belong to the
caller (a child process), these checks keep a hostile file from reaching them on the cheap.
"""

from __future__ import annotations

import io
import re
import statistics
import unicodedata
import zipfile
from collections import Counter

from .document import Document, DocumentBuilder
from .errors import ExtractionError

DEFAULT_MAX_BYTES = 20 * 1024 * 1024
DEFAULT_MAX_UNCOMPRESSED_BYTES = 100 * 1024 * 1024
# A text-heavy DOCX member compresses about 5-20 times; 200 times only happens with padding built to inflate.
MAX_COMPRESSION_RATIO = 200
# Below this a member's ratio does not matter: it cannot hurt, whatever it inflates to.
RATIO_CHECK_FROM_BYTES = 1024 * 1024
MAX_ZIP_MEMBERS = 5000

OLE2_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
ZIP_SIGNATURES = (b"PK\x03\x04", b"PK\x05\x06")
DOCX_MAIN_PART = "word/document.xml"


def read_document(
    data: bytes,
    filename: str = "",
    *,
    max_bytes: int = DEFAULT_MAX_BYTES,
    max_uncompressed_bytes: int = DEFAULT_MAX_UNCOMPRESSED_BYTES,
) -> Document:
    """Read `data` as a DOCX, a PDF with a text layer or plain text, whichever its content is.

    `filename` is not used to decide the type; it only lets a legacy `.doc` be told apart in the error. Raises
    ExtractionError (too_large, zip_bomb, unsupported_type, corrupt, encrypted, no_text_layer, unknown_encoding,
    empty).
    """
    if len(data) > max_bytes:
        raise ExtractionError("too_large", size=len(data), limit=max_bytes)
    kind = sniff(data)
    if kind == "pdf":
        document = _read_pdf(data)
    elif kind == "docx":
        document = _read_docx(data, max_uncompressed_bytes)
    elif kind == "text":
        document = _read_text(data)
    elif kind == "broken_zip":
        raise ExtractionError("corrupt", detected="zip")
    elif kind == "ole2":
        # A legacy .doc, or a password-protected DOCX: Word stores those as an encrypted OLE2 container.
        if _is_encrypted_ooxml(data):
            raise ExtractionError("encrypted", detected="docx")
        raise ExtractionError("unsupported_type", detected="doc" if filename.lower().endswith(".doc") else "ole2")
    else:
        raise ExtractionError("unsupported_type", detected=kind)
    if not document.text.strip():
        raise ExtractionError("empty")
    return document


def sniff(data: bytes) -> str:
    """What the bytes are: "pdf", "docx", "zip", "broken_zip", "ole2", "text", or "binary"."""
    if data[:1024].lstrip().startswith(b"%PDF-") or b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(ZIP_SIGNATURES):
        try:
            with zipfile.ZipFile(io.BytesIO(data)) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, ValueError, OSError):
            # A ZIP signature on an archive that cannot be opened: a broken Office file, whatever it was meant to be.
            return "docx" if DOCX_MAIN_PART.encode() in data else "broken_zip"
        return "docx" if DOCX_MAIN_PART in names else "zip"
    if data.startswith(OLE2_SIGNATURE):
        return "ole2"
    return "text" if _looks_like_text(data) else "binary"


# --- plain text ---------------------------------------------------------------------------------------------------

UTF16_BOMS = (b"\xff\xfe", b"\xfe\xff")


def _looks_like_text(data: bytes) -> bool:
    """No NUL bytes and few C0 control bytes: what any text file in any 8-bit or multibyte encoding looks like.

    UTF-16 (which is full of NULs) counts as text too, so that it is refused as an encoding, not as a type.
    """
    if data.startswith(UTF16_BOMS):
        return True
    sample = data[:8192]
    if b"\x00" in sample:
        return _looks_like_utf16(sample)
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13))
    return controls <= len(sample) // 100


def _looks_like_utf16(sample: bytes) -> bool:
    even, odd = sample[0::2], sample[1::2]
    return min(even.count(0), odd.count(0)) == 0 and max(even.count(0), odd.count(0)) > len(sample) // 4


def _read_text(data: bytes) -> Document:
    text, encoding = decode_text(data)
    builder = DocumentBuilder(kind="text")
    rows: list[list[str]] = []
    for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n"):
        # Consecutive tab-separated lines are a table, as a spreadsheet or a word processor pastes one.
        if "\t" in line.strip():
            rows.append(line.strip().split("\t"))
            continue
        if rows:
            builder.add_table(rows)
            rows = []
        builder.add_paragraph(line)
    if rows:
        builder.add_table(rows)
    return builder.build(encoding=encoding)


def decode_text(data: bytes) -> tuple[str, str]:
    """The text and its encoding: UTF-8 (with or without BOM) or GB18030, else ExtractionError unknown_encoding.

    GB18030 decodes many byte strings that were never Chinese (Shift-JIS, Big5, Latin-1 with luck), so a GB18030
    reading must also look like Chinese text: common ideographs and punctuation, no private-use or unassigned
    characters, and not a mass of rare ideographs.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        try:
            return data[3:].decode("utf-8"), "utf-8-sig"
        except UnicodeDecodeError as exc:
            raise ExtractionError("unknown_encoding") from exc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError:
        pass
    try:
        text = data.decode("gb18030")
    except UnicodeDecodeError as exc:
        raise ExtractionError("unknown_encoding") from exc
    if not _plausible_chinese(text):
        raise ExtractionError("unknown_encoding")
    return text, "gb18030"


def _plausible_chinese(text: str) -> bool:
    non_ascii = [ch for ch in text if ord(ch) > 127]
    if not non_ascii:
        return True
    for ch in non_ascii:
        if unicodedata.category(ch) in ("Co", "Cn", "Cs", "Cc"):
            return False
    # GB2312, the first level of GB18030, holds the characters ordinary prose uses; a text decoded by mistake is
    # mostly made of the rarer ones beyond it.
    common = sum(1 for ch in non_ascii if _in_gb2312(ch) or unicodedata.category(ch).startswith(("P", "Z")))
    return common >= 0.9 * len(non_ascii)


def _in_gb2312(ch: str) -> bool:
    try:
        ch.encode("gb2312")
    except UnicodeEncodeError:
        return False
    return True


# --- DOCX ---------------------------------------------------------------------------------------------------------


def _check_zip(data: bytes, max_uncompressed_bytes: int) -> None:
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ExtractionError("corrupt", detected="docx") from exc
    if len(members) > MAX_ZIP_MEMBERS:
        raise ExtractionError("zip_bomb", uncompressed=None, limit=max_uncompressed_bytes, ratio=None)
    total = 0
    for member in members:
        total += member.file_size
        ratio = member.file_size / max(member.compress_size, 1)
        if total > max_uncompressed_bytes or (
            member.file_size > RATIO_CHECK_FROM_BYTES and ratio > MAX_COMPRESSION_RATIO
        ):
            raise ExtractionError(
                "zip_bomb",
                uncompressed=sum(m.file_size for m in members),
                limit=max_uncompressed_bytes,
                ratio=round(ratio),
            )


def _is_encrypted_ooxml(data: bytes) -> bool:
    """An encrypted Word file is an OLE2 container holding EncryptionInfo and EncryptedPackage streams."""
    return "EncryptedPackage".encode("utf-16-le") in data


def _read_docx(data: bytes, max_uncompressed_bytes: int) -> Document:
    _check_zip(data, max_uncompressed_bytes)
    import docx
    from docx.table import Table as DocxTable
    from docx.text.paragraph import Paragraph as DocxParagraph

    try:
        word = docx.Document(io.BytesIO(data))
    except MemoryError:  # the caller's memory cap, not a broken file
        raise
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml and zipfile errors on a broken package
        raise ExtractionError("corrupt", detected="docx") from exc
    builder = DocumentBuilder(kind="docx")
    try:
        styles = _DocxStyles(word)
        for block in word.iter_inner_content():
            if isinstance(block, DocxParagraph):
                _add_docx_paragraph(builder, block, styles)
            elif isinstance(block, DocxTable):
                builder.add_table(_docx_rows(block))
    except (KeyError, ValueError, AttributeError, zipfile.BadZipFile) as exc:
        raise ExtractionError("corrupt", detected="docx") from exc
    return builder.build()


HEADING_STYLE = re.compile(r"^(?:heading|标题|標題)\s*(\d)$", re.IGNORECASE)


class _DocxStyles:
    """Style names and boldness by style id, each resolved once: python-docx looks a style up by scanning every
    style of the document on each access, which made a 20-page contract take seconds."""

    def __init__(self, word):
        from docx.enum.style import WD_STYLE_TYPE

        self._by_id = {style.style_id: style for style in word.styles}
        default = word.styles.default(WD_STYLE_TYPE.PARAGRAPH)
        self.default_paragraph = default.style_id if default is not None else None
        self._bold: dict[str | None, bool | None] = {}

    def name(self, style_id: str | None) -> str:
        style = self._by_id.get(style_id)
        return style.name if style is not None and style.name else ""

    def bold(self, style_id: str | None) -> bool | None:
        """The style's own bold setting or the nearest one it inherits; None when no style in the chain sets one."""
        if style_id not in self._bold:
            style, seen, bold = self._by_id.get(style_id), set(), None
            while style is not None and style.style_id not in seen:
                seen.add(style.style_id)
                if style.font.bold is not None:
                    bold = bool(style.font.bold)
                    break
                base = style.element.basedOn_val
                style = self._by_id.get(base) if base else None
            self._bold[style_id] = bold
        return self._bold[style_id]


def _add_docx_paragraph(builder: DocumentBuilder, paragraph, styles: _DocxStyles) -> None:
    text = paragraph.text
    if not text.strip():
        return
    style_id = paragraph._p.style or styles.default_paragraph
    style_name = styles.name(style_id)
    heading_level = None
    match = HEADING_STYLE.match(style_name)
    if match:
        heading_level = int(match.group(1))
    elif style_name in ("Title", "标题", "標題"):
        heading_level = 0
    builder.add_paragraph(
        text,
        bold=_docx_bold(paragraph, styles, style_id),
        heading_level=heading_level,
        list_level=_docx_list_level(paragraph),
        style=style_name,
    )


def _docx_bold(paragraph, styles: _DocxStyles, style_id: str | None) -> bool:
    """Bold when every run that shows text is bold, directly or through its character or paragraph style."""
    runs = [run for run in paragraph.runs if run.text.strip()]
    if not runs:
        return False
    for run in runs:
        bold = run.font.bold
        if bold is None:
            bold = styles.bold(run._r.style)
        if bold is None:
            bold = styles.bold(style_id)
        if not bold:
            return False
    return True


def _docx_list_level(paragraph) -> int | None:
    ppr = paragraph._p.pPr
    if ppr is None or ppr.numPr is None:
        return None
    ilvl = ppr.numPr.ilvl
    return int(ilvl.val) if ilvl is not None else 0


def _docx_rows(table) -> list[list[str]]:
    rows = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            # A merged cell is returned once per grid column it spans; keep it once.
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(cell.text)
        rows.append(cells)
    return rows


# --- PDF ----------------------------------------------------------------------------------------------------------

PAGE_NUMBER = re.compile(
    r"^\s*(?:[-–—]\s*\d+\s*[-–—]|第\s*\d+\s*页(?:\s*[/,，]?\s*共\s*\d+\s*页)?|\d+\s*/\s*\d+|"
    r"page\s+\d+(?:\s+of\s+\d+)?|\d+)\s*$",
    re.IGNORECASE,
)
SENTENCE_END = tuple('。；;：:！!？?」”"')
# Where a line opens a new numbered block, it opens a new paragraph even if the line before ran to the margin.
BLOCK_START = re.compile(
    r"^\s*(?:第[一二三四五六七八九十百零〇两\d]+[条條章节節款]|[一二三四五六七八九十]+[、.．]|[(（][一二三四五六七八九十\d]+[)）]|"
    r"\d+(?:\.\d+)*[.、．]?\s|\d+(?:\.\d+)+|article\s+\d+|section\s+\d+|clause\s+\d+|[甲乙丙]方)",
    re.IGNORECASE,
)


def _read_pdf(data: bytes) -> Document:
    """The text layer page by page, laid out by pdfminer; tables are found by pdfplumber's table finder on the
    ruling lines of the page (pdfplumber's own page reading costs three times as much and adds nothing here)."""
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect

    try:
        pages = _pdf_pages(data)
    except (PDFPasswordIncorrect, PDFEncryptionError) as exc:
        raise ExtractionError("encrypted", detected="pdf") from exc
    except (ExtractionError, MemoryError):  # MemoryError: the caller's memory cap, not a broken file
        raise
    except Exception as exc:  # pdfminer raises its own syntax errors, but also KeyError, TypeError, struct.error ...
        raise ExtractionError("corrupt", detected="pdf") from exc
    if not pages:
        raise ExtractionError("corrupt", detected="pdf")
    if not any(page["lines"] or page["tables"] for page in pages):
        raise ExtractionError("no_text_layer", pages=len(pages))
    repeated = _running_lines(pages)
    builder = DocumentBuilder(kind="pdf")
    pending: list[dict] = []
    for number, page in enumerate(pages, start=1):
        items = [("line", line) for line in page["lines"] if not (line["margin"] and _line_key(line) in repeated)]
        items += [("table", table) for table in page["tables"]]
        items.sort(key=lambda item: item[1]["top"])
        first_on_page = True
        for kind, item in items:
            if kind == "table":
                _flush(builder, pending, number)
                pending = []
                builder.add_table(item["rows"], page=number)
            elif PAGE_NUMBER.match(item["text"]) and item["margin"]:
                continue
            else:
                # A paragraph may run on across a page break: only its line ends and numbering decide there.
                if pending and _starts_paragraph(pending[-1], item, page, first_on_page):
                    _flush(builder, pending, number)
                    pending = []
                pending.append(item)
                first_on_page = False
    _flush(builder, pending, len(pages))
    if not builder.paragraphs:  # nothing but page numbers or a running header: a scan all the same
        raise ExtractionError("no_text_layer", pages=len(pages))
    return builder.build(pages=len(pages))


def _pdf_pages(data: bytes) -> list[dict]:
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LTChar, LTCurve
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    document = PDFDocument(PDFParser(io.BytesIO(data)), password="")
    resources = PDFResourceManager()
    device = PDFPageAggregator(resources, laparams=None)
    interpreter = PDFPageInterpreter(resources, device)
    pages = []
    for page in PDFPage.create_pages(document):
        interpreter.process_page(page)
        layout = device.get_result()
        top = layout.y1
        chars = [
            {"text": item.get_text(), "x0": item.x0, "x1": item.x1, "top": top - item.y1, "bottom": top - item.y0,
             "doctop": top - item.y1, "upright": item.upright, "size": item.size, "fontname": item.fontname}
            for item in layout
            if isinstance(item, LTChar)
        ]  # fmt: skip
        curves = [item for item in layout if isinstance(item, LTCurve)]  # LTRect and LTLine are curves too
        bbox = (0, 0, layout.width, layout.height)
        tables = _tables(chars, curves, top, bbox) if curves else []
        pages.append(_pdf_page({"chars": chars, "width": layout.width, "height": layout.height, "tables": tables}))
    return pages


class _RuledPage:
    """What pdfplumber's TableFinder reads of a page (its ruling lines, characters and box), from pdfminer's
    layout objects in pdfplumber's top-down coordinates."""

    def __init__(self, chars: list[dict], edges: list[dict], bbox: tuple):
        self.chars, self.edges, self.bbox = chars, edges, bbox


def _tables(chars: list[dict], curves: list, top: float, bbox: tuple) -> list[dict]:
    from pdfminer.layout import LTLine, LTRect
    from pdfplumber.table import TableFinder, TableSettings
    from pdfplumber.utils import curve_to_edges, line_to_edge, rect_to_edges

    edges = []
    for item in curves:
        box = {"x0": item.x0, "x1": item.x1, "top": top - item.y1, "bottom": top - item.y0, "doctop": top - item.y1,
               "width": item.width, "height": item.height, "y0": item.y0, "y1": item.y1}  # fmt: skip
        if isinstance(item, LTRect):
            edges += rect_to_edges({**box, "object_type": "rect"})
        elif isinstance(item, LTLine):
            edges.append(line_to_edge({**box, "object_type": "line"}))
        else:
            edges += curve_to_edges({**box, "object_type": "curve", "pts": [(x, top - y) for x, y in item.pts]})
    finder = TableFinder(_RuledPage(chars, edges, bbox), TableSettings.resolve(None))
    return [
        {"top": found.bbox[1], "bbox": found.bbox, "rows": [[cell or "" for cell in row] for row in found.extract()]}
        for found in finder.tables
    ]


def _pdf_page(page: dict) -> dict:
    tables = page["tables"]
    boxes = [table["bbox"] for table in tables]
    chars = [
        ch
        for ch in page["chars"]
        if not any(
            x0 <= (ch["x0"] + ch["x1"]) / 2 <= x1 and top <= (ch["top"] + ch["bottom"]) / 2 <= bottom
            for x0, top, x1, bottom in boxes
        )
    ]
    height = float(page["height"])
    lines = [_pdf_line(line, height) for line in _text_lines(chars)]
    lines = [line for line in lines if line is not None]
    right = max((line["x1"] for line in lines), default=float(page["width"]))
    return {"lines": lines, "tables": tables, "right": right, "height": height}


def _text_lines(chars: list[dict]) -> list[list[dict]]:
    """The page's characters grouped into lines, top to bottom and left to right.

    Text is drawn line by line, so a character starts a new line when it sits clearly lower or higher than the
    line's first one; this is what pdfplumber's line extraction does, without its word clustering (a third of the
    read time of a long contract).
    """
    lines: list[list[dict]] = []
    for ch in sorted(chars, key=lambda c: (round(c["top"]), c["x0"])):
        if lines and abs(ch["top"] - lines[-1][0]["top"]) <= max(ch["size"], 1) * 0.5:
            lines[-1].append(ch)
        else:
            lines.append([ch])
    return [sorted(line, key=lambda c: c["x0"]) for line in lines]


def _pdf_line(chars: list[dict], height: float) -> dict | None:
    visible = [ch for ch in chars if ch["text"].strip()]
    if not visible:
        return None
    text, previous, space = "", None, False
    for ch in chars:
        if not ch["text"].strip():
            space = previous is not None
            continue
        # A drawn space, or a gap wider than a fifth of the font size that the PDF left instead of one.
        if previous is not None and (space or ch["x0"] - previous["x1"] > ch["size"] * 0.2):
            text += " "
        text += ch["text"]
        previous, space = ch, False
    top = min(ch["top"] for ch in visible)
    bottom = max(ch["bottom"] for ch in visible)
    return {
        "text": text.strip(),
        "x0": visible[0]["x0"],
        "x1": visible[-1]["x1"],
        "top": top,
        "bottom": bottom,
        "bold": all(_is_bold_font(ch.get("fontname", "")) for ch in visible),
        "size": statistics.median(ch["size"] for ch in visible),
        "first_width": _first_token_width(visible),
        "margin": top < height * 0.08 or bottom > height * 0.92,
    }


def _is_bold_font(fontname: str) -> bool:
    name = fontname.split("+", 1)[-1].lower()
    return any(word in name for word in ("bold", "heavy", "black", "semibold", "demi"))


def _first_token_width(chars: list[dict]) -> float:
    """The width of the line's first word (a Latin word, or one CJK character), to tell a wrapped line from a
    paragraph's last line: a paragraph ended early if that word would have fit at the end of the line before."""
    first = chars[0]
    end = first["x1"]
    if first["text"].isascii():
        for ch in chars[1:]:
            if not ch["text"].isascii() or ch["x0"] - end > ch["size"] * 0.15:
                break
            end = ch["x1"]
    return end - first["x0"]


def _starts_paragraph(previous: dict, line: dict, page: dict, first_on_page: bool) -> bool:
    if not first_on_page:
        gap = line["top"] - previous["bottom"]
        if gap < -2:  # a line higher than the one before: a new column
            return True
        if gap > max(previous["bottom"] - previous["top"], 1) * 0.8:
            return True
    if line["bold"] != previous["bold"] or abs(line["size"] - previous["size"]) > 0.5:
        return True
    if BLOCK_START.match(line["text"]):
        return True
    return previous["x1"] + line["first_width"] + 2 < page["right"] - 4


def _flush(builder: DocumentBuilder, lines: list[dict], page: int) -> None:
    if not lines:
        return
    text = lines[0]["text"]
    for line in lines[1:]:
        text += ("" if _joins_without_space(text[-1:], line["text"][:1]) else " ") + line["text"]
    builder.add_paragraph(text, bold=all(line["bold"] for line in lines), page=page)


def _joins_without_space(left: str, right: str) -> bool:
    return not left or not right or not (left.isascii() and right.isascii()) or left == "-"


def _line_key(line: dict) -> str:
    return re.sub(r"\d+", "#", line["text"])


def _running_lines(pages: list[dict]) -> set[str]:
    """Headers and footers: margin lines that repeat (digits aside) on at least half of the pages."""
    if len(pages) < 2:
        return set()
    counts = Counter()
    for page in pages:
        # A clause heading that happens to open several pages is content, not a running header.
        for key in {
            _line_key(line) for line in page["lines"] if line["margin"] and not BLOCK_START.match(line["text"])
        }:
            counts[key] += 1
    return {key for key, count in counts.items() if count >= max(2, len(pages) // 2)}
