"""Services of the contract review: run the checklist (rules.review) over contracts and store what it finds, accept a
finding with a reason, and the signing gate.

The services of contracts and vendors call `review_contracts` through their follow-up entry points whenever they
change what the rules read (terms, SLA targets, fee rows, clauses, certificates), in the same transaction, so the
stored findings and the register's counts are always those of the stored terms. The work is set-based: one batch of
contracts costs a fixed number of queries, whatever its size.
"""

from __future__ import annotations

import hashlib
import json
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection, transaction
from django.db.models import Count
from django.utils import timezone
from django.utils.translation import gettext as _
from simple_history.utils import bulk_update_with_history

from accounts.models import AnyUser, User
from contracts.models import Clause, Contract, FeeItem, SLATarget
from core.exceptions import FindingsOpen
from rules import review as rules
from vendors.models import Certification

from .messages import finding_title
from .models import ContractReview, Finding, ReviewThresholds
from .selectors import user_can_accept_findings

BATCH = 2000
"""Contracts reviewed per batch by the bulk recompute: a few thousand rows of each table in memory at once."""

_CONTRACT_FIELDS = (
    "id",
    "vendor_id",
    "category",
    "status",
    "auto_renew",
    "non_renewal_notice_days",
    "price_change_notice_days",
    "price_increase_cap_pct",
    "data_handover_business_days",
    "data_storage_location",
    "confidentiality_years_after_end",
    "termination_notice_days",
    "trial_period_months",
    "sla_exit_consecutive_misses",
    "effective_date",
    "end_date",
    "renewal_term_months",
    "notice_given_on",
    "terminated_on",
    "expired_on",
)


def thresholds_by_category() -> dict[str, rules.Thresholds]:
    """The thresholds a manager set, per contract category; a category not listed uses the checklist's defaults."""
    return {row.category: row.as_rules() for row in ReviewThresholds.objects.all()}


def contract_facts(contract_ids: Sequence[int], *, today: date) -> dict[int, rules.ContractFacts]:
    """What the review reads about each of these contracts, in six queries."""
    contracts = list(Contract.objects.filter(pk__in=contract_ids).only(*_CONTRACT_FIELDS))
    targets: dict[int, list[rules.TargetFacts]] = defaultdict(list)
    for cid, kind, comparator, target, credit in SLATarget.objects.filter(contract_id__in=contract_ids).values_list(
        "contract_id", "kind", "comparator", "target", "credit_pct"
    ):
        targets[cid].append(rules.TargetFacts(kind, comparator, target, credit))
    fees = dict(
        FeeItem.objects.filter(contract_id__in=contract_ids)
        .values("contract_id")
        .annotate(n=Count("id"))
        .values_list("contract_id", "n")
    )
    clauses: dict[int, list[rules.ClauseFacts]] = defaultdict(list)
    for cid, pk, title, category, status, text in (
        Clause.objects.filter(contract_id__in=contract_ids)
        .order_by("contract_id", "order", "id")
        .values_list("contract_id", "id", "title", "category", "status", "text")
    ):
        clauses[cid].append(rules.ClauseFacts(pk, title, category, status, text))
    certificates: dict[int, list[rules.CertificationFacts]] = defaultdict(list)
    vendor_ids = {c.vendor_id for c in contracts}
    for vendor_id, kind, name, number, expires_on in (
        Certification.objects.filter(vendor_id__in=vendor_ids)
        .order_by("expires_on", "kind", "id")
        .values_list("vendor_id", "kind", "name", "number", "expires_on")
    ):
        certificates[vendor_id].append(rules.CertificationFacts(name or kind, number, expires_on))
    facts = {}
    for c in contracts:
        own = clauses.get(c.pk, [])
        facts[c.pk] = rules.ContractFacts(
            category=c.category,
            auto_renew=c.auto_renew,
            non_renewal_notice_days=c.non_renewal_notice_days,
            price_change_notice_days=c.price_change_notice_days,
            price_increase_cap_pct=c.price_increase_cap_pct,
            data_handover_business_days=c.data_handover_business_days,
            data_storage_location=c.data_storage_location,
            confidentiality_years_after_end=c.confidentiality_years_after_end,
            termination_notice_days=c.termination_notice_days,
            trial_period_months=c.trial_period_months,
            sla_exit_consecutive_misses=c.sla_exit_consecutive_misses,
            targets=tuple(targets.get(c.pk, ())),
            fee_item_count=fees.get(c.pk, 0),
            clause_categories=rules.clause_categories_in_force((x.category, x.status) for x in own),
            certifications=tuple(certificates.get(c.vendor_id, ())),
            current_term_end=c.end_dates(today).current_term_end or c.end_date,
            today=today,
            clauses=tuple(own),
        )
    return facts


