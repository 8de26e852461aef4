from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChargebacksConfig(AppConfig):
    name = "chargebacks"
    verbose_name = _("Chargeback statements")
