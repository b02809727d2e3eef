"""The vendor scorecard page and the monthly SLA report PDF (the read side of SLA performance)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from pdf.language import document_language, interface_document_language
from pdfrender.sandbox import RenderError, RenderTimeout
from vendors.access import access_vendor

from .report import render_sla_report_pdf, sla_report_filename
from .scorecard import ContractScore, Scorecard, access_sla_period, load_trends, vendor_scorecard

CONTRACTS_PER_PAGE = 5
"""Contracts whose trend charts one page draws (every contract is in the table above them)."""


def _chart_data(card: Scorecard, scores: list[ContractScore]) -> dict:
    """What the trend charts draw (static/js/sla_scorecard.js), one entry per target, aligned with the months."""
    return {
        "months": card.months,
        "charts": {
            f"trend-{trend.target.pk}": {
                "name": trend.target.metric,
                "unit": trend.target.unit,
                "target": trend.target.target,
                "values": [point and point.value for _month, point in trend.series],
                "met": [point and point.met for _month, point in trend.series],
            }
            for score in scores
            for trend in score.targets
        },
        "labels": {"value": _("Result"), "target": _("Target"), "met": _("Met"), "missed": _("Missed")},
    }


@login_required
@require_GET
def vendor_scorecard_page(request: HttpRequest, pk: int) -> HttpResponse:
    vendor = access_vendor(request.user, pk)
    card = vendor_scorecard(request.user, vendor, today=timezone.localdate())
    page = Paginator(card.contracts, CONTRACTS_PER_PAGE).get_page(request.GET.get("page"))
    shown = list(page.object_list)
    load_trends(card, shown)
    context = {
        "vendor": vendor,
        "card": card,
        "totals": card.totals,
        "page_obj": page,
        "rows": [(score, i // CONTRACTS_PER_PAGE + 1) for i, score in enumerate(card.contracts)],
        "shown": shown,
        "chart_data": _chart_data(card, shown),
    }
    return render(request, "sla/scorecard.html", context)


@login_required
@require_GET
def sla_report_pdf(request: HttpRequest, pk: int, period: str) -> HttpResponse:
    sla_period = access_sla_period(request.user, contract_pk=pk, period=period)
    back = sla_period.contract.get_absolute_url()
    requested = request.GET.get("lang", "")
    language = document_language(requested)
    if language is None:
        if requested.strip():
            messages.error(request, _("Choose zh-hans or en."))
            return redirect(back)
        language = interface_document_language()
    try:
        pdf = render_sla_report_pdf(sla_period, language=language)
    except RenderTimeout:
        messages.error(request, _("The PDF took too long to render. Try again later."))
        return redirect(back)
    except RenderError:
        messages.error(request, _("The PDF could not be rendered. Try again later."))
        return redirect(back)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = content_disposition_header(False, sla_report_filename(sla_period, language))
    return response
