"""Stand-ins for four pieces of WeasyPrint 70 that cost a contract's render time for nothing: each one changes how
much work the same document costs, never what the document shows.

They replace WeasyPrint internals, so they are installed only on the exact release they were checked against
(`CHECKED_WITH`); on any other WeasyPrint renders as released. The renderer logs which, once, when it starts.
`tests/pdfrender/test_tuning.py` renders contracts with and without them (see `stock_weasyprint`) and checks that
the two PDFs hold the same streams once decompressed: page drawings, text maps and embedded fonts, byte for byte.
Check them again, and move `CHECKED_WITH`, when WeasyPrint is upgraded (and when pydyf or HarfBuzz is). Like
pdfrender.engine, which imports it, this module must not import Django.
"""

from __future__ import annotations

import logging
import re
import threading
import zlib
from collections.abc import Iterator
from contextlib import contextmanager

import pydyf
import weasyprint
from weasyprint.pdf import fonts as weasyprint_pdf_fonts
from weasyprint.pdf.fonts import Font, ffi, harfbuzz, harfbuzz_subset

CHECKED_WITH = "70.0"
"""The WeasyPrint release the stand-ins were compared against, stream for stream."""

logger = logging.getLogger(__name__)

_stock = {
    "ffi": weasyprint_pdf_fonts.ffi,
    "zlib": pydyf.zlib,
    "get_hb_object_data": weasyprint_pdf_fonts.get_hb_object_data,
    "Font.__init__": Font.__init__,
    "Font._harfbuzz_subset": Font._harfbuzz_subset,
}


class _OpenArrayFFI:
    """WeasyPrint's cffi handle for its font module, creating `T[N]` arrays as the open array type `T[]`.

    Subsetting a font asks for `hb_codepoint_t[N]` with N the number of glyphs used, and cffi parses every type
    string it has not seen before with pycparser: several milliseconds per new N, so twice per embedded font in every
    document. An open array sized by its initial items is the same array, and its type is parsed once per process.
    """

    _ARRAY = re.compile(r"(\w+)\[(\d+)\]")

    def __init__(self, ffi):
        self._ffi = ffi

    def new(self, cdecl, init=None):
        match = self._ARRAY.fullmatch(cdecl) if isinstance(cdecl, str) else None
        if match and isinstance(init, list | tuple) and len(init) == int(match[2]):
            return self._ffi.new(f"{match[1]}[]", init)
        return self._ffi.new(cdecl, init)

    def __getattr__(self, name):
        return getattr(self._ffi, name)


class _DefaultLevelZlib:
    """pydyf's zlib, compressing PDF streams at zlib's default level instead of level 9.

    Level 9 spends about 5% of a contract's render on the embedded font and page streams for files under 1% smaller.
    This is the one stand-in that changes the file's bytes: the streams decompress to the same content.
    """

    def compressobj(self, level=zlib.Z_DEFAULT_COMPRESSION, *args, **kwargs):
        return zlib.compressobj(zlib.Z_DEFAULT_COMPRESSION, *args, **kwargs)

    def __getattr__(self, name):
        return getattr(zlib, name)


# -- the font file, read only when it is needed --------------------------------------------------------------------
#
# WeasyPrint's Font copies its whole font file into a bytes object when it is created, once per font and size in
# every document. Noto Sans CJK is a 19.5 MB collection: 27 ms and 4,900 page faults per document in a freshly
# forked renderer, and 20 MB of its memory cap. With subsetting (always on for us) the copy is never read: the
# embedded font is the subset, made from the HarfBuzz face, not from the copy. So the copy is deferred until code
# asks for `file_content`, which then reads the same bytes as before.

_creating_font = threading.local()
_NOT_READ = object()


def _hb_object_data(hb_object, ot_color=None, glyph=None):
    if ot_color is None and glyph is None and getattr(_creating_font, "active", False):
        return _NOT_READ
    return _stock["get_hb_object_data"](hb_object, ot_color, glyph)


def _font_init(self, *args, **kwargs):
    _creating_font.active = True
    try:
        _stock["Font.__init__"](self, *args, **kwargs)
    finally:
        _creating_font.active = False


def _get_file_content(self):
    content = self.__dict__.get("_clm_file_content", _NOT_READ)
    if content is _NOT_READ:
        content = self.__dict__["_clm_file_content"] = _stock["get_hb_object_data"](self.hb_face)
    return content


def _set_file_content(self, value):
    self.__dict__["_clm_file_content"] = value


_file_content = property(_get_file_content, _set_file_content)


