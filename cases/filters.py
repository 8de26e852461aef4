import django_filters
from django import forms
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from aftersales.filters import SearchFilterSet, scoped_choices
from cases.choices import (
    TURNAROUND_OPEN_STATES,
    DueStatus,
    OnsiteHandling,
    ReasonKind,
    ReturnState,
    ShipmentDirection,
    ShipmentState,
    Verdict,
)
from cases.models import Return, Shipment
from stores.models import Region, Store
from suppliers.choices import Responsibility
from suppliers.models import Style

CODE_INPUT = forms.TextInput(attrs={"size": 12})
# The largest id a number filter takes (a 64-bit key): a bigger one is a 400, never an overflow in the driver.
LARGEST_ID = 2**63 - 1


class ReturnFilter(SearchFilterSet):
    """Filters of the returns lists and ``/api/v1/returns/`` (``?state=received&store=S001``)."""

    state = django_filters.MultipleChoiceFilter(choices=ReturnState.choices, label=_("State"))
    # Codes are typed, not picked: a brand has a thousand stores and hundreds of styles, and rendering them all as
    # options cost more than the list itself (bench/RESULTS.md). The code is still checked against the user's scope.
    store = django_filters.ModelChoiceFilter(
        queryset=scoped_choices(Store), to_field_name="code", label=_("Store code"), widget=CODE_INPUT
    )
    style = django_filters.ModelChoiceFilter(
        queryset=scoped_choices(Style), to_field_name="style_no", label=_("Style number"), widget=CODE_INPUT
    )
    region = django_filters.ModelChoiceFilter(
        queryset=scoped_choices(Region),
        field_name="store__region",
        to_field_name="code",
        label=_("Region code"),
        widget=CODE_INPUT,
    )
    reason_kind = django_filters.ChoiceFilter(choices=ReasonKind.choices, label=_("Reason"))
    # A batch recall by its id; ``recalled`` picks recall units (true) or the others (false).
    recall = django_filters.NumberFilter(
        field_name="recall_id", label=_("Recall"), min_value=1, max_value=LARGEST_ID, decimal_places=0
    )
    recalled = django_filters.BooleanFilter(
        field_name="recall", lookup_expr="isnull", exclude=True, label=_("Recalled")
    )
    verdict = django_filters.ChoiceFilter(choices=Verdict.choices, label=_("Verdict"))
    responsibility = django_filters.ChoiceFilter(choices=Responsibility.choices, label=_("Responsibility"))
    onsite_handling = django_filters.ChoiceFilter(choices=OnsiteHandling.choices, label=_("On-site handling"))
    due = django_filters.ChoiceFilter(choices=DueStatus.choices, method="filter_due", label=_("Turnaround"))
    policy_exception = django_filters.BooleanFilter(label=_("Outside policy"))
    logged_after = django_filters.DateFilter(field_name="created_at", lookup_expr="date__gte", label=_("Logged from"))
    logged_before = django_filters.DateFilter(field_name="created_at", lookup_expr="date__lte", label=_("Logged to"))

    class Meta:
        model = Return
        fields = [
            "q",
            "state",
            "store",
            "style",
            "region",
            "reason_kind",
            "recall",
            "recalled",
            "verdict",
            "responsibility",
            "onsite_handling",
            "due",
            "policy_exception",
        ]

    def filter_search(self, queryset, name, value):
        # Exact or prefix matches on indexed columns: a search over a million returns must not scan them all.
        for term in value.split()[:5]:
            queryset = queryset.filter(
                Q(number__startswith=term.upper())
                | Q(receipt_no=term)
                | Q(style__style_no__startswith=term.upper())
                | Q(batch_no=term)
            )
        return queryset

    def filter_due(self, queryset, name, value):
        now = timezone.now()
        if value == DueStatus.OVERDUE:
            return queryset.overdue(now)
        if value == DueStatus.DUE_SOON:
            return queryset.due_soon(now)
        return queryset.filter(state__in=TURNAROUND_OPEN_STATES, due_at__gt=now + Return.objects.due_soon_from())


class ShipmentFilter(SearchFilterSet):
    search_fields = ("number", "tracking_no")

    direction = django_filters.ChoiceFilter(choices=ShipmentDirection.choices, label=_("Direction"))
    state = django_filters.MultipleChoiceFilter(choices=ShipmentState.choices, label=_("State"))
    store = django_filters.ModelChoiceFilter(
        queryset=scoped_choices(Store), to_field_name="code", label=_("Store code"), widget=CODE_INPUT
    )
    # What waits for a region manager: packed parcels to the center of regions that ask for the sign-off.
    awaits_sign_off = django_filters.BooleanFilter(method="filter_awaits_sign_off", label=_("Waiting for sign-off"))

    class Meta:
        model = Shipment
        fields = ["q", "direction", "state", "store", "awaits_sign_off"]

    def filter_awaits_sign_off(self, queryset, name, value):
        waiting = Q(
            direction=ShipmentDirection.TO_CENTER,
            state=ShipmentState.DRAFT,
            signed_off_at__isnull=True,
            store__region__shipment_sign_off_required=True,
        )
        return queryset.filter(waiting) if value else queryset.exclude(waiting)
