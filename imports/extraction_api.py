"""Reading a signed contract over the API: upload a file for a proposal, read it again, create the draft contract.

Only the uploader ever sees an upload (404 for anyone else); uploading and creating need the right to create
contracts (403). The file is read in a sandboxed child process before the answer (imports.extraction_services).
"""

from django.db.models import prefetch_related_objects
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_field, inline_serializer
from rest_framework import serializers, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from contracts.serializers import ContractSerializer, ContractWriteSerializer
from contracts.services.terms import CONTRACT_TERM_FIELDS
from core.api import ACTION_NOT_ALLOWED_RESPONSE, rows_prefetch
from vendors.models import Vendor

from .extraction_access import access_extraction
from .extraction_services import extraction_create, extraction_create_contract
from .models import Extraction


class ExtractionUploadSerializer(serializers.Serializer):
    file = serializers.FileField(help_text="A DOCX, a PDF with a text layer, or a UTF-8 / GB18030 text file.")


_FOUND = inline_serializer(
    "ExtractedValue",
    {
        "value": serializers.JSONField(allow_null=True, help_text="null when the file does not state it."),
        "source": serializers.CharField(allow_null=True, help_text="The sentence the value was read from."),
        "span": serializers.ListField(child=serializers.IntegerField(), allow_null=True),
        "note": serializers.CharField(allow_null=True, help_text="How a value not read literally was derived."),
    },
)


class _ExtractedClause(serializers.Serializer):
    number = serializers.CharField()
    title = serializers.CharField(allow_blank=True)
    text = serializers.CharField(allow_blank=True)
    category = serializers.CharField()
    span = serializers.ListField(child=serializers.IntegerField())


class _ExtractedFeeItem(serializers.Serializer):
    kind = serializers.CharField()
    unit_price = serializers.DecimalField(max_digits=20, decimal_places=4, coerce_to_string=True)
    unit = serializers.CharField(allow_blank=True)
    quantity = serializers.CharField(allow_null=True)
    currency = serializers.CharField(allow_null=True)
    source = serializers.CharField()
    span = serializers.ListField(child=serializers.IntegerField())


class _ExtractedSLATarget(serializers.Serializer):
    metric = serializers.CharField()
    kind = serializers.CharField()
    comparator = serializers.CharField()
    target = serializers.CharField()
    unit = serializers.CharField(allow_blank=True)
    period = serializers.CharField(allow_blank=True)
    credit_pct = serializers.CharField(allow_null=True)
    source = serializers.CharField()
    span = serializers.ListField(child=serializers.IntegerField())


class _ExtractedVendor(serializers.Serializer):
    name = serializers.CharField(allow_null=True)
    credit_code = serializers.CharField(allow_null=True)
    registered = serializers.IntegerField(
        allow_null=True, help_text="The id of the vendor registered with this credit code, if any."
    )


class ExtractionSerializer(serializers.Serializer):
    """The proposal read from a file: every field of section 14 with its source sentence, the clauses by category."""

    id = serializers.IntegerField()
    file_name = serializers.CharField(source="original_name")
    kind = serializers.CharField()
    created_at = serializers.DateTimeField()
    fields = serializers.SerializerMethodField(method_name="get_proposed_fields")
    not_found = serializers.SerializerMethodField()
    vendor = serializers.SerializerMethodField()
    clauses = serializers.SerializerMethodField()
    fee_items = serializers.SerializerMethodField()
    sla_targets = serializers.SerializerMethodField()
    text = serializers.CharField(help_text="The document's text; every span points into it.")
    contract = serializers.IntegerField(source="contract_id", allow_null=True)

    @extend_schema_field(serializers.DictField(child=_FOUND))
    def get_proposed_fields(self, extraction: Extraction) -> dict:
        # Every field the engine looks for is stored, a field not found as null (extraction.terms.FIELDS, in order).
        empty = {"value": None, "source": None, "span": None, "note": None}
        return {name: found or empty for name, found in extraction.result.get("fields", {}).items()}

    def get_not_found(self, extraction: Extraction) -> list[str]:
        return list(extraction.result.get("not_found", []))

    @staticmethod
    def _value(extraction: Extraction, name: str):
        return (extraction.result.get("fields", {}).get(name) or {}).get("value")

    @extend_schema_field(_ExtractedVendor)
    def get_vendor(self, extraction: Extraction) -> dict:
        code = self._value(extraction, "vendor_credit_code")
        registered = Vendor.objects.filter(credit_code=code).values_list("pk", flat=True).first() if code else None
        return {"name": self._value(extraction, "vendor_name"), "credit_code": code, "registered": registered}

    @extend_schema_field(_ExtractedClause(many=True))
    def get_clauses(self, extraction: Extraction) -> list:
        return list(extraction.result.get("clauses", []))

    @extend_schema_field(_ExtractedFeeItem(many=True))
    def get_fee_items(self, extraction: Extraction) -> list:
        return list(extraction.result.get("fee_items", []))

    @extend_schema_field(_ExtractedSLATarget(many=True))
    def get_sla_targets(self, extraction: Extraction) -> list:
        return list(extraction.result.get("sla_targets", []))


