from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from aftersales.registry import HomeTiles, MenuItem, MenuSection

# Batch recalls 整款退货: a store sees those it was notified of and its own notices; a supplier its styles' recalls.
_STORE_OR_CENTER = ["recalls.view_recall", "recalls.view_recallnotice"]


class RecallsConfig(AppConfig):
    name = "recalls"
    verbose_name = _("Batch recalls")

    menu_sections = [MenuSection("recalls", _("Batch recalls"), 30)]
    menu_items = [
        # Candidates are the center's work (technicians open recalls, QA reviews them); notices are the stores'.
        MenuItem(
            "recalls:recallcandidate_list",
            "recalls",
            10,
            _("Recall candidates"),
            roles=("technician", "qa_manager"),
            flags=("superuser",),
        ),
        MenuItem("recalls:recall_list", "recalls", 20, _("Batch recalls"), permission="recalls.view_recall"),
        MenuItem("recalls:recallnotice_list", "recalls", 30, _("Recall notices"), flags=("store_staff_of_a_store",)),
    ]
    home_tiles = [HomeTiles("recalls.tiles.recall_tiles", 40)]
    role_permissions = {
        "store_staff": _STORE_OR_CENTER,
        "region_manager": _STORE_OR_CENTER,
        "technician": _STORE_OR_CENTER,
        "hotline_agent": _STORE_OR_CENTER,
        "qa_manager": _STORE_OR_CENTER,
        "logistics_manager": _STORE_OR_CENTER,
        "production_vp": _STORE_OR_CENTER,
        "finance": _STORE_OR_CENTER,
        "supplier_user": ["recalls.view_recall"],
    }
    api_urls = "recalls.api.urls"

    def ready(self):
        # The recall check of a Return logged against a recall, registered with cases.hooks. Imported here:
        # the hooks reach models, which exist only once every app is loaded.
        from recalls.hooks import register

        register()
