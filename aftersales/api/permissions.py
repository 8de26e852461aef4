"""API permission: the role must hold the model's view permission (rows are then scoped by selectors)."""

from rest_framework.permissions import BasePermission

from aftersales.roles import has_role_permission, view_permission


class RoleCanViewModel(BasePermission):
    """403 for a role the permission table gives no access to this kind of record."""

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        return has_role_permission(request.user, view_permission(view.queryset_model))
