"""HTML to PDF in a disposable child process: a hard deadline, a memory cap and a fetcher that reads only listed files.

The same children run other work that must be bounded in time and memory without Django: `run_isolated` calls any
module-level function there (reading an uploaded contract file, extraction.isolated, is the other user).

Why a process: WeasyPrint offers no way to interrupt a layout, a thread cannot be killed, and `signal.alarm` works
only in the main thread (never the case under a threaded web server or a Celery thread pool). A child process can be
killed at the deadline without harming the caller. Starting a fresh interpreter per document would cost the 0.6 s
WeasyPrint import, so children are forked from multiprocessing's *fork server*: a clean single-threaded process that
imported WeasyPrint once and rendered a small warm-up document (pdfrender.forkserver). Every child thus starts
with fontconfig's, Pango's, HarfBuzz's and cffi's caches filled instead of paying for them on each document. Forking
from it is safe from any threaded parent, and every document gets a fresh child whose memory is returned to the
system when it exits.

This module does not import WeasyPrint: the renderer itself (pdfrender.engine, the fetcher included) is loaded by
the processes that render, the fork server and a caller of render_in_process, on first use. A web process that only
hands documents to the sandbox starts without it. The errors (RenderError, RenderTimeout) and the result (Rendered)
live here, so callers can catch and read them without loading the renderer.

This module must not import Django: the fork server imports it without settings. The Django side
(pdf.rendering) resolves the allowed static files and hands them over as a plain mapping. As with any multiprocessing
start method other than fork, the fork server imports the caller's `__main__` module, so entry points keep their work
under `if __name__ == "__main__":` (manage.py, gunicorn, celery and pytest all do).
"""

from __future__ import annotations

import gc
import multiprocessing
import os
import resource
import threading
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from multiprocessing.connection import Connection

# Relative URLs in the document resolve against this base. The `.invalid` top-level domain never resolves (RFC 6761),
# and the fetcher (pdfrender.engine) never opens a connection anyway: the base only gives relative paths an
# unambiguous home.
STATIC_BASE_URL = "https://static.clm.invalid/"


class RenderError(Exception):
    """The document could not be rendered (the renderer failed or ran out of memory)."""


class RenderTimeout(RenderError):
    """The document took longer than its time limit; the renderer was killed."""


@dataclass
class Rendered:
    pdf: bytes
    requested: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    cpu_seconds: float = 0.0  # CPU time of the layout and PDF writing, unaffected by other load on the machine


def render_in_process(html: str, *, assets: Mapping[str, str]) -> Rendered:
    """Render in the calling process. Only for callers that already run under a time limit of their own.

    The first call imports WeasyPrint (pdfrender.engine) unless the process loaded it already."""
    from .engine import render_in_process as render

    return render(html, assets=assets)


def _render(html: str, assets: Mapping[str, str]) -> Rendered:
    return render_in_process(html, assets=assets)


def _child(conn, memory_limit_bytes: int | None) -> None:
    """A worker for one job (a document to render, usually): waits for it on `conn`, answers on `conn`, exits.

    It is started as the spare for the next document while the current one renders (see render_isolated), so forking
    and multiprocessing's start-up are paid before the caller asks, not while it waits. Every document still gets a
    fresh process with its own limits, used once.
    """
    if memory_limit_bytes:
        # A data limit (heap and private writable mappings), not an address-space limit: the fork server's warm-up
        # leaves malloc arenas of the threads Pango started, address space that is already reserved and that malloc
        # makes writable as it grows. Once a process is over its address-space limit, the kernel no longer checks
        # that growth at all; the data limit counts it.
        resource.setrlimit(resource.RLIMIT_DATA, (memory_limit_bytes, memory_limit_bytes))
    # The child lives for one document and its memory is capped above: the cycle collector would only spend time
    # walking WeasyPrint's box trees that the process exit frees anyway.
    gc.disable()
    try:
        function, args = conn.recv()
        conn.send(("ok", function(*args)))
    except EOFError:  # the caller went away without a job
        return
    except MemoryError:  # while working, or already while receiving a job too large for the cap
        conn.send(("error", "the renderer ran out of memory"))
    except Exception as exc:
        conn.send(("error", f"{type(exc).__name__}: {exc}"[:500]))
    finally:
        conn.close()


_context_lock = threading.Lock()
_context = None
_preload: list[str] = []


