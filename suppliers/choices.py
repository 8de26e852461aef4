from django.db import models
from django.utils.translation import gettext_lazy as _


class Season(models.TextChoices):
    SPRING = "spring", _("Spring")
    SUMMER = "summer", _("Summer")
    AUTUMN = "autumn", _("Autumn")
    WINTER = "winter", _("Winter")
    ALL_YEAR = "all_year", _("All year")