def _batches(ids: Iterable[int], size: int) -> Iterator[list[int]]:
    batch: list[int] = []
    for pk in ids:
        batch.append(pk)
        if len(batch) == size:
            yield batch
            batch = []
    if batch:
        yield batch


def review_contracts(
    contract_ids: Iterable[int], *, today: date | None = None, by: User | None = None, batch_size: int = BATCH
) -> int:
    """Run the checklist over these contracts and store what it finds; returns how many contracts were reviewed.

    A finding found again keeps its acceptance while what it is about is unchanged (the same fingerprint); when
    that changed it is open again, in the history with `by`. A rule that no longer finds anything drops its row.
    """
    today = today or timezone.localdate()
    thresholds = thresholds_by_category()
    default = rules.Thresholds()
    done = 0
    for batch in _batches(contract_ids, batch_size):
        with transaction.atomic():
            done += _review_batch(batch, today=today, by=by, thresholds=thresholds, default=default)
    return done


def _digest(found: rules.Finding, fingerprint: str) -> str:
    """What a stored row holds, condensed: a row whose digest matches needs no write (nor reading its JSON)."""
    held = (found.severity, found.field, sorted(found.params.items()), found.suggested_template, fingerprint)
    return hashlib.sha1(repr(held).encode(), usedforsecurity=False).hexdigest()


def _review_batch(
    ids: list[int],
    *,
    today: date,
    by: User | None,
    thresholds: dict[str, rules.Thresholds],
    default: rules.Thresholds,
) -> int:
    """One batch in a fixed number of queries. Stored rows are read as plain values (no model, no JSON) and written
    only where their digest differs; an insert that meets a row another review made meanwhile leaves that row."""
    facts = contract_facts(ids, today=today)
    stored = {
        (row[1], row[2]): row
        for row in Finding.objects.filter(contract_id__in=ids).values_list(
            "pk",
            "contract_id",
            "rule",
            "digest",
            "status",
            "accepted_fingerprint",
            "accepted_by_id",
            "accepted_at",
            "accepted_reason",
        )
    }
    counted = {
        cid: (high, medium, low)
        for cid, high, medium, low in ContractReview.objects.filter(contract_id__in=ids).values_list(
            "contract_id", "open_high", "open_medium", "open_low"
        )
    }
    write: list[tuple] = []  # new rows, and rows replacing stored ones that changed, as values in _COPIED order
    replaced: list[int] = []
    reopen: list[Finding] = []
    counts: dict[int, dict[str, int]] = {pk: {rules.HIGH: 0, rules.MEDIUM: 0, rules.LOW: 0} for pk in facts}
    found_keys = set()
    for pk, contract_facts_ in facts.items():
        for found in rules.review(contract_facts_, thresholds.get(contract_facts_.category, default)):
            found_keys.add((pk, found.rule))
            fingerprint = rules.fingerprint(found.rule, contract_facts_)
            digest = _digest(found, fingerprint)
            held = stored.get((pk, found.rule))
            accepted = held is not None and held[4] == Finding.Status.ACCEPTED
            if held is not None and accepted and held[5] != fingerprint:
                reopen.append(
                    Finding(
                        pk=held[0],
                        contract_id=pk,
                        rule=found.rule,
                        severity=found.severity,
                        field=found.field,
                        params=dict(found.params),
                        suggested_template=found.suggested_template or "",
                        fingerprint=fingerprint,
                        digest=digest,
                    )
                )
                counts[pk][found.severity] += 1
                continue
            if not accepted:
                counts[pk][found.severity] += 1
            if held is not None and held[3] == digest:
                continue
            row = (pk, found.rule, found.severity, found.field, dict(found.params), found.suggested_template or "")
            if held is None:
                write.append((*row, fingerprint, digest, Finding.Status.OPEN, None, None, "", ""))
            else:
                # Changed but still what was accepted (a threshold moved, say): the acceptance is carried over.
                replaced.append(held[0])
                write.append((*row, fingerprint, digest, held[4], held[6], held[7], held[8], held[5]))
    # Rows of rules that no longer find anything, and rows rewritten: one delete, then one insert (a bulk UPDATE of
    # thousands of rows costs PostgreSQL far more than replacing them).
    gone = [row[0] for key, row in stored.items() if key not in found_keys] + replaced
    if gone:
        _delete_rows(gone)
    if len(write) > _COPY_FROM and connection.vendor == "postgresql":
        _copy_rows(write)
    elif write:
        Finding.objects.bulk_create(
            [Finding(**dict(zip(_COPIED, row, strict=True))) for row in write], ignore_conflicts=True
        )
    if reopen:
        _reopen(reopen, by=by)
    changed = [
        ContractReview(contract_id=pk, open_high=c[rules.HIGH], open_medium=c[rules.MEDIUM], open_low=c[rules.LOW])
        for pk, c in counts.items()
        if counted.get(pk) != (c[rules.HIGH], c[rules.MEDIUM], c[rules.LOW])
    ]
    if changed:
        ContractReview.objects.bulk_create(
            changed,
            update_conflicts=True,
            unique_fields=["contract"],
            update_fields=["open_high", "open_medium", "open_low", "reviewed_at"],
        )
    return len(facts)


