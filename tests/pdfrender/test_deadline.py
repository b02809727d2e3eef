"""The per-document time limit of an in-process render (SIGALRM), without Django."""

import signal
import threading
import time

import pytest

from pdf.rendering import RenderTimeout
from pdfrender.deadline import document_time_limit

pytestmark = pytest.mark.django_db


# Per-document time limit -------------------------------------------------------------------------------------------


def test_the_limit_interrupts_slow_python_code():
    with pytest.raises(RenderTimeout), document_time_limit(0.05) as armed:
        assert armed
        deadline = time.monotonic() + 5
        while time.monotonic() < deadline:
            pass


def test_a_timeout_swallowed_by_the_rendering_code_is_raised_when_it_returns():
    def library_call_that_catches_everything():
        try:
            time.sleep(0.3)
        except Exception:
            return "swallowed"
        return "finished"

    outcome = None
    with pytest.raises(RenderTimeout), document_time_limit(0.05):
        outcome = library_call_that_catches_everything()

    assert outcome == "swallowed"


def test_the_previous_handler_and_timer_are_restored():
    fired = []

    def outer_handler(signum, frame):
        fired.append(signum)

    previous = signal.signal(signal.SIGALRM, outer_handler)
    try:
        signal.setitimer(signal.ITIMER_REAL, 0.4)
        with document_time_limit(5):
            pass
        assert signal.getsignal(signal.SIGALRM) is outer_handler
        remaining, _interval = signal.getitimer(signal.ITIMER_REAL)
        assert 0 < remaining <= 0.4
        time.sleep(0.6)
        assert fired == [signal.SIGALRM]
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def test_off_the_main_thread_no_limit_is_armed_and_the_task_limit_applies():
    outcome = {}

    def run():
        with document_time_limit(0.01) as armed:
            time.sleep(0.1)
        outcome["armed"] = armed

    worker = threading.Thread(target=run)
    worker.start()
    worker.join()

    assert outcome == {"armed": False}
