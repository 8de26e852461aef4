"""States of the write-off list 报废清单 and the loss report 报损单, and the parties month-end documents go to."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class WriteOffListState(models.TextChoices):
    """报废清单 (domain.md): a technician submits, logistics confirms, the production VP approves."""

    DRAFT = "draft", _("Draft")
    SUBMITTED = "submitted", _("Submitted")
    CONFIRMED = "confirmed", _("Confirmed")
    APPROVED = "approved", _("Approved")
    DESTROYED = "destroyed", _("Destroyed")


class PartyType(models.TextChoices):
    """Who is charged 责任方: a supplier, a store, or HQ 总公司 when nobody else can be held to it."""

    SUPPLIER = "supplier", _("Supplier")
    STORE = "store", _("Store")
    HQ = "hq", _("HQ")


class LossReportState(models.TextChoices):
    """报损单: issued when the write-off list is approved, then signed or disputed (with a reason) by the party."""

    ISSUED = "issued", _("Awaiting signature")
    ACKNOWLEDGED = "acknowledged", _("Signed")
    DISPUTED = "disputed", _("Disputed")
