"""A history over the API (core.history entries): one page of who changed what, from what, to what.

Each entry gives the stored values (`old`, `new`: ISO dates, decimals as strings, ids) beside the values as the
reader reads them (`old_display`, `new_display`, in the language of the request), so a client can compute with the
one and show the other.
"""

from typing import Any

from django.db.models import QuerySet
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema_field
from rest_framework import generics, serializers
from rest_framework.request import Request
from rest_framework.response import Response

from .api import Pagination
from .history import Entry


class HistoryPagination(Pagination):
    page_size = 50

    def get_schema_operation_parameters(self, view: Any) -> list[dict]:
        parameters = super().get_schema_operation_parameters(view)
        for parameter in parameters:
            if parameter["name"] == self.page_size_query_param:
                parameter["description"] = _("Number of results per page, 1 or more (default 50); above 200 gives 200.")
        return parameters


class HistoryUserSerializer(serializers.Serializer):
    username = serializers.CharField()
    name = serializers.CharField(help_text="The person's name as written in the reader's convention.")


class HistoryObjectSerializer(serializers.Serializer):
    kind = serializers.CharField(help_text="What changed: contract, slatarget, feeitem, clause, share, ...")
    kind_label = serializers.CharField()
    id = serializers.JSONField(help_text="The object's id; for a share, the user or group name.")
    label = serializers.CharField()


class HistoryChangeSerializer(serializers.Serializer):
    field = serializers.CharField()
    label = serializers.CharField()
    old = serializers.JSONField(allow_null=True, help_text="The stored value before; null for nothing.")
    new = serializers.JSONField(allow_null=True, help_text="The stored value after; null for nothing.")
    old_display = serializers.CharField(help_text="The value before as the reader reads it; empty for nothing.")
    new_display = serializers.CharField(help_text="The value after as the reader reads it; empty for nothing.")


class HistoryEntrySerializer(serializers.Serializer):
    at = serializers.DateTimeField()
    user = serializers.SerializerMethodField(help_text="Who made the change; null for the system (the daily roll).")
    object = serializers.SerializerMethodField()
    action = serializers.CharField(help_text="created, changed or deleted.")
    action_label = serializers.CharField()
    reason = serializers.CharField(help_text="The change reason as stored (a code word such as sign or update).")
    reason_label = serializers.CharField()
    note = serializers.CharField()
    changes = HistoryChangeSerializer(many=True)

    @extend_schema_field(HistoryUserSerializer(allow_null=True))
    def get_user(self, entry: Entry) -> dict | None:
        if entry.user is None:
            return None
        return {"username": entry.user.get_username(), "name": entry.user_name}

    @extend_schema_field(HistoryObjectSerializer)
    def get_object(self, entry: Entry) -> dict:
        return {"kind": entry.kind, "kind_label": entry.kind_label, "id": entry.object_id, "label": entry.object_label}


class HistoryListView(generics.ListAPIView):
    """A page of one object's history, newest first. Subclasses give the rows (a history_rows query, after the
    object's access check) and turn one page of them into entries."""

    serializer_class = HistoryEntrySerializer
    pagination_class = HistoryPagination
    filter_backends: list = []

    def history_rows(self) -> QuerySet:
        raise NotImplementedError

    def history_entries(self, rows: list[Any]) -> list[Entry]:
        raise NotImplementedError

    def list(self, request: Request, *args: Any, **kwargs: Any) -> Response:
        page = self.paginate_queryset(self.history_rows())
        assert page is not None
        return self.get_paginated_response(self.get_serializer(self.history_entries(page), many=True).data)
