"""Pages of inspection 鉴定: the inspection queue, and on a Return's page the inspect action and the report's card.

The Return's page belongs to ``cases``; what inspection adds to it is
registered there (``inspection.hooks``), so ``cases`` imports nothing of this app.
"""

from __future__ import annotations

from django.conf import settings
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from cases.choices import ReturnState
from cases.models import Return
from cases.views import ReturnQueueView
from inspection.models import InspectionReport
from inspection.services import return_inspect
from stores.selectors import store_held


class InspectionQueueView(ReturnQueueView):
    """Received units waiting for inspection 待鉴定, the earliest due first (the service center's work list)."""

    title = gettext_lazy("To inspect")
    states = (ReturnState.RECEIVED,)
    queue_url_name = "inspection:inspection_queue"
    empty_message = gettext_lazy("No unit waits for inspection.")
    hint = gettext_lazy("Received units, the earliest due first. Open one to inspect it.")

    def selector(self, user):
        # A batch recall's units are not inspected one by one: they go to the supplier with their recall.
        return super().selector(user).filter(recall__isnull=True)


def inspect_initial(return_item: Return) -> dict:
    """The inspect form starts with the defect code the store reported (the technician may change it)."""
    if return_item.reported_defect_id:
        return {"defect_codes": [return_item.reported_defect_id]}
    return {}


def inspect_perform(*, user, return_item: Return, data: dict) -> str:
    """The inspect form's answer: the service writes the report, moves the Return and attaches the photos."""
    report = return_inspect(
        user=user,
        return_item=return_item,
        verdict=data["verdict"],
        responsibility=data["responsibility"],
        defect_codes=list(data["defect_codes"]),
        notes=data["notes"],
        supplier_agreement=data["supplier_agreement"],
        supplier_promised_date=data["supplier_promised_date"],
        photos=data["photos"],
    )
    return _("Inspected: %(verdict)s.") % {"verdict": report.get_verdict_display()}


def return_inspection_context(*, user, return_item: Return) -> dict:
    """The Return page's inspection card reads ``inspection``: the report, or None before inspection."""
    try:
        inspection = return_item.inspection
    except InspectionReport.DoesNotExist:
        inspection = None
    context = {"inspection": inspection}
    if inspection is None and return_item.state == ReturnState.RECEIVED:
        # Beside the care-damage hint of the inspect form: how long the store had the goods (its deliveries).
        context["store_held"] = store_held(
            store_id=return_item.store_id, style_id=return_item.style_id, until=return_item.purchase_date
        )
        context["store_held_limit"] = settings.AFTERSALES_STORE_RESPONSIBILITY_DAYS
    return context
