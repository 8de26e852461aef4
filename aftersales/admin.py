"""The user admin page gathers a login's roles (groups) and its store, region and supplier memberships."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from aftersales.models import TransitionLog
from stores.admin import RegionMembershipInline, StoreMembershipInline
from suppliers.admin import SupplierMembershipInline

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class AftersalesUserAdmin(UserAdmin):
    inlines = [StoreMembershipInline, RegionMembershipInline, SupplierMembershipInline]
    list_display = ["username", "first_name", "email", "is_active", "is_superuser"]
    list_filter = ["groups", "is_active", "is_superuser"]


class ReadOnlyAdmin(admin.ModelAdmin):
    """Workflow records change only through their services (and are logged there), never by editing rows."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(TransitionLog)
class TransitionLogAdmin(ReadOnlyAdmin):
    list_display = ["at", "content_type", "object_id", "transition", "source_state", "target_state", "actor"]
    list_filter = ["content_type", "transition"]
    list_select_related = ["content_type", "actor"]
    search_fields = ["=object_id", "actor__username"]
    date_hierarchy = "at"
