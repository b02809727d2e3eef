"""The reports and the saved register views over the API.

A report answers the same figures as the Reports page's tables, over the contracts the caller may see that match the
register's filters (the same query-string names as the register: q, status, category, vendor, owner, expiring). A
filter that cannot be read answers 400 with the field's error. Saved views are the caller's own: another user's
answers 404.
"""

from django.core.exceptions import ValidationError
from django.urls import path
from django.utils import timezone
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import mixins, serializers, status, viewsets
from rest_framework.response import Response
from rest_framework.views import APIView

from contracts.forms import RegisterFilterForm
from contracts.models import Contract

from .models import SavedView
from .saved_views import access_saved_view, saved_view_create, saved_view_delete, saved_view_rename, saved_views_of
from .selectors import KINDS, Report, report


class ReportFilterSerializer(serializers.Serializer):
    """The register's filters, for the schema: the answer reads them with the register's own form."""

    q = serializers.CharField(
        required=False, allow_blank=True, max_length=200, help_text="Search text, as in the register."
    )
    status = serializers.ChoiceField(choices=Contract.Status.choices, required=False, allow_blank=True)
    category = serializers.ChoiceField(choices=Contract.Category.choices, required=False, allow_blank=True)
    vendor = serializers.IntegerField(required=False, min_value=1, help_text="A vendor's id.")
    owner = serializers.CharField(
        required=False, allow_blank=True, max_length=150, help_text="The owner's name or user name."
    )
    expiring = serializers.IntegerField(
        required=False, min_value=0, max_value=3650, help_text="Running contracts that end within this many days."
    )


class ColumnSerializer(serializers.Serializer):
    key = serializers.CharField()
    label = serializers.CharField()
    kind = serializers.ChoiceField(choices=["text", "int", "money", "pct", "month"])


class TableSerializer(serializers.Serializer):
    key = serializers.CharField()
    title = serializers.CharField()
    columns = ColumnSerializer(many=True)
    rows = serializers.ListField(
        child=serializers.DictField(),
        help_text="One object per row, keyed by the columns' keys; amounts as decimal strings in the row's currency.",
    )


class ReportSerializer(serializers.Serializer):
    report = serializers.ChoiceField(choices=list(KINDS))
    title = serializers.CharField()
    description = serializers.CharField()
    note = serializers.CharField(help_text="Empty, or why the report has nothing to show.")
    tables = TableSerializer(many=True)


def report_payload(rep: Report) -> dict:
    return {
        "report": rep.kind,
        "title": str(rep.title),
        "description": str(rep.description),
        "note": str(rep.note),
        "tables": [
            {
                "key": table.key,
                "title": str(table.title),
                "columns": [
                    {"key": column.key, "label": str(column.label), "kind": column.kind} for column in table.columns
                ],
                "rows": [
                    {
                        key: (None if value is None else value if isinstance(value, int) else str(value))
                        for key, value in row.items()
                    }
                    for row in table.rows
                ],
            }
            for table in rep.tables
        ],
    }


class ReportView(APIView):
    kind = ""

    def get(self, request):
        form = RegisterFilterForm(request.query_params or None)
        if form.is_bound and not form.is_valid():
            return Response(form.errors, status=status.HTTP_400_BAD_REQUEST)
        rep = report(self.kind, request.user, form.register_query(), today=timezone.localdate())
        return Response(report_payload(rep))


def report_view(kind: str, summary: str):
    """The API view of one report, documented for the schema."""

    # A function of its own for each report: extend_schema annotates the function it is given, so decorating the
    # shared ReportView.get would leave every report with the last report's operation id and summary.
    def get(self, request):
        return ReportView.get(self, request)

    documented = extend_schema(
        operation_id=f"reports_{kind}",
        summary=summary,
        parameters=[ReportFilterSerializer],
        responses={200: ReportSerializer, 400: OpenApiResponse(description="A filter that cannot be read.")},
    )(get)
    view = type(f"{kind.title()}ReportView", (ReportView,), {"kind": kind, "get": documented})
    return view.as_view()


REPORT_SUMMARIES = {
    "renewals": "Renewal pipeline: renewal decisions due and contracts ending in each of the next 12 months",
    "spend": "Spend: contract value and monthly fees by vendor, category and month",
    "obligations": "Obligations open, overdue, done on time and late, by due month and by owner",
    "sla": "SLA compliance by vendor over the last 12 months",
    "findings": "Review findings by rule",
}


class SavedViewSerializer(serializers.ModelSerializer):
    class Meta:
        model = SavedView
        fields = ["id", "name", "query", "created_at", "updated_at"]
        read_only_fields = ["id", "created_at", "updated_at"]
        extra_kwargs = {"query": {"help_text": "The register's query string: filters and sort (q, status, ...)."}}
        validators: list = []


class SavedViewRenameSerializer(serializers.Serializer):
    name = serializers.CharField(max_length=80)


def _field_errors(error: ValidationError) -> serializers.ValidationError:
    return serializers.ValidationError(error.message_dict if hasattr(error, "error_dict") else error.messages)


class SavedViewViewSet(
    mixins.ListModelMixin,
    mixins.RetrieveModelMixin,
    mixins.CreateModelMixin,
    mixins.UpdateModelMixin,
    mixins.DestroyModelMixin,
    viewsets.GenericViewSet,
):
    """The caller's saved register views: a name and the register's query string. Private: another user's is 404."""

    serializer_class = SavedViewSerializer
    lookup_value_regex = r"[0-9]+"
    http_method_names = ["get", "post", "patch", "delete", "head", "options"]

    def get_queryset(self):
        return saved_views_of(self.request.user)

    def get_object(self):
        return access_saved_view(self.request.user, self.kwargs["pk"])

    def perform_create(self, serializer):
        try:
            serializer.instance = saved_view_create(
                user=self.request.user,
                name=serializer.validated_data["name"],
                query=serializer.validated_data.get("query", ""),
            )
        except ValidationError as error:
            raise _field_errors(error) from error

    @extend_schema(request=SavedViewRenameSerializer, responses={200: SavedViewSerializer})
    def partial_update(self, request, *args, **kwargs):
        """Rename the view (its query stays: save a new view for another search)."""
        view = self.get_object()
        serializer = SavedViewRenameSerializer(data=request.data)
        serializer.is_valid(raise_exception=True)
        try:
            saved_view_rename(view=view, name=serializer.validated_data["name"])
        except ValidationError as error:
            raise _field_errors(error) from error
        return Response(SavedViewSerializer(view).data)

    def perform_destroy(self, instance):
        saved_view_delete(view=instance)


api_urlpatterns = [
    path(f"reports/{kind}/", report_view(kind, summary), name=f"report-{kind}")
    for kind, summary in REPORT_SUMMARIES.items()
]
