"""The monthly SLA performance report: one contract, one month, as a PDF for the review meeting with the vendor.

It states what was measured against each target, which targets were missed, the service credit and how it was
capped, how long each critical target has been missed in a row and whether that gave the buyer the right to leave.
The figures are the stored evaluation (sla.services keeps it with rules.sla); the runs of misses are recounted here
with rules.scorecard from the stored results, so the report reads the same as the obligations it names.

Rendered like the contract PDF (pdf.rendering): a Django template, then WeasyPrint in the pdfrender sandbox, whose
fetcher reads only the app's static files under `pdf/`.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from contracts.models import SLATarget
from core.formatting import amount, date_range, money, month_heading, percent
from obligations.models import Obligation
from pdf.document import _page_label
from pdf.language import LANGUAGES
from pdf.rendering import pdf_static_assets
from pdfrender import sandbox
from rules import sla
from rules.scorecard import miss_run

from .models import SlaMeasurement, SlaPeriod

logger = logging.getLogger(__name__)

TEMPLATE = "sla/report_pdf.html"

__all__ = ["render_sla_report_pdf", "sla_report_filename", "sla_report_html"]


def sla_report_filename(sla_period: SlaPeriod, language: str) -> str:
    return f"{sla_period.contract.number}-SLA-{sla_period.period}-{language}.pdf"


def _target_text(target: SLATarget) -> str:
    return f"{target.get_comparator_display()} {amount(target.target, places=0)}{target.unit}"


def _value_text(value: Decimal, target: SLATarget) -> str:
    return f"{amount(value, places=0)}{target.unit}"


def _rule_target(target: SLATarget) -> sla.Target:
    return sla.Target(
        id=target.pk,
        kind=target.kind,
        comparator=target.comparator,
        target=target.target,
        credit_pct=target.credit_pct,
        critical=target.critical,
    )


@dataclass(frozen=True)
class CriticalRun:
    metric: str
    target: str
    misses: int
    months: str
    exit_right: str
    obligation_status: str


def _critical_runs(sla_period: SlaPeriod, targets: list[SLATarget]) -> list[CriticalRun]:
    """Each critical target's run of misses up to this month, and the exit right the run earned, if any."""
    contract = sla_period.contract
    critical = [target for target in targets if target.critical]
    if not critical:
        return []
    recorded = list(
        SlaPeriod.objects.filter(contract=contract, period__lte=sla_period.period).values_list("period", flat=True)
    )
    results: dict[int, dict[str, Decimal | None]] = {target.pk: dict.fromkeys(recorded) for target in critical}
    measured = SlaMeasurement.objects.filter(
        sla_period__contract=contract, sla_period__period__lte=sla_period.period, target__in=critical
    ).values_list("target_id", "sla_period__period", "value")
    for target_id, period, value in measured:
        results[target_id][period] = value
    needed = contract.sla_exit_consecutive_misses
    rights: dict[int, tuple[tuple[sla.Miss, ...], sla.ExitRight | None]] = {}
    for target in critical:
        run = miss_run(_rule_target(target), results[target.pk], sla_period.period)
        if needed and len(run) >= needed:
            earned = sla.exit_rights(
                _rule_target(target),
                {miss.period: miss.value for miss in run},
                consecutive_misses=needed,
                decision_days=contract.sla_exit_decision_days,
            )[0]
            rights[target.pk] = (run, earned)
        else:
            rights[target.pk] = (run, None)
    keys = [right.key for _run, right in rights.values() if right]
    stored = dict(
        Obligation.objects.filter(contract=contract, kind=Obligation.Kind.SLA_EXIT_RIGHT, key__in=keys).values_list(
            "key", "status"
        )
    )
    statuses = dict(Obligation.Status.choices)
    runs = []
    for target in critical:
        run, right = rights[target.pk]
        if right is None:
            exit_text = _("No exit right") if needed else _("The contract gives no exit right")
        else:
            exit_text = _(
                "Earned in %(month)s: the contract may be terminated without liability if its clause allows; "
                "decide by %(due)s."
            ) % {
                "month": month_heading(sla.parse_period(right.period)),
                "due": formats.date_format(right.due_date, "DATE_FORMAT"),
            }
        runs.append(
            CriticalRun(
                metric=target.metric,
                target=_target_text(target),
                misses=len(run),
                months=", ".join(f"{miss.period} ({_value_text(miss.value, target)})" for miss in run) or "—",
                exit_right=exit_text,
                obligation_status=str(statuses[stored[right.key]]) if right and right.key in stored else "",
            )
        )
    return runs


