"""API plumbing shared by every app: pagination, role permissions, a quick read path for output serializers and the
mapping of domain errors to HTTP answers."""

import logging
from collections.abc import Callable
from functools import partial
from operator import attrgetter
from typing import NamedTuple

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.core.exceptions import SuspiciousOperation
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator as DjangoPaginator
from django.db.models import Prefetch, ProtectedError
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import fields, relations, serializers, status
from rest_framework.exceptions import NotFound, ParseError, PermissionDenied, ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import DjangoModelPermissions
from rest_framework.response import Response
from rest_framework.views import APIView
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import ActionNotAllowed, ClausesNotAgreed, FindingsOpen, StaleVersionError
from .filters import BOOLEAN_SPELLINGS
from .text import normalise_code


class UsernameField(serializers.SlugRelatedField):
    """A user named by user name. Text with a NUL character is refused as a field error: PostgreSQL cannot even
    compare it, so DRF's plain lookup would fail with a server error instead of a 400."""

    default_error_messages = {"null_characters": gettext_lazy("Null characters are not allowed.")}

    def __init__(self, **kwargs):
        super().__init__(slug_field="username", **kwargs)

    def to_internal_value(self, data):
        if isinstance(data, str) and "\x00" in data:
            self.fail("null_characters")
        return super().to_internal_value(data)


class StrictBooleanField(serializers.BooleanField):
    """true or false, nothing else: a JSON boolean, or the words true and false in a form or a query string. DRF's
    own field also takes "yes", "on", 1 and the like, which the schema (type: boolean) does not allow."""

    def to_internal_value(self, data):
        if data is True or data is False:
            return data
        if isinstance(data, str) and data in BOOLEAN_SPELLINGS:
            return BOOLEAN_SPELLINGS[data]
        self.fail("invalid", input=data)


class CodeField(serializers.CharField):
    """A code (credit code, contract number) as the forms read it: spaces and full-width characters dropped,
    upper case (core.text.normalise_code), before the length and the other validators see it."""

    def to_internal_value(self, data):
        return normalise_code(super().to_internal_value(data))


class CountingPaginator(DjangoPaginator):
    """Django's paginator, counting with a separate query when the view has one that returns the same number faster."""

    def __init__(self, object_list, per_page, *args, count_queryset=None, **kwargs):
        super().__init__(object_list, per_page, *args, **kwargs)
        self.count_queryset = count_queryset

    @cached_property
    def count(self) -> int:
        if self.count_queryset is None:
            return super().count
        return self.count_queryset.count()


class Pagination(PageNumberPagination):
    """Page-number pagination; `?page_size=` up to 200. A view may define `get_count_queryset()` (same rows).

    A `page_size` that is not a whole number from 1 up is refused with 400 (DRF would quietly use the default); one
    above 200 gives pages of 200.
    """

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200

    def get_page_size(self, request):
        requested = request.query_params.get(self.page_size_query_param)
        if requested is None:
            return self.page_size
        if not (requested.isascii() and requested.isdigit() and int(requested) > 0):
            raise ValidationError({self.page_size_query_param: [_("Give a whole number of 1 or more.")]})
        return min(int(requested), self.max_page_size)

    def get_schema_operation_parameters(self, view):
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            parameter["schema"]["minimum"] = 1
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = _("Number of results per page, 1 or more (default 25); above 200 gives 200.")
        return parameters

    def paginate_queryset(self, queryset, request, view=None):
        count_queryset = view.get_count_queryset() if hasattr(view, "get_count_queryset") else None
        self.django_paginator_class = partial(CountingPaginator, count_queryset=count_queryset)
        return super().paginate_queryset(queryset, request, view)


# Field classes whose get_attribute and to_representation read only the object and the field's own options, never the
# serializer's context or parent, so one instance built per serializer class serves every request.
_CONTEXT_FREE_FIELDS = frozenset(
    {
        fields.BooleanField,
        StrictBooleanField,
        fields.CharField,
        fields.ChoiceField,
        fields.DateField,
        fields.DateTimeField,
        fields.DecimalField,
        fields.EmailField,
        fields.IntegerField,
        fields.BigIntegerField,
        fields.FloatField,
        fields.JSONField,
        fields.SlugField,
        fields.URLField,
        fields.UUIDField,
        relations.PrimaryKeyRelatedField,
        relations.SlugRelatedField,
    }
)
# Where DRF's to_representation is exactly a builtin.
_BUILTIN_CONVERTERS = {fields.IntegerField: int, fields.CharField: str}


