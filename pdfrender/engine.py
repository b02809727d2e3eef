"""WeasyPrint itself: a fetcher that serves only listed static files, and rendering HTML to PDF in this process.

Only processes that render import this module: the renderer's fork server (pdfrender.forkserver, whose children
render every sandboxed document) and the Celery worker, which renders a bulk export's documents in process. A web
process hands its documents to the sandbox (pdfrender.sandbox) and never imports WeasyPrint, so it starts without
paying for the import. Like the sandbox, this module must not import Django.
"""

from __future__ import annotations

import logging
import mimetypes
import posixpath
import threading
import time
from collections.abc import Mapping
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

from weasyprint import CSS, HTML
from weasyprint.html import element_has_link_type
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import tuning
from .sandbox import STATIC_BASE_URL, Rendered

logger = logging.getLogger(__name__)


class URLRefused(ValueError):
    """A URL outside the allowed static files. WeasyPrint catches it, logs it and leaves the resource out."""


class StaticAssetFetcher(URLFetcher):
    """Serves exactly the files in `assets` (static path -> absolute file path) under STATIC_BASE_URL; refuses all else.

    No scheme is special-cased: `file:`, `http(s):`, `data:` and anything else are refused because they are not in
    the list. A path is matched only in its normalised form, so `..`, `%2e%2e`, backslashes or a doubled slash
    cannot reach a file that is not listed. Every request is recorded, so callers can log or audit what was asked.
    """

    def __init__(self, assets: Mapping[str, str]):
        super().__init__(allowed_protocols=())
        self.assets = dict(assets)
        self.requested: list[str] = []
        self.refused: list[str] = []

    def resolve(self, url: str) -> str | None:
        """The absolute file path that `url` names, or None when it is not an allowed static file."""
        if not url.startswith(STATIC_BASE_URL):
            return None
        parts = urlsplit(url)
        relative = unquote(parts.path).removeprefix("/")
        if not relative or "\\" in relative or "\x00" in relative:
            return None
        if posixpath.normpath(relative) != relative or relative.startswith(".."):
            return None
        return self.assets.get(relative)

    def fetch(self, url: str, headers: Mapping[str, str] | None = None) -> URLFetcherResponse:
        self.requested.append(url)
        path = self.resolve(url)
        if path is None:
            self.refused.append(url)
            raise URLRefused(f"not an allowed static file: {url[:200]}")
        with open(path, "rb") as fh:
            body = fh.read()
        content_type = mimetypes.guess_type(path)[0] or "application/octet-stream"
        return URLFetcherResponse(url, body, headers={"Content-Type": content_type})


tuning.apply()
tuning.announce()

_thread_state = threading.local()


def _font_config() -> FontConfiguration:
    """The calling thread's font configuration, kept for every document it renders.

    WeasyPrint otherwise builds one per document: a fresh fontconfig configuration and Pango font map, so every font
    lookup, fallback list and HarfBuzz face starts cold. Reusing it is safe: only @font-face rules change a
    configuration, our stylesheet has none and user text cannot add CSS. It is per thread because Pango's font maps
    are not thread-safe.
    """
    font_config = getattr(_thread_state, "font_config", None)
    if font_config is None:
        font_config = _thread_state.font_config = FontConfiguration()
    return font_config


def _linked_stylesheets(document: HTML, fetcher: StaticAssetFetcher, font_config: FontConfiguration) -> list[CSS]:
    """The document's `<link rel="stylesheet">` files, parsed once per thread and kept for every later document.

    WeasyPrint parses a linked stylesheet (tinycss2, then compiling every selector) on each render: a twentieth of a
    contract's render for the same few kilobytes each time. Each file is still fetched through `fetcher`, so the
    allowlist decides and the request is recorded exactly as before; only the parse is reused, keyed by the file's
    content. The taken-over link is renamed so that WeasyPrint does not load it a second time, and the parsed sheet is
    applied as a user stylesheet: a user sheet yields to the document's own style attributes just as an author sheet
    does, and our documents have no other author style. Links with a media or type attribute are left to WeasyPrint.
    """
    cache = getattr(_thread_state, "stylesheets", None)
    if cache is None:
        cache = _thread_state.stylesheets = {}
    sheets = []
    for link in document.etree_element.iter("link"):
        href = link.get("href")
        if not href or not element_has_link_type(link, "stylesheet") or element_has_link_type(link, "alternate"):
            continue
        if link.get("media") is not None or link.get("type") is not None:
            continue
        link.set("rel", "x-clm-preloaded-stylesheet")
        url = urljoin(document.base_url, href)
        try:
            response = fetcher.fetch(url)
        except URLRefused:
            logger.warning("PDF renderer: stylesheet %s refused", url[:200])
            continue
        if response.content_type != "text/css":
            logger.warning("PDF renderer: %s is not a stylesheet", url[:200])
            continue
        body = response.read()
        sheet = cache.get((url, body))
        if sheet is None:
            if len(cache) >= 8:  # a changed file in development; production has one stylesheet
                cache.clear()
            sheet = cache[url, body] = CSS(
                string=body.decode(), base_url=url, url_fetcher=fetcher, font_config=font_config
            )
        sheets.append(sheet)
    return sheets


