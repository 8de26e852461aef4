"""Who may fire the chargeback statement's transitions, as predicates of (object, user).

Finance 财务部 issues and settles; the party the statement is addressed to acknowledges or disputes it
(``writeoffs.permissions.is_party``, as for its loss reports).
"""

from __future__ import annotations

from aftersales.roles import Role
from writeoffs.permissions import has_role, is_party

__all__ = ["is_finance", "is_party"]


def is_finance(instance, user) -> bool:
    """财务部 issues and settles statements."""
    return has_role(user, Role.FINANCE)
