"""A contract's documents over the API: list, upload (checked and fingerprinted), detail, download."""

from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from contracts.access import access_document
from contracts.models import Document
from contracts.selectors import (
    documents_visible_to,
)
from contracts.serializers import (
    DocumentSerializer,
    DocumentUploadSerializer,
)
from contracts.services.documents import document_file_response, document_upload

from .common import ContractChildMixin


@extend_schema_view(post=extend_schema(request=DocumentUploadSerializer, responses={201: DocumentSerializer}))
class ContractDocumentList(ContractChildMixin, generics.ListCreateAPIView):
    """Signed scans, annexes and amendments; an upload is checked and fingerprinted (SHA-256) before it is kept."""

    queryset = Document.objects.none()  # names the model for the schema; get_queryset() picks the rows
    serializer_class = DocumentSerializer
    parser_classes = [MultiPartParser, FormParser]
    filterset_class = None
    ordering_fields = ["uploaded_at", "original_name", "kind"]

    def get_queryset(self):
        return (
            documents_visible_to(self.request.user)
            .filter(contract=self.contract)
            .select_related("uploaded_by")
            .order_by("-uploaded_at", "-id")
        )

    def create(self, request, *args, **kwargs):
        self.contract_to("change")
        serializer = DocumentUploadSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        document = document_upload(
            contract=self.contract,
            by=request.user,
            uploaded_file=serializer.validated_data["file"],
            kind=serializer.validated_data["kind"],
        )
        return Response(DocumentSerializer(document).data, status=status.HTTP_201_CREATED)


class DocumentDetail(generics.RetrieveAPIView):
    serializer_class = DocumentSerializer

    def get_queryset(self):
        return documents_visible_to(self.request.user).select_related("uploaded_by")


class DocumentDownload(APIView):
    """The stored file itself, byte for byte as uploaded."""

    @extend_schema(responses={(200, "application/octet-stream"): OpenApiResponse(description="The file.")})
    def get(self, request, pk: int):
        return document_file_response(access_document(request.user, pk))
