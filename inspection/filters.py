import django_filters
from django.utils.translation import gettext_lazy as _

from aftersales.filters import SearchFilterSet, scoped_choices
from inspection.choices import Responsibility, Verdict
from inspection.models import DefectCode, InspectionReport
from suppliers.models import Category


class DefectCodeFilter(SearchFilterSet):
    search_fields = ("code", "name_zh", "name_en")

    category = django_filters.ModelChoiceFilter(
        queryset=scoped_choices(Category), to_field_name="code", label=_("Category")
    )
    default_responsibility = django_filters.ChoiceFilter(
        choices=Responsibility.choices, label=_("Default responsibility hint")
    )

    class Meta:
        model = DefectCode
        fields = ["q", "category", "default_responsibility", "active"]


class InspectionReportFilter(SearchFilterSet):
    """Inspection reports by verdict and responsibility; search by the Return's number."""

    search_fields = ("return_item__number",)

    verdict = django_filters.ChoiceFilter(choices=Verdict.choices, label=_("Verdict"))
    responsibility = django_filters.ChoiceFilter(choices=Responsibility.choices, label=_("Responsibility"))

    class Meta:
        model = InspectionReport
        fields = ["q", "verdict", "responsibility"]
