"""Vendor register over the API. Vendors are shared reference data: every role reads them, writes follow the
role's model permissions (staff and managers add and edit, only managers delete, auditors only read)."""

from django.utils.functional import cached_property
from rest_framework import viewsets

from core.api import RoleModelPermissions
from core.history_api import HistoryListView

from .access import access_vendor
from .filters import VendorFilter
from .history import vendor_history_entries, vendor_history_rows
from .models import Vendor
from .serializers import VendorSerializer
from .services import vendor_create, vendor_update


class VendorViewSet(viewsets.ModelViewSet):
    lookup_value_regex = r"[0-9]+"
    serializer_class = VendorSerializer
    permission_classes = [RoleModelPermissions]
    filterset_class = VendorFilter
    ordering_fields = ["name", "created_at", "status"]
    queryset = Vendor.objects.prefetch_related("certifications")

    def perform_create(self, serializer):
        serializer.instance = vendor_create(by=self.request.user, **serializer.validated_data)

    def perform_update(self, serializer):
        serializer.instance = vendor_update(
            vendor=serializer.instance, by=self.request.user, **serializer.validated_data
        )


class VendorHistoryList(HistoryListView):
    """Every change to the vendor, its contacts and certifications, newest first: who, when, what and why, and each
    field's old and new value."""

    @cached_property
    def vendor(self) -> Vendor:
        return access_vendor(self.request.user, self.kwargs["vendor_pk"])

    def history_rows(self):
        return vendor_history_rows(self.vendor)

    def history_entries(self, rows):
        return vendor_history_entries(self.vendor, rows)
