from django.contrib import admin

from aftersales.admin import ReadOnlyAdmin
from repairs.models import RepairTicket, SparePart, StockMovement


@admin.register(SparePart)
class SparePartAdmin(admin.ModelAdmin):
    list_display = ["part_no", "name", "unit", "unit_cost", "stock_quantity", "reorder_level", "active"]
    list_filter = ["active"]
    search_fields = ["part_no", "name"]


@admin.register(RepairTicket)
class RepairTicketAdmin(ReadOnlyAdmin):
    list_display = ["return_item", "state", "technician", "labour_minutes", "total_cost", "qc_passed", "completed_at"]
    list_filter = ["state", "qc_passed"]
    list_select_related = ["return_item", "technician"]


@admin.register(StockMovement)
class StockMovementAdmin(ReadOnlyAdmin):
    list_display = ["moved_at", "part", "quantity", "balance_after", "reason", "repair_ticket", "moved_by"]
    list_filter = ["reason"]
    list_select_related = ["part", "repair_ticket__return_item", "moved_by"]
    search_fields = ["part__part_no"]
