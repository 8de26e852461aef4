"""Chargeback statements 扣款单: the monthly build of the drafts, issue (frozen lines and total; the documents
rendered by a task after it), the party's answer, settlement, revision of a disputed statement, and finance's
edits of a draft's lines.

The build gathers the month's charges from one collector per kind (``build.py``), groups them by the party at
fault (each supplier, each store, HQ) and upserts them into that party's draft: a line is matched by its source
(the Return, or the shipment), so building twice changes nothing and keeps the line ids. Statements already
issued are never touched, and what they charge is never charged again. ``workflow.py`` holds what follows the
build, ``documents.py`` the documents' render. Callers import from ``chargebacks.services``.
"""

from chargebacks.services.build import (
    CENT,
    KIND_ORDER,
    MAX_AMOUNT,
    Charge,
    chargeback_build,
    collect_extra_shipments,
    collect_recall_costs,
    collect_repairs,
    collect_scrap,
    money,
    recompute_total,
    source_key,
)
from chargebacks.services.documents import (
    chargeback_documents_failed,
    chargeback_documents_render,
    chargeback_documents_retry,
    document_name,
    documents_enqueue,
    documents_missing,
    may_make_documents,
    may_retry_documents,
)
from chargebacks.services.workflow import (
    chargeback_acknowledge,
    chargeback_dispute,
    chargeback_issue,
    chargeback_revise,
    chargeback_settle,
    chargebackline_adjust,
    chargebackline_remove,
    may_revise,
    party_users,
)

__all__ = [
    "CENT",
    "KIND_ORDER",
    "MAX_AMOUNT",
    "Charge",
    "chargeback_acknowledge",
    "chargeback_build",
    "chargeback_dispute",
    "chargeback_documents_failed",
    "chargeback_documents_render",
    "chargeback_documents_retry",
    "chargeback_issue",
    "chargeback_revise",
    "chargeback_settle",
    "chargebackline_adjust",
    "chargebackline_remove",
    "collect_extra_shipments",
    "collect_recall_costs",
    "collect_repairs",
    "collect_scrap",
    "document_name",
    "documents_enqueue",
    "documents_missing",
    "may_make_documents",
    "may_retry_documents",
    "may_revise",
    "money",
    "party_users",
    "recompute_total",
    "source_key",
]