_COPY_FROM = 1000
"""From this many rows on, findings are written with PostgreSQL's COPY: bulk_create spends most of a bulk review
preparing 15 values for each of tens of thousands of rows."""
_COPIED = (
    "contract_id",
    "rule",
    "severity",
    "field",
    "params",
    "suggested_template",
    "fingerprint",
    "digest",
    "status",
    "accepted_by_id",
    "accepted_at",
    "accepted_reason",
    "accepted_fingerprint",
)


def _copy_rows(rows: list[tuple]) -> None:
    """Insert through a session's scratch table (COPY), then into the findings, leaving any row a concurrent review
    inserted meanwhile (the same rule of the same contract) as it is."""
    table = connection.ops.quote_name(Finding._meta.db_table)
    columns = ", ".join(connection.ops.quote_name(name) for name in _COPIED)
    with connection.cursor() as cursor:
        cursor.execute(
            f"CREATE TEMP TABLE IF NOT EXISTS review_finding_load AS SELECT {columns} FROM {table} WITH NO DATA"  # noqa: S608
        )
        with cursor.cursor.copy(f"COPY review_finding_load ({columns}) FROM STDIN") as copy:
            for row in rows:
                copy.write_row((*row[:4], json.dumps(row[4], ensure_ascii=False), *row[5:]))
        cursor.execute(
            f"INSERT INTO {table} ({columns}) SELECT {columns} FROM review_finding_load ON CONFLICT DO NOTHING"  # noqa: S608
        )
        cursor.execute("TRUNCATE review_finding_load")


def _delete_rows(pks: list[int]) -> None:
    """Delete findings in one statement. QuerySet.delete() would read every row first to send its signals (and leave a
    deletion row in the history for each): a finding that no longer applies, or is rewritten, needs neither."""
    with connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {connection.ops.quote_name(Finding._meta.db_table)} WHERE id = ANY(%s)", [pks])  # noqa: S608


