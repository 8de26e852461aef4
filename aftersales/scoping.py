"""Which part of the data a user may see 数据范围, as far as the core needs to know.

Memberships (which stores, regions and suppliers a login belongs to) live in
an app above the core, so the core does not compute a scope: the app that
holds them declares a resolver in its ``AppConfig`` (``scope_resolver =
"stores.access.scope_for"``), and ``scope_for`` here calls it.
``ScopedQuerySet.visible_to`` (``aftersales.models``) and the menu read the
scope through this module only.
"""

from __future__ import annotations

from typing import Protocol

from aftersales import registry


class Scope(Protocol):
    """What a resolver answers, computed once per user object (so once per request)."""

    # Service-center roles and superusers: every row.
    everything: bool
    roles: frozenset[str]
    # Stores the user sees (its own, or its regions' stores) and those it works at as store staff.
    store_ids: frozenset[int]
    staff_store_ids: frozenset[int]
    region_ids: frozenset[int]
    supplier_ids: frozenset[int]


def scope_for(user) -> Scope:
    """The user's scope, from the resolver the installed apps declare."""
    return registry.scope_resolver()(user)
