from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.contrib.auth.views import PasswordChangeView
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from core.formatting import join_list

from .forms import AdminPasswordChangeForm, AdminSitePasswordChangeForm
from .models import User, role_label, role_labels
from .roles import users_who_may_own

# The admin pickers (autocomplete) that choose an owner: only users whose role may change contracts are offered.
OWNER_PICKERS = {("contracts", "contract", "owner"), ("obligations", "obligation", "owner")}


class RoleFilter(admin.RelatedFieldListFilter):
    """The groups filter offers the roles by their translated names (采购经理), not their code names."""

    def field_choices(self, field, request, model_admin):
        return [(pk, role_label(name)) for pk, name in super().field_choices(field, request, model_admin)]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    """Django's user admin plus the clm preferences (language of the UI and e-mails, reminder mode). Setting a user's
    password saves through the service, which revokes their API token."""

    change_password_form = AdminPasswordChangeForm

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

    def get_search_results(self, request, queryset, search_term):
        """Searched from an owner's autocomplete, only those who may own are listed."""
        queryset, may_have_duplicates = super().get_search_results(request, queryset, search_term)
        picker = (request.GET.get("app_label"), request.GET.get("model_name"), request.GET.get("field_name"))
        if picker in OWNER_PICKERS:
            queryset = queryset.filter(pk__in=users_who_may_own().values("pk"))
        return queryset, may_have_duplicates

    @admin.display(description=_("roles"))
    def roles(self, obj):
        return join_list(role_labels(obj))


def admin_password_change(request: HttpRequest) -> HttpResponse:
    """The admin site's own "change password" page (AdminSite.password_change, whose form cannot be configured), with
    a form that saves through the service: the administrator's API token goes with the old password."""
    request.current_app = admin.site.name
    return PasswordChangeView.as_view(
        form_class=AdminSitePasswordChangeForm,
        success_url=reverse("admin:password_change_done", current_app=admin.site.name),
        extra_context=admin.site.each_context(request),
    )(request)
