"""Reading signed contracts: accuracy on the test corpus, and the time and memory of reading a 20-page contract.

Accuracy: each contract of tests/extraction/corpus/ is read, segmented and its terms extracted; every field of its
expected.json is compared (an expected empty field counts as right only when nothing was proposed), and so are its
clauses (number, title, category), fee items and SLA targets. Printed per field and per file, for the corpus the
rules were written against and, separately, for the contracts in unseen/ written afterwards in other styles.

Speed: a 20-page DOCX and a 20-page PDF (the corpus's clauses repeated) are read in a fresh child process each:
the median and p95 wall time of read_document alone and of the whole pipeline (read, segment, extract_terms) over
several runs, and the child's peak resident memory. Targets: under 1.5 s and under 300 MB. The engine needs no
database for that part.

Round trip: the same long files uploaded to `POST /api/v1/extractions/` through Django (upload checks, reading in the
sandbox's child with EXTRACTION_TIMEOUT and EXTRACTION_MEMORY_MB, storing the proposal): median and p95 wall time of
the request, after a first upload that starts the fork server. The uploads are deleted afterwards.
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from collections import defaultdict
from datetime import date
from decimal import Decimal
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "extraction" / "corpus"
TARGET_SECONDS = 1.5
TARGET_MB = 300
RUNS = 7
PAGES = 20


def run() -> None:
    sys.path.insert(0, str(ROOT))
    seen = sorted(p.parent for p in CORPUS.glob("*/expected.json") if "fields" in json.loads(p.read_text()))
    unseen = sorted(p.parent for p in CORPUS.glob("unseen/*/expected.json"))
    print("Accuracy on the corpus (tests/extraction/corpus)")
    _accuracy(seen)
    print("\nAccuracy on the unseen contracts (tests/extraction/corpus/unseen, written after the rules)")
    _accuracy(unseen)
    print(f"\nReading a {PAGES}-page contract ({RUNS} runs each, in a fresh process)")
    with tempfile.TemporaryDirectory() as folder:
        paths = _long_contracts(Path(folder))
        for path in paths:
            _time(path)
        print(f"\nPOST /api/v1/extractions/ with the same files ({RUNS} runs each, through Django and the sandbox)")
        _round_trip(paths)


# --- accuracy -------------------------------------------------------------------------------------------------------


def _same(expected, got) -> bool:
    if isinstance(got, date):
        got = got.isoformat()
    if isinstance(got, Decimal) or (isinstance(got, int) and not isinstance(got, bool) and isinstance(expected, str)):
        return expected is not None and Decimal(str(expected)) == Decimal(got)
    return expected == got


def _score(folder: Path) -> dict:
    from extraction import extract_terms, read_document, segment

    spec = json.loads((folder / "expected.json").read_text(encoding="utf-8"))
    document = read_document((folder / spec["file"]).read_bytes(), spec["file"])
    clauses = segment(document)
    proposal = extract_terms(document, clauses)
    fields = {name: _same(expected, proposal.value(name)) for name, expected in spec["fields"].items()}
    got_clauses = [[c.number, c.title, c.category] for c in clauses]
    fees = {(f.kind, f.unit_price, f.unit, f.quantity) for f in proposal.fee_items}
    want_fees = [
        (f["kind"], Decimal(f["unit_price"]), f["unit"], None if f["quantity"] is None else Decimal(f["quantity"]))
        for f in spec["fee_items"]
    ]
    targets = {(t.kind, t.comparator, t.target, t.unit) for t in proposal.sla_targets}
    want_targets = [(t["kind"], t["comparator"], Decimal(t["target"]), t["unit"]) for t in spec["sla_targets"]]
    return {
        "fields": fields,
        "clauses": (sum(1 for c in spec["clauses"] if c in got_clauses), len(spec["clauses"]), len(got_clauses)),
        "fees": (sum(1 for f in want_fees if f in fees), len(want_fees), len(fees)),
        "sla": (sum(1 for t in want_targets if t in targets), len(want_targets), len(targets)),
    }


def _accuracy(folders: list[Path]) -> None:
    per_field: dict[str, list[bool]] = defaultdict(list)
    totals = defaultdict(lambda: [0, 0, 0])
    print(f"  {'file':<36} {'fields':>8} {'clauses':>9} {'fee items':>10} {'SLA':>8}")
    for folder in folders:
        score = _score(folder)
        for name, right in score["fields"].items():
            per_field[name].append(right)
        right = sum(score["fields"].values())
        columns = [f"{right}/{len(score['fields'])}"]
        for key in ("clauses", "fees", "sla"):
            found, expected, proposed = score[key]
            for index, number in enumerate((found, expected, proposed)):
                totals[key][index] += number
            extra = proposed - found
            columns.append(f"{found}/{expected}" + (f"+{extra}" if extra > 0 else ""))
        print(f"  {folder.name:<36} {columns[0]:>8} {columns[1]:>9} {columns[2]:>10} {columns[3]:>8}")
    fields_right = sum(sum(values) for values in per_field.values())
    fields_total = sum(len(values) for values in per_field.values())
    print(f"  {'all':<36} {fields_right:>4}/{fields_total:<3} {_pct(fields_right, fields_total)}")
    for key, label in (("clauses", "clauses"), ("fees", "fee items"), ("sla", "SLA targets")):
        found, expected, proposed = totals[key]
        extra = proposed - found
        print(
            f"  {label:<12} {found}/{expected} found ({_pct(found, expected)}), {extra} proposed that were not expected"
        )
    print("  per field:")
    for name, values in per_field.items():
        print(f"    {name:<34} {sum(values)}/{len(values)}  {_pct(sum(values), len(values))}")


def _pct(part: int, whole: int) -> str:
    return f"{100 * part / whole:.1f}%" if whole else "-"


# --- time and memory ------------------------------------------------------------------------------------------------


def _long_contracts(folder: Path) -> list[Path]:
    """A 20-page DOCX (c01's clauses and tables repeated), a 20-page PDF of text (c02's) and a 20-page PDF with
    tables on every page (c11's), the case where pdfplumber has to read every page for its tables."""
    from tests.extraction.make_corpus import docx_from_markup, pdf_from_html

    markup = (CORPUS / "c01_callcenter_software_zh" / "source.md").read_text(encoding="utf-8")
    head, _, body = markup.partition("**第一条")
    body = "**第一条" + body.split("甲方（盖章）")[0]
    docx_path = folder / "long.docx"
    # Word has no pages of its own: 20 pages is what the same text makes as an A4 PDF.
    copies = _copies_for_pages(lambda n: pdf_from_html(_html_of_markup(head + body * n)))
    docx_path.write_bytes(docx_from_markup(head + body * copies))
    paths = [docx_path]
    for name, source, end in (
        ("long_text.pdf", "c02_cs_outsourcing_zh_pdf", "<p>甲方（签章）"),
        ("long_tables.pdf", "c11_callcenter_zht_pdf", "</body>"),
    ):
        html = (CORPUS / source / "source.html").read_text(encoding="utf-8")
        html_head, _, html_body = html.partition("<h2>")
        html_body = "<h2>" + html_body.split(end)[0]
        pdf_copies = _copies_for_pages(lambda n, h=html_head, b=html_body: pdf_from_html(h + b * n))
        (folder / name).write_bytes(pdf_from_html(html_head + html_body * pdf_copies))
        paths.append(folder / name)
    return paths


def _html_of_markup(markup: str) -> str:
    from html import escape

    lines = []
    for line in markup.splitlines():
        line = line.strip()
        if line.startswith("|"):
            lines.append("<p>" + escape(" ".join(cell.strip() for cell in line.strip("|").split("|"))) + "</p>")
        elif line:
            lines.append("<p>" + escape(line.lstrip("#").strip("*").strip()) + "</p>")
    return '<html><head><meta charset="utf-8"></head><body>' + "".join(lines) + "</body></html>"


def _copies_for_pages(render) -> int:
    import pypdfium2

    copies = 1
    while True:
        pages = len(pypdfium2.PdfDocument(render(copies)))
        if pages >= PAGES:
            return copies
        copies = max(copies + 1, copies * PAGES // max(pages, 1))


# The child reads its own high-water mark from /proc (VmHWM): getrusage's ru_maxrss survives exec on Linux and would
# report the parent's size, which holds WeasyPrint after building the PDF.
CHILD = """
import json, re, statistics, sys, time
def peak_kb():
    return int(re.search(r"VmHWM:\\s+(\\d+)", open("/proc/self/status").read()).group(1))
sys.path.insert(0, {root!r})
from extraction import extract_terms, read_document, segment
data = open({path!r}, "rb").read()
read_document(data, {name!r})
before = peak_kb()
reads, pipelines, cpu = [], [], []
for _ in range({runs}):
    started = time.perf_counter()
    document = read_document(data, {name!r})
    reads.append(time.perf_counter() - started)
    started, started_cpu = time.perf_counter(), time.process_time()
    document = read_document(data, {name!r})
    clauses = segment(document)
    proposal = extract_terms(document, clauses)
    pipelines.append(time.perf_counter() - started)
    cpu.append(time.process_time() - started_cpu)
peak = peak_kb()
print(json.dumps({{"reads": reads, "pipelines": pipelines, "cpu": cpu, "before_kb": before, "peak_kb": peak,
                  "pages": document.pages, "chars": len(document.text), "clauses": len(clauses)}}))
"""


def _time(path: Path) -> None:
    import statistics

    code = CHILD.format(root=str(ROOT), path=str(path), name=path.name, runs=RUNS)
    result = json.loads(subprocess.run([sys.executable, "-c", code], capture_output=True, check=True, text=True).stdout)
    reads, pipelines = sorted(result["reads"]), sorted(result["pipelines"])
    p95 = lambda values: values[min(len(values) - 1, round(0.95 * (len(values) - 1)))]  # noqa: E731
    peak_mb = result["peak_kb"] / 1024
    pages = f"{result['pages']} pages" if result["pages"] else f"{PAGES} pages as an A4 PDF"
    print(f"  {path.name}: {pages}, {result['chars']} characters, {result['clauses']} clauses")
    print(f"    read_document           median {statistics.median(reads):.3f} s, p95 {p95(reads):.3f} s")
    print(
        f"    read+segment+extract    median {statistics.median(pipelines):.3f} s, p95 {p95(pipelines):.3f} s, "
        f"CPU median {statistics.median(result['cpu']):.3f} s (target {TARGET_SECONDS} s)"
    )
    print(
        f"    peak memory             {peak_mb:.0f} MB (after the first read {result['before_kb'] / 1024:.0f} MB; "
        f"target {TARGET_MB} MB)"
    )


# --- the Django round trip ------------------------------------------------------------------------------------------


def _round_trip(paths: list[Path]) -> None:
    import statistics
    import time

    from django.contrib.auth.models import Group
    from django.core.files.uploadedfile import SimpleUploadedFile
    from rest_framework.test import APIClient

    from accounts.models import Role, User
    from imports.models import Extraction

    user, _created = User.objects.get_or_create(username="bench-extraction")
    user.groups.add(Group.objects.get(name=Role.PROCUREMENT_STAFF))
    client = APIClient()
    client.force_authenticate(user)
    try:
        # The first upload of a process starts the sandbox's fork server (WeasyPrint and the parsers imported once).
        started = time.perf_counter()
        client.post("/api/v1/extractions/", {"file": SimpleUploadedFile(paths[0].name, paths[0].read_bytes())})
        print(f"  first upload of the process (starts the fork server): {time.perf_counter() - started:.3f} s")
        for path in paths:
            data = path.read_bytes()
            walls = []
            for _ in range(RUNS):
                started = time.perf_counter()
                response = client.post(
                    "/api/v1/extractions/", {"file": SimpleUploadedFile(path.name, data)}, format="multipart"
                )
                walls.append(time.perf_counter() - started)
                if response.status_code != 201:
                    raise SystemExit(f"{path.name}: {response.status_code} {response.content[:300]!r}")
            walls.sort()
            p95 = walls[min(len(walls) - 1, round(0.95 * (len(walls) - 1)))]
            print(
                f"  {path.name}: median {statistics.median(walls):.3f} s, p95 {p95:.3f} s "
                f"({len(response.data['clauses'])} clauses, {len(response.data['not_found'])} fields not found)"
            )
    finally:
        for extraction in Extraction.objects.filter(owner=user):
            extraction.file.delete(save=False)
            extraction.delete()
