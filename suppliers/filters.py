import django_filters
from django.utils.translation import gettext_lazy as _

from aftersales.filters import SearchFilterSet, scoped_choices
from suppliers.choices import Responsibility, Season
from suppliers.models import Category, DefectCode, Style, Supplier


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
