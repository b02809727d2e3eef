"""The fingerprint of a contract's terms: SHA-256 over one canonical spelling of everything the parties agreed to.

Equal terms give an equal fingerprint whatever the document's language or the moment it was printed, so the vendor
can check that a signed PDF says what the draft said.
"""

import hashlib
import json
import unicodedata
from datetime import date
from decimal import Decimal

from contracts.models import Clause, Contract, FeeItem, SLATarget

FINGERPRINT_SCHEMA = "clm-contract-terms/1"

# The structured terms that the fingerprint covers: what the parties agreed to, not who manages the record.
FINGERPRINT_TERM_FIELDS = (
    "number",
    "title",
    "category",
    "effective_date",
    "end_date",
    "initial_term_months",
    "auto_renew",
    "renewal_term_months",
    "non_renewal_notice_days",
    "termination_notice_days",
    "trial_period_months",
    "price_change_notice_days",
    "price_increase_cap_pct",
    "fee_model",
    "currency",
    "contract_value",
    "payment_cycle",
    "data_handover_business_days",
    "data_storage_location",
    "confidentiality_years_after_end",
)


def _canonical(value):
    """One spelling per value: decimals without trailing zeros, ISO dates, NFC text with Unix line ends."""
    if isinstance(value, Decimal):
        text = format(value.normalize(), "f")
        return "0" if text in ("-0", "0") else text
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return unicodedata.normalize("NFC", value.replace("\r\n", "\n").replace("\r", "\n"))
    return value


def agreed_clauses_of(contract: Contract) -> list[Clause]:
    return list(contract.clauses.filter(status=Clause.Status.AGREED).order_by("order", "id"))


def sla_targets_of(contract: Contract) -> list[SLATarget]:
    return list(contract.sla_targets.order_by("order", "id"))


def fee_items_of(contract: Contract) -> list[FeeItem]:
    return list(contract.fee_items.order_by("order", "id"))


def fingerprint_payload(
    contract: Contract,
    *,
    agreed_clauses: list[Clause] | None = None,
    sla_targets: list[SLATarget] | None = None,
    fee_items: list[FeeItem] | None = None,
) -> dict:
    """The canonical content the fingerprint hashes: terms, both parties' vendor identity, SLA rows, fees, clauses.

    A caller that has already read the agreed clauses, SLA rows or fee items (in their order) passes them in.
    """
    clauses = agreed_clauses_of(contract) if agreed_clauses is None else agreed_clauses
    sla_targets = sla_targets_of(contract) if sla_targets is None else sla_targets
    fee_items = fee_items_of(contract) if fee_items is None else fee_items
    vendor = contract.vendor
    return {
        "schema": FINGERPRINT_SCHEMA,
        "terms": {name: _canonical(getattr(contract, name)) for name in FINGERPRINT_TERM_FIELDS},
        "vendor": {
            "name": _canonical(vendor.name),
            "credit_code": _canonical(vendor.credit_code),
        },
        "sla_targets": [
            {
                "metric": _canonical(row.metric),
                "comparator": row.comparator,
                "target": _canonical(row.target),
                "unit": _canonical(row.unit),
                "period": _canonical(row.period),
            }
            for row in sla_targets
        ],
        "fee_items": [
            {
                "kind": _canonical(row.kind),
                "unit_price": _canonical(row.unit_price),
                "unit": _canonical(row.unit),
                "quantity": _canonical(row.quantity),
                "note": _canonical(row.note),
            }
            for row in fee_items
        ],
        "clauses": [
            {
                "category": clause.category,
                "title": _canonical(clause.title),
                "text": _canonical(clause.text),
                "order": clause.order,
            }
            for clause in clauses
        ],
    }


def contract_fingerprint(contract: Contract, **rows) -> str:
    """SHA-256 of the canonical terms: equal terms give an equal fingerprint, whatever the language or render time.

    Status, owner, notes and timestamps are left out on purpose, so signing a negotiated contract keeps the
    fingerprint the vendor already saw on the draft.
    """
    payload = fingerprint_payload(contract, **rows)
    serialised = json.dumps(payload, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(serialised.encode("utf-8")).hexdigest()
