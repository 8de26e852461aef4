"""The service desk in the admin, read only: cases and customers change only through their services (and logged);
the phone access log is where the superuser reads who was shown a full phone, and when."""

from django.contrib import admin

from aftersales.admin import ReadOnlyAdmin
from servicedesk.models import Customer, PhoneAccessLog, ServiceCase, ServiceCaseAttachment


@admin.register(Customer)
class CustomerAdmin(ReadOnlyAdmin):
    list_display = ["id", "name", "phone", "email", "province", "consent_at", "erased_at"]
    search_fields = ["phone", "name", "email"]
    raw_id_fields = ["returns"]


@admin.register(ServiceCase)
class ServiceCaseAdmin(ReadOnlyAdmin):
    list_display = ["number", "channel", "kind", "severity", "state", "store", "owner", "next_due", "created_at"]
    list_filter = ["state", "kind", "channel", "severity", "major_incident"]
    list_select_related = ["store", "owner"]
    search_fields = ["number", "customer__phone"]
    raw_id_fields = ["returns", "customer"]


@admin.register(ServiceCaseAttachment)
class ServiceCaseAttachmentAdmin(ReadOnlyAdmin):
    list_display = ["service_case", "original_name", "content_type", "size", "uploaded_by", "uploaded_at"]
    list_select_related = ["service_case", "uploaded_by"]


@admin.register(PhoneAccessLog)
class PhoneAccessLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "user", "customer", "service_case", "where"]
    list_select_related = ["user", "customer", "service_case"]
    list_filter = ["where"]
    search_fields = ["user__username", "customer__phone"]
    date_hierarchy = "at"
