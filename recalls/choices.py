"""Choices of batch recalls 整款退货: their states, how goods travel, who pays and what became of a unit."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecallState(models.TextChoices):
    """States of a batch recall 整款退货 (domain.md); the names are part of the API."""

    PROPOSED = "proposed", _("Proposed")
    APPROVED = "approved", _("Approved")
    REJECTED = "rejected", _("Rejected")
    NOTICE_ISSUED = "notice_issued", _("Notice issued")
    COLLECTING = "collecting", _("Collecting")
    SHIPPED_TO_SUPPLIER = "shipped_to_supplier", _("Shipped to supplier")
    CLOSED = "closed", _("Closed")


# A recall still under way: its style and defect code are not proposed again as a candidate.
RECALL_OPEN_STATES = (
    RecallState.PROPOSED,
    RecallState.APPROVED,
    RecallState.NOTICE_ISSUED,
    RecallState.COLLECTING,
    RecallState.SHIPPED_TO_SUPPLIER,
)
# Stores log recall Returns only once they have been told, and until the goods leave for the supplier.
RECALL_COLLECTING_STATES = (RecallState.NOTICE_ISSUED, RecallState.COLLECTING)


class RecallReturnMethod(models.TextChoices):
    """How the stores' goods reach the supplier, as agreed with it."""

    WEEKLY_SHIPMENT = "weekly_shipment", _("With the weekly shipment to the service center")
    DEDICATED_SHIPMENT = "dedicated_shipment", _("A dedicated shipment to the service center")
    SUPPLIER_PICKUP = "supplier_pickup", _("Collected by the supplier at the service center")


class RecallCostBearer(models.TextChoices):
    """Who bears the cost of the recall 费用承担."""

    SUPPLIER = "supplier", _("Supplier")
    HQ = "hq", _("Head office")
    SHARED = "shared", _("Shared by supplier and head office")


class RecallNoticeState(models.TextChoices):
    NOTIFIED = "notified", _("Notified")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")


class RecallOutcome(models.TextChoices):
    """What became of a recalled unit at the supplier."""

    PENDING = "", _("Not yet known")
    REPAIRED_BY_FACTORY = "repaired_by_factory", _("Repaired by the factory")
    UNREPAIRABLE = "unrepairable", _("Unrepairable (supplier's cost)")
    OUR_FAULT = "our_fault", _("Our own fault")
