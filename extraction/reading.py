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
    except Exception as exc:  # python-docx raises KeyError, ValueError, lxml and zipfile errors on a broken package
        raise ExtractionError("corrupt", detected="docx") from exc
    builder = DocumentBuilder(kind="docx")
    try:
        for block in word.iter_inner_content():
            if isinstance(block, DocxParagraph):
                _add_docx_paragraph(builder, block)
            elif isinstance(block, DocxTable):
                builder.add_table(_docx_rows(block))
    except (KeyError, ValueError, AttributeError, zipfile.BadZipFile) as exc:
        raise ExtractionError("corrupt", detected="docx") from exc
    return builder.build()


HEADING_STYLE = re.compile(r"^(?:heading|标题|標題)\s*(\d)$", re.IGNORECASE)


def _add_docx_paragraph(builder: DocumentBuilder, paragraph) -> None:
    text = paragraph.text
    if not text.strip():
        return
    style = paragraph.style
    style_name = style.name if style is not None else ""
    heading_level = None
    match = HEADING_STYLE.match(style_name or "")
    if match:
        heading_level = int(match.group(1))
    elif style_name in ("Title", "标题", "標題"):
        heading_level = 0
    builder.add_paragraph(
        text,
        bold=_docx_bold(paragraph, style),
        heading_level=heading_level,
        list_level=_docx_list_level(paragraph),
        style=style_name or "",
    )


def _docx_bold(paragraph, style) -> bool:
    """Bold when every run that shows text is bold, directly or through its character or paragraph style."""
    style_bold = False
    while style is not None:
        if style.font.bold is not None:
            style_bold = bool(style.font.bold)
            break
        style = style.base_style
    runs = [run for run in paragraph.runs if run.text.strip()]
    if not runs:
        return False
    for run in runs:
        bold = run.bold
        if bold is None and run.style is not None and run.style.font.bold is not None:
            bold = run.style.font.bold
        if bold is None:
            bold = style_bold
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
    import pdfplumber
    from pdfminer.pdfdocument import PDFEncryptionError, PDFPasswordIncorrect
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        pdf = pdfplumber.open(io.BytesIO(data))
    except PdfminerException as exc:
        cause = exc.args[0] if exc.args else exc
        if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
            raise ExtractionError("encrypted", detected="pdf") from exc
        raise ExtractionError("corrupt", detected="pdf") from exc
    except Exception as exc:
        raise ExtractionError("corrupt", detected="pdf") from exc
    with pdf:
        try:
            pages = [_pdf_page(page) for page in pdf.pages]
        except PdfminerException as exc:
            cause = exc.args[0] if exc.args else exc
            if isinstance(cause, PDFPasswordIncorrect | PDFEncryptionError):
                raise ExtractionError("encrypted", detected="pdf") from exc
            raise ExtractionError("corrupt", detected="pdf") from exc
        except Exception as exc:
            raise ExtractionError("corrupt", detected="pdf") from exc
    if not pages:
        raise ExtractionError("corrupt", detected="pdf")
    if not any(page["lines"] or page["tables"] for page in pages):
        raise ExtractionError("no_text_layer", pages=len(pages))
    repeated = _running_lines(pages)
    builder = DocumentBuilder(kind="pdf")
    pending: list[dict] = []
    for number, page in enumerate(pages, start=1):
        items = [("line", line) for line in page["lines"] if _line_key(line) not in repeated or not line["margin"]]
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


def _pdf_page(page) -> dict:
    tables = []
    if page.rects or page.lines:
        for found in page.find_tables():
            rows = [[cell or "" for cell in row] for row in found.extract()]
            tables.append({"top": found.bbox[1], "bbox": found.bbox, "rows": rows})
    boxes = [table["bbox"] for table in tables]

    def outside_tables(obj) -> bool:
        if obj.get("object_type") != "char":
            return True
        x = (obj["x0"] + obj["x1"]) / 2
        y = (obj["top"] + obj["bottom"]) / 2
        return not any(x0 <= x <= x1 and top <= y <= bottom for x0, top, x1, bottom in boxes)

    text_page = page.filter(outside_tables) if boxes else page
    lines = []
    height = float(page.height)
    for line in text_page.extract_text_lines(return_chars=True, keep_blank_chars=False):
        chars = [ch for ch in line["chars"] if ch["text"].strip()]
        if not chars:
            continue
        bold = sum(1 for ch in chars if _is_bold_font(ch.get("fontname", ""))) == len(chars)
        sizes = [ch["size"] for ch in chars]
        lines.append(
            {
                "text": line["text"].strip(),
                "x0": line["x0"],
                "x1": line["x1"],
                "top": line["top"],
                "bottom": line["bottom"],
                "bold": bold,
                "size": statistics.median(sizes),
                "first_width": _first_token_width(chars),
                "margin": line["top"] < height * 0.08 or line["bottom"] > height * 0.92,
            }
        )
    right = max((line["x1"] for line in lines), default=float(page.width))
    return {"lines": lines, "tables": tables, "right": right, "height": height}


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
        for key in {_line_key(line) for line in page["lines"] if line["margin"]}:
            counts[key] += 1
    return {key for key, count in counts.items() if count >= max(2, len(pages) // 2)}
