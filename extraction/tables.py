"""Fee items and SLA targets from the tables of a contract.

A table is read by its header row: the column whose header names a price (单价, Unit Price) holds unit prices, the
one that names a target (目标值, Target) holds SLA targets, and so on, so the columns may come in any order and a
table that is neither (a signature table, a contact list) is left alone. A target cell without a comparator ("99.9%")
takes the direction its kind always has: availability at least, waiting time at most.
"""

from __future__ import annotations

import re
from decimal import Decimal

from . import detectors
from .document import Document, Paragraph
from .numbers import ARABIC, NUMBER, currency_of, find_amounts, find_percents, parse_number
from .results import FeeItem, SLATarget
from .text import normalize
from .vocabulary import sla_kind

FEE_COLUMNS = {
    "unit_price": r"单价|价格|收费标准|计费标准|费率|资费|报价|unit\s*price|price|rate|fee",
    "amount": r"金额|小计|合计|总价|总额|amount|subtotal|total",
    "quantity": r"数量|坐席数|席位数|人数|quantity|qty|seats|volume|number\s+of",
    "unit": r"单位|计费方式|计价单位|unit|billing|per\b",
    "kind": r"项目|服务项目|费用项目|收费项目|费用名称|名称|内容|类别|类型|服务|"
    r"item|service|description|component|type|fee\s+type",
}
SLA_COLUMNS = {
    "credit": r"扣减|抵扣|违约金|罚则|赔偿|credit|penalty|rebate|deduction",
    "target": r"目标|target",
    "metric": r"指标|考核项|考核项目|服务项目|项目|名称|服务水平|metric|kpi|indicator|measure|service\s+level|item",
    "target_other": r"标准|要求|承诺|达标|门槛|commitment|requirement|standard|threshold|value|level",
    "comparator": r"比较|符号|comparator|operator",
    "unit": r"单位|unit",
    "period": r"周期|频率|统计期|考核期|period|frequency|measured|window",
}
TOTAL_ROW = re.compile(r"^\s*(?:合计|总计|共计|小计|total|subtotal|grand\s+total)\b", re.I)


def _rows(document: Document, index: int) -> list[Paragraph]:
    return [p for p in document.paragraphs if p.table == index]


def _header_roles(header: tuple[str, ...], columns: dict[str, str]) -> dict[str, int]:
    roles: dict[str, int] = {}
    for position, cell in enumerate(header):
        norm = normalize(cell).lower()
        for role, pattern in columns.items():
            if role not in roles and re.search(pattern, norm, re.I):
                roles[role] = position
                break
    return roles


def fee_items_from_tables(document: Document) -> list[FeeItem]:
    items = []
    for index in range(len(document.tables)):
        rows = _rows(document, index)
        if len(rows) < 2:
            continue
        roles = _header_roles(rows[0].cells, FEE_COLUMNS)
        if "unit_price" not in roles or "kind" not in roles:
            continue
        price_header = normalize(rows[0].cells[roles["unit_price"]])
        header_currency = currency_of(price_header)
        # "单价（元/坐席/月）": the unit is written once, in the header.
        in_brackets = re.search(r"\(([^)]*/[^)]*)\)", price_header)
        header_unit = unit_name(in_brackets.group(1)) if in_brackets else ""
        for row in rows[1:]:
            item = _fee_row(row, roles, header_currency, header_unit)
            if item is not None:
                items.append(item)
    return items


def _cell(row: Paragraph, roles: dict[str, int], role: str) -> str:
    position = roles.get(role)
    return row.cells[position] if position is not None and position < len(row.cells) else ""


def _fee_row(row: Paragraph, roles: dict[str, int], header_currency: str | None, header_unit: str) -> FeeItem | None:
    kind = _cell(row, roles, "kind").strip()
    if not kind or TOTAL_ROW.match(normalize(kind)):
        return None
    price_text = normalize(_cell(row, roles, "unit_price"))
    amounts = find_amounts(price_text)
    if amounts:
        price, currency = amounts[0].value.value, amounts[0].value.currency
        rest = price_text[amounts[0].end :]
    else:
        number = re.search(ARABIC, price_text)
        if not number:
            return None
        price, currency, rest = Decimal(number.group().replace(",", "")), None, price_text[number.end() :]
    unit = unit_name(_cell(row, roles, "unit")) or unit_name(rest) or header_unit
    quantity_text = normalize(_cell(row, roles, "quantity"))
    quantity_match = re.search(NUMBER, quantity_text)
    quantity = parse_number(quantity_match.group()) if quantity_text and quantity_match else None
    return FeeItem(kind, price, unit, quantity, currency or header_currency, row.text, (row.start, row.end))


