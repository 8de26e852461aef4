"""The one FilterSet of service cases, shared by the queue page and ``/api/v1/service-cases/``."""

from __future__ import annotations

import django_filters
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from servicedesk.choices import CaseKind, CaseState, Channel, Severity
from servicedesk.models import ServiceCase


class ServiceCaseFilter(django_filters.FilterSet):
    state = django_filters.ChoiceFilter(choices=CaseState.choices, label=_("State"))
    kind = django_filters.ChoiceFilter(choices=CaseKind.choices, label=_("Kind"))
    channel = django_filters.ChoiceFilter(choices=Channel.choices, label=_("Channel"))
    severity = django_filters.ChoiceFilter(choices=Severity.choices, label=pgettext_lazy("service case", "Severity"))
    phone = django_filters.CharFilter(method="filter_phone", label=_("Customer phone"), max_length=20)
    breached = django_filters.BooleanFilter(method="filter_breached", label=_("Breached"))
    store = django_filters.CharFilter(field_name="store__code", label=_("Store"), max_length=20)

    class Meta:
        model = ServiceCase
        fields = ["state", "kind", "channel", "severity", "phone", "breached", "store"]

    def filter_phone(self, queryset, name, value):
        from servicedesk.services import phone_clean

        return queryset.filter(customer__phone=phone_clean(value)) if value else queryset

    def filter_breached(self, queryset, name, value):
        if value is None:
            return queryset
        breached = {"next_due__lt": timezone.now()}
        return queryset.filter(**breached) if value else queryset.exclude(**breached)
