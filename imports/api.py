"""Spreadsheet imports over the API (section 14): upload with a dry run, follow it, confirm it, get the template."""

from django.http import HttpResponse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import serializers, status
from rest_framework.exceptions import PermissionDenied
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from accounts.roles import user_may_write
from core.api import StrictBooleanField

from .access import access_import_job
from .models import ImportJob, ImportRow
from .selectors import import_rows
from .services import import_job_confirm, import_job_create, interface_language, may_import_message
from .workbook import template_workbook

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEMPLATE_FILENAME = "clm-import-template.xlsx"


class ImportUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="An XLSX or CSV file (UTF-8, UTF-8 with BOM or GB18030).")
    dry_run = StrictBooleanField(
        default=True, help_text="True (the default): only show what would change. False: import the valid rows."
    )


class ImportRowErrorSerializer(serializers.Serializer):
    field = serializers.CharField(help_text="The column the error is about; empty for the row as a whole.")
    message = serializers.CharField(help_text="In the caller's language.")


class ImportCountsSerializer(serializers.Serializer):
    create = serializers.IntegerField()
    update = serializers.IntegerField()
    unchanged = serializers.IntegerField()
    error = serializers.IntegerField()


class ImportRowSerializer(serializers.ModelSerializer):
    errors = serializers.SerializerMethodField()
    changes = serializers.DictField(
        child=serializers.ListField(child=serializers.CharField(allow_blank=True)),
        help_text="For an update: each changed field's old and new value.",
    )

    class Meta:
        model = ImportRow
        fields = ["row", "sheet", "number", "action", "changes", "errors"]
        read_only_fields = fields

    @extend_schema_field(ImportRowErrorSerializer(many=True))
    def get_errors(self, row: ImportRow) -> list[dict[str, str]]:
        return row.error_messages()


class ImportJobSerializer(serializers.ModelSerializer):
    rows = serializers.SerializerMethodField()
    counts = serializers.SerializerMethodField()
    written = serializers.DictField(child=serializers.IntegerField(), help_text="After the import: created, updated.")
    progress = serializers.IntegerField(source="percent", help_text="Percent of the rows read or written so far.")
    file_name = serializers.CharField(source="original_name")

    class Meta:
        model = ImportJob
        fields = [
            "id",
            "status",
            "file_name",
            "total",
            "progress",
            "counts",
            "written",
            "error",
            "rows",
            "created_at",
            "finished_at",
        ]
        read_only_fields = fields

    @extend_schema_field(ImportRowSerializer(many=True))
    def get_rows(self, job: ImportJob) -> list[dict]:
        return ImportRowSerializer(import_rows(job), many=True).data

    @extend_schema_field(ImportCountsSerializer)
    def get_counts(self, job: ImportJob) -> dict[str, int]:
        return {action: job.counts.get(action, 0) for action in ImportRow.Action.values}


class ImportJobCreateView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        summary="Upload a spreadsheet of contracts: a dry run first, or an import with dry_run=false",
        request={"multipart/form-data": ImportUploadSerializer},
        responses={
            201: ImportJobSerializer,
            415: OpenApiResponse(description="The body is not multipart/form-data (or is broken multipart)."),
        },
    )
    def post(self, request):
        params = ImportUploadSerializer(data=request.data)
        params.is_valid(raise_exception=True)
        job = import_job_create(
            by=request.user,
            upload=params.validated_data["file"],
            dry_run=params.validated_data["dry_run"],
            language=interface_language(),
        )
        job.refresh_from_db()
        return Response(ImportJobSerializer(job).data, status=status.HTTP_201_CREATED)


class ImportJobDetailView(APIView):
    @extend_schema(summary="An import's status, counts and rows", responses={200: ImportJobSerializer})
    def get(self, request, pk: int):
        return Response(ImportJobSerializer(access_import_job(request.user, pk)).data)


class ImportJobConfirmView(APIView):
    @extend_schema(
        summary="Import the rows the dry run found valid", request=None, responses={202: ImportJobSerializer}
    )
    def post(self, request, pk: int):
        job = import_job_confirm(job=access_import_job(request.user, pk), by=request.user)
        job.refresh_from_db()
        return Response(ImportJobSerializer(job).data, status=status.HTTP_202_ACCEPTED)


class ImportTemplateView(APIView):
    def perform_content_negotiation(self, request, force=False):
        return super().perform_content_negotiation(request, force=True)

    @extend_schema(summary="The import template (XLSX)", responses={(200, XLSX): OpenApiTypes.BINARY})
    def get(self, request):
        if not user_may_write(request.user):
            raise PermissionDenied(may_import_message())
        response = HttpResponse(template_workbook(), content_type=XLSX)
        response["Content-Disposition"] = f'attachment; filename="{TEMPLATE_FILENAME}"'
        return response
