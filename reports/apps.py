from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from aftersales.registry import MenuItem

# The monthly reports: their figures are cut to the viewer's stores or supplier; the hotline has none.
_READ = ["reports.view_reportrun"]


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Monthly reports")

    menu_items = [
        MenuItem("reports:reportrun_list", "month-end", 50, _("Monthly reports"), permission="reports.view_reportrun"),
    ]
    role_permissions = {
        "store_staff": _READ,
        "region_manager": _READ,
        "technician": _READ,
        "qa_manager": _READ,
        "logistics_manager": _READ,
        "production_vp": _READ,
        "finance": _READ,
        "supplier_user": _READ,
    }
    api_urls = "reports.api.urls"
