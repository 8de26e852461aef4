from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from aftersales.registry import HomeTiles, MenuItem

# A statement is addressed to a party (rows scoped: a store its own, a supplier its own); the hotline has none.
_READ = ["chargebacks.view_chargebackstatement"]


class ChargebacksConfig(AppConfig):
    name = "chargebacks"
    verbose_name = _("Chargeback statements")

    menu_items = [
        MenuItem(
            "chargebacks:chargeback_list",
            "month-end",
            30,
            _("Chargeback statements"),
            permission="chargebacks.view_chargebackstatement",
        ),
        MenuItem("chargebacks:supplier_units", "month-end", 40, _("Our scrapped units"), roles=("supplier_user",)),
    ]
    home_tiles = [HomeTiles("chargebacks.tiles.chargeback_tiles", 30)]
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
    api_urls = "chargebacks.api.urls"
