"""Obligations over the API. They follow their contract: visible when it is, changeable when it is."""

from django.db import transaction
from django.utils import timezone
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, mixins, status, viewsets
from rest_framework.decorators import action
from rest_framework.response import Response

from contracts.access import access_contract
from obligations.actions import (
    obligation_complete,
    obligation_create_custom,
    obligation_move_due_date,
    obligation_reassign,
    obligation_reopen,
    obligation_set_reminder_offsets,
    obligation_waive,
)

from .access import access_obligation
from .calendar import load_calendar
from .filters import ObligationFilter
from .models import Obligation
from .selectors import obligations_visible_to
from .serializers import (
    CompleteSerializer,
    ObligationCreateSerializer,
    ObligationSerializer,
    ObligationUpdateSerializer,
    WaiveSerializer,
)


@extend_schema_view(partial_update=extend_schema(request=ObligationUpdateSerializer, responses=ObligationSerializer))
class ObligationViewSet(
    mixins.ListModelMixin, mixins.RetrieveModelMixin, mixins.UpdateModelMixin, viewsets.GenericViewSet
):
    """Dated things to do or check, across every contract the caller may see."""

    lookup_value_regex = r"[0-9]+"
    serializer_class = ObligationSerializer
    filterset_class = ObligationFilter
    ordering_fields = ["due_date", "starts_on", "kind", "status", "updated_at"]
    http_method_names = ["get", "post", "patch", "head", "options"]

    RELATED = ("contract__owner", "owner", "certification")

    def get_queryset(self):
        return obligations_visible_to(self.request.user).select_related(*self.RELATED)

    def get_serializer_context(self):
        return {**super().get_serializer_context(), "today": timezone.localdate(), "calendar": load_calendar()}

    def _target(self) -> Obligation:
        return access_obligation(self.request.user, self.kwargs["pk"], to="act", related=self.RELATED)

    def _render(self, obligation: Obligation) -> Response:
        return Response(self.get_serializer(self.get_queryset().get(pk=obligation.pk)).data)

    @transaction.atomic
    def update(self, request, *args, **kwargs):
        """A new owner, due date and reminder days in one request are applied together or not at all."""
        obligation = self._target()
        serializer = ObligationUpdateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        if "owner" in serializer.validated_data:
            obligation = obligation_reassign(
                obligation=obligation, by=request.user, owner=serializer.validated_data["owner"]
            )
        if "due_date" in serializer.validated_data:
            obligation = obligation_move_due_date(
                obligation=obligation, by=request.user, due_date=serializer.validated_data["due_date"]
            )
        if "reminder_offsets" in serializer.validated_data:
            obligation = obligation_set_reminder_offsets(
                obligation=obligation, by=request.user, offsets=serializer.validated_data["reminder_offsets"]
            )
        return self._render(obligation)

    @extend_schema(
        request={"application/json": CompleteSerializer, "multipart/form-data": CompleteSerializer},
        responses=ObligationSerializer,
    )
    @action(detail=True, methods=["post"])
    def complete(self, request, pk=None):
        """Mark done with a note saying what was done, and optionally an evidence document (multipart)."""
        obligation = self._target()
        serializer = CompleteSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        data = serializer.validated_data
        return self._render(
            obligation_complete(
                obligation=obligation, by=request.user, note=data["note"], evidence=data.get("document")
            )
        )

    @extend_schema(request=WaiveSerializer, responses=ObligationSerializer)
    @action(detail=True, methods=["post"])
    def waive(self, request, pk=None):
        obligation = self._target()
        serializer = WaiveSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        return self._render(obligation_waive(obligation=obligation, by=request.user, **serializer.validated_data))

    @extend_schema(request=None, responses=ObligationSerializer)
    @action(detail=True, methods=["post"])
    def reopen(self, request, pk=None):
        return self._render(obligation_reopen(obligation=self._target(), by=request.user))


class ContractObligationCreate(generics.GenericAPIView):
    """Add an obligation by hand to a contract the caller may change (repeating: every occurrence at once)."""

    serializer_class = ObligationCreateSerializer
    queryset = Obligation.objects.none()  # names the model for the schema

    @extend_schema(request=ObligationCreateSerializer, responses={201: ObligationSerializer})
    def post(self, request, contract_pk: int):
        contract = access_contract(request.user, contract_pk, to="change")
        serializer = ObligationCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        first = obligation_create_custom(contract=contract, by=request.user, **serializer.validated_data)
        shown = obligations_visible_to(request.user).select_related(*ObligationViewSet.RELATED).get(pk=first.pk)
        context = {"request": request, "today": timezone.localdate(), "calendar": load_calendar()}
        return Response(ObligationSerializer(shown, context=context).data, status=status.HTTP_201_CREATED)
