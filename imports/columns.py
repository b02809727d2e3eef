"""The columns an import understands, how a header names one, and how a cell becomes a value.

A header is a column's code name (the API's field name, e.g. ``effective_date``), its label in Chinese or English (the
model's verbose name, read through gettext so the labels stay those of the forms: 生效日期, "effective date"), or a
common alias (合同名称, 到期日期, 供应商名称 ...). Cells forgive how people type, through the same normalisers as the
forms (core.text): full-width digits, 2026/1/1 and 2026年1月1日, 1,234.50, 是/否. A cell that cannot be read raises
CellError with a message in the active language; a blank cell is None ("not given").
"""

from __future__ import annotations

import math
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from typing import Any

from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from contracts.models import Contract, FeeItem, SLATarget
from contracts.register_export import EXPORT_HEADERS
from core.formatting import join_list
from core.text import normalise_code, normalise_date_input, normalise_number, normalise_text
from vendors.models import Vendor

from .reading import Cell


class CellError(ValueError):
    pass


def _as_text(value: Cell) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.date().isoformat()
    return str(value)


def parse_text(value: Cell) -> str:
    return normalise_text(_as_text(value))


def parse_code(value: Cell) -> str:
    return normalise_code(_as_text(value))


def parse_date(value: Cell) -> date:
    """A real date cell, or text as the forms read it: ISO, 2026/1/1, 2026.1.1, 2026年1月1日, full-width digits."""
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(normalise_date_input(value))
        except ValueError:
            pass
    message = _("“%(value)s” is not a date. Write it as 2026-01-31, 2026/1/31 or 2026年1月31日.")
    raise CellError(message % {"value": value})


def parse_decimal(value: Cell) -> Decimal:
    if isinstance(value, bool):
        raise CellError(_("“%(value)s” is not a number.") % {"value": value})
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise CellError(_("“%(value)s” is not a number.") % {"value": value})
        return Decimal(repr(value))
    try:
        number = Decimal(normalise_number(_as_text(value)))
    except InvalidOperation:
        raise CellError(_("“%(value)s” is not a number.") % {"value": value}) from None
    if not number.is_finite():
        raise CellError(_("“%(value)s” is not a number.") % {"value": value})
    return number


def parse_integer(value: Cell) -> int:
    number = parse_decimal(value)
    if number != number.to_integral_value():
        raise CellError(_("“%(value)s” is not a whole number.") % {"value": value})
    if abs(number) > 10**9:
        raise CellError(_("“%(value)s” is too large.") % {"value": value})
    return int(number)


_TRUE = {"是", "yes", "y", "true", "1", "对", "√", "x"}
_FALSE = {"否", "no", "n", "false", "0", "不", "×"}


def parse_boolean(value: Cell) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, int | float) and value in (0, 1):
        return bool(value)
    text = _header_key(_as_text(value))
    if text in _TRUE:
        return True
    if text in _FALSE:
        return False
    message = _("“%(value)s” is not yes or no. Write 是 or 否 (yes or no, true or false, 1 or 0).")
    raise CellError(message % {"value": value})


def choice_parser(choices: type[models.TextChoices]) -> Callable[[Cell], str]:
    """A choice by its code or its label in either language (客服外包, "Customer-service outsourcing")."""

    @lru_cache(maxsize=1)
    def lookup() -> dict[str, str]:
        known: dict[str, str] = {}
        for member in choices:
            known[_header_key(member.value)] = member.value
            for language in ("en", "zh-hans"):
                with translation.override(language):
                    known[_header_key(str(member.label))] = member.value
        return known

    def parse(value: Cell) -> str:
        found = lookup().get(_header_key(_as_text(value)))
        if found is None:
            labels = join_list(str(m.label) for m in choices)
            raise CellError(_("“%(value)s” is not one of: %(choices)s.") % {"value": value, "choices": labels})
        return found

    return parse


@dataclass(frozen=True)
class Column:
    name: str  # the code name, also the field the value goes to
    parse: Callable[[Cell], Any]
    label: Any = None  # a lazy label when the column is not a model field
    aliases: tuple[str, ...] = ()


def _header_key(text: str) -> str:
    """A header as compared: NFKC (full-width brackets and letters), lower case, no spaces, no required-marker."""
    text = unicodedata.normalize("NFKC", text or "").lower()
    return "".join(text.split()).strip("*")


CONTRACT_COLUMNS: tuple[Column, ...] = (
    Column("number", parse_code, aliases=("合同号", "contract_no", "编号")),
    Column("title", parse_text, aliases=("合同名称", "名称", "contract title")),
    Column("vendor", parse_text, gettext_lazy("vendor"), aliases=("供应商名称", "vendor name", "vendor_name", "乙方")),
    Column("credit_code", parse_code, aliases=("信用代码", "vendor_credit_code")),
    Column("category", choice_parser(Contract.Category), aliases=("合同类别",)),
    Column("status", choice_parser(Contract.Status), aliases=("合同状态",)),
    Column("owner", parse_text, aliases=("负责人用户名", "username")),
    Column("effective_date", parse_date, aliases=("开始日期", "起始日期", "start date")),
    Column("end_date", parse_date, aliases=("到期日期", "结束日期", "到期日")),
    Column("initial_term_months", parse_integer, aliases=("合同期限（月）", "期限（月）")),
    Column("auto_renew", parse_boolean, aliases=("是否自动续约", "auto renew")),
    Column("renewal_term_months", parse_integer),
    Column("non_renewal_notice_days", parse_integer),
    Column("renewal_review_lead_days", parse_integer),
    Column("termination_notice_days", parse_integer),
    Column("trial_period_months", parse_integer),
    Column("price_change_notice_days", parse_integer),
    Column("price_increase_cap_pct", parse_decimal),
    Column("fee_model", choice_parser(Contract.FeeModel)),
    Column("currency", parse_code),
    Column("contract_value", parse_decimal, aliases=("合同总额", "金额")),
    Column("payment_cycle", choice_parser(Contract.PaymentCycle)),
    Column("data_handover_business_days", parse_integer),
    Column("data_storage_location", parse_text),
    Column("confidentiality_years_after_end", parse_integer),
    Column("sla_credit_cap_pct", parse_decimal),
    Column("sla_exit_consecutive_misses", parse_integer),
    Column("sla_exit_decision_days", parse_integer),
    Column("signed_on", parse_date, aliases=("签署日期", "签订日期")),
    Column("activated_on", parse_date),
    Column("terminated_on", parse_date),
    Column("notes", parse_text),
)

