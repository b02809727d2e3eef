"""HTML to PDF in a disposable child process: a hard deadline, a memory cap and a fetcher that reads only listed files.

Why a process: WeasyPrint offers no way to interrupt a layout, a thread cannot be killed, and `signal.alarm` works
only in the main thread (never the case under a threaded web server or a Celery thread pool). A child process can be
killed at the deadline without harming the caller. Starting a fresh interpreter per document would cost the 0.6 s
WeasyPrint import, so children are forked from multiprocessing's *fork server*: a clean single-threaded process that
imported this module (and WeasyPrint) once. Forking from it is safe from any threaded parent, and every document
gets a fresh child whose memory is returned to the system when it exits.

This module must not import Django: the fork server imports it without settings. The Django side
(contracts.pdf) resolves the allowed static files and hands them over as a plain mapping. As with any multiprocessing
start method other than fork, the fork server imports the caller's `__main__` module, so entry points keep their work
under `if __name__ == "__main__":` (manage.py, gunicorn, celery and pytest all do).
"""

from __future__ import annotations

import gc
import mimetypes
import multiprocessing
import posixpath
import resource
import threading
import time
from collections.abc import Mapping
from dataclasses import dataclass, field
from urllib.parse import unquote, urlsplit

from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

# Relative URLs in the document resolve against this base. The `.invalid` top-level domain never resolves (RFC 6761),
# and the fetcher below never opens a connection anyway: the base only gives relative paths an unambiguous home.
STATIC_BASE_URL = "https://static.clm.invalid/"


class RenderError(Exception):
    """The document could not be rendered (the renderer failed or ran out of memory)."""


class RenderTimeout(RenderError):
    """The document took longer than its time limit; the renderer was killed."""


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


@dataclass
class Rendered:
    pdf: bytes
    requested: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    cpu_seconds: float = 0.0  # CPU time of the layout and PDF writing, unaffected by other load on the machine


def render_in_process(html: str, *, assets: Mapping[str, str]) -> Rendered:
    """Render in the calling process. Only for callers that already run under a time limit of their own."""
    fetcher = StaticAssetFetcher(assets)
    started = time.process_time()
    pdf = HTML(string=html, base_url=STATIC_BASE_URL, url_fetcher=fetcher).write_pdf()
    return Rendered(
        pdf=pdf, requested=fetcher.requested, refused=fetcher.refused, cpu_seconds=time.process_time() - started
    )


def _child(conn, html: str, assets: Mapping[str, str], memory_limit_bytes: int | None) -> None:
    if memory_limit_bytes:
        resource.setrlimit(resource.RLIMIT_AS, (memory_limit_bytes, memory_limit_bytes))
    # The child lives for one document and its memory is capped above: the cycle collector would only spend time
    # walking WeasyPrint's box trees that the process exit frees anyway.
    gc.disable()
    try:
        conn.send(("ok", render_in_process(html, assets=assets)))
    except MemoryError:
        conn.send(("error", "the renderer ran out of memory"))
    except Exception as exc:
        conn.send(("error", f"{type(exc).__name__}: {exc}"[:500]))
    finally:
        conn.close()


_context_lock = threading.Lock()
_context = None


def _fork_server_context():
    global _context
    with _context_lock:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            ctx.set_forkserver_preload([__name__])
            _context = ctx
        return _context


def render_isolated(
    html: str, *, assets: Mapping[str, str], timeout: float, memory_limit_mb: int | None = None
) -> Rendered:
    """Render in a child process forked from the fork server; kill it after `timeout` seconds.

    Raises RenderTimeout when the deadline passes and RenderError when the child fails or dies (e.g. it hit the
    memory cap). Safe to call from any thread.
    """
    if multiprocessing.current_process().daemon:
        raise RenderError(
            "a daemonic process (e.g. a Celery prefork child) cannot start the renderer; use render_in_process"
        )
    ctx = _fork_server_context()
    receiver, sender = ctx.Pipe(duplex=False)
    limit = memory_limit_mb * 1024 * 1024 if memory_limit_mb else None
    process = ctx.Process(target=_child, args=(sender, html, dict(assets), limit), daemon=True)
    process.start()
    sender.close()
    try:
        if not receiver.poll(timeout):
            raise RenderTimeout(f"rendering took longer than {timeout:g} s")
        outcome, payload = receiver.recv()
        process.join(timeout=5)
    except EOFError:
        raise RenderError("the renderer stopped without a result") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join()
        receiver.close()
    if outcome != "ok":
        raise RenderError(payload)
    return payload
