"""Report runs in the admin, read only: they change only through their services."""

from django.contrib import admin

from aftersales.admin import ReadOnlyAdmin
from reports.models import ReportRun


@admin.register(ReportRun)
class ReportRunAdmin(ReadOnlyAdmin):
    list_display = ["kind", "period", "version", "status", "progress", "attempts", "started_at", "finished_at"]
    list_filter = ["kind", "status"]
