from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from aftersales.registry import MenuItem, MenuSection

# A return's inspection report: every role that reads returns (rows scoped like them).
_READ = ["inspection.view_inspectionreport"]
# Incoming lots 大货批次 and the severity switches: the center's roles, and a supplier its own (rows scoped).
_LOTS = ["inspection.view_incominglot", "inspection.view_severityswitch"]


class InspectionConfig(AppConfig):
    name = "inspection"
    verbose_name = _("Inspection and defect codes")

    role_permissions = {
        "store_staff": _READ,
        "region_manager": _READ,
        "technician": _READ + _LOTS,
        "hotline_agent": _READ,
        "qa_manager": _READ + _LOTS,
        "logistics_manager": _READ + _LOTS,
        "production_vp": _READ + _LOTS,
        "finance": _READ,
        "supplier_user": _READ + _LOTS,
    }
    api_urls = "inspection.api.urls"
    menu_sections = [MenuSection("incoming", _("Incoming inspection"), 27)]
    menu_items = [
        MenuItem(
            "inspection:incominglot_list",
            "incoming",
            10,
            _("Incoming lots"),
            permission="inspection.view_incominglot",
        ),
        MenuItem(
            "inspection:daily_report",
            "incoming",
            15,
            _("Daily inspection report"),
            permission="inspection.view_incominglot",
            roles=("technician", "qa_manager", "logistics_manager"),
        ),
        MenuItem(
            "inspection:supplier_severity_list",
            "incoming",
            20,
            _("Suppliers by severity"),
            permission="inspection.view_severityswitch",
        ),
        MenuItem(
            "inspection:rework_list",
            "incoming",
            30,
            _("Supplier rework"),
            permission="inspection.view_inspectionreport",
            roles=("supplier_user", "technician"),
        ),
        MenuItem(
            "inspection:inspection_queue",
            "center",
            20,
            _("To inspect"),
            permission="cases.view_return",
            flags=("sees_everything",),
        ),
    ]

    def ready(self):
        # The inspect action and the inspection report on a Return's page and API, registered with
        # cases.hooks. Imported here: the hooks reach models, which exist only once every app is loaded.
        from inspection.hooks import register

        register()
