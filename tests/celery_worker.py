"""A real Celery worker (prefork, as deployed) on Redis, for end-to-end tests of tasks queued by this process.

The test process publishes to a queue of its own (the `celery_queue` fixture in tests/conftest.py), so no other
worker can take the test's tasks; the worker reads the test database and MEDIA_ROOT.
"""

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from django.conf import settings
from django.db import connection

BROKER_URL = os.environ.get("CELERY_PDF_TEST_BROKER_URL", "redis://127.0.0.1:6379/5")


@contextmanager
def celery_worker(queue: str, log_path: Path) -> Iterator[subprocess.Popen]:
    """A prefork worker with one child consuming `queue`, stopped (and reaped) when the block ends."""
    db = connection.settings_dict
    env = {
        **os.environ,
        "DATABASE_URL": f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}",
        "CELERY_BROKER_URL": BROKER_URL,
        "MEDIA_ROOT": str(settings.MEDIA_ROOT),
    }
    with open(log_path, "wb") as log:
        worker = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", "clm", "worker", "--pool=prefork", "--concurrency=1",
             f"--queues={queue}", f"--hostname=pdf-{queue}@%h", "--without-mingle", "--without-gossip",
             "--loglevel=INFO"],
            cwd=settings.BASE_DIR, env=env, stdout=log, stderr=log,
        )  # fmt: skip
        try:
            yield worker
        finally:
            worker.terminate()
            try:
                worker.wait(timeout=30)
            except subprocess.TimeoutExpired:
                worker.kill()
                worker.wait()
