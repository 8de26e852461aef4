"""Writes of regions, stores and user accounts with their roles and memberships."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.db import transaction

from aftersales.roles import Role
from aftersales.services import upsert
from stores.models import Region, RegionMembership, Store, StoreMembership
from suppliers.models import Supplier, SupplierMembership


def region_upsert(*, code: str, **values: Any) -> Region:
    """Create or update a region 大区 by its code."""
    return upsert(Region, lookup={"code": code}, values=values)[0]


def store_upsert(*, code: str, **values: Any) -> Store:
    """Create or update a store 专卖店 by its code."""
    return upsert(Store, lookup={"code": code}, values=values)[0]


@transaction.atomic
def account_upsert(
    *,
    username: str,
    password: str,
    roles: Iterable[str] = (),
    full_name: str = "",
    email: str = "",
    stores: Iterable[Store] = (),
    regions: Iterable[Region] = (),
    suppliers: Iterable[Supplier] = (),
    is_superuser: bool = False,
) -> Any:
    """Create or update a login with exactly these roles and memberships.

    The password is only re-hashed when it differs, so running this twice
    changes nothing. Unknown role names are refused rather than creating an
    ad-hoc group that no permission table knows.
    """
    roles = list(roles)
    unknown = set(roles) - set(Role.values)
    if unknown:
        raise ValueError(f"Unknown roles: {', '.join(sorted(unknown))}")
    user = get_user_model().objects.select_for_update().filter(username=username).first()
    if user is None:
        user = get_user_model()(username=username)
    profile = {
        "first_name": full_name,
        "email": email,
        "is_superuser": is_superuser,
        "is_staff": is_superuser,
        "is_active": True,
    }
    if user.pk is None or any(getattr(user, field) != value for field, value in profile.items()):
        for field, value in profile.items():
            setattr(user, field, value)
        if user.pk is None:
            user.set_password(password)
        user.full_clean()
        user.save()
    if not user.check_password(password):
        user.set_password(password)
        user.save(update_fields=["password"])
    wanted_groups = set(Group.objects.filter(name__in=roles))
    if set(user.groups.all()) != wanted_groups:
        user.groups.set(wanted_groups)
    _memberships_set(StoreMembership, user, "store", stores)
    _memberships_set(RegionMembership, user, "region", regions)
    _memberships_set(SupplierMembership, user, "supplier", suppliers)
    return user


def _memberships_set(model, user, field: str, targets: Iterable[Any]) -> None:
    """Make the user's memberships of one kind exactly ``targets``."""
    wanted = {target.pk for target in targets}
    current = set(model.objects.filter(user=user).values_list(f"{field}_id", flat=True))
    model.objects.filter(user=user, **{f"{field}_id__in": current - wanted}).delete()
    model.objects.bulk_create([model(user=user, **{f"{field}_id": pk}) for pk in sorted(wanted - current)])
