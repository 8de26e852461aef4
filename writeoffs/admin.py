"""Write-off lists and loss reports in the admin, read only: they change only through their services (and logged)."""

from django.contrib import admin

from aftersales.admin import ReadOnlyAdmin
from writeoffs.models import DestructionPhoto, LossReport, WriteOffLine, WriteOffList


class WriteOffLineInline(admin.TabularInline):
    model = WriteOffLine
    extra = 0
    can_delete = False
    fields = ["return_item", "style_no", "production_year", "unit_cost", "responsibility", "supplier", "store",
              "removed_at", "removed_by", "removal_reason"]  # fmt: skip
    readonly_fields = fields
    raw_id_fields = ["return_item"]

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(WriteOffList)
class WriteOffListAdmin(ReadOnlyAdmin):
    list_display = ["number", "period", "state", "total_cost", "submitted_by", "confirmed_by", "approved_by"]
    list_filter = ["state"]
    list_select_related = ["submitted_by", "confirmed_by", "approved_by"]
    search_fields = ["number"]
    inlines = [WriteOffLineInline]


@admin.register(WriteOffLine)
class WriteOffLineAdmin(ReadOnlyAdmin):
    list_display = ["writeoff_list", "return_item", "style_no", "unit_cost", "responsibility", "removed_at"]
    list_filter = ["responsibility"]
    list_select_related = ["writeoff_list", "return_item"]
    search_fields = ["return_item__number", "style_no", "writeoff_list__number"]


@admin.register(DestructionPhoto)
class DestructionPhotoAdmin(ReadOnlyAdmin):
    list_display = ["writeoff_list", "original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    list_select_related = ["writeoff_list", "uploaded_by"]


@admin.register(LossReport)
class LossReportAdmin(ReadOnlyAdmin):
    list_display = ["number", "period", "party_type", "party_key", "state", "total_cost", "acknowledged_by"]
    list_filter = ["state", "party_type"]
    list_select_related = ["acknowledged_by"]
    search_fields = ["number", "party_key"]
