"""Browser pages of the return workflow 退货流程: store staff log and ship, technicians receive, inspect and ship back,
region managers read. Reads go through ``cases.selectors`` (so out of scope is 404), writes through the services.

``returns`` (the list and one Return's page), ``receipts`` (logging a receipt), ``queues`` (the service center's
work lists) and ``shipments``; the pages ``cases.urls`` and other apps use are named here.
"""

from cases.views.queues import (
    AtSupplierQueueView,
    EscalationListView,
    InboundOpenView,
    InboundView,
    MissingQueueView,
    ReadyQueueView,
    ReturnQueueView,
)
from cases.views.receipts import PolicyHintView, ReturnCreateView, StyleValuesView
from cases.views.returns import (
    ReturnAttachmentAddView,
    ReturnBatchAlarmView,
    ReturnDetailView,
    ReturnListView,
    ReturnTransitionView,
)
from cases.views.shipments import (
    ShipmentCreateView,
    ShipmentDetailView,
    ShipmentListView,
    ShipmentPackingListView,
    ShipmentTransitionView,
)
from cases.views.signoff import SignOffQueueView

__all__ = [
    "AtSupplierQueueView",
    "EscalationListView",
    "InboundOpenView",
    "InboundView",
    "MissingQueueView",
    "PolicyHintView",
    "ReadyQueueView",
    "ReturnAttachmentAddView",
    "ReturnBatchAlarmView",
    "ReturnCreateView",
    "ReturnDetailView",
    "ReturnListView",
    "ReturnQueueView",
    "ReturnTransitionView",
    "ShipmentCreateView",
    "ShipmentDetailView",
    "ShipmentListView",
    "ShipmentPackingListView",
    "ShipmentTransitionView",
    "SignOffQueueView",
    "StyleValuesView",
]
