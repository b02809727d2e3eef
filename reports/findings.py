"""Review findings by rule: the one place the reports read the contract review's stored findings (review.Finding)."""

from django.db.models import Count, Q, QuerySet

from review.messages import finding_title
from review.models import Finding


def findings_by_rule(contract_ids: QuerySet) -> tuple[list[dict], bool]:
    """Rows of {"rule" (its title in the reader's language), "code", "severity", "open", "accepted", "findings",
    "contracts"} counted in SQL over the contracts in `contract_ids` (a subquery), most open first; and True: the
    review records findings for every contract."""
    counted = (
        Finding.objects.filter(contract__in=contract_ids)
        .values("rule", "severity")
        .annotate(
            open=Count("pk", filter=Q(status=Finding.Status.OPEN)),
            accepted=Count("pk", filter=Q(status=Finding.Status.ACCEPTED)),
            contracts=Count("contract", distinct=True),
        )
        .order_by("-open", "-accepted", "rule")
    )
    severities = dict(Finding._meta.get_field("severity").choices or [])
    rows = [
        {
            "rule": finding_title(row["rule"]),
            "code": row["rule"],
            "severity": str(severities.get(row["severity"], row["severity"])),
            "open": row["open"],
            "accepted": row["accepted"],
            "findings": row["open"] + row["accepted"],
            "contracts": row["contracts"],
        }
        for row in counted
    ]
    return rows, True
