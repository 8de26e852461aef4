from django.contrib import admin

from aftersales.admin import ReadOnlyAdmin
from cases.models import Attachment, BatchAlarm, Return, Shipment, ShipmentLine


@admin.register(Return)
class ReturnAdmin(ReadOnlyAdmin):
    list_display = ["number", "store", "style", "state", "onsite_handling", "shipped_at", "due_at", "returned_at"]
    list_filter = ["state", "reason_kind", "onsite_handling", "policy_exception", "verdict", "responsibility"]
    list_select_related = ["store", "style"]
    search_fields = ["=number", "=receipt_no", "style__style_no"]
    show_full_result_count = False  # a million returns: no COUNT(*) per page


class ShipmentLineInline(admin.TabularInline):
    model = ShipmentLine
    fields = ["return_item", "outcome"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Shipment)
class ShipmentAdmin(ReadOnlyAdmin):
    list_display = [
        "number",
        "direction",
        "store",
        "state",
        "carrier",
        "tracking_no",
        "dispatched_at",
        "extra_fee",
        "freight_cost",
    ]
    list_filter = ["direction", "state"]
    list_select_related = ["store"]
    search_fields = ["=number", "tracking_no"]
    inlines = [ShipmentLineInline]


@admin.register(Attachment)
class AttachmentAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "return_item", "kind", "content_type", "size", "uploaded_by", "uploaded_at"]
    list_select_related = ["return_item", "uploaded_by"]


@admin.register(BatchAlarm)
class BatchAlarmAdmin(ReadOnlyAdmin):
    """Stores' own alarms of a suspected batch problem 专卖店预警 (raised on a Return's page)."""

    list_display = ["created_at", "store", "style", "defect_code", "return_item", "raised_by"]
    list_select_related = ["store", "style", "defect_code", "return_item", "raised_by"]
    search_fields = ["=return_item__number", "style__style_no"]
