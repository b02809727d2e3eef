"""Bulk exports over the API: many contracts' PDFs as one ZIP built by a Celery task, seen by its requester only."""

from django.conf import settings
from django.http import FileResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.response import Response
from rest_framework.views import APIView

from contracts.models import ExportJob
from pdf.api import request_language
from pdf.language import LANGUAGES

from .access import access_export_job
from .services import export_job_create


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
        job = access_export_job(request.user, pk)
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
        job = access_export_job(request.user, pk)
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
