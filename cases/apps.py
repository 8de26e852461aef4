from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from aftersales.registry import HomeTiles, MenuItem, MenuSection, WorkflowPicture

# Every role reads returns (rows scoped: a store its own, a supplier the units charged to it); shipments are
# between the stores and the center, so suppliers do not see them.
_STORE_OR_CENTER = ["cases.view_return", "cases.view_shipment"]
# The service center's queues: roles that see every store's returns.
_CENTER_QUEUE = {"permission": "cases.view_return", "flags": ("sees_everything",)}


class CasesConfig(AppConfig):
    name = "cases"
    verbose_name = _("Returns and cases")

    menu_sections = [
        MenuSection("returns", _("Returns"), 10),
        MenuSection("center", _("Service center"), 20),
    ]
    menu_items = [
        MenuItem("cases:return_list", "returns", 10, _("Returns"), permission="cases.view_return"),
        MenuItem("cases:return_create", "returns", 20, _("Log a return"), flags=("store_staff_of_a_store",)),
        MenuItem("cases:shipment_list", "returns", 30, _("Shipments"), permission="cases.view_shipment"),
        MenuItem("cases:sign_off_queue", "returns", 35, _("Sign-off"), roles=("region_manager",)),
        MenuItem("cases:inbound", "center", 10, _("Inbound parcels"), **_CENTER_QUEUE),
        MenuItem("cases:supplier_queue", "center", 40, _("At the supplier"), **_CENTER_QUEUE),
        MenuItem("cases:missing_queue", "center", 50, _("Missing units"), **_CENTER_QUEUE),
        MenuItem("cases:ready_queue", "center", 60, _("Ready to return"), **_CENTER_QUEUE),
    ]
    home_tiles = [HomeTiles("cases.tiles.work_summary", 10)]
    role_permissions = {
        "store_staff": _STORE_OR_CENTER,
        "region_manager": _STORE_OR_CENTER,
        "technician": _STORE_OR_CENTER,
        "hotline_agent": _STORE_OR_CENTER,
        "qa_manager": _STORE_OR_CENTER,
        "logistics_manager": _STORE_OR_CENTER,
        "production_vp": _STORE_OR_CENTER,
        "finance": _STORE_OR_CENTER,
        "supplier_user": ["cases.view_return"],
    }
    api_urls = "cases.api.urls"
    workflow_pictures = [
        WorkflowPicture(
            "return", "cases.Return", "Return 退货", 10, target_notes={"inspect": "cases.models.VERDICT_TARGETS"}
        ),
        WorkflowPicture(
            "shipment",
            "cases.Shipment",
            "Shipment 寄送",
            20,
            notes={"receive": "store → center", "confirm_received": "center → store"},
        ),
    ]
