"""An amendment's changes as stored (JSON) and as the services write them (Python values), and back.

Dates are stored as ISO strings and decimals as strings, so the stored amendment says exactly what was agreed;
reading them back goes through the model fields' own parsing (`to_python`).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.db.models import Model

from contracts.models import Contract, FeeItem, SLATarget

ROW_FIELDS = ("sla_targets", "fee_items")
SLA_COLUMNS = ("metric", "kind", "comparator", "target", "unit", "period", "credit_pct", "critical")
FEE_COLUMNS = ("kind", "unit_price", "unit", "quantity", "note")
ROW_MODELS: dict[str, tuple[type[Model], tuple[str, ...]]] = {
    "sla_targets": (SLATarget, SLA_COLUMNS),
    "fee_items": (FeeItem, FEE_COLUMNS),
}


def to_json(value: Any) -> Any:
    if isinstance(value, Model):
        return value.pk
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return value


def row_to_json(row: dict, columns: tuple[str, ...]) -> dict:
    return {name: to_json(row[name]) for name in columns if name in row}


def changes_to_json(terms: dict[str, Any], rows: dict[str, list[dict] | None]) -> dict[str, Any]:
    stored: dict[str, Any] = {name: to_json(value) for name, value in terms.items()}
    for name, value in rows.items():
        if value is not None:
            stored[name] = [row_to_json(row, ROW_MODELS[name][1]) for row in value]
    return stored


def term_value(name: str, value: Any) -> Any:
    """A stored term value as the model field holds it."""
    return Contract._meta.get_field(name).to_python(value)


def terms_from_json(changes: dict[str, Any]) -> dict[str, Any]:
    return {name: term_value(name, value) for name, value in changes.items() if name not in ROW_FIELDS}


def rows_from_json(changes: dict[str, Any], name: str) -> list[dict] | None:
    if name not in changes:
        return None
    model, columns = ROW_MODELS[name]
    return [
        {column: model._meta.get_field(column).to_python(row[column]) for column in columns if column in row}
        for row in changes[name]
    ]


def stored_rows(contract: Contract, name: str) -> list[dict]:
    model, columns = ROW_MODELS[name]
    rows = model._default_manager.filter(contract=contract).order_by("order", "id").values(*columns)
    return [row_to_json(row, columns) for row in rows]
