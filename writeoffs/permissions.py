"""Who may fire the write-off list's and the loss report's transitions, as predicates of (object, user).

Segregation of duties 三人分离: a write-off list is submitted, confirmed and
approved by three different people, so the confirmer may not be the submitter
and the approver may be neither. A party (a supplier or a store) signs only its
own documents (loss reports here, chargeback statements too: ``is_party``); HQ's
documents are signed by finance on HQ's behalf.
"""

from __future__ import annotations

from aftersales.roles import Role, roles_of
from stores.access import scope_for


def has_role(user, role: str) -> bool:
    return bool(getattr(user, "is_authenticated", False)) and role in roles_of(user)


def is_technician(instance, user) -> bool:
    """Service-center staff 售后服务部 build and submit the list and record its destruction."""
    return has_role(user, Role.TECHNICIAN)


def may_confirm_writeoff(instance, user) -> bool:
    """物流部经理确认: a logistics manager other than the submitter."""
    return has_role(user, Role.LOGISTICS_MANAGER) and user.pk != instance.submitted_by_id


def may_approve_writeoff(instance, user) -> bool:
    """生产副总审批: a production VP who neither submitted nor confirmed the list."""
    return has_role(user, Role.PRODUCTION_VP) and user.pk not in (instance.submitted_by_id, instance.confirmed_by_id)


def may_reject_writeoff(instance, user) -> bool:
    """Whoever holds the approval step the list waits for may send it back to draft."""
    from writeoffs.choices import WriteOffListState

    if instance.state == WriteOffListState.SUBMITTED:
        return may_confirm_writeoff(instance, user)
    if instance.state == WriteOffListState.CONFIRMED:
        return may_approve_writeoff(instance, user)
    return False


def is_party(instance, user) -> bool:
    """The party a document is addressed to: its supplier's users, its store's staff, or finance for HQ."""
    from writeoffs.choices import PartyType

    if not getattr(user, "is_authenticated", False):
        return False
    if instance.party_type == PartyType.SUPPLIER:
        return Role.SUPPLIER_USER in roles_of(user) and instance.supplier_id in scope_for(user).supplier_ids
    if instance.party_type == PartyType.STORE:
        return Role.STORE_STAFF in roles_of(user) and instance.store_id in scope_for(user).staff_store_ids
    return has_role(user, Role.FINANCE)
