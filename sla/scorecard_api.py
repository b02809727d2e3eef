"""The read side of SLA performance over the API: a vendor's scorecard and a month's report as PDF.

A vendor is shared reference data (every signed-in user sees every vendor); the scorecard counts only the contracts
the caller may see. A month of a contract the caller may not see answers 404. A render that fails or passes its time
limit answers 503 with a reason, never a 500.
"""

from django.http import HttpResponse
from django.utils import timezone
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from pdf.api import request_language
from pdf.language import LANGUAGES
from pdfrender.sandbox import RenderError, RenderTimeout
from vendors.access import access_vendor

from .report import render_sla_report_pdf, sla_report_filename
from .scorecard import Scorecard, access_sla_period, load_trends, vendor_scorecard


class PointSerializer(serializers.Serializer):
    period = serializers.CharField(help_text="YYYY-MM")
    value = serializers.DecimalField(max_digits=14, decimal_places=4)
    met = serializers.BooleanField()


class TargetTrendSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    metric = serializers.CharField()
    kind = serializers.CharField()
    comparator = serializers.CharField()
    target = serializers.DecimalField(max_digits=12, decimal_places=3)
    unit = serializers.CharField()
    critical = serializers.BooleanField()
    measured = serializers.IntegerField(help_text="Months of the window with a result for this target.")
    met = serializers.IntegerField(help_text="Of those, the months in which the target was met.")
    points = PointSerializer(many=True, help_text="The results in the window, oldest first.")


class ContractScoreSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    number = serializers.CharField()
    title = serializers.CharField()
    status = serializers.CharField()
    currency = serializers.CharField()
    periods_recorded = serializers.ListField(child=serializers.CharField(), help_text="Months recorded in the window.")
    targets_measured = serializers.IntegerField()
    targets_met = serializers.IntegerField()
    credits_earned = serializers.DecimalField(max_digits=16, decimal_places=2)
    open_exit_rights = serializers.IntegerField()
    targets = TargetTrendSerializer(many=True)


class CreditSerializer(serializers.Serializer):
    currency = serializers.CharField()
    amount = serializers.DecimalField(max_digits=16, decimal_places=2)


class TotalsSerializer(serializers.Serializer):
    contracts = serializers.IntegerField()
    periods_recorded = serializers.IntegerField()
    targets_measured = serializers.IntegerField()
    targets_met = serializers.IntegerField()
    credits_earned = CreditSerializer(many=True, help_text="Per currency: amounts in two currencies do not add up.")
    open_exit_rights = serializers.IntegerField()


class CertificationStateSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    name = serializers.CharField()
    number = serializers.CharField()
    expires_on = serializers.DateField(allow_null=True)
    status = serializers.ChoiceField(choices=["valid", "expiring", "expired"])


class ScorecardSerializer(serializers.Serializer):
    """The answer's shape, for the schema. The answer itself is built by `scorecard_payload`: a vendor with 100
    contracts of ten targets has 12,000 monthly results, which nested serializers would take most of a second to
    write out; the schema test checks every answer against this shape."""

    vendor = serializers.IntegerField()
    vendor_name = serializers.CharField()
    months = serializers.ListField(
        child=serializers.CharField(), help_text="The last 12 recorded months (YYYY-MM), oldest first."
    )
    totals = TotalsSerializer()
    contracts = ContractScoreSerializer(many=True)
    certifications = CertificationStateSerializer(many=True)


def scorecard_payload(card: Scorecard) -> dict:
    totals = card.totals
    return {
        "vendor": card.vendor.pk,
        "vendor_name": card.vendor.name,
        "months": card.months,
        "totals": {
            "contracts": totals.contracts,
            "periods_recorded": totals.periods_recorded,
            "targets_measured": totals.targets_measured,
            "targets_met": totals.targets_met,
            "credits_earned": [
                {"currency": currency, "amount": str(value)} for currency, value in totals.credits_earned.items()
            ],
            "open_exit_rights": totals.open_exit_rights,
        },
        "contracts": [
            {
                "id": score.contract.pk,
                "number": score.contract.number,
                "title": score.contract.title,
                "status": score.contract.status,
                "currency": score.contract.currency,
                "periods_recorded": score.periods_recorded,
                "targets_measured": score.targets_measured,
                "targets_met": score.targets_met,
                "credits_earned": str(score.credits_earned),
                "open_exit_rights": score.open_exit_rights,
                "targets": [
                    {
                        "id": trend.target.pk,
                        "metric": trend.target.metric,
                        "kind": trend.target.kind,
                        "comparator": trend.target.comparator,
                        "target": str(trend.target.target),
                        "unit": trend.target.unit,
                        "critical": trend.target.critical,
                        "measured": trend.measured,
                        "met": trend.met,
                        "points": [
                            {"period": period, "value": str(value), "met": met} for period, value, met in trend.points
                        ],
                    }
                    for trend in score.targets
                ],
            }
            for score in card.contracts
        ],
        "certifications": [
            {
                "id": state.certification.pk,
                "kind": state.certification.kind,
                "name": str(state.certification),
                "number": state.certification.number,
                "expires_on": state.certification.expires_on.isoformat() if state.certification.expires_on else None,
                "status": state.status,
            }
            for state in card.certifications
        ],
    }


class VendorScorecardView(APIView):
    @extend_schema(
        summary="How a vendor kept its service levels over the last 12 recorded months",
        description="Per contract the caller may see, and in total: months recorded, targets met / measured, "
        "service credits earned, open exit rights, the trend of each target; and the vendor's certificates.",
        responses={200: ScorecardSerializer},
    )
    def get(self, request, pk: int):
        vendor = access_vendor(request.user, pk)
        card = vendor_scorecard(request.user, vendor, today=timezone.localdate())
        load_trends(card, card.contracts)
        return Response(scorecard_payload(card))


class SlaPeriodPdfView(APIView):
    """The monthly SLA performance report of one recorded month as application/pdf."""

    def perform_content_negotiation(self, request, force=False):
        # A client sending `Accept: application/pdf` gets the PDF (a plain HttpResponse) and JSON errors, not a 406.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        summary="A month's SLA performance report as a PDF document",
        parameters=[OpenApiParameter("lang", str, enum=list(LANGUAGES), description="Document language.")],
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="No such month, or its contract is not visible to you."),
            503: OpenApiResponse(description="The document could not be rendered in time."),
        },
    )
    def get(self, request, pk: int):
        sla_period = access_sla_period(request.user, pk=pk)
        language = request_language(request, request.query_params.get("lang"))
        try:
            pdf = render_sla_report_pdf(sla_period, language=language)
        except RenderTimeout:
            return Response(
                {"detail": _("The PDF took too long to render. Try again later."), "code": "render_timeout"},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
            )
        except RenderError:
            return Response(
                {"detail": _("The PDF could not be rendered. Try again later."), "code": "render_failed"},
                status=status.HTTP_503_SERVICE_UNAVAILABLE,
            )
        response = HttpResponse(pdf, content_type="application/pdf")
        response["Content-Disposition"] = content_disposition_header(True, sla_report_filename(sla_period, language))
        return response
