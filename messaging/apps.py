from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = _("Work chat and subscriptions")

    # Every notification may also go to the WeCom / DingTalk group robots configured in the admin.
    notification_listeners = ["messaging.services.notifications_created"]
