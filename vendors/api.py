"""Vendor register over the API. Vendors are shared reference data: every role reads them, writes follow the
role's model permissions (staff and managers add and edit, only managers delete, auditors only read)."""

from rest_framework import viewsets

from core.api import RoleModelPermissions

from .filters import VendorFilter
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
