import django_filters
from django.utils.translation import gettext_lazy as _

from aftersales.filters import SearchFilterSet, scoped_choices
from stores.choices import StoreKind
from stores.models import Region, Store


class RegionFilter(SearchFilterSet):
    search_fields = ("code", "name")

    class Meta:
        model = Region
        fields = ["q"]


class StoreFilter(SearchFilterSet):
    search_fields = ("code", "name", "address")

    region = django_filters.ModelChoiceFilter(queryset=scoped_choices(Region), to_field_name="code", label=_("Region"))
    kind = django_filters.ChoiceFilter(choices=StoreKind.choices, label=_("Kind"))

    class Meta:
        model = Store
        fields = ["q", "region", "kind", "active"]
