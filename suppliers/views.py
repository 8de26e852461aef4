from django.utils.translation import gettext_lazy as _

from aftersales.exports import Column
from aftersales.ui.views import ScopedListView
from suppliers.filters import CategoryFilter, DefectCodeFilter, StyleFilter, SupplierFilter
from suppliers.selectors import category_list, defectcode_list, style_list, supplier_list


class SupplierListView(ScopedListView):
    selector = staticmethod(supplier_list)
    filterset_class = SupplierFilter
    title = _("Suppliers")
    export_name = "suppliers"
    columns = [
        Column(_("Code"), "code"),
        Column(_("Name"), "name"),
        Column(_("Contact person"), "contact_name"),
        Column(_("Contact phone"), "contact_phone"),
        Column(_("Contact e-mail"), "contact_email"),
        Column(_("Active"), "active"),
    ]


class CategoryListView(ScopedListView):
    selector = staticmethod(category_list)
    filterset_class = CategoryFilter
    title = _("Categories and warranty policy")
    export_name = "categories"
    columns = [
        Column(_("Code"), "code"),
        Column(_("Name"), "name"),
        Column(_("Quality-return window (days)"), "quality_return_days"),
        Column(_("Change-of-mind window (days)"), "change_of_mind_days"),
        Column(_("Warranty (months)"), "warranty_months"),
        Column(_("Paid repair after warranty"), "paid_repair_offered"),
    ]


class StyleListView(ScopedListView):
    selector = staticmethod(style_list)
    filterset_class = StyleFilter
    title = _("Styles")
    export_name = "styles"
    columns = [
        Column(_("Style number"), "style_no"),
        Column(_("Name"), "name"),
        Column(_("Category"), "category.name"),
        Column(_("Supplier"), "supplier.code"),
        Column(_("Season"), "get_season_display"),
        Column(_("Year"), "year"),
        Column(_("Unit cost (CNY)"), "unit_cost", money=True),
        Column(_("Retail price (CNY)"), "retail_price", money=True),
    ]


class DefectCodeListView(ScopedListView):
    selector = staticmethod(defectcode_list)
    filterset_class = DefectCodeFilter
    title = _("Defect codes")
    export_name = "defect-codes"
    columns = [
        Column(_("Code"), "code"),
        Column(_("Name (Chinese)"), "name_zh"),
        Column(_("Name (English)"), "name_en"),
        Column(_("Category"), "category.name"),
        Column(_("Default responsibility hint"), "get_default_responsibility_display"),
        Column(_("Active"), "active"),
    ]
