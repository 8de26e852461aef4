"""States of the chargeback statement 扣款单 and the kinds of its lines."""

from django.db import models
from django.utils.translation import gettext_lazy as _


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
