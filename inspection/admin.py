from django.contrib import admin

from aftersales.admin import ReadOnlyAdmin
from inspection.models import DefectCode, InspectionReport


@admin.register(DefectCode)
class DefectCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "category", "default_responsibility", "active"]
    list_filter = ["category", "default_responsibility", "active"]
    search_fields = ["code", "name_zh", "name_en"]


@admin.register(InspectionReport)
class InspectionReportAdmin(ReadOnlyAdmin):
    list_display = ["return_item", "verdict", "responsibility", "inspector", "inspected_at"]
    list_filter = ["verdict", "responsibility"]
    list_select_related = ["return_item", "inspector"]
    search_fields = ["=return_item__number"]
