"""A vendor's history in one list: its master data, contacts and certifications (core.history: old -> new values).

Vendors are shared reference data: whoever may open the vendor (vendors.access) may read all of it.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.db.models import QuerySet

from core.history import Entry, HistorySource, history_entries, history_rows

from .models import Certification, Vendor, VendorContact


def _certification_label(record: Any) -> str:
    if record.name:
        return str(record.name)
    kinds = dict(Certification.Kind.choices)
    return str(kinds.get(record.kind, record.kind))


VENDOR_SOURCES: list[HistorySource] = [
    HistorySource(Vendor, parent="id"),
    HistorySource(VendorContact, parent="vendor"),
    HistorySource(Certification, parent="vendor", label=_certification_label),
]


def vendor_history_rows(vendor: Vendor) -> QuerySet:
    """Every history record of the vendor, its contacts and certifications, newest first: a query to paginate."""
    return history_rows(VENDOR_SOURCES, vendor.pk)


def vendor_history_entries(vendor: Vendor, rows: Iterable[Sequence[Any]]) -> list[Entry]:
    """One page of vendor_history_rows as entries with each field's old and new value."""
    return history_entries(VENDOR_SOURCES, rows)
