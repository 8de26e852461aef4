"""Abstract bases shared by every domain app."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _


class TimeStampedModel(models.Model):
    """Creation and last-change times, which every record of the domain keeps."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)

    class Meta:
        abstract = True


class ScopedQuerySet(models.QuerySet):
    """A queryset that knows which rows a user may see (数据权限).

    Subclasses say how a row reaches a store, a region or a supplier; the
    user's scope (``stores.access.scope_for``) says which of those the user has.
    Service-center roles and superusers see every row; roles in ``open_to``
    see every row of this model (catalogue data such as styles); everyone else
    sees the rows that reach one of their stores, regions or suppliers.
    """

    store_lookup: str | None = None
    region_lookup: str | None = None
    supplier_lookup: str | None = None
    open_to: frozenset[str] = frozenset()

    def visible_to(self, user) -> ScopedQuerySet:
        if not getattr(user, "is_authenticated", False) or not user.is_active:
            return self.none()
        # Imported here because memberships live in the stores app, which sits
        # below this shared module in the import order.
        from stores.access import scope_for

        scope = scope_for(user)
        if scope.everything or scope.roles & self.open_to:
            return self
        condition = Q()
        granted = False
        for lookup, ids in (
            (self.store_lookup, scope.store_ids),
            (self.region_lookup, scope.region_ids),
            (self.supplier_lookup, scope.supplier_ids),
        ):
            if lookup and ids:
                condition |= Q(**{f"{lookup}__in": sorted(ids)})
                granted = True
        return self.filter(condition) if granted else self.none()
