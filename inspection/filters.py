import django_filters
from django.utils.translation import gettext_lazy as _

from aftersales.filters import SearchFilterSet
from cases.choices import Verdict
from inspection.choices import LotState
from inspection.models import IncomingLot, InspectionReport
from suppliers.choices import Responsibility


class InspectionReportFilter(SearchFilterSet):
    """Inspection reports by verdict and responsibility; search by the Return's number."""

    search_fields = ("return_item__number",)

    verdict = django_filters.ChoiceFilter(choices=Verdict.choices, label=_("Verdict"))
    responsibility = django_filters.ChoiceFilter(choices=Responsibility.choices, label=_("Responsibility"))

    class Meta:
        model = InspectionReport
        fields = ["q", "verdict", "responsibility"]


class IncomingLotFilter(SearchFilterSet):
    """Incoming lots by state and supplier; search by number, purchase order or style."""

    search_fields = ("number", "po_number", "style__style_no")

    state = django_filters.ChoiceFilter(choices=LotState.choices, label=_("State"))
    supplier = django_filters.CharFilter(field_name="supplier__code", label=_("Supplier"))

    class Meta:
        model = IncomingLot
        fields = ["q", "state", "supplier"]
