from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from aftersales.registry import MASTER_DATA, MenuItem, UserAdminInline

# The catalogue and the suppliers themselves: every role reads them (a supplier's rows are then scoped to it).
_READ = ["suppliers.view_category", "suppliers.view_style", "suppliers.view_defectcode", "suppliers.view_supplier"]


class SuppliersConfig(AppConfig):
    name = "suppliers"
    verbose_name = _("Suppliers and styles")

    menu_items = [
        MenuItem("suppliers:supplier_list", MASTER_DATA, 30, view="suppliers.views.SupplierListView"),
        MenuItem("suppliers:category_list", MASTER_DATA, 40, view="suppliers.views.CategoryListView"),
        MenuItem("suppliers:style_list", MASTER_DATA, 50, view="suppliers.views.StyleListView"),
        MenuItem("suppliers:defectcode_list", MASTER_DATA, 60, view="suppliers.views.DefectCodeListView"),
    ]
    role_permissions = {
        "store_staff": _READ,
        "region_manager": _READ,
        "technician": _READ,
        "hotline_agent": _READ,
        "qa_manager": _READ,
        "logistics_manager": _READ,
        "production_vp": _READ,
        "finance": _READ,
        "supplier_user": _READ,
    }
    api_urls = "suppliers.api.urls"
    user_admin_inlines = [UserAdminInline("suppliers.admin.SupplierMembershipInline", 30)]