def render_in_process(html: str, *, assets: Mapping[str, str]) -> Rendered:
    """Render in the calling process. Only for callers that already run under a time limit of their own."""
    fetcher = StaticAssetFetcher(assets)
    started = time.process_time()
    font_config = _font_config()
    document = HTML(string=html, base_url=STATIC_BASE_URL, url_fetcher=fetcher)
    stylesheets = _linked_stylesheets(document, fetcher, font_config)
    pdf = document.write_pdf(stylesheets=stylesheets, font_config=font_config)
    return Rendered(
        pdf=pdf, requested=fetcher.requested, refused=fetcher.refused, cpu_seconds=time.process_time() - started
    )


# The contract stylesheet in the source tree. The fork server cannot ask Django's staticfiles finders, and the warm-up
# only needs the same fonts, sizes and layout features as a real document: without the file it still warms WeasyPrint.
WARM_UP_ASSETS = {"pdf/contract.css": str(Path(__file__).resolve().parent.parent / "static" / "pdf" / "contract.css")}

# A page of each kind of element that the contract template uses, in both document languages: the scripts, font
# sizes, tables, running header and footer strings, page counters and watermark that a real render needs.
WARM_UP_HTML = """<!DOCTYPE html><html lang="{lang}"><head><meta charset="utf-8">
<link rel="stylesheet" href="pdf/contract.css"></head><body class="lang-{body_lang}">
<div class="doc-strings" data-number="WARM-UP-0001" data-title="预热文档 Warm-up document"
data-fingerprint="文件指纹（SHA-256）：Fingerprint (SHA-256): 0123456789abcdef" data-page-before="第 "
data-page-between=" / " data-page-after=" 页 Page"></div>
<div class="watermark">DRAFT / 草稿</div>
<section class="cover"><p class="doc-kind">服务合同 Service contract</p><h1>预热合同 Warm-up contract</h1>
<table class="cover-meta"><tr><th>合同编号</th><td class="mono">CLM-2026-0001</td><th>状态 Status</th>
<td><span class="status status-draft">草稿 Draft</span></td></tr></table>
<table class="parties"><tr><td class="party"><h2>甲方 <small>（客户） (customer)</small></h2>
<p class="party-name">上海示范科技有限公司</p><dl><dt>统一社会信用代码</dt><dd class="mono">91310115MA1H8K2P7X</dd>
</dl></td><td class="gap"></td><td class="party"><h2>乙方 Party B</h2><p class="party-name">Vendor Ltd.</p></td>
</tr></table></section>
<section><h2 class="section">1. 主要条款 Key terms</h2><table class="grid terms"><colgroup><col style="width: 24%">
<col style="width: 76%"></colgroup><tr><th>期限 Term</th><td>2026年1月1日至2027年12月31日（24个月）</td></tr></table>
<table class="grid"><thead><tr><th>项目 Item</th><th class="num">单价 (CNY)</th></tr></thead><tbody><tr>
<td>坐席服务费<div class="note">备注 note</div></td><td class="num">6,500.00</td></tr></tbody><tfoot><tr>
<th>合计 Total</th><td class="num">1,560,000.00</td></tr></tfoot></table></section>
<section><h2 class="section">4. 条款 Agreed clauses</h2><p class="scope-note">1 项条款仍在谈判，未打印。</p>
<h3 class="category">保密 Confidentiality</h3><h4 class="article">第1条 Article 1&ensp;数据 Data</h4>
<p class="clause-text">乙方应按照本合同约定提供服务，服务过程中产生的全部数据归甲方所有。<br>
The vendor hands over all of our data within seven working days after the contract ends, notwithstanding any
interdepartmental reorganisation, and keeps the records at the agreed storage location.</p>
<p class="empty">无 None.</p></section>
<section class="signatures"><h2 class="section">6. 签署 Signatures</h2><p class="sign-intro">双方已阅读并同意。</p>
<table class="sign-row"><tr><td class="sign-box"><h3>甲方</h3><p class="party-name">上海示范科技有限公司</p>
<p class="line">授权代表（签字） Date</p></td></tr></table>
<table class="grid"><tr><td class="nowrap">2026年3月25日</td></tr></table></section>
</body></html>"""


def warm_up() -> None:
    """Render the warm-up document once in each language, so later renders in this process (or in children forked
    from it) find WeasyPrint's caches filled. A failure is logged and otherwise ignored: it only costs speed."""
    for lang, body_lang in (("zh-Hans", "zh-hans"), ("en", "en")):
        try:
            render_in_process(WARM_UP_HTML.format(lang=lang, body_lang=body_lang), assets=WARM_UP_ASSETS)
        except Exception:
            logger.exception("PDF renderer warm-up failed")
            return
