"""Query-string filters for the vendor list (django-filter)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from .models import Vendor


class VendorFilter(django_filters.FilterSet):
    q = django_filters.CharFilter(method="filter_text", label=_("name or credit code contains"))

    class Meta:
        model = Vendor
        fields = ["status", "q"]

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value) | Q(credit_code=value))