def preload(module: str) -> None:
    """Have the fork server import `module` too (Django-free), so children start with it loaded. Only before the
    first job of the process: the fork server starts then, with the modules named so far."""
    with _context_lock:
        if module not in _preload:
            _preload.append(module)


def _fork_server_context():
    global _context
    with _context_lock:
        if _context is None:
            ctx = multiprocessing.get_context("forkserver")
            # "__main__" is multiprocessing's default: the server imports the caller's main script once, so children
            # do not each import it again.
            ctx.set_forkserver_preload(["__main__", __name__, f"{__package__}.forkserver", *_preload])
            _context = ctx
        return _context


_spare_lock = threading.Lock()
# One waiting child per memory cap, with the id of the process that started it.
_spares: dict[int | None, tuple[int, multiprocessing.process.BaseProcess, Connection]] = {}


def _start_child(limit: int | None) -> tuple[multiprocessing.process.BaseProcess, Connection]:
    ctx = _fork_server_context()
    conn, child_conn = ctx.Pipe()
    process = ctx.Process(target=_child, args=(child_conn, limit), daemon=True)
    process.start()
    child_conn.close()
    return process, conn


def _take_child(limit: int | None) -> tuple[multiprocessing.process.BaseProcess, Connection]:
    """The waiting spare child with this memory cap, or a new child when there is none."""
    with _spare_lock:
        spare = _spares.pop(limit, None)
    if spare is not None:
        owner, process, conn = spare
        # A spare inherited through a fork (e.g. a pre-forking web server) belongs to the parent: never share it.
        if owner == os.getpid():
            if process.is_alive():
                return process, conn
            conn.close()
    return _start_child(limit)


def _start_spare(limit: int | None) -> None:
    with _spare_lock:
        current = _spares.get(limit)
        if current is not None and current[0] == os.getpid():
            return
        process, conn = _start_child(limit)
        _spares[limit] = (os.getpid(), process, conn)


def _send(conn: Connection, document) -> bool:
    """Send `document` to a child; False when the child has stopped reading (it died, or refused the document)."""
    try:
        conn.send(document)
    except OSError:
        return False
    return True


def render_isolated(
    html: str, *, assets: Mapping[str, str], timeout: float, memory_limit_mb: int | None = None
) -> Rendered:
    """Render in a child process forked from the fork server; kill it after `timeout` seconds.

    Raises RenderTimeout when the deadline passes and RenderError when the child fails or dies (e.g. it hit the
    memory cap). Safe to call from any thread. While the child renders, the next document's child is started.
    """
    try:
        return run_isolated(_render, (html, dict(assets)), timeout=timeout, memory_limit_mb=memory_limit_mb)
    except RenderTimeout:
        raise RenderTimeout(f"rendering took longer than {timeout:g} s") from None


def run_isolated(function: Callable, args: tuple, *, timeout: float, memory_limit_mb: int | None = None):
    """`function(*args)` in a child process forked from the fork server, killed after `timeout` seconds.

    `function` must be a module-level function of a module the child can import without Django, and its arguments
    and result picklable. Raises RenderTimeout when the deadline passes and RenderError when the function raised or
    the child died (e.g. it hit the memory cap): a function whose failures the caller must tell apart returns them.
    Safe to call from any thread. While the child works, the next job's child is started.
    """
    if multiprocessing.current_process().daemon:
        raise RenderError(
            "a daemonic process (e.g. a Celery prefork child) cannot start a sandboxed child; run in process instead"
        )
    limit = memory_limit_mb * 1024 * 1024 if memory_limit_mb else None
    process, conn = _take_child(limit)
    outcome = None
    try:
        job = (function, args)
        if not _send(conn, job):
            # The spare died while it waited, or stopped reading a job too large for its cap: a new child gets
            # the job. If it cannot take it either, its answer below says why.
            conn.close()
            process, conn = _start_child(limit)
            _send(conn, job)
        _start_spare(limit)
        if not conn.poll(timeout):
            raise RenderTimeout(f"the child process took longer than {timeout:g} s")
        outcome, payload = conn.recv()
    except EOFError:
        raise RenderError("the renderer stopped without a result") from None
    finally:
        conn.close()
        if outcome is None:
            process.kill()
            process.join()
    # A child that has answered exits by itself and multiprocessing reaps it when the next child starts: waiting for
    # its exit here would add the teardown of its memory to every job.
    if outcome != "ok":
        raise RenderError(payload)
    return payload
