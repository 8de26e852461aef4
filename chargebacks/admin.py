"""Chargeback statements in the admin, read only: they change only through their services (and are logged)."""

from django.contrib import admin

from aftersales.admin import ReadOnlyAdmin
from chargebacks.models import ChargebackLine, ChargebackStatement


class ChargebackLineInline(admin.TabularInline):
    model = ChargebackLine
    extra = 0
    can_delete = False
    fields = ["position", "kind", "return_item", "shipment", "description", "style_no", "production_year", "amount"]
    readonly_fields = fields

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False


@admin.register(ChargebackStatement)
class ChargebackStatementAdmin(ReadOnlyAdmin):
    list_display = ["number", "version", "period", "party_type", "party_key", "state", "total", "settlement_reference"]
    list_filter = ["state", "party_type"]
    search_fields = ["number", "party_key", "settlement_reference"]
    inlines = [ChargebackLineInline]


@admin.register(ChargebackLine)
class ChargebackLineAdmin(ReadOnlyAdmin):
    list_display = ["statement", "kind", "description", "production_year", "amount"]
    list_filter = ["kind"]
    list_select_related = ["statement"]
