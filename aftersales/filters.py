"""Filter pieces shared by every app's FilterSet (UI lists and API alike)."""

from __future__ import annotations

from functools import reduce
from operator import or_

import django_filters
from django import forms
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

# The largest id a number filter takes (a 64-bit key): a bigger one is a 400, never an overflow in the driver.
MAX_ID = 2**63 - 1


class SearchFilterSet(django_filters.FilterSet):
    """Adds ``q``: a case-insensitive search over the fields named in ``search_fields``."""

    search_fields: tuple[str, ...] = ()

    q = django_filters.CharFilter(method="filter_search", label=_("Search"))

    @property
    def form(self):
        form = super().form
        if not getattr(form, "_bootstrap_styled", False):
            for field in form.fields.values():
                if isinstance(field.widget, forms.NullBooleanSelect):
                    # "Unknown" reads oddly as the no-filter choice of a yes/no filter.
                    field.widget.choices = [("unknown", _("All")), ("true", _("Yes")), ("false", _("No"))]
                if isinstance(field.widget, forms.SelectMultiple):
                    # A list box needs Ctrl-click to pick several values and cannot be used by touch: tick boxes
                    # instead (the filter bar folds them into a small drop-down). The query string is the same.
                    field.widget = forms.CheckboxSelectMultiple(choices=field.widget.choices)
                    field.widget.attrs["class"] = "form-check-input"
                    continue
                is_select = isinstance(field.widget, forms.Select)
                field.widget.attrs.setdefault(
                    "class", "form-select form-select-sm" if is_select else "form-control form-control-sm"
                )
            form._bootstrap_styled = True
        return form

    def filter_search(self, queryset, name, value):
        if not self.search_fields:
            # A list with nothing to search (its FilterSet sets ``q = None``) ignores a q that comes anyway.
            return queryset
        terms = value.split()
        for term in terms[:5]:
            queryset = queryset.filter(
                reduce(or_, (Q(**{f"{field}__icontains": term}) for field in self.search_fields))
            )
        return queryset


def scoped_choices(model):
    """Choices of a code-referenced filter: only what the requesting user may see."""

    def queryset(request):
        if request is None:
            return model.objects.none()
        return model.objects.visible_to(request.user)

    return queryset
