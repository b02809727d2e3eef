"""SLA months in the admin: read them with their results and history; delete one through the service (so the exit
right it earned goes too). Months are recorded on the contract page, through the API or by uploading the vendor's
report, where they are checked and evaluated."""

from django.contrib import admin
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ReadOnlyInline, run_admin_action

from .models import SlaMeasurement, SlaPeriod
from .services import sla_period_delete


class SlaMeasurementInline(ReadOnlyInline):
    model = SlaMeasurement
    fields = ("target", "value", "met")
    show_change_link = False


@admin.register(SlaPeriod)
class SlaPeriodAdmin(SimpleHistoryAdmin):
    list_display = ("contract", "period", "fee_amount", "missed_count", "credit_pct", "credit_amount", "updated_at")
    list_select_related = ("contract",)
    list_filter = ("period",)
    search_fields = ("contract__number", "contract__title", "period")
    readonly_fields = (
        "contract",
        "period",
        "fee_amount",
        "report",
        "missed_count",
        "credit_pct",
        "credit_amount",
        "recorded_by",
        "created_at",
        "updated_at",
    )
    inlines = (SlaMeasurementInline,)
    actions = ("delete_months",)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_actions(self, request):
        actions = super().get_actions(request)
        if not request.user.has_perm("sla.delete_slaperiod"):
            actions.pop("delete_months", None)
        return actions

    @admin.action(description=_("Delete the selected months (the history keeps them)"))
    def delete_months(self, request, queryset):
        run_admin_action(self, request, queryset, lambda month: sla_period_delete(sla_period=month, by=request.user))
