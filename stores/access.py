"""What part of the data a user may see: the user's scope 数据范围.

A store user sees its own store, a region manager the stores of its regions,
a supplier user the records where its supplier is the responsible party;
service-center roles see everything. A membership without the matching role
grants nothing, so removing a role is enough to withdraw access.
"""

from __future__ import annotations

from dataclasses import dataclass

from aftersales.roles import Role, roles_of, sees_everything
from stores.choices import StoreKind
from stores.models import RegionMembership, StoreMembership
from suppliers.models import SupplierMembership


@dataclass(frozen=True)
class Scope:
    everything: bool
    roles: frozenset[str]
    store_ids: frozenset[int]
    # Stores the user works at as store staff (may act for them); store_ids also holds managed regions' stores.
    staff_store_ids: frozenset[int]
    region_ids: frozenset[int]
    supplier_ids: frozenset[int]
    # Those of staff_store_ids that are authorized repair points 特约维修点 (they see the Returns referred to them).
    repair_point_ids: frozenset[int] = frozenset()


def scope_for(user) -> Scope:
    """Compute the user's scope once per user object (so once per request)."""
    cached = getattr(user, "_aftersales_scope", None)
    if cached is not None:
        return cached
    roles = roles_of(user)
    store_ids: set[int] = set()
    staff_store_ids: set[int] = set()
    region_ids: set[int] = set()
    supplier_ids: set[int] = set()
    repair_point_ids: set[int] = set()
    everything = sees_everything(user)
    if getattr(user, "is_authenticated", False) and not everything:
        if Role.STORE_STAFF in roles:
            for store_id, region_id, kind in StoreMembership.objects.filter(user=user).values_list(
                "store_id", "store__region_id", "store__kind"
            ):
                store_ids.add(store_id)
                staff_store_ids.add(store_id)
                region_ids.add(region_id)
                if kind == StoreKind.REPAIR_POINT:
                    repair_point_ids.add(store_id)
        if Role.REGION_MANAGER in roles:
            # One query for the regions and their stores (a region without stores comes back with None).
            for region_id, store_id in RegionMembership.objects.filter(user=user).values_list(
                "region_id", "region__stores__id"
            ):
                region_ids.add(region_id)
                if store_id is not None:
                    store_ids.add(store_id)
        if Role.SUPPLIER_USER in roles:
            supplier_ids |= set(SupplierMembership.objects.filter(user=user).values_list("supplier_id", flat=True))
    scope = Scope(
        everything=everything,
        roles=roles,
        store_ids=frozenset(store_ids),
        staff_store_ids=frozenset(staff_store_ids),
        region_ids=frozenset(region_ids),
        supplier_ids=frozenset(supplier_ids),
        repair_point_ids=frozenset(repair_point_ids),
    )
    user._aftersales_scope = scope
    return scope
