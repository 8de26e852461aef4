from django.db import models
from django.utils.translation import gettext_lazy as _


class Season(models.TextChoices):
    SPRING = "spring", _("Spring")
    SUMMER = "summer", _("Summer")
    AUTUMN = "autumn", _("Autumn")
    WINTER = "winter", _("Winter")
    ALL_YEAR = "all_year", _("All year")


class Responsibility(models.TextChoices):
    """责任方: who bears the cost of a defect. "Cannot tell supplier or store" is ``hq``."""

    SUPPLIER = "supplier", _("Supplier")
    STORE = "store", _("Store")
    CUSTOMER = "customer", _("Customer")
    HQ = "hq", _("Head office")
