"""What the customer's view adds to a Return, registered with ``cases.hooks`` in ``CustomerViewConfig.ready``:
the print card of its page (receipt, hang tags, status link), ``status_url`` in its API representation and the
``receipt/`` action; and to a service case (``servicedesk.hooks``): the status card of its page and ``status_url``
in its API detail."""

from __future__ import annotations

from cases.api.views import register_return_action
from cases.hooks import ReturnApiField, ReturnPanel, register_return_api_field, register_return_panel
from customerview.api import views as api_views
from customerview.api.serializers import StatusUrlField
from customerview.case_status import case_api_status_url, case_status_panel_context
from customerview.views import return_print_context
from servicedesk.hooks import CasePanel, register_case_panel, register_case_status_url

PRINT_PANEL = ReturnPanel(template="customerview/partials/_return_print.html", context=return_print_context, order=5)
CASE_STATUS_PANEL = CasePanel(template="customerview/partials/_case_status.html", context=case_status_panel_context)
STATUS_URL_FIELD = ReturnApiField(name="status_url", field_class=StatusUrlField)


def register() -> None:
    register_return_panel(PRINT_PANEL)
    register_return_api_field(STATUS_URL_FIELD)
    register_return_action(api_views.receipt)
    # A service case's status page: the card on the case's page and status_url in its API detail.
    register_case_panel(CASE_STATUS_PANEL)
    register_case_status_url(case_api_status_url)
