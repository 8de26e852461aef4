"""Writes of batch recalls 整款退货 (a package: the module passed the house's ~800 lines).

``workflow``: opening, QA's decision, the notices, stores' answers and Returns, closing. ``supplier``: the
shipment to the supplier (and late units after it), the outcomes. ``daily``: the scheduled work (candidates told
to QA, deadline reminders). Callers import from here.
"""

from recalls.services.daily import qa_managers, recall_candidates_notify, recall_deadline_reminders
from recalls.services.supplier import (
    RECALL_RECORD_OUTCOME,
    RECALL_SHIP_LATE_UNITS,
    recall_record_outcome,
    recall_ship_late_units,
    recall_ship_to_supplier,
)
from recalls.services.workflow import (
    MAX_RECALL_UNITS_PER_REQUEST,
    NEVER_SHIPPED_STATES,
    RECALL_ATTACH,
    RECALL_REGIONS_PLAN,
    RECALL_RETURNS_LOG,
    RECALLNOTICE_ACKNOWLEDGE,
    RECALLNOTICE_CORRECT_ON_HAND,
    recall_approve,
    recall_attachment_add,
    recall_attachments_add,
    recall_close,
    recall_document_no_uses,
    recall_issue_notice,
    recall_open,
    recall_open_refusal,
    recall_open_units,
    recall_regions_plan,
    recall_reject,
    recall_return_problems,
    recall_returns_log,
    recallnotice_acknowledge,
    recallnotice_acknowledge_refusal,
    recallnotice_correct_on_hand,
    store_staff_of,
)

__all__ = [
    "MAX_RECALL_UNITS_PER_REQUEST",
    "NEVER_SHIPPED_STATES",
    "RECALLNOTICE_ACKNOWLEDGE",
    "RECALLNOTICE_CORRECT_ON_HAND",
    "RECALL_ATTACH",
    "RECALL_RECORD_OUTCOME",
    "RECALL_REGIONS_PLAN",
    "RECALL_RETURNS_LOG",
    "RECALL_SHIP_LATE_UNITS",
    "qa_managers",
    "recall_approve",
    "recall_attachment_add",
    "recall_attachments_add",
    "recall_candidates_notify",
    "recall_close",
    "recall_deadline_reminders",
    "recall_document_no_uses",
    "recall_issue_notice",
    "recall_open",
    "recall_open_refusal",
    "recall_open_units",
    "recall_record_outcome",
    "recall_regions_plan",
    "recall_reject",
    "recall_return_problems",
    "recall_returns_log",
    "recall_ship_late_units",
    "recall_ship_to_supplier",
    "recallnotice_acknowledge",
    "recallnotice_acknowledge_refusal",
    "recallnotice_correct_on_hand",
    "store_staff_of",
]
