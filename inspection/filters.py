import django_filters
from django.utils.translation import gettext_lazy as _

from aftersales.filters import SearchFilterSet
from cases.choices import Verdict
from inspection.models import InspectionReport
from suppliers.choices import Responsibility


class InspectionReportFilter(SearchFilterSet):
    """Inspection reports by verdict and responsibility; search by the Return's number."""

    search_fields = ("return_item__number",)

    verdict = django_filters.ChoiceFilter(choices=Verdict.choices, label=_("Verdict"))
    responsibility = django_filters.ChoiceFilter(choices=Responsibility.choices, label=_("Responsibility"))

    class Meta:
        model = InspectionReport
        fields = ["q", "verdict", "responsibility"]
