"""Query-string filters for the contract list (django-filter)."""

import django_filters
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from core.filters import StrictBooleanFilter

from .models import Contract


class ContractFilter(django_filters.FilterSet):
    owner = django_filters.CharFilter(field_name="owner__username", label=_("owner (user name)"))
    end_before = django_filters.DateFilter(field_name="end_date", lookup_expr="lte", label=_("ends on or before"))
    end_after = django_filters.DateFilter(field_name="end_date", lookup_expr="gte", label=_("ends on or after"))
    q = django_filters.CharFilter(method="filter_text", label=_("number or title contains"))
    auto_renew = StrictBooleanFilter(label=_("renews automatically"))
    review = django_filters.ChoiceFilter(
        choices=[("high", _("open high findings"))],
        method="filter_review",
        label=_("review: contracts with open findings of this severity"),
    )

    class Meta:
        model = Contract
        fields = ["status", "vendor", "category", "auto_renew", "owner", "end_before", "end_after", "q", "review"]

    def filter_review(self, queryset, name, value):
        return queryset.filter(review_summary__open_high__gt=0) if value == "high" else queryset

    def filter_text(self, queryset, name, value):
        return queryset.filter(Q(number__icontains=value) | Q(title__icontains=value))
