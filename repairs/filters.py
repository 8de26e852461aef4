import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from aftersales.filters import SearchFilterSet
from repairs.models import (
    NEEDS_REORDER,
    PartStock,
    RepairTicket,
    RepairTicketState,
    SparePart,
    StockMovement,
    StockMovementReason,
    Stocktake,
)
from repairs.selectors import location_from_code


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


class RepairTicketFilter(SearchFilterSet):
    """The repair queue: open or completed tickets, searched by the Return's number."""

    search_fields = ("return_item__number",)

    state = django_filters.ChoiceFilter(choices=RepairTicketState.choices, label=_("State"), empty_label=_("All"))

    class Meta:
        model = RepairTicket
        fields = ["q", "state"]


class LocationFilterMixin(django_filters.FilterSet):
    """``?location=``: ``CENTER`` or a store code among the stores the user sees (anything else is a 400 naming
    the field, checked when the filter is validated so a page never fails on it)."""

    location = django_filters.CharFilter(method="filter_location", label=_("Location"))

    def is_valid(self) -> bool:
        valid = super().is_valid()
        code = self.form.cleaned_data.get("location") if valid else None
        if code:
            try:
                self.location_store = location_from_code(getattr(self.request, "user", None), code)
            except ValidationError as error:
                self.form.add_error("location", error.message_dict["location"])
                return False
        return valid

    def filter_location(self, queryset, name, value):
        store = getattr(self, "location_store", None)
        return queryset.filter(store__isnull=True) if store is None else queryset.filter(store=store)


class PartStockFilter(LocationFilterMixin, SearchFilterSet):
    """Stock per location: ``?location=CENTER`` or a store code, ``?part=`` a part number, low stock only."""

    search_fields = ("part__part_no", "part__name")

    # Every part (not only those the user sees as master data): a store looks up its own stock of any part.
    part = django_filters.ModelChoiceFilter(
        queryset=SparePart.objects.all(), to_field_name="part_no", label=_("Part"), empty_label=_("All")
    )

    class Meta:
        model = PartStock
        fields = ["q", "location", "part"]


class StocktakeFilter(LocationFilterMixin, django_filters.FilterSet):
    class Meta:
        model = Stocktake
        fields = ["location"]


class StockMovementFilter(LocationFilterMixin, SearchFilterSet):
    """The stock ledger by part (its part number) and reason; search by part or the repaired Return's number."""

    search_fields = ("part__part_no", "part__name", "repair_ticket__return_item__number")

    part = django_filters.ModelChoiceFilter(
        queryset=SparePart.objects.all(), to_field_name="part_no", label=_("Part"), empty_label=_("All")
    )
    reason = django_filters.ChoiceFilter(choices=StockMovementReason.choices, label=_("Reason"), empty_label=_("All"))

    class Meta:
        model = StockMovement
        fields = ["q", "location", "part", "reason"]
