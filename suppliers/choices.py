from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


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


class InspectionSeverity(models.TextChoices):
    """A supplier's incoming-inspection severity under GB/T 2828.1's switching rules (clause 9), or discontinued."""

    NORMAL = "normal", pgettext_lazy("inspection severity", "Normal")
    TIGHTENED = "tightened", pgettext_lazy("inspection severity", "Tightened")
    REDUCED = "reduced", pgettext_lazy("inspection severity", "Reduced")
    DISCONTINUED = "discontinued", pgettext_lazy("inspection severity", "Discontinued")


# GB/T 2828.1's preferred AQLs (inspection.aql.AQLS, which a test keeps equal): a category's incoming-inspection AQLs.
PREFERRED_AQLS = (
    "0.010", "0.015", "0.025", "0.040", "0.065", "0.10", "0.15", "0.25", "0.40", "0.65", "1.0", "1.5", "2.5",
    "4.0", "6.5", "10", "15", "25", "40", "65", "100", "150", "250", "400", "650", "1000",
)  # fmt: skip
AQL_CHOICES = [(value, value) for value in PREFERRED_AQLS]
