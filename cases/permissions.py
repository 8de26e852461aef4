"""Who may fire which transition (domain.md's "who may fire it" column), as predicates of (object, user).

Each checks the role and, for store roles, that the object belongs to one of
the user's own stores as store staff (a region manager reads but never acts).
"""

from __future__ import annotations

from aftersales.roles import Role, roles_of
from stores.access import scope_for
from stores.models import RegionMembership


def is_store_staff_of(instance, user) -> bool:
    """Store staff 专卖店 of the object's store."""
    if not getattr(user, "is_authenticated", False) or Role.STORE_STAFF not in roles_of(user):
        return False
    return instance.store_id in scope_for(user).staff_store_ids


def is_repair_point_staff_of(instance, user) -> bool:
    """Store staff of the store or repair point 特约维修点 the service center referred the Return to."""
    if not getattr(user, "is_authenticated", False) or Role.STORE_STAFF not in roles_of(user):
        return False
    return instance.repair_point_id is not None and instance.repair_point_id in scope_for(user).staff_store_ids


def speaks_for_customer(instance, user) -> bool:
    """The hotline 服务热线, or store staff of the object's store: they record what the customer answered (a
    paid-repair quote accepted or refused)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Role.HOTLINE_AGENT in roles_of(user) or is_store_staff_of(instance, user)


def is_region_manager_of(instance, user) -> bool:
    """Region manager 区域 of the region the object's store is in (signs off a store's parcel to the center)."""
    if not getattr(user, "is_authenticated", False) or Role.REGION_MANAGER not in roles_of(user):
        return False
    managed = getattr(user, "_managed_region_ids", None)
    if managed is None:
        # Once per user object (so once per request), like the scope: a list asks for every row.
        managed = frozenset(RegionMembership.objects.filter(user=user).values_list("region_id", flat=True))
        user._managed_region_ids = managed
    return instance.store.region_id in managed


def is_technician(instance, user) -> bool:
    """Service-center staff 售后服务部."""
    return getattr(user, "is_authenticated", False) and Role.TECHNICIAN in roles_of(user)


def is_qa_manager(instance, user) -> bool:
    """QA 质量管理部: approves or rejects batch recalls and issues their notices."""
    return getattr(user, "is_authenticated", False) and Role.QA_MANAGER in roles_of(user)


def nobody(instance, user) -> bool:
    """System transitions (``write_off``, ``charge_back``): fired on approval or issue, never by a person."""
    return False


def sees_customer_contact(instance, user) -> bool:
    """The customer's name and phone: the logging store and the hotline only."""
    if not getattr(user, "is_authenticated", False):
        return False
    return Role.HOTLINE_AGENT in roles_of(user) or instance.store_id in scope_for(user).staff_store_ids


def mask_phone(phone: str) -> str:
    """138****1234: the first three and last four digits stay, so staff can still match a caller."""
    if not phone:
        return ""
    if len(phone) <= 7:
        return "*" * len(phone)
    return f"{phone[:3]}{'*' * (len(phone) - 7)}{phone[-4:]}"


def mask_email(email: str) -> str:
    """z***@example.com: the first character of the mailbox and the domain stay, the rest of the mailbox is hidden."""
    if not email:
        return ""
    local, at, domain = email.rpartition("@")
    if not at:
        return "***"
    return f"{local[:1]}***@{domain}"


def mask_name(name: str) -> str:
    """张** : the family name stays."""
    if not name:
        return ""
    return name[0] + "*" * max(len(name) - 1, 1)


def customer_contact_for(instance, user) -> tuple[str, str]:
    """(name, phone) of the Return's customer as this viewer may see them."""
    if sees_customer_contact(instance, user):
        return instance.customer_name, instance.customer_phone
    return mask_name(instance.customer_name), mask_phone(instance.customer_phone)
