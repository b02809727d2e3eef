"""The renderer's stand-ins for parts of WeasyPrint (pdfrender.tuning) save time and memory, never content.

A contract rendered with them and with WeasyPrint as released must hold the same PDF streams once decompressed:
the same page drawings, the same embedded font programs byte for byte, the same text maps. Only the compression of
those streams may differ. When an upgrade of WeasyPrint, pydyf or HarfBuzz breaks this, the stand-ins must go.
"""

import re
import zlib

import pytest
from weasyprint.pdf.fonts import Font

from contracts.services.clauses import clause_create
from pdf.document import contract_document_html
from pdf.rendering import pdf_static_assets
from pdfrender.sandbox import render_in_process
from pdfrender.tuning import stock_weasyprint

# Chinese text in the CFF font Noto Sans CJK, Latin text and a symbol: the stand-ins' own paths through the font code.
MIXED_TEXT = "乙方应在五个工作日内交付全部数据 (data handover)，机房温度不高于 25℃。"
# A code point that no font has: WeasyPrint draws a missing-character box and subsets that font its own way.
NO_FONT_HAS_IT = "\U0010fffd"


def _streams(pdf: bytes) -> list[bytes]:
    """Every stream in the file but the cross-reference table, decompressed, in a stable order. (The table lists
    byte offsets, which move with the compressed size of the streams before them.)"""
    streams = []
    for match in re.finditer(rb"\d+ 0 obj\s*(<<.*?>>)\s*stream\r?\n", pdf, re.DOTALL):
        dictionary = match[1]
        if b"/XRef" in dictionary:
            continue
        length = int(re.search(rb"/Length (\d+)", dictionary)[1])
        streams.append(zlib.decompress(pdf[match.end() : match.end() + length]))
    assert len(streams) > 3, "too few streams found: the parser no longer matches the file"
    return sorted(streams)


def _fonts(streams: list[bytes]) -> list[bytes]:
    """The embedded font programs among the streams: OpenType/CFF and TrueType files by their first bytes."""
    return [stream for stream in streams if stream[:4] in (b"OTTO", b"\x00\x01\x00\x00", b"true")]


@pytest.mark.parametrize(
    ("language", "text"),
    [("zh-hans", MIXED_TEXT), ("en", MIXED_TEXT), ("zh-hans", MIXED_TEXT + NO_FONT_HAS_IT)],
    ids=["zh", "en", "zh-with-a-missing-character"],
)
def test_the_tuned_renderer_draws_the_same_document_as_weasyprint(contract, owner, language, text):
    clause_create(contract=contract, by=owner, category="other", title="混合文字", text=text, status="agreed")
    html = contract_document_html(contract, language=language)
    assets = pdf_static_assets()

    tuned = _streams(render_in_process(html, assets=assets).pdf)
    with stock_weasyprint():
        stock = _streams(render_in_process(html, assets=assets).pdf)

    assert len(_fonts(stock)) >= 2  # the CJK font and at least one other
    assert _fonts(tuned) == _fonts(stock)
    assert tuned == stock


def test_a_font_file_that_is_read_after_all_reads_the_same_bytes(contract, monkeypatch):
    """The stand-in defers copying the font file; code that does ask for it (emoji and variable fonts, a failed
    subset) must get exactly what WeasyPrint would have read."""
    seen = []
    original_clean = Font.clean

    def clean(font, to_unicode, hinting):
        seen.append((font.family, font.file_content))
        return original_clean(font, to_unicode, hinting)

    monkeypatch.setattr(Font, "clean", clean)
    html = contract_document_html(contract, language="zh-hans")
    render_in_process(html, assets=pdf_static_assets())
    tuned = dict(seen)
    seen.clear()
    with stock_weasyprint():
        render_in_process(html, assets=pdf_static_assets())
    stock = dict(seen)

    assert "Noto Sans CJK SC" in tuned
    assert tuned == stock
    assert len(tuned["Noto Sans CJK SC"]) > 1_000_000  # the whole font collection, before subsetting


def test_the_stand_ins_are_in_use_on_the_weasyprint_release_they_were_checked_against():
    import weasyprint

    from pdfrender import engine, tuning

    assert engine.tuning is tuning
    assert weasyprint.__version__ == tuning.CHECKED_WITH, "pin the checked WeasyPrint, or check the stand-ins again"
    assert tuning.in_use()


def test_on_any_other_weasyprint_release_rendering_stays_stock_and_the_log_says_so(caplog):
    from pdfrender import tuning

    with stock_weasyprint(), caplog.at_level("INFO", logger="pdfrender.tuning"):
        assert tuning.apply(version="71.0") is False
        assert not tuning.in_use()
        tuning.announce(version="71.0")

    assert tuning.in_use()
    assert (
        "WeasyPrint 71.0 is not 70.0, the release the stand-ins were checked against: stock WeasyPrint" in caplog.text
    )
