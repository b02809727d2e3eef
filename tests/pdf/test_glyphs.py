"""Every character a contract is likely to hold prints as a real glyph: no blank and no "missing character" box.

pdftotext cannot tell: it reads the characters back whether or not the font drew them. So each character is printed
alone on a page, with the contract stylesheet's fonts, and the page is rasterised: a real glyph leaves ink, and not
the same ink as a character that no font has (which prints as the font's box).
"""

import subprocess

import pytest

from pdf.rendering import pdf_static_assets
from pdfrender.sandbox import render_in_process

# Rare characters in people's and companies' names (CJK extension A and B), and the symbols, units and punctuation
# that contract text uses. "℃" is the reason for this test: WenQuanYi Micro Hei maps it to an empty glyph.
CHARACTERS = {
    "common hanzi": "合",
    "extension A name (刘䶮)": "䶮",
    "extension B name (𠮷野家)": "𠮷",
    "degree Celsius": "℃",
    "square metre": "㎡",
    "per mille": "‰",
    "circled one": "①",
    "yuan sign": "¥",
    "euro sign": "€",
    "book title marks": "《",
    "ideographic full stop": "。",
}
NO_FONT_HAS_IT = "\U0010fffd"  # a private-use code point: prints as the font's missing-character box


def _ink_per_page(tmp_path, characters: list[str], language: str) -> list[bytes]:
    pages = "".join(f'<p class="glyph">{character}</p>' for character in characters)
    html = (
        f'<!DOCTYPE html><html lang="{"en" if language == "en" else "zh-Hans"}"><head><meta charset="utf-8">'
        '<link rel="stylesheet" href="pdf/contract.css">'
        "<style>@page { size: 40mm 40mm; margin: 5mm; @top-left { content: none } @bottom-left { content: none }"
        " @bottom-right { content: none } } .glyph { font-size: 72pt; margin: 0; break-after: page }</style>"
        f'</head><body class="lang-{language}">{pages}</body></html>'
    )
    pdf = tmp_path / f"glyphs-{language}.pdf"
    pdf.write_bytes(render_in_process(html, assets=pdf_static_assets()).pdf)
    subprocess.run(["pdftoppm", "-r", "40", "-gray", str(pdf), str(tmp_path / f"page-{language}")], check=True)
    bitmaps = []
    # pdftoppm pads page numbers to the width of the largest one, so the names sort in page order.
    for path in sorted(tmp_path.glob(f"page-{language}-*.pgm")):
        data = path.read_bytes()
        # Binary PGM: "P5", width, height and maximum value, each followed by one whitespace byte, then the pixels.
        _magic, _width, _height, _maxval, pixels = data.split(maxsplit=4)
        bitmaps.append(pixels)
    assert len(bitmaps) == len(characters)
    return bitmaps


def _ink(pixels: bytes) -> int:
    return sum(1 for value in pixels if value < 128)


@pytest.mark.parametrize("language", ["zh-hans", "en"])
def test_rare_name_characters_units_and_symbols_print_as_real_glyphs(tmp_path, language):
    names = list(CHARACTERS)
    *pages, missing = _ink_per_page(tmp_path, [*CHARACTERS.values(), NO_FONT_HAS_IT], language)

    assert _ink(missing) > 0  # the reference: the missing-character box leaves ink
    blank = [name for name, pixels in zip(names, pages, strict=True) if _ink(pixels) == 0]
    boxed = [name for name, pixels in zip(names, pages, strict=True) if pixels == missing]
    assert not blank, f"printed as blank: {blank}"
    assert not boxed, f"printed as the missing-character box: {boxed}"
