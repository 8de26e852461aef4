"""Filters of the chargeback statements 扣款单 (``?period=2026-10&party_type=supplier&party=SUP01``)."""

from __future__ import annotations

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.filters import SearchFilterSet
from aftersales.periods import PeriodFilter
from chargebacks.choices import StatementState
from chargebacks.models import ChargebackStatement
from writeoffs.choices import PartyType


class ChargebackFilter(SearchFilterSet):
    """Filters of the statements page and ``/api/v1/chargebacks/``; ``party`` is a supplier or store code
    (``hq`` for head office); a code outside the user's scope simply matches nothing."""

    search_fields = ("number",)

    period = PeriodFilter(field_name="period", label=_("Month (YYYY-MM)"))
    party_type = django_filters.ChoiceFilter(choices=PartyType.choices, label=_("Party type"))
    party = django_filters.CharFilter(
        method="filter_party", label=_("Supplier or store code"), widget=forms.TextInput(attrs={"size": 10})
    )
    state = django_filters.MultipleChoiceFilter(choices=StatementState.choices, label=_("State"))

    class Meta:
        model = ChargebackStatement
        fields = ["q", "period", "party_type", "party", "state"]

    def filter_party(self, queryset, name, value):
        value = value.strip()
        if value.lower() == "hq":
            return queryset.filter(party_type=PartyType.HQ)
        return queryset.filter(Q(supplier__code=value) | Q(store__code=value))
