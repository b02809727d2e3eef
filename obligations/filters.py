"""Query-string filters for the obligation list (django-filter); names as the public API documents them."""

import django_filters
from django.utils.translation import gettext_lazy as _

from core.filters import IdFilter

from .models import Obligation


class ObligationFilter(django_filters.FilterSet):
    contract = IdFilter(field_name="contract_id", label=_("contract id"))
    due_before = django_filters.DateFilter(field_name="due_date", lookup_expr="lte", label=_("due on or before"))
    due_after = django_filters.DateFilter(field_name="due_date", lookup_expr="gte", label=_("due on or after"))
    owner = django_filters.CharFilter(field_name="owner__username", label=_("owner (user name)"))

    class Meta:
        model = Obligation
        fields = ["contract", "kind", "status", "responsible", "owner", "due_before", "due_after"]
