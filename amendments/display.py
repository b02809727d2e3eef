"""What an amendment changes, for people to read: each changed term, row table and clause as old -> new, with its
label and formatted values in the active language (the amendment's page and its PDF)."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from contracts.models import Clause, ClauseCategory, Contract, SLATarget
from core.formatting import amount, money, percent, prose_date

from .changes import ROW_FIELDS, rows_from_json, stored_rows, term_value
from .models import Amendment

PERCENT_FIELDS = frozenset({"price_increase_cap_pct", "sla_credit_cap_pct"})


@dataclass(frozen=True)
class ChangeRow:
    label: str
    old: list[str]
    new: list[str]
    field: str


def _term_text(name: str, value: Any, currency: str) -> str:
    if value is None or value == "":
        return "—"
    field = Contract._meta.get_field(name)
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if isinstance(field, models.BooleanField):
        return _("Yes") if value else _("No")
    if isinstance(field, models.DateField):
        return prose_date(value)
    if name in PERCENT_FIELDS:
        return percent(value)
    if name == "contract_value":
        return money(value, currency)
    if isinstance(value, Decimal):
        return amount(value, places=0)
    return str(value)


def _sla_line(row: dict) -> str:
    comparator = dict(SLATarget.Comparator.choices).get(row.get("comparator", ">="), row.get("comparator", ""))
    line = f"{row.get('metric', '')} {comparator} {amount(row.get('target'), places=0)}{row.get('unit', '')}"
    if row.get("period"):
        line += f" ({row['period']})"
    return line


def _fee_line(row: dict, currency: str) -> str:
    quantity = amount(row.get("quantity", 1), places=0)
    return f"{row.get('kind', '')}: {money(row.get('unit_price'), currency)} × {quantity} {row.get('unit', '')}".strip()


def _rows_text(name: str, rows: list[dict], currency: str) -> list[str]:
    if not rows:
        return [_("(none)")]
    if name == "sla_targets":
        return [_sla_line(row) for row in rows]
    return [_fee_line(row, currency) for row in rows]


def change_rows(amendment: Amendment) -> list[ChangeRow]:
    """Old -> new for each change: the values before it came into force once applied, the terms in force before."""
    contract = amendment.contract
    applied = amendment.old_values is not None
    old = amendment.old_values or {}
    currency = str(amendment.changes.get("currency") or contract.currency)
    rows: list[ChangeRow] = []
    for name, stored in amendment.changes.items():
        if name in ROW_FIELDS:
            continue
        before = term_value(name, old["terms"].get(name)) if applied else getattr(contract, name)
        rows.append(
            ChangeRow(
                label=capfirst(str(Contract._meta.get_field(name).verbose_name)),
                old=[_term_text(name, before, contract.currency)],
                new=[_term_text(name, term_value(name, stored), currency)],
                field=name,
            )
        )
    labels = {"sla_targets": _("Service level targets"), "fee_items": _("Fee items")}
    for name in ROW_FIELDS:
        if name not in amendment.changes:
            continue
        before_rows = old.get(name, []) if applied else stored_rows(contract, name)
        rows.append(
            ChangeRow(
                label=str(labels[name]),
                old=_rows_text(name, before_rows, contract.currency),
                new=_rows_text(name, rows_from_json(amendment.changes, name) or [], currency),
                field=name,
            )
        )
    clause_ids = [row["id"] for row in amendment.clauses if "id" in row]
    current = {c.pk: c for c in Clause.objects.filter(pk__in=clause_ids)} if clause_ids else {}
    before_clauses = {row["id"]: row for row in old.get("clauses", [])}
    categories = dict(ClauseCategory.choices)
    for row in amendment.clauses:
        if "id" in row:
            before = before_clauses.get(row["id"]) if applied else None
            clause = current.get(row["id"])
            old_title = before["title"] if before else (clause.title if clause else "")
            old_text = before["text"] if before else (clause.text if clause else "")
            rows.append(
                ChangeRow(
                    label=_("Clause “%(title)s”") % {"title": old_title},
                    old=[old_title, *old_text.splitlines()],
                    new=[row["title"], *row["text"].splitlines()],
                    field="clause",
                )
            )
        else:
            rows.append(
                ChangeRow(
                    label=_("New clause (%(category)s)") % {"category": categories.get(row["category"], "")},
                    old=["—"],
                    new=[row["title"], *row["text"].splitlines()],
                    field="clause",
                )
            )
    return rows
