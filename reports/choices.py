"""States and kinds of the month-end documents: write-off lists, loss reports, chargebacks and report runs."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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


class StatementState(models.TextChoices):
    """扣款单 (domain.md): issued freezes the documents; the party acknowledges or disputes; finance settles."""

    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    DISPUTED = "disputed", _("Disputed")
    SETTLED = "settled", _("Settled")


class ChargebackLineKind(models.TextChoices):
    SCRAP = "scrap", _("Scrapped unit")
    REPAIR = "repair", _("Repair cost")
    EXTRA_SHIPMENT = "extra_shipment", _("Extra shipment fee")
    RECALL = "recall", _("Recall cost")


class ReportKind(models.TextChoices):
    """The monthly reports people read (domain.md "Reports people read")."""

    SCRAP = "scrap", _("Monthly scrap report")
    SUPPLIER_QUALITY = "supplier_quality", _("Supplier quality report")
    TURNAROUND = "turnaround", _("Turnaround report")


class ReportRunStatus(models.TextChoices):
    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    # "Failed" alone reads as a failed quality check (不合格) in Chinese: a build fails (失败).
    FAILED = "failed", pgettext_lazy("report run", "Failed")
