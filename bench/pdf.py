"""Contract PDF rendering: a typical ~5-page contract and a 40-page contract with 200 clauses.

Figures per document: median end-to-end wall time of render_contract_pdf (database reads, template, and WeasyPrint in
its fork-server child with the time limit); the median CPU time of building the HTML plus the renderer child, which is
what a render costs on an idle machine (other load on a shared machine inflates wall times); and the peak memory of
one render (maximum resident set size of a fresh process that imported WeasyPrint and rendered a one-line warm-up
page, and how much the document added to it). Then the ratio of the typical render to WeasyPrint rendering a bare HTML
page of the same text (same font; no stylesheet, tables or running header), through the same sandbox. The two take
turns, so that the wall-time ratio compares renders made under the same load: on a shared machine the speed of the
same code drifts by more than half from one minute to the next. Target: typical under 0.5 s.
"""

from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import time
from datetime import date
from decimal import Decimal
from html import unescape

from django.contrib.auth.models import Group
from django.utils.html import escape, strip_tags

from accounts.models import Role, User
from contracts.lifecycle.actions import contract_activate, contract_sign, contract_start_negotiation
from contracts.models import Clause, ClauseCategory, ClauseTemplate, Contract
from contracts.services.clauses import clause_create, clause_update
from contracts.services.terms import contract_create
from obligations.actions import obligation_create_custom
from pdf.document import contract_document_html
from pdf.rendering import pdf_static_assets, render_contract_pdf
from pdfrender.sandbox import render_isolated
from rules.credit_code import credit_code_check_char
from vendors.models import Vendor

PREFIX = "BENCH-PDF-"
TARGET_SECONDS = 0.5
TYPICAL_RUNS = 15
LARGE_RUNS = 3
LARGE_CLAUSES = 200

SLA = [
    {"metric": "20秒接通率", "comparator": ">=", "target": Decimal("90"), "unit": "%", "period": "月"},
    {"metric": "系统可用性 availability", "comparator": ">=", "target": Decimal("99.9"), "unit": "%", "period": "月"},
    {"metric": "首次解决率 FCR", "comparator": ">=", "target": Decimal("85"), "unit": "%", "period": "季度"},
    {"metric": "客户满意度 CSAT", "comparator": ">=", "target": Decimal("4.5"), "unit": "分", "period": "月"},
]
FEES = [
    {"kind": "坐席服务费（全职坐席）", "unit_price": Decimal("6500"), "unit": "席/月", "quantity": Decimal("20")},
    {"kind": "通话费", "unit_price": Decimal("0.085"), "unit": "分钟", "quantity": Decimal("12000")},
    {"kind": "系统部署与培训", "unit_price": Decimal("30000"), "unit": "次", "quantity": Decimal("1")},
]
LONG_CLAUSE = (
    "乙方应按照本合同及附件约定的服务标准提供服务，服务过程中产生的全部客户数据、通话录音及工单记录归甲方所有。"
    "乙方不得将上述数据用于本合同以外的任何目的，不得向任何第三方披露，并应采取不低于等保三级要求的技术和管理措施"
    "保护数据安全。The Vendor keeps all records at the agreed storage location and hands them over on request. "
    "如乙方违反本条约定，甲方有权要求乙方立即停止违约行为、赔偿由此造成的全部损失，并有权单方解除本合同。"
    "乙方应每季度向甲方提交数据安全自查报告，甲方有权自行或委托第三方对乙方的履约情况进行审计。"
    "审计发现的问题，乙方应在十个工作日内整改完毕并书面报告整改结果。"
    "整改期间产生的费用由乙方承担，整改不影响甲方依据本合同其他条款追究乙方违约责任的权利。"
)


def _credit_code(n: int) -> str:
    body = f"91310000{n:09d}"
    return body + credit_code_check_char(body)


