"""The user admin page gathers a login's roles (groups) and its store, region and supplier memberships."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import Group
from django.utils.translation import gettext_lazy as _
from django.utils.translation import gettext_noop
from rest_framework.authtoken.models import TokenProxy

from aftersales import registry
from aftersales.display import display_name
from aftersales.models import TransitionLog
from aftersales.roles import Role

User = get_user_model()
admin.site.unregister(User)
admin.site.unregister(Group)
# DRF's forever tokens no longer authenticate (API tokens are knox's, listed under Knox): not offered for editing.
if admin.site.is_registered(TokenProxy):
    admin.site.unregister(TokenProxy)

# The product's name instead of "Django 管理".
admin.site.site_header = _("After-sales service administration")
admin.site.site_title = _("After-sales service")
admin.site.index_title = _("Administration")

# Django 5.2's admin index prints these table headers, but its own zh_Hans catalogue lacks them: marked here so
# makemessages keeps the project's translations.
DJANGO_ADMIN_STRINGS_WITHOUT_CHINESE = (
    gettext_noop("Model name"),
    gettext_noop("Add link"),
    gettext_noop("Change or view list link"),
)


def role_label(group) -> str:
    """A role group by the role's name (售后服务部技术员), not the code it is stored under (technician)."""
    return str(Role(group.name).label) if group.name in Role.values else group.name


class RoleChoiceField(forms.ModelMultipleChoiceField):
    def label_from_instance(self, obj):
        return role_label(obj)


class RoleListFilter(admin.SimpleListFilter):
    title = _("role")
    parameter_name = "role"

    def lookups(self, request, model_admin):
        return [(role.value, role.label) for role in Role]

    def queryset(self, request, queryset):
        return queryset.filter(groups__name=self.value()).distinct() if self.value() else queryset


@admin.register(User)
class AftersalesUserAdmin(UserAdmin):
    # The memberships (stores, regions, suppliers) are the apps' own: each declares its inline
    # (AppConfig.user_admin_inlines). The admin modules are read once every app is loaded.
    inlines = registry.user_admin_inlines()
    list_display = ["username", "first_name", "roles", "email", "is_active", "is_superuser"]
    list_filter = [RoleListFilter, "is_active", "is_superuser"]
    # A person's rights come from their roles only (``sync_roles`` writes each role's permissions from the table in
    # code), so the per-user permission list, a page of untranslatable "Can add …" rows, is not offered.
    fieldsets = [
        (None, {"fields": ("username", "password")}),
        (_("Personal info"), {"fields": ("first_name", "last_name", "email")}),
        (_("Permissions"), {"fields": ("is_active", "is_staff", "is_superuser", "groups")}),
        (_("Important dates"), {"fields": ("last_login", "date_joined")}),
    ]
    filter_horizontal = ["groups"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("groups")

    @admin.display(description=_("roles"))
    def roles(self, obj) -> str:
        return "、".join(sorted(role_label(group) for group in obj.groups.all()))

    def formfield_for_manytomany(self, db_field, request, **kwargs):
        if db_field.name == "groups":
            kwargs["form_class"] = RoleChoiceField
            kwargs["label"] = _("roles")
        return super().formfield_for_manytomany(db_field, request, **kwargs)


@admin.register(Group)
class RoleGroupAdmin(admin.ModelAdmin):
    """The role groups by their names; their permissions are code (``sync_roles``), so they are not edited here."""

    list_display = ["role"]
    fields = ["name"]
    readonly_fields = ["name"]

    @admin.display(description=_("role"))
    def role(self, obj) -> str:
        return role_label(obj)

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


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
    list_display = ["at", "content_type", "object_id", "transition", "source_state", "target_state", "by"]
    list_filter = ["content_type", "transition"]
    list_select_related = ["content_type", "actor"]
    search_fields = ["=object_id", "actor__username"]
    date_hierarchy = "at"

    @admin.display(description=_("by"), ordering="actor")
    def by(self, obj) -> str:
        return display_name(obj.actor) or "—"
