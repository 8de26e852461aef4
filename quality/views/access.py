"""Who may open quality management's pages: a role check after login (anonymous → the login page, a role that
may not → 403); rows outside the user's scope are 404 through the selectors."""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied

from aftersales.roles import roles_of


def has_role(user, roles) -> bool:
    return bool(getattr(user, "is_authenticated", False) and (user.is_superuser or roles_of(user) & set(roles)))


class RoleRequiredMixin(LoginRequiredMixin):
    """The page is for ``roles`` (superusers too)."""

    roles: tuple[str, ...] = ()

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not has_role(request.user, self.roles):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)
