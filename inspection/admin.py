from django.contrib import admin

from inspection.models import DefectCode


@admin.register(DefectCode)
class DefectCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "name_zh", "name_en", "category", "default_responsibility", "active"]
    list_filter = ["category", "default_responsibility", "active"]
    search_fields = ["code", "name_zh", "name_en"]