# A model serializer whose output is built from a plan made once per class, not by DRF's per-field machinery. For each
# serializer instance DRF builds every field again, then for each object and field walks get_attribute (mapping and
# callable checks, SkipField) before converting; for a page of 50 contracts that was most of the list's CPU time.
# The plan is made from the same fields, in the same order, and converts with the fields' own
# to_representation (or the builtin it amounts to), so the output and the OpenAPI schema stay DRF's. Nested rows are
# read from the prefetch (rows_prefetch, or Django's own). Fields of a kind not known to be context-free, and anything
# that is not an instance of Meta.model, take DRF's generic path. (A comment, not a docstring: the schema would show
# it for every subclass without a docstring of its own.)
class QuickReadSerializer(serializers.ModelSerializer):
    _plans: dict[type, "_Plan"] = {}

    def to_representation(self, instance):
        if not isinstance(instance, self.Meta.model):
            return super().to_representation(instance)
        plan = self._plans.get(type(self)) or self._make_plan()
        columns = plan.columns(instance)
        ret = {}
        for name, column, convert, read in plan.steps:
            if read is None:
                value = columns[column]
                ret[name] = value if value is None or convert is None else convert(value)
                continue
            try:
                ret[name] = read(self, instance)
            except fields.SkipField:
                continue
        return ret

    @classmethod
    def _make_plan(cls) -> "_Plan":
        model_fields = {f.name: f for f in cls.Meta.model._meta.concrete_fields}
        attnames, steps = [], []
        for name, field in cls().fields.items():
            if field.write_only:
                continue
            column = _column(field, model_fields)
            if column is None:
                steps.append((name, None, None, _reader(field)))
            else:
                attname, convert = column
                steps.append((name, len(attnames), convert, None))
                attnames.append(attname)
        cls._plans[cls] = plan = _Plan(_columns_getter(attnames), steps)
        return plan


class _Plan(NamedTuple):
    columns: Callable  # instance -> the values of the model columns the fields show, in one call
    steps: list  # (name, index in columns or None, converter or None, reader or None), in the fields' order


def _columns_getter(attnames: list[str]) -> Callable:
    """attrgetter, answering a tuple however many names (with one, attrgetter answers the bare value)."""
    if len(attnames) > 1:
        return attrgetter(*attnames)
    return lambda instance: tuple(getattr(instance, attname) for attname in attnames)


def _column(field, model_fields: dict) -> tuple[str, Callable | None] | None:
    """The model column a field shows as it is, and how to convert a value that is not None; None for the rest."""
    kind = type(field)
    model_field = model_fields.get(field.source_attrs[0]) if len(field.source_attrs) == 1 else None
    if model_field is None or kind not in _CONTEXT_FREE_FIELDS:
        return None
    if not model_field.is_relation:
        return model_field.attname, _BUILTIN_CONVERTERS.get(kind, field.to_representation)
    if kind is relations.PrimaryKeyRelatedField and field.pk_field is None:
        return model_field.attname, None  # the pk-only optimisation: the foreign key column is the output
    return None


def _reader(field):
    """How to read any other field: a function of (serializer, instance) that returns the field's output or raises
    SkipField, exactly as Serializer.to_representation would."""
    kind = type(field)
    if (
        kind is serializers.ListSerializer
        and isinstance(field.child, QuickReadSerializer)
        and len(field.source_attrs) == 1
    ):
        return partial(_read_rows, field.source_attrs[0], field)
    if kind in _CONTEXT_FREE_FIELDS:
        return partial(_read_generic, field)
    return partial(_read_live, field.field_name)


def rows_prefetch(relation: str) -> Prefetch:
    """Prefetch a relation's rows as a plain list, for a QuickReadSerializer to read. Django's own prefetch builds a
    queryset per object to hold its rows: for a page of 50 contracts and two relations, half the prefetch's cost."""
    return Prefetch(relation, to_attr=_ROWS_PREFIX + relation)


