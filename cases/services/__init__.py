"""Writes of Returns 退货 and shipments 寄送 (a package: the module passed the house's ~800 lines).

``returns``: logging at the counter, resolution at the store, cancelling, finding, the supplier's return, the
store's batch alarm. ``attachments``: photos and PDFs. ``shipments``: the weekly parcel both ways. Callers import
from here.
"""

from cases.services.attachments import (
    RETURN_ATTACH,
    attachment_add,
    attachment_write,
    attachments_add,
    may_attach,
)
from cases.services.returns import (
    RETURN_BATCH_ALARM,
    ReceiptAlreadyLogged,
    ReturnUnit,
    SameReceiptToday,
    acceptance_refusal,
    out_of_warranty,
    paid_repair_offer,
    policy_problem,
    receipt_submission_returns,
    return_cancel,
    return_found,
    return_log,
    return_log_refusal,
    return_raise_batch_alarm,
    return_receive_from_supplier,
    return_resolve_at_store,
    returns_of_receipt_today,
    store_proxy,
)
from cases.services.shipments import (
    dispatches_this_week,
    extra_fee_due,
    freight_cost_clean,
    shipment_cancel,
    shipment_confirm_received,
    shipment_create,
    shipment_create_refusal,
    shipment_dispatch,
    shipment_receive,
    shipment_sign_off,
)

__all__ = [
    "RETURN_ATTACH",
    "RETURN_BATCH_ALARM",
    "ReceiptAlreadyLogged",
    "ReturnUnit",
    "SameReceiptToday",
    "acceptance_refusal",
    "attachment_add",
    "attachment_write",
    "attachments_add",
    "dispatches_this_week",
    "extra_fee_due",
    "freight_cost_clean",
    "may_attach",
    "out_of_warranty",
    "paid_repair_offer",
    "policy_problem",
    "receipt_submission_returns",
    "return_cancel",
    "return_found",
    "return_log",
    "return_log_refusal",
    "return_raise_batch_alarm",
    "return_receive_from_supplier",
    "return_resolve_at_store",
    "returns_of_receipt_today",
    "shipment_cancel",
    "shipment_confirm_received",
    "shipment_create",
    "shipment_create_refusal",
    "shipment_dispatch",
    "shipment_receive",
    "shipment_sign_off",
    "store_proxy",
]
