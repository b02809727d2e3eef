"""Reading the review: who may accept findings, a contract's findings in checklist order, the counts."""

from __future__ import annotations

from django.db.models import Count, Q, QuerySet

from accounts.models import AnyUser, Role
from contracts.models import Contract
from contracts.selectors import contract_ids_visible_to, user_can_view_contract
from rules import review as rules

from .models import ContractReview, Finding

_ORDER = {rule: i for i, rule in enumerate(rules.RULES)}

ACCEPTING_ROLES = (Role.PROCUREMENT_MANAGER.value, Role.LEGAL.value)
"""The roles that may accept a finding, and so sign past one: they answer for the contract's risks."""


def user_may_accept_findings(user: AnyUser) -> bool:
    if not (user and user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or user.groups.filter(name__in=ACCEPTING_ROLES).exists()


def user_can_accept_findings(user: AnyUser, contract: Contract) -> bool:
    """A procurement manager or legal who can see the contract."""
    return user_may_accept_findings(user) and user_can_view_contract(user, contract)


def contract_findings(contract: Contract) -> list[Finding]:
    """The contract's findings in the order of the checklist, with who accepted them."""
    findings = list(Finding.objects.filter(contract=contract).select_related("accepted_by"))
    findings.sort(key=lambda f: (_ORDER.get(f.rule, len(_ORDER)), f.pk))
    return findings


def finding_counts(findings: list[Finding]) -> dict[str, int]:
    """The open findings by severity."""
    counts = dict.fromkeys(rules.SEVERITIES, 0)
    for finding in findings:
        if finding.status == Finding.Status.OPEN:
            counts[finding.severity] += 1
    return counts


def open_high_count(contract: Contract) -> int:
    """The stored count of the contract's open high findings (0 before its first review)."""
    return ContractReview.objects.filter(contract=contract).values_list("open_high", flat=True).first() or 0


def review_totals_visible_to(user: AnyUser) -> dict[str, int]:
    """For the dashboard: how many of the contracts `user` may see have open high, medium and low findings."""
    rows = ContractReview.objects.filter(contract_id__in=contract_ids_visible_to(user)).aggregate(
        high=Count("pk", filter=Q(open_high__gt=0)),
        medium=Count("pk", filter=Q(open_medium__gt=0)),
        low=Count("pk", filter=Q(open_low__gt=0)),
    )
    return {key: rows[key] or 0 for key in ("high", "medium", "low")}


def findings_visible_to(user: AnyUser) -> QuerySet[Finding]:
    return Finding.objects.filter(contract_id__in=contract_ids_visible_to(user))
