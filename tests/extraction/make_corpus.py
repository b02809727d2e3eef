"""Builds the test contracts of tests/extraction/corpus/ from their sources, and the hostile files.

    .venv/bin/python -m tests.extraction.make_corpus

Each contract folder holds its source (source.md for Word, source.html for PDF, source.txt for plain text), the
generated file named in its expected.json, and expected.json itself. The generated files are committed, so the tests
read the same bytes every time; run this again only after changing a source.

source.md is a small markup for Word: "# " a Title, "## " a Heading 1, "**...**" a bold paragraph, "| a | b |" lines
a table, any other non-blank line a paragraph.
"""

from __future__ import annotations

import datetime
import io
import json
import sys
import zipfile
from pathlib import Path

CORPUS = Path(__file__).resolve().parent / "corpus"
FIXED_TIME = datetime.datetime(2026, 1, 1, tzinfo=datetime.UTC)
PDF_STYLE = """
@page { size: A4; margin: 2cm 2.2cm; @bottom-center { content: counter(page) " / " counter(pages); font-size: 9pt; } }
body { font-family: "Noto Sans CJK SC", "Noto Sans CJK TC", sans-serif; font-size: 10.5pt; line-height: 1.5; }
h1 { font-size: 16pt; text-align: center; }
h2 { font-size: 11.5pt; margin: 1em 0 0.3em; }
table { border-collapse: collapse; margin: 0.5em 0; }
th, td { border: 0.6pt solid #333; padding: 3pt 6pt; text-align: left; }
"""


def docx_from_markup(markup: str) -> bytes:
    import docx

    document = docx.Document()
    properties = document.core_properties
    properties.created = properties.modified = properties.last_printed = FIXED_TIME
    properties.author = properties.last_modified_by = "clm tests"
    table_rows: list[list[str]] = []

    def flush_table():
        if not table_rows:
            return
        table = document.add_table(rows=len(table_rows), cols=max(len(r) for r in table_rows))
        table.style = "Table Grid"
        for row, cells in zip(table.rows, table_rows, strict=True):
            for cell, text in zip(row.cells, cells, strict=False):
                cell.text = text
        table_rows.clear()

    for line in markup.splitlines():
        stripped = line.strip()
        if stripped.startswith("|"):
            table_rows.append([cell.strip() for cell in stripped.strip("|").split("|")])
            continue
        flush_table()
        if not stripped:
            continue
        if stripped.startswith("# "):
            document.add_heading(stripped[2:], level=0)
        elif stripped.startswith("## "):
            document.add_heading(stripped[3:], level=1)
        elif stripped.startswith("**") and stripped.endswith("**"):
            document.add_paragraph().add_run(stripped[2:-2]).bold = True
        else:
            document.add_paragraph(stripped)
    flush_table()
    out = io.BytesIO()
    document.save(out)
    return _fixed_zip_times(out.getvalue())


def _fixed_zip_times(data: bytes) -> bytes:
    """The same source gives the same bytes: every member gets one fixed timestamp."""
    source = zipfile.ZipFile(io.BytesIO(data))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            fixed = zipfile.ZipInfo(info.filename, date_time=(2026, 1, 1, 0, 0, 0))
            fixed.compress_type = zipfile.ZIP_DEFLATED
            target.writestr(fixed, source.read(info.filename))
    return out.getvalue()


def pdf_from_html(html: str, style: str = PDF_STYLE) -> bytes:
    import weasyprint

    return weasyprint.HTML(string=html).write_pdf(stylesheets=[weasyprint.CSS(string=style)])


def build_contract(folder: Path) -> None:
    spec = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    source = (folder / spec["source"]).read_text(encoding="utf-8")
    target = folder / spec["file"]
    if target.suffix == ".docx":
        target.write_bytes(docx_from_markup(source))
    elif target.suffix == ".pdf":
        target.write_bytes(pdf_from_html(source))
    else:
        target.write_bytes(source.encode(spec.get("encoding", "utf-8")))


def scanned_pdf(text: str) -> bytes:
    """A page that is only a picture of text, as a scanner makes it: no text layer."""
    import base64

    from PIL import Image, ImageDraw, ImageFont

    image = Image.new("L", (1240, 1754), 255)
    draw = ImageDraw.Draw(image)
    font = ImageFont.truetype("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", 30)
    for row, line in enumerate(text.splitlines()):
        draw.text((100, 120 + row * 52), line, fill=0, font=font)
    png = io.BytesIO()
    image.save(png, "PNG")
    encoded = base64.b64encode(png.getvalue()).decode()
    html = f'<html><body style="margin:0"><img src="data:image/png;base64,{encoded}" style="width:100%"></body></html>'
    return pdf_from_html(html, style="@page { size: A4; margin: 0 }")


def encrypted_pdf(html: str) -> bytes:
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    writer = copy_into_new_writer(PdfFileReader(io.BytesIO(pdf_from_html(html))))
    writer.encrypt("owner-2026", "open-sesame")
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def zip_bomb_docx() -> bytes:
    """A valid-looking Word package whose document part inflates to 512 MB of spaces from about 500 KB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        archive.writestr(zipfile.ZipInfo("[Content_Types].xml", (2026, 1, 1, 0, 0, 0)), "<Types/>")
        info = zipfile.ZipInfo("word/document.xml", (2026, 1, 1, 0, 0, 0))
        info.compress_type = zipfile.ZIP_DEFLATED
        with archive.open(info, "w", force_zip64=True) as member:
            chunk = b" " * (1024 * 1024)
            for _ in range(512):
                member.write(chunk)
    return out.getvalue()


def build_hostile() -> None:
    folder = CORPUS / "hostile"
    folder.mkdir(exist_ok=True)
    sample = (CORPUS / "c01_callcenter_software_zh" / "contract.docx").read_bytes()
    (folder / "zip_bomb.docx").write_bytes(zip_bomb_docx())
    (folder / "encrypted.pdf").write_bytes(encrypted_pdf((folder / "encrypted_source.html").read_text("utf-8")))
    (folder / "corrupt.docx").write_bytes(sample[: len(sample) // 2])
    (folder / "not_word.docx").write_bytes(b"PK\x03\x04" + b"\x00" * 26 + b"garbage that is no archive at all")
    text = (folder / "undecodable_source.txt").read_text("utf-8")
    (folder / "undecodable.txt").write_bytes(text.encode("shift_jis"))
    (folder / "latin1.txt").write_bytes(
        "Contrat de services: résiliation avec préavis de trente jours.".encode("latin-1")
    )
    png = io.BytesIO()
    from PIL import Image

    Image.new("RGB", (40, 40), (200, 30, 30)).save(png, "PNG")
    (folder / "photo.pdf").write_bytes(png.getvalue())
    scan = (CORPUS / "c12_scanned_zh" / "scan_source.txt").read_text("utf-8")
    (CORPUS / "c12_scanned_zh" / "contract.pdf").write_bytes(scanned_pdf(scan))


def main(argv: list[str]) -> int:
    for folder in sorted(p for p in CORPUS.rglob("expected.json")):
        spec = json.loads(folder.read_text(encoding="utf-8"))
        if "source" in spec:
            build_contract(folder.parent)
            print("built", folder.parent.relative_to(CORPUS))
    build_hostile()
    print("built hostile files")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
