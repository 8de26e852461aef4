import django_filters
from django.utils.translation import gettext_lazy as _

from aftersales.filters import SearchFilterSet, scoped_choices
from stores.choices import StoreKind
from stores.models import Delivery, Region, Store


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


class DeliveryFilter(SearchFilterSet):
    """Filters of the deliveries list and ``/api/v1/deliveries/``."""

    search_fields = ("reference",)

    store = django_filters.ModelChoiceFilter(queryset=scoped_choices(Store), to_field_name="code", label=_("Store"))
    style = django_filters.CharFilter(field_name="style__style_no", label=_("Style number"))
    delivered_after = django_filters.DateFilter(field_name="delivered_on", lookup_expr="gte", label=_("Delivered from"))
    delivered_before = django_filters.DateFilter(field_name="delivered_on", lookup_expr="lte", label=_("Delivered to"))

    class Meta:
        model = Delivery
        fields = ["q", "store", "style", "delivered_after", "delivered_before"]
