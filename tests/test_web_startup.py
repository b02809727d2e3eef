"""The web process starts without the heavy libraries that only some requests need; the Celery worker loads the PDF
renderer before its pool forks. Each check runs in a fresh interpreter, since this test process has imported
everything already."""

import json
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Loaded by the first request that needs them (a PDF renders in the fork server, which loads WeasyPrint itself), never
# when the web server loads its URLs.
LOADED_ON_FIRST_USE = (
    "weasyprint",
    "pydyf",
    "pyhanko",
    "pdfplumber",
    "pdfminer",
    "docx",
    "openpyxl",
    "icalendar",
    "cn2an",
)

URLS_LOADED = """
import json, sys
import django
django.setup()
from django.urls import get_resolver
get_resolver().url_patterns
print(json.dumps(sorted(name for name in sys.argv[1:] if name in sys.modules)))
"""

WORKER_STARTED = """
import json, sys
import django
django.setup()
import exports.tasks
from celery.signals import worker_init
before = "weasyprint" in sys.modules
worker_init.send(sender=None)
print(json.dumps([before, "weasyprint" in sys.modules]))
"""


def _run(code: str, *args: str) -> object:
    environment = {**os.environ, "DJANGO_SETTINGS_MODULE": "clm.settings"}
    result = subprocess.run(
        [sys.executable, "-c", code, *args], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=300
    )
    assert result.returncode == 0, result.stderr[-3000:]
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_loading_the_url_conf_imports_no_pdf_spreadsheet_or_calendar_library():
    assert _run(URLS_LOADED, *LOADED_ON_FIRST_USE) == []


def test_the_celery_worker_loads_weasyprint_when_it_starts_so_its_pool_inherits_it():
    assert _run(WORKER_STARTED) == [False, True]
