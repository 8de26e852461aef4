"""Who may fire an incoming lot's transitions and take the switching decisions, as predicates of (object, user)."""

from __future__ import annotations

from aftersales.roles import Role, roles_of
from aftersales.scoping import scope_for


def has_role(user, role: str) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and role in roles_of(user)


def is_logistics(instance, user) -> bool:
    """物流部: registers lots and releases accepted ones 准予出货."""
    return has_role(user, Role.LOGISTICS_MANAGER)


def is_technician(instance, user) -> bool:
    """售后服务部 inspects the sample 抽检."""
    return has_role(user, Role.TECHNICIAN)


def is_qa(instance, user) -> bool:
    """QA管理部 reviews rejected lots and takes the switching decisions."""
    return has_role(user, Role.QA_MANAGER)


def is_production_vp(instance, user) -> bool:
    """生产副总 approves a concession 让步接收."""
    return has_role(user, Role.PRODUCTION_VP)


def may_read_daily_report(user) -> bool:
    """The daily inspection report 抽检日报: the technicians who inspect, QA who review, logistics who release."""
    if getattr(user, "is_superuser", False) and user.is_active:
        return True
    return bool(roles_of(user) & {Role.TECHNICIAN, Role.QA_MANAGER, Role.LOGISTICS_MANAGER})


def is_supplier_of_rework(report, user) -> bool:
    """供应商: a user of the supplier whose style the reworked unit is answers the rework request."""
    if not has_role(user, Role.SUPPLIER_USER):
        return False
    return report.return_item.style.supplier_id in scope_for(user).supplier_ids
