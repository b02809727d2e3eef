"""Rendering reads nothing but the app's own static files, prints user markup as text, and stops at its time limit."""

import socket
import threading

import pytest

from pdf import rendering as contract_pdf
from pdf.rendering import render_contract_pdf
from pdfrender import sandbox as pdf_sandbox
from pdfrender.sandbox import STATIC_BASE_URL, RenderTimeout
from tests.fixtures.pdf import make_contract, pdf_text, squeeze

STYLESHEET = STATIC_BASE_URL + "pdf/contract.css"


@pytest.fixture
def listener():
    """A TCP port that records every connection: proof that nothing was fetched over the network."""
    server = socket.create_server(("127.0.0.1", 0))
    server.settimeout(0.2)
    connections: list[tuple] = []
    stop = threading.Event()

    def accept():
        while not stop.is_set():
            try:
                conn, addr = server.accept()
            except TimeoutError:
                continue
            connections.append(addr)
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield server.getsockname()[1], connections
    stop.set()
    thread.join()
    server.close()


@pytest.fixture
def renders(monkeypatch):
    """Keeps what each real render reported: the URLs its fetcher was asked for and refused."""
    seen: list[pdf_sandbox.Rendered] = []
    real = pdf_sandbox.render_isolated

    def spy(*args, **kwargs):
        rendered = real(*args, **kwargs)
        seen.append(rendered)
        return rendered

    monkeypatch.setattr(contract_pdf.sandbox, "render_isolated", spy)
    return seen


def test_markup_in_a_clause_is_printed_as_text_and_nothing_is_fetched(owner, listener, renders, tmp_path):
    # Given clauses whose text holds image tags pointing at a local file and at remote servers
    port, connections = listener
    hostile = [
        '<img src="file:///etc/passwd">',
        '<img src="http://127.0.0.1:9/x.png">',
        f'<img src="http://127.0.0.1:{port}/x.png"><link rel="stylesheet" href="http://127.0.0.1:{port}/x.css">',
    ]
    contract = make_contract(owner, clause_texts=hostile)

    # When the contract is printed
    pdf = render_contract_pdf(contract, language="zh-hans")

    # Then the markup appears as text, the file's content does not, and nothing connected to the listening port
    text = squeeze(pdf_text(pdf, tmp_path))
    for markup in hostile:
        assert squeeze(markup) in text
    assert "root:x:0:0" not in text
    assert connections == []
    # And the fetcher was asked only for the document's own stylesheet, and refused nothing
    assert [r.requested for r in renders] == [[STYLESHEET]]
    assert [r.refused for r in renders] == [[]]


def test_render_contract_pdf_honours_the_configured_time_limit(contract, settings):
    settings.PDF_RENDER_TIMEOUT = 0.01

    with pytest.raises(RenderTimeout):
        render_contract_pdf(contract, language="zh-hans")
