from django.contrib import admin
from import_export.admin import ImportExportModelAdmin

from aftersales.imports import CodeKeyedResource, code_field
from suppliers.models import Category, DefectCode, Style, Supplier, SupplierMembership


class SupplierResource(CodeKeyedResource):
    class Meta(CodeKeyedResource.Meta):
        model = Supplier
        import_id_fields = ["code"]
        fields = ["code", "name", "contact_name", "contact_phone", "contact_email", "address", "active"]


class StyleResource(CodeKeyedResource):
    category = code_field("category", Category)
    supplier = code_field("supplier", Supplier)

    class Meta(CodeKeyedResource.Meta):
        model = Style
        import_id_fields = ["style_no"]
        fields = ["style_no", "name", "category", "supplier", "season", "year", "unit_cost", "retail_price"]


class SupplierMembershipInline(admin.TabularInline):
    """Shown on the supplier page and on the user page."""

    model = SupplierMembership
    extra = 0
    autocomplete_fields = ["user", "supplier"]


@admin.register(Supplier)
class SupplierAdmin(ImportExportModelAdmin):
    resource_classes = [SupplierResource]
    list_display = ["code", "name", "contact_name", "contact_phone", "active"]
    list_filter = ["active"]
    search_fields = ["code", "name"]
    inlines = [SupplierMembershipInline]


@admin.register(Category)
class CategoryAdmin(admin.ModelAdmin):
    list_display = [
        "code",
        "name",
        "quality_return_days",
        "change_of_mind_days",
        "warranty_months",
        "paid_repair_offered",
    ]
    search_fields = ["code", "name"]


@admin.register(Style)
class StyleAdmin(ImportExportModelAdmin):
    resource_classes = [StyleResource]
    list_display = ["style_no", "name", "category", "supplier", "season", "year", "unit_cost", "retail_price"]
    list_filter = ["category", "season", "year"]
    search_fields = ["style_no", "name"]
    list_select_related = ["category", "supplier"]
    autocomplete_fields = ["supplier"]


@admin.register(DefectCode)
class DefectCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "category", "default_responsibility", "active"]
    list_filter = ["category", "default_responsibility", "active"]
    search_fields = ["code", "name_zh", "name_en"]
