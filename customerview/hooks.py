"""What the customer's view adds to a Return, registered with ``cases.hooks`` in ``CustomerViewConfig.ready``:
the print card of its page (receipt, hang tags, status link), ``status_url`` in its API representation and the
``receipt/`` action."""

from __future__ import annotations

from cases.api.views import register_return_action
from cases.hooks import ReturnApiField, ReturnPanel, register_return_api_field, register_return_panel
from customerview.api import views as api_views
from customerview.api.serializers import StatusUrlField
from customerview.views import return_print_context

PRINT_PANEL = ReturnPanel(template="customerview/partials/_return_print.html", context=return_print_context, order=5)
STATUS_URL_FIELD = ReturnApiField(name="status_url", field_class=StatusUrlField)


def register() -> None:
    register_return_panel(PRINT_PANEL)
    register_return_api_field(STATUS_URL_FIELD)
    register_return_action(api_views.receipt)
