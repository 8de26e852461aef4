"""Filters of the write-off lists 报废清单 and loss reports 报损单 (``?period=2026-10&state=draft``)."""

from __future__ import annotations

import django_filters
from django.utils.translation import gettext_lazy as _

from aftersales.filters import SearchFilterSet
from aftersales.periods import PeriodFilter
from writeoffs.choices import LossReportState, PartyType, WriteOffListState
from writeoffs.models import LossReport, WriteOffList


class WriteOffListFilter(SearchFilterSet):
    """Filters of the write-off lists page and ``/api/v1/writeoff-lists/``."""

    search_fields = ("number",)

    period = PeriodFilter(field_name="period", label=_("Period (YYYY-MM)"))
    state = django_filters.MultipleChoiceFilter(choices=WriteOffListState.choices, label=_("State"))

    class Meta:
        model = WriteOffList
        fields = ["q", "period", "state"]


class LossReportFilter(SearchFilterSet):
    """Filters of the loss reports page and ``/api/v1/loss-reports/``."""

    search_fields = ("number",)

    period = PeriodFilter(field_name="period", label=_("Period (YYYY-MM)"))
    state = django_filters.MultipleChoiceFilter(choices=LossReportState.choices, label=_("State"))
    party_type = django_filters.ChoiceFilter(
        choices=[(PartyType.SUPPLIER, PartyType.SUPPLIER.label), (PartyType.STORE, PartyType.STORE.label)],
        label=_("Party type"),
    )

    class Meta:
        model = LossReport
        fields = ["q", "period", "state", "party_type"]
