"""Amendments in the admin: read only. They are proposed and decided on the pages and the API, through the services,
so the lock on signed contracts and the approval rules hold everywhere."""

from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from .models import Amendment


@admin.register(Amendment)
class AmendmentAdmin(SimpleHistoryAdmin):
    list_display = ("number", "title", "effective_on", "status", "created_by", "approved_by", "applied_at")
    list_filter = ("status",)
    search_fields = ("number", "title", "contract__number")
    list_select_related = ("created_by", "approved_by")
    readonly_fields = [f.name for f in Amendment._meta.fields]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
