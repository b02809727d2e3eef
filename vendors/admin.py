from django.contrib import admin
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from simple_history.admin import SimpleHistoryAdmin

from obligations.services import derive_obligations_bulk

from .models import Certification, Vendor, VendorContact


def _rederive_for_vendor(vendor_id: int, *, by) -> None:
    """Certificate-expiry obligations live on the vendor's contracts: bring them in line after an admin edit."""
    contracts = list(Vendor.objects.get(pk=vendor_id).contracts.all())
    derive_obligations_bulk(contracts, by=by, reason="certifications changed")


class VendorContactInline(admin.TabularInline):
    model = VendorContact
    extra = 0
    fields = ("name", "role", "email", "phone", "is_primary")


class CertificationInline(admin.TabularInline):
    model = Certification
    extra = 0
    fields = ("kind", "name", "number", "issued_on", "expires_on")


@admin.register(Vendor)
class VendorAdmin(SimpleHistoryAdmin):
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

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        if any(formset.model is Certification and formset.has_changed() for formset in formsets):
            _rederive_for_vendor(form.instance.pk, by=request.user)


@admin.register(Certification)
class CertificationAdmin(SimpleHistoryAdmin):
    list_display = ("__str__", "vendor", "kind", "number", "issued_on", "expires_on")
    list_filter = ("kind",)
    list_select_related = ("vendor",)
    search_fields = ("name", "number", "vendor__name", "vendor__credit_code")
    autocomplete_fields = ("vendor",)
    date_hierarchy = "expires_on"

    def save_model(self, request, obj, form, change):
        previous_vendor_id = Certification.objects.filter(pk=obj.pk).values_list("vendor_id", flat=True).first()
        super().save_model(request, obj, form, change)
        for vendor_id in {obj.vendor_id, previous_vendor_id} - {None}:
            _rederive_for_vendor(vendor_id, by=request.user)

    def delete_model(self, request, obj):
        vendor_id = obj.vendor_id
        super().delete_model(request, obj)
        _rederive_for_vendor(vendor_id, by=request.user)

    def delete_queryset(self, request, queryset):
        vendor_ids = set(queryset.values_list("vendor_id", flat=True))
        super().delete_queryset(request, queryset)
        for vendor_id in vendor_ids:
            _rederive_for_vendor(vendor_id, by=request.user)
