"""Roles 角色 of domain.md as Django groups, and the role → permission table.

The table (``ROLE_PERMISSIONS``, merged from the fragment each app declares
in its ``AppConfig.role_permissions``) is the single source of truth: ``sync_roles`` (run by
``migrate``, ``seed_demo`` and the ``sync_roles`` command) makes every group's
permissions equal to it, so a permission granted by hand in the admin is
reverted on the next deploy rather than silently widening a role.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
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


class _RolePermissions(Mapping):
    """The role → permission table: every installed app's ``role_permissions`` fragment, merged on first use.

    Each app says what its roles may see of its own records (its ``AppConfig``),
    so the table is read after the apps are loaded, never at import.
    """

    def _table(self) -> dict[str, list[str]]:
        from aftersales.registry import role_permissions

        return role_permissions()

    def __getitem__(self, role: str) -> list[str]:
        return self._table()[role]

    def __iter__(self) -> Iterator[str]:
        return iter(self._table())

    def __len__(self) -> int:
        return len(self._table())

    def __repr__(self) -> str:
        return repr(self._table())


ROLE_PERMISSIONS: Mapping[str, list[str]] = _RolePermissions()


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
