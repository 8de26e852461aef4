"""Filters of the chargeback statements 扣款单 (``?period=2026-10&party_type=supplier&party=SUP01``)."""

from __future__ import annotations

import django_filters
from django import forms
from django.core.exceptions import ValidationError
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from aftersales.filters import SearchFilterSet
from reports.choices import PartyType, StatementState
from reports.models import ChargebackStatement
from reports.periods import parse_period


class MonthField(forms.CharField):
    """A month typed as ``YYYY-MM``; anything else is an error naming the expected form."""

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", forms.TextInput(attrs={"placeholder": "YYYY-MM", "size": 8}))
        super().__init__(*args, **kwargs)

    def clean(self, value):
        value = super().clean(value)
        if value in self.empty_values:
            return None
        try:
            return parse_period(value)
        except ValidationError as error:
            raise ValidationError(error.messages, code="invalid_period") from error


class MonthFilter(django_filters.Filter):
    field_class = MonthField


class ChargebackFilter(SearchFilterSet):
    """Filters of the statements page and ``/api/v1/chargebacks/``; ``party`` is a supplier or store code
    (``hq`` for head office); a code outside the user's scope simply matches nothing."""

    search_fields = ("number",)

    period = MonthFilter(field_name="period", label=_("Month (YYYY-MM)"))
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
