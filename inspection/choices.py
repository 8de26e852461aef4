"""Incoming sample inspection 成衣抽检: the lot's states, defect classes, dispositions and switching rules."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LotState(models.TextChoices):
    """大货批次 (domain.md): registered → inspecting → accepted / rejected; accepted → released; rejected → review."""

    REGISTERED = "registered", _("Registered")
    INSPECTING = "inspecting", _("Inspecting")
    ACCEPTED = "accepted", _("Accepted")
    REJECTED = "rejected", _("Rejected")
    REWORK = "rework", _("Being reworked")
    CONCESSION = "concession", _("Concession awaiting approval")
    RETURNED = "returned", _("Returned to supplier")
    RELEASED = "released", _("Released")


class DefectClass(models.TextChoices):
    CRITICAL = "critical", _("Critical")
    MAJOR = "major", _("Major")
    MINOR = "minor", _("Minor")


class Disposition(models.TextChoices):
    """QA's review of a rejected lot, agreed with the supplier by the business department."""

    REWORK = "rework", _("Rework, then inspect again under tightened")
    RETURN_TO_SUPPLIER = "return_to_supplier", _("Return to supplier")
    CONCESSION = "concession", _("Concession 让步接收 (production VP approves)")


class SwitchRule(models.TextChoices):
    """Why a supplier's severity changed (GB/T 2828.1 clause 9, and the two decisions QA takes)."""

    TWO_OF_FIVE = "two_of_five", _("2 of 5 or fewer consecutive lots not accepted (9.3.1)")
    FIVE_ACCEPTED = "five_accepted", _("5 consecutive lots accepted under tightened (9.3.2)")
    SCORE_REACHED = "score_reached", _("Switching score reached 30 and QA agreed (9.3.3)")
    REDUCED_REJECTED = "reduced_rejected", _("A lot not accepted under reduced (9.3.4)")
    DISCONTINUED = "discontinued", _("5 lots not accepted under tightened: inspection discontinued (9.4)")
    RESUMED = "resumed", _("Resumed on tightened by QA after corrective action (9.4)")


class ReworkAnswer(models.TextChoices):
    """The supplier's answer to a ``supplier_rework`` verdict 返修确认: asked → agreed (with its date) or declined."""

    NOT_ASKED = "not_asked", _("Not asked")
    REQUESTED = "requested", _("Awaiting the supplier")
    AGREED = "agreed", _("Agreed by the supplier")
    DECLINED = "declined", _("Declined by the supplier")
