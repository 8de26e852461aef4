"""States of the chargeback statement 扣款单 and the kinds of its lines."""

from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class StatementState(models.TextChoices):
    """扣款单 (domain.md): issued freezes the documents; the party acknowledges or disputes; finance settles."""

    DRAFT = "draft", _("Draft")
    ISSUED = "issued", _("Issued")
    ACKNOWLEDGED = "acknowledged", _("Acknowledged")
    DISPUTED = "disputed", _("Disputed")
    SETTLED = "settled", _("Settled")


class DocumentsStatus(models.TextChoices):
    """Where an issued statement's PDF and XLSX are: made by a task after issue (``chargebacks.tasks``).

    Blank on a draft (no documents yet). The values are a report run's (``reports.choices.ReportRunStatus``).
    """

    QUEUED = "queued", _("Queued")
    RUNNING = "running", _("Running")
    DONE = "done", _("Done")
    # "Failed" alone reads as a failed quality check (不合格) in Chinese: a render fails (失败).
    FAILED = "failed", pgettext_lazy("report run", "Failed")


class ChargebackLineKind(models.TextChoices):
    SCRAP = "scrap", _("Scrapped unit")
    REPAIR = "repair", _("Repair cost")
    EXTRA_SHIPMENT = "extra_shipment", _("Extra shipment fee")
    RECALL = "recall", _("Recall cost")
    # Money the service desk paid on a case whose linked Return was judged the supplier's fault (issue 15).
    DESK_REFUND = "desk_refund", _("Refund at the service desk")
    DESK_COMPENSATION = "desk_compensation", _("Compensation at the service desk")
