from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from core.admin import ServiceAdminMixin

from .models import Certification, Vendor, VendorContact
from .services import (
    CERTIFICATION_FIELDS,
    VENDOR_FIELDS,
    certification_create,
    certification_delete,
    certification_update,
    vendor_create,
    vendor_update,
)


def _values(obj, names) -> dict:
    """The values the admin form put on `obj`, as keyword arguments for a service."""
    return {name: getattr(obj, name) for name in names}


class VendorContactInline(admin.TabularInline):
    model = VendorContact
    extra = 0
    fields = ("name", "role", "email", "phone", "is_primary")


class CertificationInline(admin.TabularInline):
    model = Certification
    extra = 0
    fields = ("kind", "name", "number", "issued_on", "expires_on")


@admin.register(Vendor)
class VendorAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    list_display = ("name", "short_name", "credit_code", "legal_representative", "status", "contract_count")
    list_filter = ("status",)
    search_fields = ("name", "short_name", "credit_code", "legal_representative")
    readonly_fields = ("created_at", "updated_at")
    fieldsets = (
        (None, {"fields": ("name", "short_name", "credit_code", "status")}),
        (_("Legal identity"), {"fields": ("legal_representative", "registered_address")}),
        (_("Contact"), {"fields": ("phone", "email", "website")}),
        (None, {"fields": ("notes", "created_at", "updated_at")}),
    )
    inlines = (VendorContactInline, CertificationInline)

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(_contract_count=Count("contracts"))

    def formfield_for_dbfield(self, db_field, request, **kwargs):
        if db_field.name == "website":
            kwargs["assume_scheme"] = "https"
        return super().formfield_for_dbfield(db_field, request, **kwargs)

    @admin.display(description=_("contracts"), ordering="_contract_count")
    def contract_count(self, obj):
        return obj._contract_count

    def save_model(self, request, obj, form, change):
        if change:
            vendor_update(vendor=obj, by=request.user, **_values(obj, VENDOR_FIELDS))
        else:
            # The inlines and the admin log use `obj`, so it takes the identity of the row the service created.
            obj.pk = vendor_create(by=request.user, **_values(obj, VENDOR_FIELDS)).pk
        obj.refresh_from_db()

    def save_formset(self, request, form, formset, change):
        if formset.model is not Certification:
            return super().save_formset(request, form, formset, change)
        formset.save(commit=False)
        for certification in formset.deleted_objects:
            certification_delete(certification=certification, by=request.user)
        for certification, _changed in formset.changed_objects:
            certification_update(
                certification=certification, by=request.user, **_values(certification, CERTIFICATION_FIELDS)
            )
        for certification in formset.new_objects:
            certification.pk = certification_create(
                vendor=form.instance, by=request.user, **_values(certification, CERTIFICATION_FIELDS)
            ).pk


@admin.register(Certification)
class CertificationAdmin(ServiceAdminMixin, SimpleHistoryAdmin):
    list_display = ("__str__", "vendor", "kind", "number", "issued_on", "expires_on")
    list_filter = ("kind",)
    list_select_related = ("vendor",)
    search_fields = ("name", "number", "vendor__name", "vendor__credit_code")
    autocomplete_fields = ("vendor",)
    date_hierarchy = "expires_on"

    def save_model(self, request, obj, form, change):
        if change:
            certification_update(
                certification=obj, by=request.user, vendor=obj.vendor, **_values(obj, CERTIFICATION_FIELDS)
            )
        else:
            obj.pk = certification_create(vendor=obj.vendor, by=request.user, **_values(obj, CERTIFICATION_FIELDS)).pk

    def delete_model(self, request, obj):
        certification_delete(certification=obj, by=request.user)

    def delete_queryset(self, request, queryset):
        for certification in queryset:
            certification_delete(certification=certification, by=request.user)
