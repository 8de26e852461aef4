from django.contrib import admin

from aftersales.admin import ReadOnlyAdmin
from recalls.models import Recall, RecallNotice, RecallUnit


class RecallNoticeInline(admin.TabularInline):
    model = RecallNotice
    fields = ["store", "state", "acknowledged_at", "acknowledged_by", "on_hand"]
    readonly_fields = fields
    extra = 0
    can_delete = False


class RecallUnitInline(admin.TabularInline):
    model = RecallUnit
    fields = ["return_item", "outcome", "outcome_note", "outcome_recorded_at", "outcome_recorded_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Recall)
class RecallAdmin(ReadOnlyAdmin):
    """Batch recalls 整款退货 are changed only through their workflow; the admin reads them."""

    list_display = ["number", "style", "defect_code", "state", "deadline", "cost_bearer", "created_at"]
    list_filter = ["state", "cost_bearer", "return_method"]
    list_select_related = ["style", "defect_code"]
    search_fields = ["=number", "style__style_no"]
    inlines = [RecallNoticeInline, RecallUnitInline]
