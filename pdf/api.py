"""A contract's PDF over the API.

A contract the caller may not see answers 404 (contracts.selectors decides). A render that fails or passes its time
limit answers 503 with a reason, never a 500.
"""

from django.http import HttpResponse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from amendments.access import access_amendment
from contracts.access import access_contract

from .language import LANGUAGES, document_language, interface_document_language
from .rendering import RenderError, RenderTimeout, render_amendment_pdf, render_contract_pdf


def request_language(request, requested: str | None) -> str:
    """`?lang=` when given (validated), else the language the request is served in."""
    if requested:
        language = document_language(requested)
        if language is None:
            raise serializers.ValidationError({"lang": [_("Choose zh-hans or en.")]})
        return language
    return interface_document_language()


def pdf_filename(number: str, language: str) -> str:
    return f"{number}-{language}.pdf"


class ContractPdfView(APIView):
    """The contract document as application/pdf."""

    def perform_content_negotiation(self, request, force=False):
        # A client sending `Accept: application/pdf` gets the PDF (a plain HttpResponse) and JSON errors, not a 406.
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        summary="The contract as a PDF document",
        parameters=[OpenApiParameter("lang", str, enum=list(LANGUAGES), description="Document language.")],
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="No such contract, or not visible to you."),
            503: OpenApiResponse(description="The document could not be rendered in time."),
        },
    )
    def get(self, request, pk: int):
        contract = access_contract(request.user, pk, related=("vendor",))
        language = request_language(request, request.query_params.get("lang"))
        try:
            pdf = render_contract_pdf(contract, language=language)
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
        response["Content-Disposition"] = content_disposition_header(True, pdf_filename(contract.number, language))
        return response


def _pdf_or_503(render, filename: str) -> HttpResponse | Response:
    try:
        pdf = render()
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
    response["Content-Disposition"] = content_disposition_header(True, filename)
    return response


class AmendmentPdfView(APIView):
    """An amendment's document as application/pdf: each change as old -> new, both parties' signature block."""

    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        summary="An amendment as a PDF document",
        parameters=[OpenApiParameter("lang", str, enum=list(LANGUAGES), description="Document language.")],
        responses={
            (200, "application/pdf"): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="No such amendment, or not visible to you."),
            503: OpenApiResponse(description="The document could not be rendered in time."),
        },
    )
    def get(self, request, pk: int):
        amendment = access_amendment(request.user, pk)
        language = request_language(request, request.query_params.get("lang"))
        return _pdf_or_503(
            lambda: render_amendment_pdf(amendment, language=language), pdf_filename(amendment.number, language)
        )
