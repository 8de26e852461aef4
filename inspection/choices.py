from django.db import models
from django.utils.translation import gettext_lazy as _


class Responsibility(models.TextChoices):
    """责任方: who bears the cost of a defect. "Cannot tell supplier or store" is ``hq``."""

    SUPPLIER = "supplier", _("Supplier")
    STORE = "store", _("Store")
    CUSTOMER = "customer", _("Customer")
    HQ = "hq", _("Head office")


class Verdict(models.TextChoices):
    """鉴定结论: what inspection decided, and so where the Return goes next."""

    REPAIRABLE = "repairable", _("Repairable")
    SUPPLIER_REWORK = "supplier_rework", _("Supplier rework")
    UNREPAIRABLE = "unrepairable", _("Unrepairable")
    NO_DEFECT = "no_defect", _("No defect")
