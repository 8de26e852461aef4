"""The service desk's pages, one module per part of the desk.

``cases`` holds the desk itself; visits, money and quality forms get modules of their own. Every name is
importable from here."""

from servicedesk.views.cases import (
    ACTION_LABELS,
    EVENT_LABELS,
    KIND_LABELS,
    QUEUE_VIEWS,
    SEVERITY_LABELS,
    STATE_LABELS,
    CustomerDetailView,
    CustomerEraseView,
    FollowUpListView,
    IntakeView,
    ServiceCaseDetailView,
    ServiceCaseListView,
    ServiceCaseTransitionView,
    case_panel_context,
    queue_table,
)

__all__ = [
    "ACTION_LABELS",
    "CustomerDetailView",
    "CustomerEraseView",
    "EVENT_LABELS",
    "FollowUpListView",
    "IntakeView",
    "KIND_LABELS",
    "QUEUE_VIEWS",
    "SEVERITY_LABELS",
    "STATE_LABELS",
    "ServiceCaseDetailView",
    "ServiceCaseListView",
    "ServiceCaseTransitionView",
    "case_panel_context",
    "queue_table",
]
