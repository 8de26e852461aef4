"""Filters of the recall pages and their API lists (one FilterSet each, shared by both)."""

import django_filters
from django.utils.translation import gettext_lazy as _

from aftersales.filters import MAX_ID, SearchFilterSet, scoped_choices
from cases.filters import CODE_INPUT
from recalls.choices import RecallNoticeState, RecallState
from recalls.models import Recall, RecallNotice
from stores.models import Store
from suppliers.models import DefectCode, Style


class RecallFilter(SearchFilterSet):
    """Filters of the batch recall list and ``/api/v1/recalls/`` (``?state=collecting&style=226101JK001``)."""

    search_fields = ("number",)

    state = django_filters.MultipleChoiceFilter(choices=RecallState.choices, label=_("State"))
    style = django_filters.ModelChoiceFilter(
        queryset=scoped_choices(Style), to_field_name="style_no", label=_("Style number"), widget=CODE_INPUT
    )
    defect_code = django_filters.ModelChoiceFilter(
        queryset=scoped_choices(DefectCode), to_field_name="code", label=_("Defect code"), widget=CODE_INPUT
    )

    class Meta:
        model = Recall
        fields = ["q", "state", "style", "defect_code"]


class RecallNoticeFilter(SearchFilterSet):
    """Filters of a store's recall notices and ``/api/v1/recall-notices/`` (``?state=notified&recall=3``)."""

    search_fields = ("recall__number",)

    state = django_filters.ChoiceFilter(choices=RecallNoticeState.choices, label=_("State"))
    # Bounded to the id range, so a number past 64 bits is a 400 rather than an overflow in the database driver.
    recall = django_filters.NumberFilter(
        field_name="recall_id", label=_("Recall"), min_value=1, max_value=MAX_ID, decimal_places=0
    )
    store = django_filters.ModelChoiceFilter(
        queryset=scoped_choices(Store), to_field_name="code", label=_("Store code"), widget=CODE_INPUT
    )

    class Meta:
        model = RecallNotice
        fields = ["q", "state", "recall", "store"]