_ROWS_PREFIX = "_rows_"


def _read_rows(source: str, field: serializers.ListSerializer, serializer, instance):
    prefetched = instance.__dict__.get(_ROWS_PREFIX + source)
    if prefetched is None:
        prefetched = getattr(instance, "_prefetched_objects_cache", {}).get(source)
    if prefetched is None:
        return _read_generic(field, serializer, instance)
    to_representation = field.child.to_representation
    return [to_representation(row) for row in prefetched]


def _read_generic(field, serializer, instance):
    attribute = field.get_attribute(instance)
    check_for_none = attribute.pk if isinstance(attribute, relations.PKOnlyObject) else attribute
    return None if check_for_none is None else field.to_representation(attribute)


def _read_live(field_name: str, serializer, instance):
    """A field that may use the serializer's context: this serializer's own instance of it."""
    return _read_generic(serializer.fields[field_name], serializer, instance)


class RoleModelPermissions(DjangoModelPermissions):
    """Model permissions of the user's role groups, reading included (the auditor reads, staff add, managers delete)."""

    perms_map = {**DjangoModelPermissions.perms_map, "GET": ["%(app_label)s.view_%(model_name)s"]}
    perms_map["HEAD"] = perms_map["GET"]


STALE_VERSION_RESPONSE = OpenApiResponse(
    response=inline_serializer(
        "StaleVersion",
        {
            "detail": serializers.CharField(),
            "code": serializers.CharField(),
            "current_version": serializers.IntegerField(),
        },
    ),
    description="Someone saved first: nothing was changed. Reload, apply the change again, send the new version.",
)
ACTION_NOT_ALLOWED_RESPONSE = OpenApiResponse(
    response=inline_serializer(
        "BadRequest",
        {
            "detail": serializers.CharField(required=False, help_text="Why the action is not allowed now."),
            "code": serializers.CharField(required=False),
            "open_clauses": serializers.ListField(
                child=serializers.IntegerField(),
                required=False,
                help_text="Signing refused: the ids of the clauses not yet agreed or waived.",
            ),
            "open_findings": serializers.ListField(
                child=serializers.CharField(),
                required=False,
                help_text="Signing refused: the rules of the high review findings neither fixed nor accepted.",
            ),
            "earliest_date": serializers.ListField(
                child=serializers.DateField(),
                required=False,
                help_text="Termination refused for too short notice: the earliest date allowed without cause.",
            ),
        },
    ),
    description="Field errors ({field: [messages]}), or the reason the current status does not allow the action.",
)


def exception_handler(exc, context):
    if isinstance(exc, StaleVersionError):
        return Response(
            {"detail": str(exc.message), "code": "stale_version", "current_version": exc.current_version},
            status=status.HTTP_409_CONFLICT,
        )
    if isinstance(exc, ClausesNotAgreed):
        return Response(
            {"detail": str(exc.message), "code": "action_not_allowed", "open_clauses": exc.clause_ids},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, FindingsOpen):
        return Response(
            {"detail": str(exc.message), "code": "action_not_allowed", "open_findings": exc.findings},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, ActionNotAllowed):
        return Response({"detail": str(exc.message), "code": "action_not_allowed"}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ProtectedError):
        return Response(
            {"detail": _("Other records still refer to this one, so it cannot be deleted."), "code": "protected"},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, SuspiciousOperation):
        # A body with too many fields or bytes, met while DRF parses it: Django's answer is 400 too, but as an HTML
        # page. Logged where Django logs it.
        logging.getLogger(f"django.security.{exc.__class__.__name__}").error(str(exc))
        exc = ParseError(_("The request is too large or malformed."))
    if isinstance(exc, DjangoPermissionDenied) and exc.args:
        # The access functions and services say why (DRF's own handler would answer a generic sentence).
        exc = PermissionDenied(exc.args[0])
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = ValidationError(detail)
    return drf_exception_handler(exc, context)


class NoSuchEndpoint(APIView):
    """Any other path under the API: 404 as JSON, like every other answer of the API (Django's own 404 is the site's
    HTML page). Signed-in callers only, as everywhere in the API."""

    schema = None

    def initial(self, request, *args, **kwargs):
        super().initial(request, *args, **kwargs)
        raise NotFound()