def _contract(owner: User, vendor: Vendor, *, number: str, templates, large: bool) -> Contract:
    contract = contract_create(
        by=owner,
        number=number,
        title="2026年度呼叫中心客服外包服务合同" + ("（集团框架）" if large else ""),
        vendor=vendor,
        category=Contract.Category.CS_OUTSOURCING,
        effective_date=date(2026, 1, 1),
        initial_term_months=24,
        auto_renew=True,
        price_increase_cap_pct=Decimal("5"),
        contract_value=Decimal("3120000"),
        data_storage_location="中国境内（上海）",
        trial_period_months=3,
        sla_targets=SLA,
        fee_items=FEES,
        clause_templates=[] if large else templates,
    )
    if large:
        categories = ClauseCategory.values
        for i in range(LARGE_CLAUSES):
            clause_create(
                contract=contract,
                by=owner,
                category=categories[(i // 15) % len(categories)],
                title=f"第{i + 1}项约定",
                text=LONG_CLAUSE,
                order=i + 1,
                status=Clause.Status.AGREED,
            )
    else:
        for clause in contract.clauses.all():
            clause_update(clause=clause, by=owner, version=clause.version, status=Clause.Status.AGREED)
    contract = contract_start_negotiation(contract=contract, by=owner)
    contract = contract_sign(contract=contract, by=owner, date=date(2025, 12, 20))
    contract = contract_activate(contract=contract, by=owner, date=date(2026, 1, 1))
    for month in (3, 6, 9, 12):
        obligation_create_custom(
            contract=contract, by=owner, title=f"季度服务评审（{month}月）", due_date=date(2026, month, 25)
        )
    return contract


def _setup() -> tuple[Contract, Contract]:
    Contract.objects.filter(number__startswith=PREFIX).delete()
    owner, _created = User.objects.get_or_create(username="bench-pdf", defaults={"email": "bench-pdf@example.com"})
    owner.groups.add(Group.objects.get(name=Role.PROCUREMENT_STAFF))  # only a role that may change contracts owns one
    vendor, _created = Vendor.objects.get_or_create(
        credit_code=_credit_code(900_000_601),
        defaults={
            "name": "上海云联客服外包服务有限公司",
            "legal_representative": "李华",
            "registered_address": "上海市徐汇区宜山路700号B2栋8楼",
        },
    )
    templates = list(ClauseTemplate.objects.filter(is_active=True).order_by("order", "id"))
    typical = _contract(owner, vendor, number=f"{PREFIX}0001", templates=templates, large=False)
    large = _contract(owner, vendor, number=f"{PREFIX}0002", templates=templates, large=True)
    return typical, large


def _median(fn, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        fn()
        times.append(time.perf_counter() - started)
    return statistics.median(times)


# The peak is read from /proc (VmHWM, this process's own high-water mark). getrusage's ru_maxrss would not do: Linux
# carries it across exec, so a child started by a large parent reports the parent's size until it outgrows it.
PEAK_SCRIPT = """
import json, sys
from pdfrender.sandbox import render_in_process

def peak_kb():
    with open("/proc/self/status") as status:
        return next(int(line.split()[1]) for line in status if line.startswith("VmHWM:"))

payload = json.loads(sys.stdin.read())
render_in_process("<p>预热 warm-up</p>", assets={})
before = peak_kb()
render_in_process(payload["html"], assets=payload["assets"])
after = peak_kb()
sys.stdout.write(json.dumps({"before_kb": before, "after_kb": after}) + "\\n")
"""


def _peak_memory_mb(html: str, assets: dict[str, str]) -> tuple[float, float]:
    """(peak RSS of the rendering process, growth over the warmed-up process), in MiB."""
    result = subprocess.run(
        [sys.executable, "-c", PEAK_SCRIPT],
        input=json.dumps({"html": html, "assets": assets}),
        capture_output=True,
        text=True,
        check=True,
        cwd=os.getcwd(),
        env={**os.environ, "PYTHONPATH": os.getcwd()},
    )
    figures = json.loads(result.stdout.strip().splitlines()[-1])
    return figures["after_kb"] / 1024, (figures["after_kb"] - figures["before_kb"]) / 1024


def _pages(pdf: bytes) -> int:
    info = subprocess.run(["pdfinfo", "-"], input=pdf, capture_output=True, check=True).stdout.decode()
    return int(re.search(r"^Pages:\s+(\d+)", info, re.MULTILINE).group(1))


def _bare_html(html: str) -> str:
    """The document's text as plain paragraphs: what WeasyPrint costs with no styling at all."""
    body = html[html.index("<body") :]
    # The running header and footer are attributes of one element (the margin boxes print them): keep their text.
    running = " ".join(unescape(value) for value in re.findall(r'data-[\w-]+="([^"]*)"', body[: body.index("</div>")]))
    blocks = [running] + [
        block.strip() for block in strip_tags(re.sub(r"<(/p|/h\d|/tr|br)[^>]*>", "\n", body)).split("\n")
    ]
    paragraphs = "".join(f"<p>{escape(block)}</p>" for block in blocks if block)
    # The same font as the document, so the ratio measures the document's structure, not fontconfig's fallback search.
    head = '<meta charset="utf-8"><style>body { font-family: "Noto Sans CJK SC", "WenQuanYi Micro Hei"; }</style>'
    return f'<!DOCTYPE html><html lang="zh-Hans"><head>{head}</head><body>{paragraphs}</body></html>'


def _median_cpu(html: str, assets: dict[str, str], runs: int) -> float:
    """Median CPU seconds of the renderer child: comparable across runs whatever else loads the machine."""
    return statistics.median(render_isolated(html, assets=assets, timeout=120).cpu_seconds for _ in range(runs))


def _median_template_cpu(contract: Contract, runs: int) -> float:
    times = []
    for _ in range(runs):
        started = time.process_time()
        contract_document_html(contract, language="zh-hans")
        times.append(time.process_time() - started)
    return statistics.median(times)


def _interleaved_medians(fns, runs: int) -> list[float]:
    """Median wall time of each function, run in turn, so that every one sees the same spells of load."""
    times = [[] for _ in fns]
    for _ in range(runs):
        for fn, fn_times in zip(fns, times, strict=True):
            started = time.perf_counter()
            fn()
            fn_times.append(time.perf_counter() - started)
    return [statistics.median(fn_times) for fn_times in times]


def run() -> None:
    typical, large = _setup()
    assets = pdf_static_assets()
    render_contract_pdf(typical, language="zh-hans")  # starts the fork server once, as a web process would
    load = os.getloadavg()[0]
    print(f"load average at start: {load:.2f} on {os.cpu_count()} CPUs (other work on the machine inflates wall times)")

    typical_html = contract_document_html(typical, language="zh-hans")
    bare = _bare_html(typical_html)
    # The typical contract and the bare page take turns, so the ratio compares renders made under the same load.
    typical_wall, bare_wall = _interleaved_medians(
        [
            lambda: render_contract_pdf(typical, language="zh-hans"),
            lambda: render_isolated(bare, assets={}, timeout=60),
        ],
        TYPICAL_RUNS,
    )
    large_wall = _median(lambda: render_contract_pdf(large, language="zh-hans"), LARGE_RUNS)

    cpu = {}
    for label, contract, wall, runs in (
        ("typical", typical, typical_wall, TYPICAL_RUNS),
        ("large", large, large_wall, LARGE_RUNS),
    ):
        html = typical_html if contract is typical else contract_document_html(contract, language="zh-hans")
        pdf = render_contract_pdf(contract, language="zh-hans")
        clauses = contract.clauses.filter(status=Clause.Status.AGREED).count()
        cpu[label] = _median_template_cpu(contract, runs) + _median_cpu(html, assets, runs)
        peak, growth = _peak_memory_mb(html, assets)
        print(
            f"{label:8s} {_pages(pdf):3d} pages, {clauses:3d} clauses, {len(pdf) / 1024:4.0f} KiB: "
            f"median {wall:.3f} s wall end to end, {cpu[label]:.3f} s CPU (HTML + renderer); "
            f"peak RSS {peak:.0f} MiB (+{growth:.0f} MiB for this document)"
        )

    bare_cpu = _median_cpu(bare, {}, TYPICAL_RUNS)
    bare_pdf = render_isolated(bare, assets={}, timeout=60).pdf
    print(
        f"bare HTML of the typical contract's text: {_pages(bare_pdf)} pages, median {bare_wall:.3f} s wall, "
        f"{bare_cpu:.3f} s CPU; ratio typical / bare = {typical_wall / bare_wall:.2f} wall, "
        f"{cpu['typical'] / bare_cpu:.2f} CPU"
    )
    verdict = "meets" if typical_wall < TARGET_SECONDS else "misses"
    print(
        f"typical render {typical_wall:.3f} s wall ({cpu['typical']:.3f} s CPU) {verdict} the {TARGET_SECONDS} s target"
        + (" on this run's load" if verdict == "misses" else "")
    )
