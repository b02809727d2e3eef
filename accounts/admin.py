from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User
from .roles import users_who_may_own

# The admin pickers (autocomplete) that choose an owner: only users whose role may change contracts are offered.
OWNER_PICKERS = {("contracts", "contract", "owner"), ("obligations", "obligation", "owner")}


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin plus the clm preferences (language of the UI and e-mails, reminder mode)."""

    fieldsets = (*DjangoUserAdmin.fieldsets, (_("Preferences"), {"fields": ("language", "email_mode")}))
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "email", "usable_password", "password1", "password2")}),
        (_("Preferences"), {"fields": ("language", "email_mode")}),
    )
    list_display = ("username", "email", "first_name", "last_name", "roles", "language", "is_staff", "is_active")
    list_filter = (*DjangoUserAdmin.list_filter, "language", "email_mode")

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    def get_search_results(self, request, queryset, search_term):
        """Searched from an owner's autocomplete, only those who may own are listed."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        picker = (request.GET.get("app_label"), request.GET.get("model_name"), request.GET.get("field_name"))
        if picker in OWNER_PICKERS:
            queryset = queryset.filter(pk__in=users_who_may_own().values("pk"))
        return queryset, may_have_duplicates

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return ", ".join(group.name for group in obj.groups.all())