_CURRENCY_UNIT = re.compile(r"^\s*(?:人民币|元|RMB|CNY|USD|US\$|¥|\$|美元|HKD|EUR)\s*", re.I)


def unit_name(text: str) -> str:
    """A billing unit as written, without its currency: "元/坐席/月" -> "坐席/月", "per seat per month" ->
    "seat/month"."""
    text = normalize(text).strip()
    text = _CURRENCY_UNIT.sub("", text)
    text = re.sub(r"^\s*(?:/|每|per\s+|a\s+|each\s+)", "", text, flags=re.I)
    text = re.sub(r"\s*(?:/|每|\bper\b)\s*", "/", text, flags=re.I)
    text = re.sub(r"\(.*?\)", "", text).strip(" /.,;")
    return text[:30]


def sla_targets_from_tables(document: Document) -> list[SLATarget]:
    targets = []
    for index in range(len(document.tables)):
        rows = _rows(document, index)
        if len(rows) < 2:
            continue
        roles = _header_roles(rows[0].cells, SLA_COLUMNS)
        if "target" not in roles and "target_other" in roles:
            roles["target"] = roles.pop("target_other")
        if "metric" not in roles or "target" not in roles:
            continue
        fee_roles = _header_roles(rows[0].cells, FEE_COLUMNS)
        if "unit_price" in fee_roles and fee_roles["unit_price"] != roles.get("credit"):
            continue
        for row in rows[1:]:
            target = _sla_row(row, roles)
            if target is not None:
                targets.append(target)
    return targets


def _sla_row(row: Paragraph, roles: dict[str, int]) -> SLATarget | None:
    metric = _cell(row, roles, "metric").strip()
    if not metric:
        return None
    text = " ".join(_cell(row, roles, role) for role in ("comparator", "target", "unit")).strip()
    parsed = _target_cell(normalize(text))
    if parsed is None:
        return None
    comparator, value, unit = parsed
    kind = sla_kind(normalize(metric))
    comparator = comparator or detectors.DEFAULT_COMPARATOR.get(kind)
    if comparator is None:
        return None
    period_text = normalize(_cell(row, roles, "period") + " " + metric)
    period = next((name for pattern, name in detectors.PERIODS if re.search(pattern, period_text, re.I)), "")
    if not period and re.search(r"^\s*(?:月|month)", period_text, re.I):
        period = "month"
    credit = find_percents(normalize(_cell(row, roles, "credit")))
    return SLATarget(metric, comparator, value, unit, kind, period, row.text, (row.start, row.end),
                     credit[0].value if credit else None)  # fmt: skip


_BARE = re.compile(rf"(?P<num>{NUMBER})\s*(?P<unit>{detectors._UNIT.pattern})?", re.I)


def _target_cell(text: str) -> tuple[str | None, Decimal, str] | None:
    match = detectors._TARGET.search(text)
    if match and match.group("bare") is None and match.group("lead") is None:
        value = parse_number(match.group("pct") or match.group("num") or match.group("num2"))
        unit_text = "%" if match.group("pct") else match.group("unit") or match.group("unit2") or ""
        if match.group("cmp"):
            comparator = next(
                op for pattern, op in detectors.COMPARATORS if re.fullmatch(pattern, match.group("cmp"), re.I)
            )
        else:
            comparator = detectors._POSTFIX[match.group("post")]
    else:
        match = _BARE.search(text)
        if not match:
            return None
        value, unit_text, comparator = parse_number(match.group("num")), match.group("unit") or "", None
    if value is None:
        return None
    unit = next((name for pattern, name in detectors.UNITS if unit_text and re.fullmatch(pattern, unit_text, re.I)), "")
    return comparator, value, unit