# -- CFF fonts subset in one pass ------------------------------------------------------------------------------------
#
# WeasyPrint subsets every font twice: first keeping the used glyphs at their ids, then again keeping every id up to
# the last used one, to drop the hinting. For a CJK font in CFF form (Noto Sans CJK: 65,535 glyphs, the ones a
# Chinese contract uses spread up to id 63,000) the second pass rebuilds tens of thousands of empty glyphs: 42 ms of
# a contract's render, for a font identical byte for byte to one pass with the hinting flag added to the first. Only
# CFF fonts without missing characters take the short way; TrueType fonts (whose two passes differ by a few bytes of
# table layout) and fonts with missing characters keep WeasyPrint's own two passes.

# The tables WeasyPrint drops from every subset, as sorted HarfBuzz tags.
_DROPPED_TABLES = sorted(
    harfbuzz.hb_tag_from_string(name, -1)
    for name in (b"BASE", b"DSIG", b"EBDT", b"EBLC", b"EBSC", b"GPOS", b"GSUB", b"JSTF", b"LTSH", b"PCLT", b"SVG ")
)


def _harfbuzz_subset(self, to_unicode, hinting):
    if self.missing or "CFF " not in self.tables or "glyf" in self.tables:
        return _stock["Font._harfbuzz_subset"](self, to_unicode, hinting)
    subset_input = ffi.gc(harfbuzz_subset.hb_subset_input_create_or_fail(), harfbuzz_subset.hb_subset_input_destroy)
    glyphs = sorted(to_unicode)
    harfbuzz.hb_set_add_sorted_array(
        harfbuzz_subset.hb_subset_input_glyph_set(subset_input), ffi.new("hb_codepoint_t[]", glyphs), len(glyphs)
    )
    flags = (
        harfbuzz_subset.HB_SUBSET_FLAGS_RETAIN_GIDS
        | harfbuzz_subset.HB_SUBSET_FLAGS_PASSTHROUGH_UNRECOGNIZED
        | harfbuzz_subset.HB_SUBSET_FLAGS_DESUBROUTINIZE
    )
    if not hinting:
        flags |= harfbuzz_subset.HB_SUBSET_FLAGS_NO_HINTING
    harfbuzz_subset.hb_subset_input_set_flags(subset_input, flags)
    harfbuzz.hb_set_add_sorted_array(
        harfbuzz_subset.hb_subset_input_set(subset_input, harfbuzz_subset.HB_SUBSET_SETS_DROP_TABLE_TAG),
        ffi.new("hb_codepoint_t[]", _DROPPED_TABLES),
        len(_DROPPED_TABLES),
    )
    face = ffi.gc(harfbuzz_subset.hb_subset_or_fail(self.hb_face, subset_input), harfbuzz.hb_face_destroy)
    content = _stock["get_hb_object_data"](face) if face else None
    if not content:  # let WeasyPrint try, and warn, its own way
        return _stock["Font._harfbuzz_subset"](self, to_unicode, hinting)
    self.file_content = content
    return None


def apply(version: str = weasyprint.__version__) -> bool:
    """Install the stand-ins if `version` is the WeasyPrint release they were checked against; stock WeasyPrint stays
    on any other. Idempotent; pdfrender.engine calls it on import and logs the outcome. Returns whether they are in
    use."""
    if version != CHECKED_WITH:
        return False
    if not isinstance(weasyprint_pdf_fonts.ffi, _OpenArrayFFI):
        weasyprint_pdf_fonts.ffi = _OpenArrayFFI(_stock["ffi"])
    pydyf.zlib = _DefaultLevelZlib()
    weasyprint_pdf_fonts.get_hb_object_data = _hb_object_data
    Font.__init__ = _font_init
    Font.file_content = _file_content
    Font._harfbuzz_subset = _harfbuzz_subset
    return True


def in_use() -> bool:
    return Font._harfbuzz_subset is _harfbuzz_subset


def announce(version: str = weasyprint.__version__) -> None:
    """The log line that says whether this process renders with the stand-ins or with stock WeasyPrint."""
    if in_use():
        logger.info("PDF renderer: WeasyPrint %s with the stand-ins checked against it", version)
    else:
        logger.info(
            "PDF renderer: WeasyPrint %s is not %s, the release the stand-ins were checked against: stock WeasyPrint",
            version,
            CHECKED_WITH,
        )


def _remove() -> None:
    weasyprint_pdf_fonts.ffi = _stock["ffi"]
    pydyf.zlib = _stock["zlib"]
    weasyprint_pdf_fonts.get_hb_object_data = _stock["get_hb_object_data"]
    Font.__init__ = _stock["Font.__init__"]
    del Font.file_content
    Font._harfbuzz_subset = _stock["Font._harfbuzz_subset"]


@contextmanager
def stock_weasyprint() -> Iterator[None]:
    """WeasyPrint exactly as released, for the duration of the block: for tests that compare against it. Not
    thread-safe; nothing else may render meanwhile."""
    installed = in_use()
    if installed:
        _remove()
    try:
        yield
    finally:
        if installed:
            apply()
