"""Contracts over the API: terms, lifecycle actions and price-change notices.

Every object is looked up through contracts.selectors, so what a user may not see answers 404 (for reads and writes
alike) and what they may see but not change answers 403. The views parse input, call one service, and render.
"""

from django.db import transaction
from django.db.models import prefetch_related_objects
from django.utils.translation import gettext as _
from django_filters.rest_framework import DjangoFilterBackend
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status, viewsets
from rest_framework.decorators import action
from rest_framework.exceptions import PermissionDenied
from rest_framework.response import Response

from contracts.access import access_contract
from contracts.filters import ContractFilter
from contracts.lifecycle.actions import (
    contract_activate,
    contract_record_non_renewal_notice,
    contract_renew,
    contract_sign,
    contract_start_negotiation,
    contract_terminate,
    price_change_notice_record,
)
from contracts.models import Contract, PriceChangeNotice
from contracts.selectors import (
    contract_ids_visible_to,
    contracts_visible_to,
    contracts_visible_to_for_counting,
    price_change_notices_visible_to,
)
from contracts.serializers import (
    ContractSerializer,
    ContractUpdateSerializer,
    ContractWriteSerializer,
    DateActionSerializer,
    LifecycleActionSerializer,
    PriceChangeNoticeSerializer,
    RenewSerializer,
    SignSerializer,
    TerminateSerializer,
)
from contracts.services.terms import contract_create, contract_delete, contract_update
from core.api import ACTION_NOT_ALLOWED_RESPONSE, STALE_VERSION_RESPONSE, rows_prefetch

from .common import ContractChildMixin

_CONTRACT_COLUMNS = tuple(field.name for field in Contract._meta.concrete_fields)


def _lifecycle_schema(request, summary: str):
    return extend_schema(
        request=request,
        responses={200: ContractSerializer, 400: ACTION_NOT_ALLOWED_RESPONSE, 409: STALE_VERSION_RESPONSE},
        summary=summary,
    )


