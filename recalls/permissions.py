"""Who may fire which recall transition (domain.md's "who may fire it" column), as predicates of (object, user).

The predicates are the return workflow's own: QA approves, technicians ship, a store's staff acknowledge.
"""

from cases.permissions import is_qa_manager, is_store_staff_of, is_technician, nobody

__all__ = ["is_qa_manager", "is_store_staff_of", "is_technician", "nobody"]
