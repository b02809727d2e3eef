"""The engine stands alone: it imports no Django and no app of clm (the Django-free `rules` leaf is allowed), so it
can run in a bare child process."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CHILD = """
import json, sys
import extraction
data = open(sys.argv[1], "rb").read()
document = extraction.read_document(data, "contract.docx")
proposal = extraction.extract_terms(document, extraction.segment(document))
extraction.find_term_mentions(document.text)
apps = ("django", "rest_framework", "clm", "accounts", "vendors", "contracts", "obligations", "core", "imports")
print(json.dumps(sorted({name.split(".")[0] for name in sys.modules} & set(apps))))
"""


def test_reading_a_contract_imports_no_django_and_no_app():
    contract = ROOT / "tests" / "extraction" / "corpus" / "c01_callcenter_software_zh" / "contract.docx"

    result = subprocess.run(
        [sys.executable, "-c", CHILD, str(contract)], cwd=ROOT, capture_output=True, text=True, check=True
    )

    assert json.loads(result.stdout) == []
