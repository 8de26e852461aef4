import django_filters
from django.utils.translation import gettext_lazy as _

from aftersales.filters import SearchFilterSet, scoped_choices
from suppliers.choices import Season
from suppliers.models import Category, Style, Supplier


class SupplierFilter(SearchFilterSet):
    search_fields = ("code", "name", "contact_name")

    class Meta:
        model = Supplier
        fields = ["q", "active"]


class CategoryFilter(SearchFilterSet):
    search_fields = ("code", "name")

    class Meta:
        model = Category
        fields = ["q"]


class StyleFilter(SearchFilterSet):
    search_fields = ("style_no", "name")

    category = django_filters.ModelChoiceFilter(
        queryset=scoped_choices(Category), to_field_name="code", label=_("Category")
    )
    supplier = django_filters.ModelChoiceFilter(
        queryset=scoped_choices(Supplier), to_field_name="code", label=_("Supplier")
    )
    season = django_filters.ChoiceFilter(choices=Season.choices, label=_("Season"))

    class Meta:
        model = Style
        fields = ["q", "category", "supplier", "season", "year"]
