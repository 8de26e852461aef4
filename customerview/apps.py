from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CustomerViewConfig(AppConfig):
    """The customer's view 顾客视图: the service receipt 受理回执, hang tags 挂牌 and the public status page.

    It sits above every app whose progress it shows (style.md, Layout) and owns no table: the status link is
    signed, not stored (``customerview.links``). Reading a Return's fields and state is all it does.
    """

    name = "customerview"
    verbose_name = _("Customer's view")

    def ready(self):
        # The print card, status_url and receipt/ of a Return, registered with cases.hooks. Imported here: the
        # hooks reach models, which exist only once every app is loaded.
        from customerview.hooks import register

        register()
