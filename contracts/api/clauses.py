"""A contract's clauses and their revisions over the API."""

from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import generics, status
from rest_framework.response import Response

from contracts.access import access_clause
from contracts.models import Clause, ClauseRevision
from contracts.selectors import (
    clause_revisions_visible_to,
    clauses_visible_to,
)
from contracts.serializers import (
    ClauseCreateSerializer,
    ClauseRevisionCreateSerializer,
    ClauseRevisionSerializer,
    ClauseSerializer,
    ClauseUpdateSerializer,
)
from contracts.services.clauses import clause_add_revision, clause_create, clause_update
from core.api import STALE_VERSION_RESPONSE

from .common import ContractChildMixin


@extend_schema_view(post=extend_schema(request=ClauseCreateSerializer, responses={201: ClauseSerializer}))
class ContractClauseList(ContractChildMixin, generics.ListCreateAPIView):
    """The contract's clauses in order; legal and those who may change the contract add new ones."""

    queryset = Clause.objects.none()  # names the model for the schema; get_queryset() picks the rows
    serializer_class = ClauseSerializer
    filterset_class = None
    ordering_fields = ["order", "category", "status", "updated_at"]

    def get_queryset(self):
        return clauses_visible_to(self.request.user).filter(contract=self.contract).order_by("order", "id")

    def create(self, request, *args, **kwargs):
        self.contract_to("edit_clauses")
        serializer = ClauseCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        clause = clause_create(contract=self.contract, by=request.user, **serializer.validated_data)
        return Response(ClauseSerializer(clause).data, status=status.HTTP_201_CREATED)


@extend_schema_view(
    patch=extend_schema(request=ClauseUpdateSerializer, responses={200: ClauseSerializer, 409: STALE_VERSION_RESPONSE})
)
class ClauseDetail(generics.RetrieveUpdateAPIView):
    """One clause. PATCH changes title, category, status or order and must carry the version last read."""

    serializer_class = ClauseSerializer
    http_method_names = ["get", "patch", "head", "options"]

    def get_queryset(self):
        return clauses_visible_to(self.request.user).select_related("contract")

    def update(self, request, *args, **kwargs):
        clause = access_clause(request.user, kwargs["pk"], to="edit")
        serializer = ClauseUpdateSerializer(clause, data=request.data, partial=True)
        serializer.is_valid(raise_exception=True)
        data = dict(serializer.validated_data)
        if "version" not in data:
            return Response({"version": [_("Send the version you last read.")]}, status=status.HTTP_400_BAD_REQUEST)
        clause = clause_update(clause=clause, by=request.user, version=data.pop("version"), **data)
        return Response(ClauseSerializer(clause).data)


@extend_schema_view(
    post=extend_schema(
        request=ClauseRevisionCreateSerializer, responses={201: ClauseRevisionSerializer, 409: STALE_VERSION_RESPONSE}
    )
)
class ClauseRevisionList(generics.ListCreateAPIView):
    """Every wording a clause went through, oldest first; a new revision becomes the clause's text."""

    queryset = ClauseRevision.objects.none()  # names the model for the schema; get_queryset() picks the rows
    serializer_class = ClauseRevisionSerializer
    filterset_class = None
    ordering_fields = ["number", "created_at"]

    @cached_property
    def clause(self) -> Clause:
        return access_clause(self.request.user, self.kwargs["clause_pk"])

    def get_queryset(self):
        return (
            clause_revisions_visible_to(self.request.user)
            .filter(clause=self.clause)
            .select_related("author")
            .order_by("number")
        )

    def create(self, request, *args, **kwargs):
        self.__dict__["clause"] = access_clause(request.user, self.kwargs["clause_pk"], to="edit")
        serializer = ClauseRevisionCreateSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        revision = clause_add_revision(clause=self.clause, by=request.user, **serializer.validated_data)
        return Response(ClauseRevisionSerializer(revision).data, status=status.HTTP_201_CREATED)
