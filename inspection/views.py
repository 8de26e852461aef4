from django.utils.translation import gettext_lazy as _

from aftersales.exports import Column
from aftersales.views import ScopedListView
from inspection.filters import DefectCodeFilter
from inspection.selectors import defectcode_list


class DefectCodeListView(ScopedListView):
    selector = staticmethod(defectcode_list)
    filterset_class = DefectCodeFilter
    title = _("Defect codes")
    export_name = "defect-codes"
    columns = [
        Column(_("Code"), "code"),
        Column(_("Name (Chinese)"), "name_zh"),
        Column(_("Name (English)"), "name_en"),
        Column(_("Category"), "category.name"),
        Column(_("Default responsibility hint"), "get_default_responsibility_display"),
        Column(_("Active"), "active"),
    ]
