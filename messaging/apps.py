from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

from aftersales.registry import MenuItem


class MessagingConfig(AppConfig):
    name = "messaging"
    verbose_name = _("Work chat and subscriptions")

    # Every notification may also go to the WeCom / DingTalk group robots configured in the admin.
    notification_listeners = ["messaging.services.notifications_created"]
    # A monthly report just built is mailed to its subscribers.
    report_done_listeners = ["messaging.subscriptions.report_run_done"]
    menu_items = [
        MenuItem(
            "messaging:subscriptions", "month-end", 60, _("My report subscriptions"),
            permission="reports.view_reportrun",
        ),
    ]  # fmt: skip
