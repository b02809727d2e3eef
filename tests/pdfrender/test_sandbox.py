"""The renderer's sandbox: a fetcher that serves only listed static files, a time limit and a memory cap."""

from pathlib import Path

import pytest
from django.conf import settings

from pdf.rendering import pdf_static_assets
from pdfrender import sandbox as pdf_sandbox
from pdfrender.engine import StaticAssetFetcher, URLRefused
from pdfrender.sandbox import STATIC_BASE_URL, RenderError, RenderTimeout

STYLESHEET = STATIC_BASE_URL + "pdf/contract.css"


@pytest.mark.parametrize(
    "url",
    [
        "file:///etc/passwd",
        "http://127.0.0.1:9/x.png",
        "https://example.com/pdf/contract.css",
        "data:image/svg+xml,<svg xmlns='http://www.w3.org/2000/svg'/>",
        STATIC_BASE_URL + "pdf/../../clm/settings.py",
        STATIC_BASE_URL + "pdf/%2e%2e/%2e%2e/clm/settings.py",
        STATIC_BASE_URL + "pdf/..%2f..%2fclm/settings.py",
        STATIC_BASE_URL + "/etc/passwd",
        STATIC_BASE_URL + "pdf\\..\\..\\clm\\settings.py",
        STATIC_BASE_URL + "pdf/missing.css",
        "https://static.clm.invalid.example.com/pdf/contract.css",
    ],
)
def test_fetcher_refuses_everything_but_listed_static_files(url):
    fetcher = StaticAssetFetcher(pdf_static_assets())

    with pytest.raises(URLRefused):
        fetcher.fetch(url)

    assert fetcher.refused == [url]


def test_fetcher_serves_the_documents_stylesheet_from_the_static_folder():
    assets = pdf_static_assets()
    fetcher = StaticAssetFetcher(assets)

    response = fetcher.fetch(STYLESHEET)

    assert Path(assets["pdf/contract.css"]).is_relative_to(Path(settings.BASE_DIR) / "static")
    assert response.content_type == "text/css"
    assert b"@page" in response.read()
    assert fetcher.refused == []


def test_a_render_past_its_time_limit_is_stopped(owner):
    # Given a large document and a time limit no renderer can meet
    html = "<p>" + "长文本 long text " * 20000 + "</p>"

    # When it is rendered in the sandbox, the child is killed and the caller gets RenderTimeout
    with pytest.raises(RenderTimeout):
        pdf_sandbox.render_isolated(html, assets={}, timeout=0.01)


def test_a_render_over_its_memory_cap_fails_cleanly():
    # Given a cap of 400 MB: well above what a renderer starts with (about 100 to 150 MB of data, depending on the fork
    # server's state), so a small document renders under it
    small = "<p>小文档 small</p>"
    assert pdf_sandbox.render_isolated(small, assets={}, timeout=60, memory_limit_mb=400).pdf.startswith(b"%PDF-")

    # When a document needs more than that (50 MB of text; parsed, it takes several times that)
    large = small + '<div style="display: none">' + "hidden text " * (50 * 1024 * 1024 // 12) + "</div>"

    # Then the caller gets a RenderError that says why
    with pytest.raises(RenderError, match="the renderer ran out of memory"):
        pdf_sandbox.render_isolated(large, assets={}, timeout=60, memory_limit_mb=400)


def test_a_document_too_large_to_receive_under_the_cap_is_reported_as_out_of_memory():
    # 150 MB of text fails already while the renderer unpickles it, before any rendering starts
    large = "<p>" + "x" * (150 * 1024 * 1024) + "</p>"

    with pytest.raises(RenderError, match="the renderer ran out of memory"):
        pdf_sandbox.render_isolated(large, assets={}, timeout=60, memory_limit_mb=200)