@extend_schema_view(
    create=extend_schema(request=ContractWriteSerializer, responses={201: ContractSerializer}),
    update=extend_schema(
        request=ContractUpdateSerializer, responses={200: ContractSerializer, 409: STALE_VERSION_RESPONSE}
    ),
    partial_update=extend_schema(
        request=ContractUpdateSerializer, responses={200: ContractSerializer, 409: STALE_VERSION_RESPONSE}
    ),
    destroy=extend_schema(responses={204: None, 400: ACTION_NOT_ALLOWED_RESPONSE}),
)
class ContractViewSet(viewsets.ModelViewSet):
    """Contracts the caller may see. A new contract starts as a draft owned by its creator."""

    lookup_value_regex = r"[0-9]+"
    serializer_class = ContractSerializer
    filterset_class = ContractFilter
    ordering_fields = ["number", "title", "status", "effective_date", "end_date", "created_at", "updated_at"]

    def get_queryset(self):
        contracts = (
            contracts_visible_to(self.request.user)
            .select_related("owner", "vendor")
            .prefetch_related(rows_prefetch("sla_targets"), rows_prefetch("fee_items"))
        )
        if self.action == "list":
            # A page shows only the owner's user name and the vendor's name of the rows it joins; their other columns
            # (dates to parse, mostly) cost a twentieth of the request.
            contracts = contracts.only(*_CONTRACT_COLUMNS, "owner__username", "vendor__name")
        return contracts

    def get_count_queryset(self):
        """The list's total from a query planned for counting (see the selectors); the same filters apply."""
        if self._filters_given():
            return self.filter_queryset(contracts_visible_to_for_counting(self.request.user))
        return contract_ids_visible_to(self.request.user)

    def filter_queryset(self, queryset):
        """Without a filter in the query string django-filter would still build and validate its form, for nothing:
        about 1 ms of a page's 25. Ordering applies either way."""
        if self._filters_given():
            return super().filter_queryset(queryset)
        for backend in self.filter_backends:
            if not issubclass(backend, DjangoFilterBackend):
                queryset = backend().filter_queryset(self.request, queryset, self)
        return queryset

    def _filters_given(self) -> bool:
        return any(self.request.query_params.get(name) for name in ContractFilter.base_filters)

    def _render(self, contract: Contract, code: int = status.HTTP_200_OK) -> Response:
        """The contract as the service saved it. Not re-read through the caller's visible contracts: a caller who
        just handed the contract to someone else (or created it for them) may no longer see it, yet the answer is
        still the contract they wrote."""
        prefetch_related_objects([contract], rows_prefetch("sla_targets"), rows_prefetch("fee_items"))
        return Response(ContractSerializer(contract, context=self.get_serializer_context()).data, status=code)

    @transaction.atomic
    def create(self, request, *args, **kwargs):
        """The whole request is one transaction: a failure after the contract is written leaves nothing behind."""
        if not request.user.has_perm("contracts.add_contract"):
            raise PermissionDenied(_("Your role cannot create contracts."))
        serializer = ContractWriteSerializer(data=request.data, context=self.get_serializer_context())
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data.pop("version", None)
        contract = contract_create(by=request.user, **data)
        return self._render(contract, status.HTTP_201_CREATED)

    @transaction.atomic
    def update(self, request, *args, **kwargs):
        """One transaction, like create. Handing the contract to another owner needs the right to share it; the
        service refuses it (403) before anything is written."""
        contract = access_contract(request.user, kwargs["pk"], to="change", related=("owner", "vendor"))
        serializer = ContractWriteSerializer(
            contract, data=request.data, partial=kwargs.get("partial", False), context=self.get_serializer_context()
        )
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        contract = contract_update(contract=contract, by=request.user, version=data.pop("version"), **data)
        return self._render(contract)

    def destroy(self, request, *args, **kwargs):
        contract = access_contract(request.user, kwargs["pk"], to="change")
        contract_delete(contract=contract, by=request.user)
        return Response(status=status.HTTP_204_NO_CONTENT)

    def _action_target(self) -> Contract:
        return access_contract(self.request.user, self.kwargs["pk"], to="change")

    def _action_input(self, serializer_class, contract: Contract) -> dict:
        """The action's parsed input with the version it applies to: the one sent, else the one read just now."""
        serializer = serializer_class(data=self.request.data)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        data["version"] = data.get("version") or contract.version
        return data

    @_lifecycle_schema(LifecycleActionSerializer, "Open negotiation on a draft contract")
    @action(detail=True, methods=["post"], url_path="start-negotiation")
    def start_negotiation(self, request, pk=None):
        contract = self._action_target()
        data = self._action_input(LifecycleActionSerializer, contract)
        return self._render(contract_start_negotiation(contract=contract, by=request.user, **data))

    def _dated_action(self, request, service) -> Response:
        contract = self._action_target()
        data = self._action_input(DateActionSerializer, contract)
        return self._render(service(contract=contract, by=request.user, **data))

    @_lifecycle_schema(
        SignSerializer,
        "Record the signature (every clause agreed or waived, no high review finding open unless accepted now)",
    )
    @action(detail=True, methods=["post"])
    def sign(self, request, pk=None):
        contract = self._action_target()
        data = self._action_input(SignSerializer, contract)
        return self._render(contract_sign(contract=contract, by=request.user, **data))

    @_lifecycle_schema(
        DateActionSerializer, "Put a signed contract into force (a future date: it stays signed until that day)"
    )
    @action(detail=True, methods=["post"])
    def activate(self, request, pk=None):
        return self._dated_action(request, contract_activate)

    @_lifecycle_schema(DateActionSerializer, "Record that non-renewal notice was given")
    @action(detail=True, methods=["post"], url_path="non-renewal-notice")
    def non_renewal_notice(self, request, pk=None):
        return self._dated_action(request, contract_record_non_renewal_notice)

    @_lifecycle_schema(RenewSerializer, "Renew: extend the term, or create a linked successor contract")
    @action(detail=True, methods=["post"])
    def renew(self, request, pk=None):
        contract = self._action_target()
        renewed = contract_renew(contract=contract, by=request.user, **self._action_input(RenewSerializer, contract))
        return self._render(renewed)

    @_lifecycle_schema(
        TerminateSerializer,
        "Terminate the contract on a date, with the reason (a future date schedules it; closer than the termination "
        "notice needs for_cause, else 400 with earliest_date)",
    )
    @action(detail=True, methods=["post"])
    def terminate(self, request, pk=None):
        contract = self._action_target()
        data = self._action_input(TerminateSerializer, contract)
        terminated = contract_terminate(contract=contract, by=request.user, **data)
        return self._render(terminated)


@extend_schema_view(post=extend_schema(responses={201: PriceChangeNoticeSerializer}))
class PriceChangeNoticeList(ContractChildMixin, generics.ListCreateAPIView):
    """Price-change notices from the vendor, each checked against the contract's notice period and cap."""

    queryset = PriceChangeNotice.objects.none()  # names the model for the schema; get_queryset() picks the rows
    serializer_class = PriceChangeNoticeSerializer
    filterset_class = None
    ordering_fields = ["received_on", "effective_on"]

    def get_queryset(self):
        return (
            price_change_notices_visible_to(self.request.user)
            .filter(contract=self.contract)
            .select_related("recorded_by")
            .order_by("-received_on", "-id")
        )

    def create(self, request, *args, **kwargs):
        self.contract_to("change")
        serializer = PriceChangeNoticeSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        notice = price_change_notice_record(contract=self.contract, by=request.user, **serializer.validated_data)
        return Response(PriceChangeNoticeSerializer(notice).data, status=status.HTTP_201_CREATED)
