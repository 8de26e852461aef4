from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DemoConfig(AppConfig):
    """The demo brand: ``seed_demo`` (master data, logins, a few months of history) and ``seed_scale``.

    The top layer: it writes through every app's real services, and nothing imports it.
    """

    name = "demo"
    verbose_name = _("Demo data")
