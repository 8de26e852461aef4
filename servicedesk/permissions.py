"""Who may do what on a service case 服务单 and see a customer's contact data, as predicates of (object, user).

The hotline 服务热线 owns the desk: it logs, answers, resolves, calls back and
cancels every case. Store staff open ``in_store`` cases for their own store and
work those cases (a region manager reads but never acts); the callback 回访 is the
hotline's. Full phones are shown to the hotline and to the store that logged the
case, nobody else.
"""

from __future__ import annotations

from aftersales.roles import Role, roles_of
from stores.access import scope_for


def has_role(user, role: str) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and role in roles_of(user)


def is_hotline(instance, user) -> bool:
    """服务热线: hotline and online service agents."""
    return has_role(user, Role.HOTLINE_AGENT)


def is_logging_store_staff(instance, user) -> bool:
    """Store staff of the store that logged the case at its counter."""
    store_id = getattr(instance, "logging_store_id", None)
    return bool(store_id) and has_role(user, Role.STORE_STAFF) and store_id in scope_for(user).staff_store_ids


def may_handle(instance, user) -> bool:
    """Respond, resolve, cancel and promise: the hotline, or the staff of the store that logged the case."""
    return is_hotline(instance, user) or is_logging_store_staff(instance, user)


def may_follow_up(instance, user) -> bool:
    """The callback 回访 is made by the hotline, not by the store that handled the case."""
    return is_hotline(instance, user)


def sees_full_phone(instance, user) -> bool:
    """The hotline and the logging store see a case's full phone; everyone else a masked one (138****1234)."""
    return is_hotline(instance, user) or is_logging_store_staff(instance, user)


def may_open_case(user, *, channel: str, store_id: int | None) -> bool:
    """The hotline opens any case; store staff open ``in_store`` cases for their own store."""
    from servicedesk.choices import Channel

    if has_role(user, Role.HOTLINE_AGENT):
        return True
    return (
        has_role(user, Role.STORE_STAFF)
        and channel == Channel.IN_STORE
        and store_id is not None
        and store_id in scope_for(user).staff_store_ids
    )


def may_approve_compensation(instance, user) -> bool:
    """A compensation 补偿 above the threshold is approved or rejected by QA (qa_manager), nobody else."""
    return has_role(user, Role.QA_MANAGER)


def may_give_compensation(instance, user) -> bool:
    """Whoever handles the compensation's case hands it over (the hotline, or the store that logged the case)."""
    case = getattr(instance, "service_case", None)
    return case is not None and may_handle(case, user)


def may_dispatch(instance, user) -> bool:
    """On-site service 现场服务 is dispatched (and called off) by the hotline, or by QA for a quality problem."""
    return has_role(user, Role.HOTLINE_AGENT) or has_role(user, Role.QA_MANAGER)


def is_visit_technician(instance, user) -> bool:
    """Arrival, findings and the customer's signature are recorded by the technicians sent on the visit."""
    return has_role(user, Role.TECHNICIAN) and any(row.user_id == user.pk for row in instance.crew.all())
