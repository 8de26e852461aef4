from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from aftersales.registry import MASTER_DATA, MenuItem, UserAdminInline

# Regions and stores: every role but the suppliers' (a store's rows are then scoped to its own).
_READ = ["stores.view_region", "stores.view_store"]


class StoresConfig(AppConfig):
    name = "stores"
    verbose_name = _("Regions and stores")

    menu_items = [
        MenuItem("stores:region_list", MASTER_DATA, 10, view="stores.views.RegionListView"),
        MenuItem("stores:store_list", MASTER_DATA, 20, view="stores.views.StoreListView"),
    ]
    role_permissions = {
        "store_staff": _READ,
        "region_manager": _READ,
        "technician": _READ,
        "hotline_agent": _READ,
        "qa_manager": _READ,
        "logistics_manager": _READ,
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
