"""Contract numbers: CLM-YYYY-NNNN, the next free one in the year the contract takes effect.

Each year has a counter row (ContractNumberCounter). Drawing a number locks that row until the caller's transaction
commits, so numbers drawn at the same moment are distinct; a number a user gave by hand is skipped.
"""

import re

from django.db import IntegrityError, transaction

from contracts.models import Contract, ContractNumberCounter

NUMBER_RE = re.compile(r"^CLM-(\d{4})-(\d{4,})$")


def _prefix(year: int) -> str:
    return f"CLM-{year:04d}-"


def _highest_used(year: int) -> int:
    """The highest sequence number of the year among the stored contracts (0 if none)."""
    prefix = _prefix(year)
    numbers = Contract.objects.filter(number__startswith=prefix).values_list("number", flat=True)
    return max((int(m.group(2)) for n in numbers if (m := NUMBER_RE.match(n))), default=0)


def _locked_counter(year: int) -> ContractNumberCounter:
    """The year's counter, locked until the transaction ends; created from the numbers already used on first use."""
    counters = ContractNumberCounter.objects.select_for_update()
    counter = counters.filter(year=year).first()
    if counter is not None:
        return counter
    try:
        with transaction.atomic():
            # The new row stays locked by this transaction: a concurrent first use waits on its key, then fails.
            return ContractNumberCounter.objects.create(year=year, last=_highest_used(year))
    except IntegrityError:
        return counters.get(year=year)


def next_contract_number(year: int) -> str:
    """Draw the next free number of `year`. Call it inside the transaction that saves the contract."""
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("next_contract_number() must run inside the transaction that saves the contract")
    counter = _locked_counter(year)
    prefix = _prefix(year)
    sequence = counter.last + 1
    while Contract.objects.filter(number=f"{prefix}{sequence:04d}").exists():
        sequence += 1
    counter.last = sequence
    counter.save(update_fields=["last"])
    return f"{prefix}{sequence:04d}"
