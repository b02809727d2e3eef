"""outbound stays plain Python: importing it loads no Django and no clm app."""

import json
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
CLM_APPS = {"django", "clm", "accounts", "contracts", "obligations", "vendors", "core", "notifications"}


def test_importing_outbound_loads_neither_django_nor_any_clm_app():
    code = (
        "import json, sys, outbound.guard, outbound.http, outbound.robots, outbound.webhooks\n"
        "print(json.dumps(sorted({name.split('.')[0] for name in sys.modules})))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, check=True, env={"PATH": ""}
    )
    loaded = set(json.loads(result.stdout))
    assert not loaded & CLM_APPS
    assert "outbound" in loaded
