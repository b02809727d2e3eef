"""The numbers a free text states for the structured terms, for a check that a clause agrees with the terms.

Only the readers that tie a number to its term are used (see detectors), so a clause that says "提前30日书面通知"
yields a notice period and one that says "收到通知后15日内纠正" yields nothing: a mention is something a contradiction
can be claimed on.
"""

from __future__ import annotations

from dataclasses import dataclass

from . import detectors
from .text import sentences


@dataclass(frozen=True)
class Mention:
    """`field` is a term's code name (non_renewal_notice_days, termination_notice_days, price_change_notice_days,
    price_increase_cap_pct, data_handover_business_days) or "sla:<kind>" for an SLA target, whose comparator and unit
    are then set. `span` is the sentence's (start, end) in the text; `value_span` the number's."""

    field: str
    value: object
    sentence: str
    span: tuple[int, int]
    value_span: tuple[int, int]
    comparator: str | None = None
    unit: str | None = None
    note: str | None = None


def find_term_mentions(text: str) -> list[Mention]:
    """Every term value `text` states, in order."""
    found = []
    for sentence in sentences(text):
        hits = (
            detectors.notice_periods(sentence.norm)
            + detectors.price_caps(sentence.norm)
            + detectors.handover_periods(sentence.norm)
        )
        for hit in hits:
            found.append(_mention(sentence, hit, hit.value))
        for hit in detectors.sla_targets(sentence.norm, sentence.text):
            target = hit.value
            found.append(_mention(sentence, hit, target.target, target.comparator, target.unit))
    return sorted(found, key=lambda m: m.value_span)


def _mention(sentence, hit, value, comparator=None, unit=None) -> Mention:
    return Mention(
        field=hit.field,
        value=value,
        sentence=sentence.text,
        span=(sentence.start, sentence.end),
        value_span=(sentence.start + hit.start, sentence.start + hit.end),
        comparator=comparator,
        unit=unit,
        note=hit.note,
    )
