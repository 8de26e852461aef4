from django.contrib import admin

from repairs.models import SparePart


@admin.register(SparePart)
class SparePartAdmin(admin.ModelAdmin):
    list_display = ["part_no", "name", "unit", "unit_cost", "stock_quantity", "reorder_level", "active"]
    list_filter = ["active"]
    search_fields = ["part_no", "name"]
