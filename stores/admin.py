from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from aftersales.imports import CodeKeyedResource, code_field
from stores.models import Region, RegionMembership, Store, StoreMembership


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
    list_display = ["code", "name"]
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
