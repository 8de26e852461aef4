from django.contrib import admin

from aftersales.admin import ReadOnlyAdmin
from inspection.models import InspectionReport


@admin.register(InspectionReport)
class InspectionReportAdmin(ReadOnlyAdmin):
    list_display = ["return_item", "verdict", "responsibility", "inspector", "inspected_at"]
    list_filter = ["verdict", "responsibility"]
    list_select_related = ["return_item", "inspector"]
    search_fields = ["=return_item__number"]
