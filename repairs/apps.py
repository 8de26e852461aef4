from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from aftersales.registry import MASTER_DATA, HomeTiles, MenuItem, WorkflowPicture

# A return's repair ticket: every role that reads returns (rows scoped like them).
_TICKETS = ["repairs.view_repairticket"]
# A store's own spare-part stock, its ledger lines and stocktakes (rows scoped to its stores).
_STORE_STOCK = ["repairs.view_partstock", "repairs.view_stockmovement", "repairs.view_stocktake"]
# Spare parts and the stock of every location are the service center's.
_CENTER = ["repairs.view_repairticket", "repairs.view_sparepart", *_STORE_STOCK]


class RepairsConfig(AppConfig):
    name = "repairs"
    verbose_name = _("Repairs and spare parts")

    menu_items = [
        MenuItem(
            "repairs:repairticket_list",
            "center",
            30,
            _("Repair queue"),
            permission="cases.view_return",
            flags=("sees_everything",),
        ),
        MenuItem(
            "repairs:stockmovement_list",
            "center",
            70,
            _("Stock ledger"),
            permission=("cases.view_return", "repairs.view_stockmovement"),
            flags=("sees_everything",),
        ),
        # Paid-repair quotes waiting for the customer's answer: the hotline and the stores call the customer.
        MenuItem(
            "repairs:quote_list",
            "returns",
            60,
            _("Repair quotes to confirm"),
            permission="repairs.view_repairticket",
            roles=("hotline_agent",),
            flags=("store_staff_of_a_store",),
        ),
        MenuItem("repairs:sparepart_list", MASTER_DATA, 70, view="repairs.views.SparePartListView"),
        # 清点: technicians count the center or any store, a store's staff their own store's parts.
        MenuItem(
            "repairs:stocktake", "center", 80, _("Stocktake"), roles=("technician",), flags=("store_staff_of_a_store",)
        ),
    ]
    role_permissions = {
        "store_staff": [*_TICKETS, *_STORE_STOCK],
        "region_manager": [*_TICKETS, *_STORE_STOCK],
        "technician": _CENTER,
        "hotline_agent": _CENTER,
        "qa_manager": _CENTER,
        "logistics_manager": _CENTER,
        "production_vp": _CENTER,
        "finance": _CENTER,
        "supplier_user": _TICKETS,
    }
    home_tiles = [HomeTiles("repairs.tiles.quote_tiles", 35)]
    api_urls = "repairs.api.urls"
    workflow_pictures = [WorkflowPicture("repairticket", "repairs.RepairTicket", "Repair ticket 维修单", 30)]

    def ready(self):
        # The repair card on a Return's page, registered with cases.hooks. Imported here:
        # the hooks reach models, which exist only once every app is loaded.
        from repairs.hooks import register

        register()
