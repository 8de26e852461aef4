"""Roles 角色 of domain.md as Django groups, and the role → permission table.

The table below is the single source of truth: ``sync_roles`` (run by
``migrate``, ``seed_demo`` and the ``sync_roles`` command) makes every group's
permissions equal to it, so a permission granted by hand in the admin is
reverted on the next deploy rather than silently widening a role.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.apps import apps as global_apps
from django.contrib.auth.management import create_permissions
from django.db import models, transaction
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    STORE_STAFF = "store_staff", _("Store staff")
    REGION_MANAGER = "region_manager", _("Region manager")
    TECHNICIAN = "technician", _("Service center technician")
    HOTLINE_AGENT = "hotline_agent", _("Hotline agent")
    QA_MANAGER = "qa_manager", _("QA manager")
    LOGISTICS_MANAGER = "logistics_manager", _("Logistics manager")
    PRODUCTION_VP = "production_vp", _("Production vice-president")
    FINANCE = "finance", _("Finance")
    SUPPLIER_USER = "supplier_user", _("Supplier")


# Service-center roles see every store's and every supplier's records.
CENTER_ROLES = frozenset(
    {
        Role.TECHNICIAN,
        Role.HOTLINE_AGENT,
        Role.QA_MANAGER,
        Role.LOGISTICS_MANAGER,
        Role.PRODUCTION_VP,
        Role.FINANCE,
    }
)
STORE_ROLES = frozenset({Role.STORE_STAFF, Role.REGION_MANAGER})
# Roles whose departments run programs against the API (api-contract.md: the warehouse system, finance scripts,
# the service desk's and QA's tools); the menu links the API docs for them only. Store staff and suppliers work in
# the pages (a store's point-of-sale is set up by the center), and the VP only approves.
API_ROLES = frozenset({Role.TECHNICIAN, Role.HOTLINE_AGENT, Role.QA_MANAGER, Role.LOGISTICS_MANAGER, Role.FINANCE})

_CATALOGUE = ["suppliers.view_category", "suppliers.view_style", "suppliers.view_defectcode"]
# A Return with what happened to it (rows are then scoped: a store its own, a supplier the units charged to it).
_RETURNS = ["cases.view_return", "inspection.view_inspectionreport", "repairs.view_repairticket"]
_STORE_SIDE = [
    *_CATALOGUE,
    *_RETURNS,
    "stores.view_region",
    "stores.view_store",
    "suppliers.view_supplier",
    "cases.view_shipment",
    # Batch recalls 整款退货: a store sees those it was notified of and its own notices.
    "recalls.view_recall",
    "recalls.view_recallnotice",
]
_CENTER = [*_STORE_SIDE, "repairs.view_sparepart", "repairs.view_stockmovement"]

# Month-end documents addressed to a party (rows are scoped: a store its own, a supplier its own), and the
# monthly reports (whose figures are cut to the viewer's stores or supplier).
_PARTY_DOCUMENTS = ["writeoffs.view_lossreport", "chargebacks.view_chargebackstatement", "reports.view_reportrun"]
# The write-off list is the center's own paperwork.
_MONTH_END = [*_PARTY_DOCUMENTS, "writeoffs.view_writeofflist"]

ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.STORE_STAFF: [*_STORE_SIDE, *_PARTY_DOCUMENTS],
    Role.REGION_MANAGER: [*_STORE_SIDE, *_PARTY_DOCUMENTS],
    Role.TECHNICIAN: [*_CENTER, *_MONTH_END],
    Role.HOTLINE_AGENT: list(_CENTER),
    Role.QA_MANAGER: [*_CENTER, *_PARTY_DOCUMENTS],
    Role.LOGISTICS_MANAGER: [*_CENTER, *_MONTH_END],
    Role.PRODUCTION_VP: [*_CENTER, *_MONTH_END],
    Role.FINANCE: [*_CENTER, *_MONTH_END],
    Role.SUPPLIER_USER: [*_CATALOGUE, *_RETURNS, "suppliers.view_supplier", "recalls.view_recall", *_PARTY_DOCUMENTS],
}


@dataclass(frozen=True)
class RoleSyncResult:
    groups_created: int
    groups_changed: int


def roles_of(user) -> frozenset[str]:
    """The user's role names, read once per user object (i.e. once per request)."""
    if not getattr(user, "is_authenticated", False):
        return frozenset()
    cached = getattr(user, "_aftersales_roles", None)
    if cached is None:
        cached = frozenset(user.groups.values_list("name", flat=True))
        user._aftersales_roles = cached
    return cached


def role_labels(user) -> list[str]:
    """The user's roles as people read them, in the current language."""
    return [str(Role(role).label) for role in sorted(roles_of(user)) if role in Role.values]


def view_permission(model) -> str:
    """The permission a role needs to see a kind of record at all (rows are then scoped)."""
    return f"{model._meta.app_label}.view_{model._meta.model_name}"


def has_role_permission(user, permission: str) -> bool:
    """Whether the user's roles grant ``permission`` (``"cases.view_return"``), read from the table in code.

    ``sync_roles`` makes the groups' permissions equal to this table, so it
    gives the same answer as ``user.has_perm`` without the two permission
    queries per request (the user's roles are read once and cached).
    """
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return False
    if user.is_superuser:
        return True
    return any(permission in ROLE_PERMISSIONS.get(role, ()) for role in roles_of(user))


def uses_api(user) -> bool:
    """Whether the menu offers the API docs: superusers and the roles in ``API_ROLES``."""
    return bool(getattr(user, "is_superuser", False)) or bool(roles_of(user) & API_ROLES)


def sees_everything(user) -> bool:
    """Superusers and service-center roles are not limited to a store or supplier."""
    return bool(getattr(user, "is_superuser", False)) or bool(roles_of(user) & CENTER_ROLES)


@transaction.atomic
def sync_roles(*, using: str = "default") -> RoleSyncResult:
    """Create the role groups and make their permissions equal to ``ROLE_PERMISSIONS``."""
    from django.contrib.auth.models import Group, Permission

    # Permissions of apps migrated in this same run may not exist yet.
    for app_config in global_apps.get_app_configs():
        create_permissions(app_config, verbosity=0, using=using)

    wanted_codes = {code for codes in ROLE_PERMISSIONS.values() for code in codes}
    permissions = {
        f"{permission.content_type.app_label}.{permission.codename}": permission
        for permission in Permission.objects.using(using).select_related("content_type")
    }
    unknown = sorted(wanted_codes - permissions.keys())
    if unknown:
        raise LookupError(f"ROLE_PERMISSIONS names permissions that do not exist: {', '.join(unknown)}")

    created = changed = 0
    for role, codes in ROLE_PERMISSIONS.items():
        group, was_created = Group.objects.using(using).get_or_create(name=str(role))
        created += was_created
        wanted = {permissions[code].pk for code in codes}
        current = set(group.permissions.values_list("pk", flat=True))
        if wanted != current:
            group.permissions.set(wanted)
            changed += not was_created
    return RoleSyncResult(groups_created=created, groups_changed=changed)
