from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from aftersales.registry import HomeTiles, MenuItem, MenuSection

# A loss report is addressed to a party (rows scoped: a store its own, a supplier its own).
_PARTY = ["writeoffs.view_lossreport"]
# The write-off list is the center's own paperwork.
_MONTH_END = ["writeoffs.view_lossreport", "writeoffs.view_writeofflist"]


class WriteoffsConfig(AppConfig):
    name = "writeoffs"
    verbose_name = _("Write-off lists and loss reports")

    menu_sections = [MenuSection("month-end", _("Month end"), 40)]
    menu_items = [
        MenuItem(
            "writeoffs:writeofflist_list",
            "month-end",
            10,
            _("Write-off lists"),
            permission="writeoffs.view_writeofflist",
        ),
        MenuItem(
            "writeoffs:lossreport_list", "month-end", 20, _("Loss reports"), permission="writeoffs.view_lossreport"
        ),
    ]
    home_tiles = [HomeTiles("writeoffs.tiles.writeoff_tiles", 20)]
    role_permissions = {
        "store_staff": _PARTY,
        "region_manager": _PARTY,
        "technician": _MONTH_END,
        "qa_manager": _PARTY,
        "logistics_manager": _MONTH_END,
        "production_vp": _MONTH_END,
        "finance": _MONTH_END,
        "supplier_user": _PARTY,
    }
    api_urls = "writeoffs.api.urls"
