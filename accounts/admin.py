from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from .models import User


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

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return ", ".join(group.name for group in obj.groups.all())
