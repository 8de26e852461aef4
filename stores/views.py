from django.utils.translation import gettext_lazy as _

from aftersales.display import display_name
from aftersales.exports import Column
from aftersales.ui.views import ScopedListView
from stores.filters import RegionFilter, StoreFilter
from stores.selectors import region_list, store_list


def contact_name(store) -> str | None:
    return display_name(store.contact_user) or None


class RegionListView(ScopedListView):
    selector = staticmethod(region_list)
    filterset_class = RegionFilter
    title = _("Regions")
    export_name = "regions"
    columns = [Column(_("Code"), "code"), Column(_("Name"), "name")]


class StoreListView(ScopedListView):
    selector = staticmethod(store_list)
    filterset_class = StoreFilter
    title = _("Stores")
    export_name = "stores"
    columns = [
        Column(_("Code"), "code"),
        Column(_("Name"), "name"),
        Column(_("Region"), "region.name"),
        Column(_("Kind"), "get_kind_display"),
        Column(_("Phone"), "phone"),
        Column(_("After-sales contact"), contact_name),
        Column(_("Free dispatches per week"), "free_dispatches_per_week"),
        Column(_("Extra dispatch fee (CNY)"), "extra_dispatch_fee", money=True),
        Column(_("Active"), "active"),
    ]
