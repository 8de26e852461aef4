"""The user admin page gathers a login's roles (groups) and its store, region and supplier memberships."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin

from stores.admin import RegionMembershipInline, StoreMembershipInline
from suppliers.admin import SupplierMembershipInline

User = get_user_model()
admin.site.unregister(User)


@admin.register(User)
class AftersalesUserAdmin(UserAdmin):
    inlines = [StoreMembershipInline, RegionMembershipInline, SupplierMembershipInline]
    list_display = ["username", "first_name", "email", "is_active", "is_superuser"]
    list_filter = ["groups", "is_active", "is_superuser"]
