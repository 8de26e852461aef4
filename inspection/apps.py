from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from aftersales.registry import MenuItem

# A return's inspection report: every role that reads returns (rows scoped like them).
_READ = ["inspection.view_inspectionreport"]


class InspectionConfig(AppConfig):
    name = "inspection"
    verbose_name = _("Inspection and defect codes")

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
    api_urls = "inspection.api.urls"
    menu_items = [
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