def _reopen(found: list[Finding], *, by: User | None) -> None:
    """Accepted findings whose terms changed are open again, in the history with `by`. Rare: the rows are read whole,
    for their history."""
    new = {row.pk: row for row in found}
    rows = list(Finding.objects.filter(pk__in=list(new)))
    fields = ["severity", "field", "params", "suggested_template", "fingerprint", "digest"]
    for row in rows:
        for name in fields:
            setattr(row, name, getattr(new[row.pk], name))
        row.status = Finding.Status.OPEN
        row.accepted_by, row.accepted_at, row.accepted_reason, row.accepted_fingerprint = None, None, "", ""
    bulk_update_with_history(
        rows,
        Finding,
        [*fields, "status", "accepted_by", "accepted_at", "accepted_reason", "accepted_fingerprint"],
        default_user=by,
        default_change_reason="reopened",
    )


def review_all(*, today: date | None = None, batch_size: int = BATCH) -> int:
    """Review every contract, batch by batch (the `review_contracts` command; after thresholds change)."""
    ids = Contract.objects.order_by("pk").values_list("pk", flat=True).iterator(chunk_size=batch_size)
    return review_contracts(ids, today=today, batch_size=batch_size)


def review_category(category: str, *, today: date | None = None) -> int:
    """Review the contracts of one category again: what a manager's change of its thresholds calls for."""
    ids = Contract.objects.filter(category=category).order_by("pk").values_list("pk", flat=True).iterator()
    return review_contracts(ids, today=today)


def _check_accept(by: AnyUser, contract: Contract, reason: str) -> str:
    if not user_can_accept_findings(by, contract):
        raise PermissionDenied(_("Only a procurement manager or legal can accept review findings."))
    reason = (reason or "").strip()
    if not reason:
        raise ValidationError({"reason": [_("Say why the finding is acceptable.")]})
    return reason


def _accept(findings: list[Finding], *, by: User, reason: str) -> None:
    now = timezone.now()
    for finding in findings:
        finding.status = Finding.Status.ACCEPTED
        finding.accepted_by = by
        finding.accepted_at = now
        finding.accepted_reason = reason
        finding.accepted_fingerprint = finding.fingerprint
    bulk_update_with_history(
        findings,
        Finding,
        ["status", "accepted_by", "accepted_at", "accepted_reason", "accepted_fingerprint"],
        default_user=by,
        default_change_reason="accepted",
    )
    contract_ids = {f.contract_id for f in findings}
    review_contracts(contract_ids, by=by)


@transaction.atomic
def finding_accept(*, contract: Contract, by: User, rule: str, reason: str) -> Finding:
    """Accept one open finding with the reason it is acceptable; it stays shown as accepted, by whom and why."""
    reason = _check_accept(by, contract, reason)
    review_contracts([contract.pk], by=by)
    finding = Finding.objects.select_for_update().filter(contract=contract, rule=rule).first()
    if finding is None:
        raise ValidationError({"rule": [_("This contract has no finding of that rule.")]})
    if finding.status != Finding.Status.OPEN:
        raise ValidationError({"rule": [_("This finding is already accepted.")]})
    _accept([finding], by=by, reason=reason)
    finding.refresh_from_db()
    return finding


def signing_gate(*, contract: Contract, by: User, accept_findings: bool = False, reason: str = "") -> None:
    """Refuse to sign while a high finding is open, unless `by` may accept findings and does so now, with a reason.

    Called by contracts.lifecycle.actions.contract_sign inside its transaction, on the locked contract: the review
    is run again first, so the gate judges the terms as they are, not as they were last stored.
    """
    if accept_findings:
        reason = _check_accept(by, contract, reason)
    review_contracts([contract.pk], by=by)
    high = list(
        Finding.objects.select_for_update()
        .filter(contract=contract, severity=rules.HIGH, status=Finding.Status.OPEN)
        .order_by("id")
    )
    if not high:
        return
    order = {rule: i for i, rule in enumerate(rules.RULES)}
    high.sort(key=lambda f: order.get(f.rule, len(order)))
    if accept_findings:
        _accept(high, by=by, reason=reason)
        return
    raise FindingsOpen(
        _(
            "The review has high findings that are neither fixed nor accepted: %(findings)s. Fix them, or have a "
            "procurement manager or legal accept them with a reason."
        )
        % {"findings": "; ".join(str(finding_title(f.rule)) for f in high)},
        [f.rule for f in high],
    )
