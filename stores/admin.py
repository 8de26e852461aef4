from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from aftersales.imports import CodeKeyedResource, code_field
from stores.models import Delivery, Region, RegionMembership, Store, StoreMembership


class StoreResource(CodeKeyedResource):
    region = code_field("region", Region)

    class Meta(CodeKeyedResource.Meta):
        model = Store
        import_id_fields = ["code"]
        fields = [
            "code",
            "name",
            "region",
            "kind",
            "address",
            "phone",
            "active",
            "free_dispatches_per_week",
            "extra_dispatch_fee",
        ]


# Shown on the store or region page and on the user page; the side that is the
# page's own record is left out of the form by the admin itself.
class StoreMembershipInline(admin.TabularInline):
    model = StoreMembership
    extra = 0
    autocomplete_fields = ["user", "store"]


class RegionMembershipInline(admin.TabularInline):
    model = RegionMembership
    extra = 0
    autocomplete_fields = ["user", "region"]


@admin.register(Region)
class RegionAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "shipment_sign_off_required"]
    list_filter = ["shipment_sign_off_required"]
    search_fields = ["code", "name"]
    inlines = [RegionMembershipInline]


@admin.register(Store)
class StoreAdmin(ImportExportModelAdmin):
    resource_classes = [StoreResource]
    list_display = ["code", "name", "region", "kind", "active", "free_dispatches_per_week", "extra_dispatch_fee"]
    list_filter = ["region", "kind", "active"]
    search_fields = ["code", "name", "address"]
    list_select_related = ["region"]
    autocomplete_fields = ["contact_user"]
    inlines = [StoreMembershipInline]


@admin.register(Delivery)
class DeliveryAdmin(admin.ModelAdmin):
    """Deliveries from logistics 物流到货 (stores record them on their page, logistics imports the CSV)."""

    list_display = ["delivered_on", "store", "style", "quantity", "reference", "recorded_by"]
    list_filter = ["store__region"]
    search_fields = ["store__code", "style__style_no", "reference"]
    list_select_related = ["store", "style", "recorded_by"]
    autocomplete_fields = ["store", "style"]
    raw_id_fields = ["recorded_by"]
    date_hierarchy = "delivered_on"
