"""Contract numbers: CLM-YYYY-NNNN, the next free one in the year the contract takes effect."""

import re

from contracts.models import Contract

NUMBER_RE = re.compile(r"^CLM-(\d{4})-(\d{4,})$")


def next_contract_number(year: int) -> str:
    prefix = f"CLM-{year}-"
    numbers = Contract.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    highest = max((int(m.group(2)) for n in numbers if (m := NUMBER_RE.match(n))), default=0)
    return f"{prefix}{highest + 1:04d}"
