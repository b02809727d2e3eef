"""The downloadable template: an XLSX whose columns are exactly those an import reads.

Row 1 holds the Chinese labels, row 2 the code names (an import skips a row of code names), row 3 an example. The
second and third sheets hold SLA targets and fee rows keyed by contract number.
"""

from datetime import date
from decimal import Decimal
from io import BytesIO

from django.utils import translation

from contracts.models import Contract, FeeItem, SLATarget
from rules.credit_code import credit_code_check_char

from .columns import CONTRACT_COLUMNS, FEE_COLUMNS, SLA_COLUMNS, Column, column_label
from .reading import Cell

EXAMPLE_NUMBER = "HT-2026-001"
_EXAMPLE_CODE_BODY = "91310000MA1K00001"
EXAMPLE_CREDIT_CODE = _EXAMPLE_CODE_BODY + credit_code_check_char(_EXAMPLE_CODE_BODY)

_CONTRACT_EXAMPLE: dict[str, Cell] = {
    "number": EXAMPLE_NUMBER,
    "title": "呼叫中心外包服务合同",
    "vendor": "上海示例客服外包有限公司",
    "credit_code": EXAMPLE_CREDIT_CODE,
    "category": "客服外包",
    "status": "已生效",
    "effective_date": date(2026, 1, 1),
    "initial_term_months": 12,
    "auto_renew": "是",
    "non_renewal_notice_days": 30,
    "price_change_notice_days": 90,
    "price_increase_cap_pct": 5,
    "fee_model": "按坐席",
    "currency": "CNY",
    "contract_value": Decimal("1200000.00"),
    "payment_cycle": "按月",
    "data_handover_business_days": 7,
    "data_storage_location": "中国境内",
}
_SLA_EXAMPLES: list[dict[str, Cell]] = [
    {
        "number": EXAMPLE_NUMBER,
        "metric": "20秒接通率",
        "kind": "answer_rate",
        "comparator": ">=",
        "target": 80,
        "unit": "%",
        "period": "月",
        "credit_pct": 5,
        "critical": "是",
    },
    {
        "number": EXAMPLE_NUMBER,
        "metric": "放弃率",
        "kind": "abandonment",
        "comparator": "<=",
        "target": 5,
        "unit": "%",
        "period": "月",
        "credit_pct": 3,
        "critical": "否",
    },
]
_FEE_EXAMPLES: list[dict[str, Cell]] = [
    {"number": EXAMPLE_NUMBER, "kind": "坐席服务费", "unit_price": 8000, "unit": "坐席/月", "quantity": 12},
]


def _sheet(workbook, title: str, columns: tuple[Column, ...], model, examples: list[dict[str, Cell]]) -> None:
    from openpyxl.styles import Font
    from openpyxl.utils import get_column_letter

    sheet = workbook.create_sheet(title)
    with translation.override("zh-hans"):
        sheet.append([column_label(c, model) for c in columns])
    sheet.append([c.name for c in columns])
    for example in examples:
        sheet.append([example.get(c.name) for c in columns])
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for cell in sheet[2]:
        cell.font = Font(italic=True, color="666666")
    for index in range(1, len(columns) + 1):
        letter = get_column_letter(index)
        sheet.column_dimensions[letter].width = 18
        for row in range(3, 3 + len(examples)):
            cell = sheet.cell(row=row, column=index)
            if isinstance(cell.value, date):
                cell.number_format = "yyyy-mm-dd"
    sheet.freeze_panes = "A3"


def template_workbook() -> bytes:
    import openpyxl  # loaded on first use: the web process starts without it

    workbook = openpyxl.Workbook()
    workbook.remove(workbook.active)
    _sheet(workbook, "合同", CONTRACT_COLUMNS, Contract, [_CONTRACT_EXAMPLE])
    _sheet(workbook, "SLA指标", SLA_COLUMNS, SLATarget, _SLA_EXAMPLES)
    _sheet(workbook, "费用明细", FEE_COLUMNS, FeeItem, _FEE_EXAMPLES)
    out = BytesIO()
    workbook.save(out)
    return out.getvalue()
