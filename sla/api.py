"""SLA months over the API (product spec, section 12): list and record a contract's months, read, replace or delete
one, and import the vendor's monthly report. The views parse input, call one service, and render."""

from django.db import transaction
from drf_spectacular.utils import OpenApiResponse, extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response
from rest_framework.views import APIView

from contracts.api.common import ContractChildMixin

from .access import access_sla_period
from .models import SlaPeriod
from .selectors import sla_periods_with_results
from .serializers import (
    SlaImportErrorSerializer,
    SlaImportResultSerializer,
    SlaImportSerializer,
    SlaPeriodSerializer,
    SlaPeriodWriteSerializer,
)
from .services import MeasurementInput, sla_period_delete, sla_period_save
from .upload import ImportRefused, sla_report_import


def _save_args(data: dict) -> dict:
    return {
        "period": data["period"],
        "fee_amount": data.get("fee_amount"),
        "measurements": [MeasurementInput(row["target"], row["value"]) for row in data["measurements"]],
    }


def _render(month: SlaPeriod, code: int = status.HTTP_200_OK) -> Response:
    """The month as stored, with its results (not re-read through the caller's access: they just wrote it)."""
    month = SlaPeriod.objects.prefetch_related("measurements__target").get(pk=month.pk)
    return Response(SlaPeriodSerializer(month).data, status=code)


@extend_schema_view(
    post=extend_schema(request=SlaPeriodWriteSerializer, responses={201: SlaPeriodSerializer}),
)
class ContractSlaPeriodList(ContractChildMixin, generics.ListCreateAPIView):
    """The months recorded for a contract, oldest first. Posting a month already recorded replaces its results."""

    queryset = SlaPeriod.objects.none()  # names the model for the schema; get_queryset() picks the rows
    serializer_class = SlaPeriodSerializer
    filterset_class = None
    ordering_fields = ["period"]

    def get_queryset(self):
        return sla_periods_with_results(self.request.user).filter(contract=self.contract).order_by("period")

    def create(self, request, *args, **kwargs):
        contract = self.contract_to("change")
        serializer = SlaPeriodWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        month = sla_period_save(contract=contract, by=request.user, **_save_args(serializer.validated_data))
        return _render(month, status.HTTP_201_CREATED)


@extend_schema_view(
    put=extend_schema(request=SlaPeriodWriteSerializer, responses={200: SlaPeriodSerializer}),
    delete=extend_schema(responses={204: None}),
)
class SlaPeriodDetail(APIView):
    """One recorded month: read it, replace its results (PUT, the same body as recording it), or delete it."""

    serializer_class = SlaPeriodSerializer
    http_method_names = ["get", "put", "delete", "head", "options"]

    @extend_schema(responses={200: SlaPeriodSerializer})
    def get(self, request, pk: int):
        return _render(access_sla_period(request.user, pk))

    def put(self, request, pk: int):
        month = access_sla_period(request.user, pk, to="change")
        serializer = SlaPeriodWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        saved = sla_period_save(
            contract=month.contract, by=request.user, expected_period=month, **_save_args(serializer.validated_data)
        )
        return _render(saved)

    def delete(self, request, pk: int):
        month = access_sla_period(request.user, pk, to="change")
        sla_period_delete(sla_period=month, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)


class ContractSlaImport(ContractChildMixin, APIView):
    """The vendor's monthly report, CSV or XLSX with the columns period, metric, value and optionally fee_amount:
    every month in it is recorded, or, when any row is wrong, none (the answer lists the row errors)."""

    parser_classes = [MultiPartParser, FormParser]

    @extend_schema(
        request={"multipart/form-data": SlaImportSerializer},
        responses={
            201: SlaImportResultSerializer,
            400: OpenApiResponse(SlaImportErrorSerializer, description="The file refused, or its row errors."),
        },
    )
    def post(self, request, contract_pk: int):
        contract = self.contract_to("change")
        serializer = SlaImportSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            with transaction.atomic():
                months = sla_report_import(
                    contract=contract, by=request.user, uploaded_file=serializer.validated_data["file"]
                )
        except ImportRefused as refused:
            return Response(refused.as_dict(), status=status.HTTP_400_BAD_REQUEST)
        rendered = SlaPeriod.objects.prefetch_related("measurements__target").filter(pk__in=[m.pk for m in months])
        return Response(
            {"periods": SlaPeriodSerializer(rendered.order_by("period"), many=True).data},
            status=status.HTTP_201_CREATED,
        )
