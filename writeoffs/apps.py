from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WriteoffsConfig(AppConfig):
    name = "writeoffs"
    verbose_name = _("Write-off lists and loss reports")
