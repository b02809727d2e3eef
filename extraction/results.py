"""What term extraction answers: values with their source sentences, fee items, SLA targets, the proposal."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal


@dataclass(frozen=True)
class Extracted:
    """One proposed value: the sentence that states it, that sentence's (start, end) in Document.text, and a note
    when the value is not read literally: "computed" (end date from start + term), "from_dates" (term from the two
    dates), "signing_date" (effective on signature), "not_stated" (auto-renewal excluded by a sentence that requires
    a new agreement), "same_as_initial", "check_digit" (a credit code whose check digit is wrong), "calendar_days"
    (a handover period written in calendar days), "working_days" (a notice period written in working days),
    "amounts_disagree" (figures and 大写 differ: the 大写 is proposed)."""

    value: object
    sentence: str
    span: tuple[int, int]
    note: str | None = None


@dataclass(frozen=True)
class FeeItem:
    kind: str
    unit_price: Decimal
    unit: str
    quantity: Decimal | None
    currency: str | None
    sentence: str
    span: tuple[int, int]


@dataclass(frozen=True)
class SLATarget:
    """An SLA target: `comparator` is one of >=, <=, >, <, =; `unit` is one of %, seconds, minutes, hours, days,
    working_days, points, people; `kind` an SLA kind code name; `period` month, quarter, year, week, day or ""."""

    metric: str
    comparator: str
    target: Decimal
    unit: str
    kind: str
    period: str
    sentence: str
    span: tuple[int, int]
    credit_pct: Decimal | None = None


@dataclass
class Proposal:
    fields: dict[str, Extracted | None]
    fee_items: list[FeeItem] = field(default_factory=list)
    sla_targets: list[SLATarget] = field(default_factory=list)
    not_found: list[str] = field(default_factory=list)

    def value(self, name: str):
        found = self.fields.get(name)
        return None if found is None else found.value
