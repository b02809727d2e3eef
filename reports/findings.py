"""Review findings by rule: the one place the reports read the contract review's findings.

The review app's findings model is being built alongside these reports and is not in this branch yet; until it is,
there is nothing to count and the report says so. Wiring it is this one function: count the findings of the
contracts in `contract_ids` (a subquery) per rule in SQL, e.g.
`Finding.objects.filter(contract__in=contract_ids).values("rule").annotate(findings=Count("pk"),
contracts=Count("contract", distinct=True))`, and return `(rows, True)`.
"""

from django.db.models import QuerySet


def findings_by_rule(contract_ids: QuerySet) -> tuple[list[dict], bool]:
    """Rows of {"rule", "findings", "contracts"}, most findings first, and whether findings are recorded at all."""
    return [], False
