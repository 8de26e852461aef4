from django.db import models
from django.utils.translation import gettext_lazy as _


class StoreKind(models.TextChoices):
    OWN = "own", _("Own store")
    FRANCHISE = "franchise", _("Franchise")
    DEALER = "dealer", _("Dealer")
    REPAIR_POINT = "repair_point", _("Authorized repair point")
