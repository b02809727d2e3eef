"""Contract PDFs over the API: one contract's PDF, and bulk exports of many as a ZIP built by a Celery task.

A contract the caller may not see answers 404 (contracts.selectors decides); an export belongs to its requester only.
A render that fails or passes its time limit answers 503 with a reason, never a 500.
"""

from django.conf import settings
from django.http import FileResponse, HttpResponse
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils.http import content_disposition_header
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from .models import ExportJob
from .pdf import (
    LANGUAGES,
    RenderError,
    RenderTimeout,
    document_language,
    export_job_create,
    export_jobs_visible_to,
    interface_document_language,
    render_contract_pdf,
)
from .selectors import contracts_visible_to


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
        contract = get_object_or_404(contracts_visible_to(request.user).select_related("vendor"), pk=pk)
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


class ExportRequestSerializer(serializers.Serializer):
    ids = serializers.ListField(
        child=serializers.IntegerField(min_value=1),
        required=False,
        allow_empty=False,
        max_length=settings.PDF_EXPORT_MAX_CONTRACTS,
    )
    filter = serializers.DictField(required=False)
    lang = serializers.ChoiceField(choices=LANGUAGES, required=False)

    def validate(self, attrs):
        if ("ids" in attrs) == ("filter" in attrs):
            raise serializers.ValidationError(_("Give either the contract ids or a filter."))
        return attrs


class ExportJobSerializer(serializers.ModelSerializer):
    progress = serializers.SerializerMethodField(help_text="Percent of the contracts rendered so far.")
    download_url = serializers.SerializerMethodField()

    class Meta:
        model = ExportJob
        fields = [
            "id",
            "status",
            "language",
            "total",
            "done",
            "progress",
            "error",
            "created_at",
            "started_at",
            "finished_at",
            "download_url",
        ]
        read_only_fields = fields

    def get_progress(self, job: ExportJob) -> int:
        return job.percent

    def get_download_url(self, job: ExportJob) -> str | None:
        if not job.downloadable:
            return None
        url = reverse("api:export-download", args=[job.pk])
        request = self.context.get("request")
        return request.build_absolute_uri(url) if request else url


class ExportJobCreateView(APIView):
    @extend_schema(
        summary="Start a ZIP export of many contracts' PDFs",
        request=ExportRequestSerializer,
        responses={202: ExportJobSerializer},
    )
    def post(self, request):
        params = ExportRequestSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        data = params.validated_data
        job = export_job_create(
            by=request.user,
            language=data.get("lang") or request_language(request, None),
            contract_ids=data.get("ids"),
            filters=data.get("filter"),
        )
        return Response(ExportJobSerializer(job, context={"request": request}).data, status=status.HTTP_202_ACCEPTED)


class ExportJobDetailView(APIView):
    @extend_schema(summary="A PDF export's status and progress", responses={200: ExportJobSerializer})
    def get(self, request, pk: int):
        job = get_object_or_404(export_jobs_visible_to(request.user), pk=pk)
        return Response(ExportJobSerializer(job, context={"request": request}).data)


class ExportJobDownloadView(APIView):
    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(
        summary="Download a finished PDF export (ZIP)",
        responses={
            (200, "application/zip"): OpenApiTypes.BINARY,
            409: OpenApiResponse(description="The export is not finished."),
            410: OpenApiResponse(description="The export's file was deleted after PDF_EXPORT_KEEP_DAYS days."),
        },
    )
    def get(self, request, pk: int):
        job = get_object_or_404(export_jobs_visible_to(request.user), pk=pk)
        if job.expired:
            return Response(
                {
                    "detail": _(
                        "This export has expired: its file is deleted after %(days)s days. Export the contracts again."
                    )
                    % {"days": settings.PDF_EXPORT_KEEP_DAYS},
                    "code": "expired",
                },
                status=status.HTTP_410_GONE,
            )
        if not job.downloadable:
            return Response(
                {"detail": _("This export is not ready for download."), "code": "not_ready", "status": job.status},
                status=status.HTTP_409_CONFLICT,
            )
        return FileResponse(
            job.file.open("rb"), as_attachment=True, filename=f"contracts-{job.pk}.zip", content_type="application/zip"
        )


# Included by clm.api_urls (namespace "api").
urlpatterns = [
    path("contracts/<int:pk>/pdf/", ContractPdfView.as_view(), name="contract-pdf"),
    path("exports/", ExportJobCreateView.as_view(), name="export-create"),
    path("exports/<int:pk>/", ExportJobDetailView.as_view(), name="export-detail"),
    path("exports/<int:pk>/download/", ExportJobDownloadView.as_view(), name="export-download"),
]
