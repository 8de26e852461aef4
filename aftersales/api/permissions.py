"""API permission: the role must hold the model's view permission (rows are then scoped by selectors)."""

from rest_framework.permissions import BasePermission


class RoleCanViewModel(BasePermission):
    """403 for a role the permission table gives no access to this kind of record."""

    def has_permission(self, request, view) -> bool:
        if not request.user or not request.user.is_authenticated:
            return False
        model = view.queryset_model
        return request.user.has_perm(f"{model._meta.app_label}.view_{model._meta.model_name}")