SLA_COLUMNS: tuple[Column, ...] = (
    Column("number", parse_code, gettext_lazy("contract number"), aliases=("合同号",)),
    Column("metric", parse_text, aliases=("sla指标", "指标名称")),
    Column("kind", choice_parser(SLATarget.Kind), gettext_lazy("kind"), aliases=("指标类型",)),
    Column("comparator", choice_parser(SLATarget.Comparator), aliases=(">=",)),
    Column("target", parse_decimal),
    Column("unit", parse_text),
    Column("period", parse_text),
    Column("credit_pct", parse_decimal),
    Column("critical", parse_boolean),
)

FEE_COLUMNS: tuple[Column, ...] = (
    Column("number", parse_code, gettext_lazy("contract number"), aliases=("合同号",)),
    Column("kind", parse_text, gettext_lazy("item"), aliases=("费用项目", "收费项目")),
    Column("unit_price", parse_decimal),
    Column("unit", parse_text),
    Column("quantity", parse_decimal),
    Column("note", parse_text),
)

# The fields of each kind of sheet whose labels come from another model than the sheet's own.
_LABEL_MODELS = {"credit_code": (Vendor, "credit_code"), "vendor": (Vendor, "name")}


def column_label(column: Column, model: type[models.Model]) -> str:
    """The column's label in the active language."""
    if column.label is not None:
        return str(column.label)
    target_model, field = _LABEL_MODELS.get(column.name, (model, column.name))
    return str(target_model._meta.get_field(field).verbose_name)


SHEETS: dict[str, tuple[tuple[Column, ...], type[models.Model]]] = {
    "contracts": (CONTRACT_COLUMNS, Contract),
    "sla": (SLA_COLUMNS, SLATarget),
    "fees": (FEE_COLUMNS, FeeItem),
}


# A header that names an informational column of the register's export (the end shown, the owner's name ...): read
# and ignored, so the register's download imports as it is.
IGNORED = ""


@lru_cache(maxsize=8)
def header_names(kind: str) -> dict[str, str]:
    """Every header that names a column of this kind of sheet -> the column's code name (IGNORED: read, not used).

    The contracts sheet also knows the headers of the register's export (EXPORT_HEADERS) where they do not clash with
    a name the import already gives a column."""
    columns, model = SHEETS[kind]
    names: dict[str, str] = {}
    for column in columns:
        names[_header_key(column.name)] = column.name
        for alias in column.aliases:
            names[_header_key(alias)] = column.name
        for language in ("en", "zh-hans"):
            with translation.override(language):
                names.setdefault(_header_key(column_label(column, model)), column.name)
    if kind == "contracts":
        for language in ("en", "zh-hans"):
            names.update({k: v for k, v in export_header_names(language).items() if k not in names})
    return names


@lru_cache(maxsize=4)
def export_header_names(language: str) -> dict[str, str]:
    """The headers of the register's export in `language` -> the column each fills (IGNORED: informational)."""
    with translation.override(language):
        return {_header_key(str(header)): field or IGNORED for header, field in EXPORT_HEADERS}


def _names_for(kind: str, keys: set[str]) -> dict[str, str]:
    """The names to read this header row with: a row that has every header of the register's export (in one
    language) is read as that export, so its informational columns (到期日, the end shown) are not taken for the
    import's own names for those words (到期日 is also a common name of the end date)."""
    names = header_names(kind)
    if kind == "contracts":
        for language in ("en", "zh-hans"):
            export = export_header_names(language)
            if keys >= set(export):
                return {**names, **export}
    return names


def match_header(kind: str, header: Iterable[str]) -> tuple[dict[int, str], list[str]]:
    """The column code name of each header cell (by position), and the headers that name no column."""
    header = list(header)
    names = _names_for(kind, {_header_key(text) for text in header if text})
    found: dict[int, str] = {}
    unknown: list[str] = []
    for position, text in enumerate(header):
        if not text:
            continue
        name = names.get(_header_key(text))
        if name == IGNORED:
            continue
        if name is None or name in found.values():
            unknown.append(text)
        else:
            found[position] = name
    return found, unknown


def sheet_kind(header: Iterable[str]) -> str | None:
    """Which kind of second sheet this is, by its columns: SLA targets name a metric, fee rows a unit price."""
    header = list(header)
    for kind in ("sla", "fees"):
        matched, _unknown = match_header(kind, header)
        if "number" in matched.values() and {"metric", "unit_price"} & set(matched.values()):
            return kind
    return None


def columns_of(kind: str) -> dict[str, Column]:
    return {c.name: c for c in SHEETS[kind][0]}


def is_code_name_row(kind: str, cells: Iterable[Cell]) -> bool:
    """A row that repeats the columns' code names under their labels (as the template's second row does)."""
    names = set(columns_of(kind))
    texts = [c for c in cells if c is not None and str(c).strip()]
    return bool(texts) and all(isinstance(c, str) and c.strip() in names for c in texts)
