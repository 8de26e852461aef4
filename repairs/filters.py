import django_filters
from django.utils.translation import gettext_lazy as _

from aftersales.filters import SearchFilterSet
from repairs.models import NEEDS_REORDER, SparePart


class SparePartFilter(SearchFilterSet):
    search_fields = ("part_no", "name")

    below_reorder_level = django_filters.BooleanFilter(
        method="filter_below_reorder", label=_("At or below reorder level")
    )

    class Meta:
        model = SparePart
        fields = ["q", "active", "below_reorder_level"]

    def filter_below_reorder(self, queryset, name, value):
        return queryset.filter(NEEDS_REORDER if value else ~NEEDS_REORDER)