class ExtractionContractSerializer(ContractWriteSerializer):
    """What the user changed in the proposal: any contract term, the SLA and fee rows (replacing those read), and
    the vendor (a registered one, or the name and credit code to match or register)."""

    version = None
    vendor_name = serializers.CharField(required=False, max_length=200, allow_blank=True)
    vendor_credit_code = serializers.CharField(required=False, max_length=40, allow_blank=True)

    class Meta(ContractWriteSerializer.Meta):
        fields = [*CONTRACT_TERM_FIELDS, "sla_targets", "fee_items", "vendor_name", "vendor_credit_code"]
        extra_kwargs = {"title": {"required": False}, "vendor": {"required": False}}


class ExtractionCreateView(APIView):
    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        summary="Read a signed contract file and propose its terms",
        request={"multipart/form-data": ExtractionUploadSerializer},
        responses={
            201: ExtractionSerializer,
            400: OpenApiResponse(
                description="The file cannot be read: too large, not DOCX/PDF/text by its content, a scan without "
                'text, password-protected, damaged, or an unknown text encoding ({"file": [message]}).'
            ),
            415: OpenApiResponse(description="The body is not multipart/form-data (or is broken multipart)."),
        },
    )
    def post(self, request):
        upload = ExtractionUploadSerializer(data=request.data)
        upload.is_valid(raise_exception=True)
        extraction = extraction_create(by=request.user, uploaded_file=upload.validated_data["file"])
        return Response(ExtractionSerializer(extraction).data, status=status.HTTP_201_CREATED)


class ExtractionDetailView(APIView):
    @extend_schema(summary="A contract file read earlier, with its proposal", responses={200: ExtractionSerializer})
    def get(self, request, pk: int):
        return Response(ExtractionSerializer(access_extraction(request.user, pk)).data)


class ExtractionCreateContractView(APIView):
    @extend_schema(
        summary="Create the draft contract a read file proposes, with any changes",
        request=ExtractionContractSerializer,
        responses={201: ContractSerializer, 400: ACTION_NOT_ALLOWED_RESPONSE},
    )
    def post(self, request, pk: int):
        extraction = access_extraction(request.user, pk, to="use")
        changes = ExtractionContractSerializer(data=request.data, context={"request": request})
        changes.is_valid(raise_exception=True)
        data = dict(changes.validated_data)
        vendor: Vendor | None = data.pop("vendor", None)
        contract = extraction_create_contract(
            extraction=extraction,
            by=request.user,
            vendor=vendor,
            vendor_name=data.pop("vendor_name", None),
            vendor_credit_code=data.pop("vendor_credit_code", None),
            sla_targets=data.pop("sla_targets", None),
            fee_items=data.pop("fee_items", None),
            terms=data,
        )
        prefetch_related_objects([contract], rows_prefetch("sla_targets"), rows_prefetch("fee_items"))
        return Response(ContractSerializer(contract, context={"request": request}).data, status=status.HTTP_201_CREATED)
