from django.db import models
from django.utils.translation import gettext_lazy as _


class ReturnState(models.TextChoices):
    """States of a Return (domain.md); the names are part of the API."""

    LOGGED = "logged", _("Logged")
    RESOLVED_AT_STORE = "resolved_at_store", _("Resolved at store")
    # Sent back from the center to its store or an authorized repair point 特约维修点 for a local repair (seed 000,
    # 三 2.2: 对一些简单工艺要求前台找维修点维修); that store resolves it (``resolve_at_store``).
    REFERRED = "referred", _("Referred to a repair point")
    CANCELLED = "cancelled", _("Cancelled")
    IN_TRANSIT = "in_transit", _("In transit")
    RECEIVED = "received", _("Received")
    MISSING = "missing", _("Missing")
    REPAIRING = "repairing", _("Repairing")
    AT_SUPPLIER = "at_supplier", _("At supplier")
    READY_TO_RETURN = "ready_to_return", _("Ready to return")
    SCRAP_PENDING = "scrap_pending", _("Scrap pending")
    RETURNING = "returning", _("Returning")
    RETURNED = "returned", _("Returned")
    WRITTEN_OFF = "written_off", _("Written off")
    CHARGED_BACK = "charged_back", _("Charged back")


# Units on the repair path: the 15-day clock runs from dispatch until the store has them back.
TURNAROUND_OPEN_STATES = (
    ReturnState.IN_TRANSIT,
    ReturnState.RECEIVED,
    ReturnState.MISSING,
    ReturnState.REPAIRING,
    ReturnState.AT_SUPPLIER,
    ReturnState.READY_TO_RETURN,
    ReturnState.RETURNING,
)
SCRAP_PATH_STATES = (ReturnState.SCRAP_PENDING, ReturnState.WRITTEN_OFF, ReturnState.CHARGED_BACK)


class OnsiteHandling(models.TextChoices):
    """现场处理: what the store did for the customer at the counter."""

    REFUND = "refund", _("Refund")
    EXCHANGE = "exchange", _("Exchange")
    LOCAL_REPAIR = "local_repair", _("Local repair")
    # Goods taken off the shelf for a batch recall 整款退货: no customer, no counter handling.
    RECALL = "recall", _("Recalled from stock")


class ReasonKind(models.TextChoices):
    """Why the customer brought the unit back: a quality problem, or a change of mind 无理由退换 (no defect)."""

    QUALITY = "quality", _("Quality problem")
    CHANGE_OF_MIND = "change_of_mind", _("Change of mind")


# What a store can do for a customer at the counter (a recall's goods are logged by the recall's own form).
COUNTER_HANDLING_CHOICES = [(value, label) for value, label in OnsiteHandling.choices if value != OnsiteHandling.RECALL]


class ShipmentDirection(models.TextChoices):
    TO_CENTER = "to_center", _("Store → service center")
    TO_STORE = "to_store", _("Service center → store")


class ShipmentState(models.TextChoices):
    DRAFT = "draft", _("Packing")
    IN_TRANSIT = "in_transit", _("In transit")
    RECEIVED = "received", _("Received")
    CANCELLED = "cancelled", _("Cancelled")


class ShipmentLineOutcome(models.TextChoices):
    """What receiving found for one unit of a store → center shipment."""

    PENDING = "pending", _("Not yet received")
    RECEIVED = "received", _("Received")
    MISSING = "missing", _("Missing")
    FOUND = "found", _("Found later")


class AttachmentKind(models.TextChoices):
    LOGGING = "logging", _("Photo at logging")
    INSPECTION = "inspection", _("Inspection photo")
    REPAIR = "repair", _("Repair photo")


class DueStatus(models.TextChoices):
    """Where an open unit stands against its 15-day turnaround."""

    ON_TRACK = "on_track", _("On track")
    DUE_SOON = "due_soon", _("Due soon")
    OVERDUE = "overdue", _("Overdue")


class Verdict(models.TextChoices):
    """鉴定结论: what inspection decided, and so where the Return goes next."""

    REPAIRABLE = "repairable", _("Repairable")
    SUPPLIER_REWORK = "supplier_rework", _("Supplier rework")
    UNREPAIRABLE = "unrepairable", _("Unrepairable")
    NO_DEFECT = "no_defect", _("No defect")
