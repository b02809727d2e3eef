"""Amendments over the API: a contract's amendments, one amendment, and the decisions on it.

The contract and the amendment are fetched through the access functions: a hidden one answers 404, one the caller may
see but not use as asked 403. The views parse input, call one service and render.
"""

from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.response import Response
from rest_framework.views import APIView

from contracts.api.common import ContractChildMixin
from core.api import ACTION_NOT_ALLOWED_RESPONSE, STALE_VERSION_RESPONSE

from .access import AmendmentUse, access_amendment
from .models import Amendment
from .selectors import amendments_visible_to
from .serializers import (
    AmendmentDecisionSerializer,
    AmendmentRejectSerializer,
    AmendmentSerializer,
    AmendmentUpdateSerializer,
    AmendmentWithdrawSerializer,
    AmendmentWriteSerializer,
)
from .services import amendment_approve, amendment_create, amendment_reject, amendment_update, amendment_withdraw


def _related(queryset):
    return queryset.select_related("contract", "created_by", "approved_by")


@extend_schema_view(
    post=extend_schema(
        request=AmendmentWriteSerializer,
        responses={201: AmendmentSerializer, 400: ACTION_NOT_ALLOWED_RESPONSE},
        summary="Propose an amendment of a signed contract (a draft)",
    )
)
class ContractAmendmentList(ContractChildMixin, generics.ListCreateAPIView):
    """The contract's amendments in the order they were made."""

    queryset = Amendment.objects.none()  # names the model for the schema; get_queryset() picks the rows
    serializer_class = AmendmentSerializer
    filterset_class = None
    ordering_fields = ["sequence", "effective_on", "status"]

    def get_queryset(self):
        return _related(amendments_visible_to(self.request.user).filter(contract=self.contract)).order_by("sequence")

    def create(self, request, *args, **kwargs):
        self.contract_to("change")
        serializer = AmendmentWriteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        amendment = amendment_create(contract=self.contract, by=request.user, **serializer.validated_data)
        return Response(AmendmentSerializer(amendment).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    patch=extend_schema(
        request=AmendmentUpdateSerializer,
        responses={200: AmendmentSerializer, 400: ACTION_NOT_ALLOWED_RESPONSE, 409: STALE_VERSION_RESPONSE},
        summary="Change a draft amendment",
    )
)
class AmendmentDetail(generics.RetrieveUpdateAPIView):
    """One amendment. PATCH changes a draft and must carry the version last read."""

    serializer_class = AmendmentSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return _related(amendments_visible_to(self.request.user))

    def update(self, request, *args, **kwargs):
        amendment = access_amendment(request.user, kwargs["pk"], to="change")
        serializer = AmendmentUpdateSerializer(data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        amendment = amendment_update(amendment=amendment, by=request.user, version=data.pop("version"), **data)
        return Response(AmendmentSerializer(amendment).data)


class _Decision(APIView):
    use: AmendmentUse
    input_class: type = AmendmentDecisionSerializer

    def post(self, request, pk: int):
        amendment = access_amendment(request.user, pk, to=self.use)
        serializer = self.input_class(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["version"] = data.get("version") or amendment.version
        return Response(AmendmentSerializer(self.decide(amendment, request.user, data)).data)

    def decide(self, amendment: Amendment, user, data: dict) -> Amendment:
        raise NotImplementedError


def _decision_schema(request, summary: str):
    return extend_schema(
        request=request,
        responses={200: AmendmentSerializer, 400: ACTION_NOT_ALLOWED_RESPONSE, 409: STALE_VERSION_RESPONSE},
        summary=summary,
    )


class AmendmentApprove(_Decision):
    """Approve a draft (a manager; legal for an amendment of clauses only). It comes into force at once when its day
    has come, otherwise the daily roll applies it on that day."""

    use = "approve"

    @_decision_schema(AmendmentDecisionSerializer, "Approve a draft amendment")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def decide(self, amendment, user, data):
        return amendment_approve(amendment=amendment, by=user, **data)


class AmendmentReject(_Decision):
    """Turn a draft down with the reason (who may approve it); it is kept."""

    use = "approve"
    input_class = AmendmentRejectSerializer

    @_decision_schema(AmendmentRejectSerializer, "Reject a draft amendment")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def decide(self, amendment, user, data):
        return amendment_reject(amendment=amendment, by=user, **data)


class AmendmentWithdraw(_Decision):
    """Take back an amendment not yet in force (who may change the contract); it is kept."""

    use = "withdraw"
    input_class = AmendmentWithdrawSerializer

    @_decision_schema(AmendmentWithdrawSerializer, "Withdraw an amendment not yet in force")
    def post(self, request, pk: int):
        return super().post(request, pk)

    def decide(self, amendment, user, data):
        return amendment_withdraw(amendment=amendment, by=user, **data)
