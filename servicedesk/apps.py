from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from aftersales.registry import HomeTiles, MenuItem, MenuSection

# Service cases 服务单: every role but suppliers reads them (rows scoped: a store its own, a region its stores').
_CASES = ["servicedesk.view_servicecase"]


class ServicedeskConfig(AppConfig):
    name = "servicedesk"
    verbose_name = _("Service desk")

    menu_sections = [MenuSection("servicedesk", _("Service desk"), 25)]
    menu_items = [
        MenuItem(
            "servicedesk:intake", "servicedesk", 10, _("Take a call"), roles=("hotline_agent",), flags=("superuser",)
        ),
        MenuItem("servicedesk:servicecase_list", "servicedesk", 20, _("Service cases"), permission=_CASES[0]),
        MenuItem(
            "servicedesk:follow_up_list",
            "servicedesk",
            30,
            _("Callbacks due"),
            roles=("hotline_agent",),
            flags=("superuser",),
        ),
        MenuItem("servicedesk:visit_list", "servicedesk", 35, _("On-site visits"), permission=_CASES[0]),
        MenuItem(
            "servicedesk:servicecase_create",
            "servicedesk",
            40,
            _("Open an in-store case"),
            flags=("store_staff_of_a_store",),
        ),
    ]
    home_tiles = [
        HomeTiles("servicedesk.tiles.compensation_tiles", 17),
        HomeTiles("servicedesk.tiles.servicedesk_tiles", 15),
        # A technician's on-site visits waiting for them (现场服务).
        HomeTiles("servicedesk.views.visits.waiting_visits_tile", 16),
        # QA and the production VP: escalations of major incidents and safety cases until acknowledged (issue 15).
        HomeTiles("servicedesk.tiles.escalation_tiles", 5),
    ]
    role_permissions = {
        "store_staff": _CASES,
        "region_manager": _CASES,
        "technician": _CASES,
        "hotline_agent": [*_CASES, "servicedesk.view_customer"],
        "qa_manager": _CASES,
        "logistics_manager": _CASES,
        "production_vp": _CASES,
        "finance": _CASES,
    }
    api_urls = "servicedesk.api.urls"

    def ready(self):
        # New Returns with a customer's phone join that customer's record (cases.hooks; cases imports nothing here).
        from servicedesk.hooks import register

        register()
