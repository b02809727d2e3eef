"""The review in the admin: the thresholds a manager sets per contract category, and the findings (read only:
findings are accepted on the contract's Review tab or over the API, with a reason)."""

from django.contrib import admin
from django.db import transaction
from simple_history.admin import SimpleHistoryAdmin

from .models import ContractReview, Finding, ReviewThresholds
from .tasks import review_category_task


@admin.register(ReviewThresholds)
class ReviewThresholdsAdmin(SimpleHistoryAdmin):
    list_display = (
        "category",
        "min_price_change_notice_days",
        "min_non_renewal_notice_days",
        "min_availability_pct",
        "max_data_handover_business_days",
        "min_confidentiality_years",
        "max_termination_notice_days",
        "min_trial_period_months",
    )

    def save_model(self, request, obj, form, change):
        """The category's contracts are reviewed again under the new values once they are committed."""
        super().save_model(request, obj, form, change)
        category = obj.category
        transaction.on_commit(lambda: review_category_task.delay(category))


@admin.register(Finding)
class FindingAdmin(SimpleHistoryAdmin):
    list_display = ("contract", "rule", "severity", "status", "accepted_by", "accepted_at")
    list_filter = ("severity", "status", "rule")
    search_fields = ("contract__number", "rule")
    list_select_related = ("contract", "accepted_by")
    readonly_fields = [f.name for f in Finding._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(ContractReview)
class ContractReviewAdmin(admin.ModelAdmin):
    list_display = ("contract", "open_high", "open_medium", "open_low", "reviewed_at")
    list_select_related = ("contract",)
    readonly_fields = ("contract", "open_high", "open_medium", "open_low", "reviewed_at")

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
