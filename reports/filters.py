"""Filters of the report runs page and ``/api/v1/reports/`` (``?kind=scrap&status=done&period=2026-10``)."""

import django_filters
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from aftersales.filters import SearchFilterSet
from aftersales.periods import parse_period
from reports.choices import ReportKind, ReportRunStatus
from reports.models import ReportRun


class ReportRunFilter(SearchFilterSet):
    kind = django_filters.ChoiceFilter(choices=ReportKind.choices, label=_("Report"))
    status = django_filters.ChoiceFilter(choices=ReportRunStatus.choices, label=_("Status"))
    period = django_filters.CharFilter(method="filter_period", label=_("Month (YYYY-MM)"))
    # Runs have no text to search (a kind, a month, a status): no search box, and a q sent anyway is ignored.
    q = None

    class Meta:
        model = ReportRun
        fields = ["kind", "status", "period"]

    def filter_period(self, queryset, name, value):
        try:
            return queryset.filter(period=parse_period(value))
        except ValidationError:
            # A malformed month matches nothing rather than failing the whole page.
            return queryset.none()
