from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from core.formatting import join_list

from .models import User, role_label, role_labels


class RoleFilter(admin.RelatedFieldListFilter):
    """The groups filter offers the roles by their translated names (采购经理), not their code names."""

    def field_choices(self, field, request, model_admin):
        return [(pk, role_label(name)) for pk, name in super().field_choices(field, request, model_admin)]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin plus the clm preferences (language of the UI and e-mails, reminder mode)."""

    fieldsets = (*DjangoUserAdmin.fieldsets, (_("Preferences"), {"fields": ("language", "email_mode")}))
    add_fieldsets = (
        (None, {"classes": ("wide",), "fields": ("username", "email", "usable_password", "password1", "password2")}),
        (_("Preferences"), {"fields": ("language", "email_mode")}),
    )
    list_display = ("username", "email", "first_name", "last_name", "roles", "language", "is_staff", "is_active")
    list_filter = (
        *(("groups", RoleFilter) if name == "groups" else name for name in DjangoUserAdmin.list_filter),
        "language",
        "email_mode",
    )

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)
        if db_field.name == "groups" and field is not None:
            field.label_from_instance = lambda group: role_label(group.name)
        return field

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return join_list(role_labels(obj))
