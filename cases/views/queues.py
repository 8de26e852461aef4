"""The service center's work lists 工作队列: units waiting in a state, the earliest due first, and inbound parcels."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View

from aftersales.roles import sees_everything
from aftersales.ui.views import ScopedListView
from cases import escalation, selectors
from cases.choices import ReturnState, ShipmentDirection
from cases.filters import ReturnFilter, ShipmentFilter
from cases.views.returns import ReturnListView


def require_center(user) -> None:
    """Service-center queues are for the service center's roles."""
    if not sees_everything(user):
        raise PermissionDenied


class CenterOnlyMixin:
    """Service-center work lists: 403 for store, region and supplier logins; no export (they are work lists)."""

    def get(self, request, *args, **kwargs):
        require_center(request.user)
        if request.GET.get("export") == "xlsx":
            raise Http404
        return super().get(request, *args, **kwargs)


class ReturnQueueView(CenterOnlyMixin, ScopedListView):
    """A service-center queue 工作队列: open units in some states, the earliest due first."""

    filterset_class = ReturnFilter
    template_name = "cases/return_queue.html"
    states: tuple[str, ...] = ()
    queue_url_name = ""
    empty_message = gettext_lazy("Nothing waits here.")
    hint = ""
    columns = ReturnListView.columns

    def selector(self, user):
        return selectors.return_queue(user, self.states)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(empty_message=self.empty_message, hint=self.hint, queue_url_name=self.queue_url_name)
        return context


class AtSupplierQueueView(ReturnQueueView):
    title = gettext_lazy("At the supplier")
    states = (ReturnState.AT_SUPPLIER,)
    queue_url_name = "cases:supplier_queue"
    empty_message = gettext_lazy("No unit is being reworked by a supplier.")
    hint = gettext_lazy("Units sent for supplier rework. Open one to record that it came back.")

    def selector(self, user):
        # A batch recall's units follow their recall: their outcome is recorded on the recall's page.
        return super().selector(user).filter(recall__isnull=True)


class MissingQueueView(ReturnQueueView):
    title = gettext_lazy("Missing units")
    states = (ReturnState.MISSING,)
    queue_url_name = "cases:missing_queue"
    empty_message = gettext_lazy("No unit is missing.")
    hint = gettext_lazy("Units a store's parcel arrived without. Open one to mark it found when it turns up.")


class ReadyQueueView(ReturnQueueView):
    """Units ready to go back 待寄回, grouped by region, then store, each store with a "ship back" button."""

    title = gettext_lazy("Ready to return")
    states = (ReturnState.READY_TO_RETURN,)
    queue_url_name = "cases:ready_queue"
    template_name = "cases/ready_queue.html"
    empty_message = gettext_lazy("No unit is ready to go back to a store.")
    hint = gettext_lazy("Units ready to go back, by region and store. Ship a store's units back in one parcel.")

    def selector(self, user):
        return (
            super()
            .selector(user)
            .select_related("store__region")
            .order_by("store__region__code", "store__code", "due_at", "id")
        )


class InboundView(CenterOnlyMixin, ScopedListView):
    """Stores' parcels on the way to the center 待签收, the oldest first."""

    filterset_class = ShipmentFilter
    template_name = "cases/inbound.html"
    title = gettext_lazy("Inbound parcels")
    columns = []

    def selector(self, user):
        return selectors.inbound_shipments(user).annotate(unit_count=Count("lines"))


class InboundOpenView(LoginRequiredMixin, View):
    """Open a store's parcel from the code on its packing list 装箱单 (a scanner types the shipment number + Enter).

    The inbound page's scan box submits here; a known parcel opens on its page (where it is received), an
    unknown code goes back to the inbound page with a message naming it. Service-center roles only.
    """

    def get(self, request, *args, **kwargs):
        require_center(request.user)
        code = "".join(request.GET.get("code", "").split()).upper()[:40]
        shipment = None
        if code and "\x00" not in code:
            shipment = (
                selectors.shipment_list(request.user).filter(direction=ShipmentDirection.TO_CENTER, number=code).first()
            )
        if shipment is None:
            if code:
                messages.error(request, _("No store parcel has the number %(code)s.") % {"code": code})
            else:
                messages.error(request, _("Scan or type the shipment number on the packing list."))
            return HttpResponseRedirect(reverse("cases:inbound"))
        return HttpResponseRedirect(reverse("cases:shipment_detail", args=[shipment.pk]))


class EscalationListView(ScopedListView):
    """Overdue units escalated to this user 升级给我的 (a region manager's region, the center head's): still open,
    the longest overdue first (``cases.escalation``)."""

    filterset_class = ReturnFilter
    template_name = "cases/return_queue.html"
    title = gettext_lazy("Escalated to you")
    columns = ReturnListView.columns

    def get(self, request, *args, **kwargs):
        if not escalation.reaches(request.user):
            raise PermissionDenied
        if request.GET.get("export") == "xlsx":
            raise Http404
        return super().get(request, *args, **kwargs)

    def selector(self, user):
        return escalation.escalated_returns(user)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            empty_message=_("No overdue unit has been escalated to you."),
            hint=_(
                "Units still open %(region)s or more days past their due date reach the region manager, "
                "%(center)s or more days the service center's head. Open one to see where it is."
            )
            % {
                "region": escalation.days_overdue_for(escalation.REGION),
                "center": escalation.days_overdue_for(escalation.CENTER),
            },
            queue_url_name="cases:escalation_list",
        )
        return context
