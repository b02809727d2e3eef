"""A time limit for one document rendered in the calling process (the bulk export's `isolated=False` renders).

The sandbox (pdfrender.sandbox) limits a render by killing its child process. A Celery prefork child is a daemonic
process and may not start children, so the bulk export renders in the worker itself and needs another way to stop
one slow document: SIGALRM. The handler raises RenderTimeout in the rendering code, so the export fails with that
contract's number instead of spending the whole task's time limit on it.
"""

from __future__ import annotations

import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext

from .sandbox import RenderTimeout

Guard = Callable[[Callable[[], AbstractContextManager[None]]], AbstractContextManager[object]]
"""Given `held` (a context manager factory: a section the alarm must not interrupt), a context manager that wraps
the sections that must finish in `held` for as long as the limit is armed. pdf.rendering passes one that holds off
the alarm during each database query."""


@contextmanager
def document_time_limit(seconds: float, *, guard: Guard | None = None) -> Iterator[bool]:
    """Raise RenderTimeout in the body once `seconds` have passed; yields whether the limit is armed.

    Only the main thread may handle signals. Celery's prefork and solo pools run tasks on the main thread; on any
    other thread (a threads or gevent pool, a web server thread running an eager task) the body runs without a
    per-document limit and only the task's own time limits bound it.

    A section run under `held` (see `Guard`) is never interrupted: an alarm that fires inside it raises
    RenderTimeout as soon as the section ends. A database query must be such a section: psycopg would be left in the
    middle of a command and the job could not even record its failure. Python runs signal handlers between
    bytecodes, so a long call into C (a Pango layout) is interrupted when it returns; and where library code
    swallows the exception (a C callback cannot raise), it is raised again as soon as the body ends. The previous
    SIGALRM handler and any timer already running are restored afterwards.
    """
    if seconds <= 0 or threading.current_thread() is not threading.main_thread():
        yield False
        return
    state = {"armed": True, "fired": False, "held": False}

    def timeout() -> RenderTimeout:
        return RenderTimeout(f"the document took longer than {seconds:g} s to render")

    def on_alarm(signum, frame):
        if not state["armed"]:
            return
        state["fired"] = True
        if not state["held"]:
            raise timeout()

    @contextmanager
    def held() -> Iterator[None]:
        state["held"] = True
        try:
            yield
        finally:
            state["held"] = False
        if state["fired"]:
            raise timeout()

    previous_handler = signal.signal(signal.SIGALRM, on_alarm)
    previous_delay, previous_interval = signal.setitimer(signal.ITIMER_REAL, seconds)
    started = time.monotonic()
    try:
        with guard(held) if guard is not None else nullcontext():
            yield True
        if state["fired"]:
            raise timeout()
    finally:
        state["armed"] = False
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous_handler)
        if previous_delay:
            remaining = previous_delay - (time.monotonic() - started)
            signal.setitimer(signal.ITIMER_REAL, max(remaining, 0.001), previous_interval)
