"""A realistic contract for PDF tests, built through the services, and poppler helpers to read the PDFs back."""

import subprocess
from datetime import date
from decimal import Decimal
from pathlib import Path

import pytest

from accounts.models import Role
from contracts.models import Clause, ClauseTemplate
from contracts.services import clause_create, clause_update, contract_create
from tests.factories import UserFactory, VendorFactory

VENDOR_NAME = "上海云联客服外包服务有限公司"
AGREED_MARKER_TEXT = "乙方应在每月五个工作日内提交上月服务报告，并对未达标指标说明原因。"


def make_contract(owner, *, number="CLM-2026-0042", vendor=None, clause_texts=(), effective_date=date(2026, 1, 1)):
    """A five-page call-center outsourcing contract: SLA rows, fee items, library clauses all agreed, plus one
    clause still under negotiation and one waived clause (neither may be printed)."""
    vendor = vendor or VendorFactory(
        name=VENDOR_NAME,
        legal_representative="李华",
        registered_address="上海市徐汇区宜山路700号B2栋8楼",
    )
    contract = contract_create(
        by=owner,
        number=number,
        title="2026年度呼叫中心客服外包服务合同",
        vendor=vendor,
        category="cs_outsourcing",
        effective_date=effective_date,
        initial_term_months=12,
        auto_renew=True,
        price_increase_cap_pct=Decimal("5"),
        contract_value=Decimal("1560000"),
        data_storage_location="中国境内（上海）",
        sla_targets=[
            {"metric": "20秒接通率", "comparator": ">=", "target": Decimal("90"), "unit": "%", "period": "月"},
            {"metric": "系统可用性", "comparator": ">=", "target": Decimal("99.9"), "unit": "%", "period": "月"},
            {"metric": "首次解决率 FCR", "comparator": ">=", "target": Decimal("85"), "unit": "%", "period": "季度"},
        ],
        fee_items=[
            {"kind": "坐席服务费", "unit_price": Decimal("6500"), "unit": "席/月", "quantity": Decimal("20")},
            {"kind": "通话费", "unit_price": Decimal("0.085"), "unit": "分钟", "quantity": Decimal("12000")},
        ],
        clause_templates=list(ClauseTemplate.objects.order_by("order", "id")[:12]),
    )
    for clause in contract.clauses.all():
        clause_update(clause=clause, by=owner, version=clause.version, status=Clause.Status.AGREED)
    clause_create(
        contract=contract, by=owner, category="sla", title="服务报告", text=AGREED_MARKER_TEXT, status="agreed"
    )
    for i, text in enumerate(clause_texts):
        clause_create(
            contract=contract, by=owner, category="other", title=f"附加条款{i + 1}", text=text, status="agreed"
        )
    clause_create(
        contract=contract, by=owner, category="liability", title="仍在谈判的条款", text="尚未谈妥的违约金比例条款。"
    )
    clause_create(
        contract=contract,
        by=owner,
        category="other",
        title="已放弃的条款",
        text="双方同意放弃的独家条款。",
        status="waived",
    )
    contract.refresh_from_db()
    return contract


@pytest.fixture
def owner(db):
    return UserFactory(username="pdf_owner", role=Role.PROCUREMENT_STAFF)


@pytest.fixture
def contract(owner):
    return make_contract(owner)


def poppler(tool: str, pdf: bytes, tmp_path: Path, *args: str) -> str:
    path = tmp_path / f"doc-{abs(hash(pdf))}.pdf"
    path.write_bytes(pdf)
    return subprocess.run(
        [tool, *args, str(path), "-"] if tool == "pdftotext" else [tool, *args, str(path)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout


def pdf_text(pdf: bytes, tmp_path: Path, *args: str) -> str:
    return poppler("pdftotext", pdf, tmp_path, *args)


def page_count(pdf: bytes, tmp_path: Path) -> int:
    info = poppler("pdfinfo", pdf, tmp_path)
    return int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages:")))


def squeeze(text: str) -> str:
    """Text without whitespace: pdftotext breaks lines wherever the layout did."""
    return "".join(text.split())
