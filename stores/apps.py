from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from aftersales.registry import MASTER_DATA, MenuItem, UserAdminInline

# Regions and stores: every role but the suppliers' (a store's rows are then scoped to its own).
_READ = ["stores.view_region", "stores.view_store", "stores.view_delivery"]
# Deliveries from logistics 物流到货: a store records its own; logistics imports the warehouse system's file.
_RECORD = [*_READ, "stores.add_delivery"]


class StoresConfig(AppConfig):
    name = "stores"
    verbose_name = _("Regions and stores")

    menu_items = [
        MenuItem("stores:region_list", MASTER_DATA, 10, view="stores.views.RegionListView"),
        MenuItem("stores:store_list", MASTER_DATA, 20, view="stores.views.StoreListView"),
        MenuItem(
            "stores:delivery_list", "returns", 40, _("Deliveries from logistics"), permission="stores.view_delivery"
        ),
    ]
    role_permissions = {
        "store_staff": _RECORD,
        "region_manager": _READ,
        "technician": _READ,
        "hotline_agent": _READ,
        "qa_manager": _READ,
        "logistics_manager": _RECORD,
        "production_vp": _READ,
        "finance": _READ,
    }
    api_urls = "stores.api.urls"
    user_admin_inlines = [
        UserAdminInline("stores.admin.StoreMembershipInline", 10),
        UserAdminInline("stores.admin.RegionMembershipInline", 20),
    ]
    # The memberships live here, so this app says which rows a user may see (ScopedQuerySet.visible_to).
    scope_resolver = "stores.access.scope_for"
