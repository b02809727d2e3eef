"""Clause-library wording with placeholders bound to a contract's terms: `{price_change_notice_days}`,
`{price_increase_cap_pct}`, `{data_handover_business_days}`, `{sla_availability}` (an SLA target by kind), ...

A clause started from the library is the template's wording filled with the contract's values, so it cannot say 5%
when the contract's cap is 3%. Names the caller does not know are left as written; a known term without a value (no
cap agreed yet) reads as `missing`.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from decimal import Decimal

PLACEHOLDER = re.compile(r"\{([a-z][a-z0-9_]*)\}")


def placeholders(text: str) -> set[str]:
    """The placeholder names `text` uses."""
    return set(PLACEHOLDER.findall(text))


def value_text(value: object) -> str | None:
    """A term as a clause prints it: decimals without trailing zeros (5, 99.9), None for no value."""
    if value is None:
        return None
    if isinstance(value, Decimal):
        return format(value.normalize(), "f")
    return str(value)


def fill(text: str, values: Mapping[str, str | None], missing: str) -> str:
    """`text` with each known placeholder replaced by its value (`missing` when the term has none)."""

    def one(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            return match.group(0)
        value = values[name]
        return missing if value is None else value

    return PLACEHOLDER.sub(one, text)
