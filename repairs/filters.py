import django_filters
from django.utils.translation import gettext_lazy as _

from aftersales.filters import SearchFilterSet, scoped_choices
from repairs.models import (
    NEEDS_REORDER,
    RepairTicket,
    RepairTicketState,
    SparePart,
    StockMovement,
    StockMovementReason,
)


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


class StockMovementFilter(SearchFilterSet):
    """The stock ledger by part (its part number) and reason; search by part or the repaired Return's number."""

    search_fields = ("part__part_no", "part__name", "repair_ticket__return_item__number")

    part = django_filters.ModelChoiceFilter(
        queryset=scoped_choices(SparePart), to_field_name="part_no", label=_("Part"), empty_label=_("All")
    )
    reason = django_filters.ChoiceFilter(choices=StockMovementReason.choices, label=_("Reason"), empty_label=_("All"))

    class Meta:
        model = StockMovement
        fields = ["q", "part", "reason"]
