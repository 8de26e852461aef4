import django_filters
from django.utils.translation import gettext_lazy as _

from aftersales.filters import SearchFilterSet
from repairs.models import SparePart


class SparePartFilter(SearchFilterSet):
    search_fields = ("part_no", "name")

    below_reorder_level = django_filters.BooleanFilter(
        method="filter_below_reorder", label=_("At or below reorder level")
    )

    class Meta:
        model = SparePart
        fields = ["q", "active", "below_reorder_level"]

    def filter_below_reorder(self, queryset, name, value):
        below = queryset.below_reorder_level()
        return below if value else queryset.exclude(pk__in=below.values("pk"))
