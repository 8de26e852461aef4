from django.utils.translation import gettext_lazy as _

from aftersales.exports import Column
from aftersales.views import ScopedListView
from repairs.filters import SparePartFilter
from repairs.selectors import sparepart_list


class SparePartListView(ScopedListView):
    selector = staticmethod(sparepart_list)
    filterset_class = SparePartFilter
    title = _("Spare parts")
    export_name = "spare-parts"
    columns = [
        Column(_("Part number"), "part_no"),
        Column(_("Name"), "name"),
        Column(_("Unit"), "unit"),
        Column(_("Unit cost (CNY)"), "unit_cost", money=True),
        Column(_("Stock on hand"), "stock_quantity"),
        Column(_("Reorder level"), "reorder_level"),
        Column(_("Needs reorder"), "needs_reorder"),
        Column(_("Active"), "active"),
    ]