def sla_report_context(sla_period: SlaPeriod) -> dict:
    """Everything the report shows, formatted in the active language."""
    contract = sla_period.contract
    currency = contract.currency
    targets = list(contract.sla_targets.order_by("order", "id"))
    measurements = {
        m.target_id: m for m in SlaMeasurement.objects.filter(sla_period=sla_period).only("target_id", "value", "met")
    }
    rows = []
    missed_credits = []
    for target in targets:
        measurement = measurements.get(target.pk)
        if measurement is None:
            continue
        if not measurement.met and target.credit_pct is not None:
            missed_credits.append(target.credit_pct)
        rows.append(
            {
                "metric": target.metric,
                "kind": target.get_kind_display(),
                "critical": target.critical,
                "target": _target_text(target),
                "value": _value_text(measurement.value, target),
                "met": measurement.met,
                "credit": percent(target.credit_pct) if target.credit_pct is not None else "—",
                "credited": not measurement.met and target.credit_pct is not None,
            }
        )
    uncapped = sum(missed_credits, Decimal("0"))
    cap = contract.sla_credit_cap_pct
    month = sla.parse_period(sla_period.period)
    return {
        "sla_period": sla_period,
        "contract": contract,
        "vendor": contract.vendor,
        "company_name": settings.COMPANY_NAME,
        "language": translation.get_language(),
        "month": month_heading(month),
        "period_range": date_range(month, sla.period_end(sla_period.period)),
        "fee": money(sla_period.fee_amount, currency) or _("Not recorded"),
        "rows": rows,
        "not_reported": [target.metric for target in targets if target.pk not in measurements],
        "met_count": sum(1 for row in rows if row["met"]),
        "missed_count": sla_period.missed_count,
        "uncapped_pct": percent(uncapped),
        "cap": percent(cap) if cap is not None else _("No cap"),
        "capped": cap is not None and uncapped > cap,
        "credit_pct": percent(sla_period.credit_pct),
        "credit_amount": money(sla_period.credit_amount, currency)
        if sla_period.credit_amount is not None
        else _("Not computed: no fee was recorded for the month."),
        "critical_runs": _critical_runs(sla_period, targets),
        "exit_misses": contract.sla_exit_consecutive_misses,
        "decision_days": contract.sla_exit_decision_days,
        "printed_on": formats.date_format(timezone.localdate(), "DATE_FORMAT"),
        "page_label": _page_label(),
    }


def sla_report_html(sla_period: SlaPeriod, *, language: str) -> str:
    if language not in LANGUAGES:
        raise ValueError(f"unsupported language: {language!r}")
    with translation.override(language):
        return render_to_string(TEMPLATE, sla_report_context(sla_period))


def render_sla_report_pdf(sla_period: SlaPeriod, *, language: str) -> bytes:
    """The report as PDF bytes, rendered in the sandbox. Raises RenderTimeout past PDF_RENDER_TIMEOUT, RenderError
    on failure. The caller has checked that the user may see the contract (access_sla_period)."""
    rendered = sandbox.render_isolated(
        sla_report_html(sla_period, language=language),
        assets=pdf_static_assets(),
        timeout=settings.PDF_RENDER_TIMEOUT,
        memory_limit_mb=settings.PDF_RENDER_MEMORY_MB,
    )
    if rendered.refused:
        logger.warning("SLA report of month %s: refused to fetch %s", sla_period.pk, rendered.refused)
    return rendered.pdf
