"""API plumbing shared by every app: pagination, role permissions and the mapping of domain errors to HTTP answers."""

from functools import partial

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.paginator import Paginator as DjangoPaginator
from django.db.models import ProtectedError
from django.utils.functional import cached_property
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, inline_serializer
from rest_framework import serializers, status
from rest_framework.exceptions import ValidationError
from rest_framework.pagination import PageNumberPagination
from rest_framework.permissions import DjangoModelPermissions
from rest_framework.response import Response
from rest_framework.views import exception_handler as drf_exception_handler

from .exceptions import ActionNotAllowed, StaleVersionError


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
    """Page-number pagination; `?page_size=` up to 200. A view may define `get_count_queryset()` (same rows)."""

    page_size = 25
    page_size_query_param = "page_size"
    max_page_size = 200

    def paginate_queryset(self, queryset, request, view=None):
        count_queryset = view.get_count_queryset() if hasattr(view, "get_count_queryset") else None
        self.django_paginator_class = partial(CountingPaginator, count_queryset=count_queryset)
        return super().paginate_queryset(queryset, request, view)


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
    if isinstance(exc, ActionNotAllowed):
        return Response({"detail": str(exc.message), "code": "action_not_allowed"}, status=status.HTTP_400_BAD_REQUEST)
    if isinstance(exc, ProtectedError):
        return Response(
            {"detail": _("Other records still refer to this one, so it cannot be deleted."), "code": "protected"},
            status=status.HTTP_400_BAD_REQUEST,
        )
    if isinstance(exc, DjangoValidationError):
        detail = exc.message_dict if hasattr(exc, "error_dict") else {"non_field_errors": exc.messages}
        exc = ValidationError(detail)
    return drf_exception_handler(exc, context)
