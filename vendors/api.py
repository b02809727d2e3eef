"""Vendor register over the API. Vendors are shared reference data: every role reads them, writes follow the
role's model permissions (staff and managers add and edit, only managers delete, auditors only read)."""

from rest_framework import viewsets

from clm.api import RoleModelPermissions

from .filters import VendorFilter
from .models import Vendor
from .serializers import VendorSerializer


class VendorViewSet(viewsets.ModelViewSet):
    lookup_value_regex = r"[0-9]+"
    serializer_class = VendorSerializer
    permission_classes = [RoleModelPermissions]
    filterset_class = VendorFilter
    ordering_fields = ["name", "created_at", "status"]
    queryset = Vendor.objects.prefetch_related("certifications")
