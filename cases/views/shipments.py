"""Shipments 寄送: the list, packing (a store's weekly parcel, the center's parcel back to a store), and one
shipment's page with its transitions (dispatch, the receiving checklist, confirm, cancel).
"""

from __future__ import annotations

from itertools import islice

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import TemplateView

from aftersales.exports import XLSX_CONTENT_TYPE, Column, xlsx_bytes
from aftersales.fsm import TransitionError
from aftersales.money import format_money
from aftersales.roles import Role, roles_of
from aftersales.ui.views import ScopedListView, TransitionViewMixin, transition_actions
from cases import forms as case_forms
from cases import hooks, selectors, services
from cases.carriers import tracking_url
from cases.choices import ReturnState, ShipmentDirection, ShipmentLineOutcome, ShipmentState
from cases.documents import packinglist_response
from cases.filters import ShipmentFilter
from cases.models import Shipment
from cases.views.returns import EXPORT_LIMIT
from stores.models import Store

SHIPMENT_ACTION_LABELS = {
    "dispatch": gettext_lazy("Dispatch"),
    "sign_off": gettext_lazy("Sign off for dispatch"),
    "receive": gettext_lazy("Receive"),
    "confirm_received": gettext_lazy("Confirm received"),
    "cancel": gettext_lazy("Cancel the shipment"),
}


class ShipmentListView(ScopedListView):
    """Shipments 寄送 the user may see, both directions, newest first."""

    selector = staticmethod(selectors.shipment_list)
    filterset_class = ShipmentFilter
    template_name = "cases/shipment_list.html"
    title = gettext_lazy("Shipments")
    export_name = "shipments"
    columns = [
        Column(gettext_lazy("Number"), "number"),
        Column(gettext_lazy("Direction"), "get_direction_display"),
        Column(gettext_lazy("Store"), "store.code"),
        Column(gettext_lazy("State"), "get_state_display"),
        Column(gettext_lazy("Carrier"), "carrier"),
        Column(gettext_lazy("Tracking number"), "tracking_no"),
        Column(gettext_lazy("Dispatched at"), "dispatched_at"),
        Column(gettext_lazy("Extra dispatch fee (CNY)"), "extra_fee", money=True),
        Column(gettext_lazy("Freight cost (CNY)"), "freight_cost", money=True),
    ]

    def get_queryset(self):
        return super().get_queryset().order_by("-id")

    def export_xlsx(self) -> HttpResponse:
        rows = islice(self.get_queryset().iterator(chunk_size=2000), EXPORT_LIMIT)
        content = xlsx_bytes(title=str(self.title), columns=self.columns, rows=rows)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{self.export_name}-{stamp}.xlsx"'
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            may_pack_to_center=selectors.store_staff_stores(user).exists(),
            may_pack_to_store=Role.TECHNICIAN in roles_of(user),
            export_limit=EXPORT_LIMIT,
        )
        return context


class ShipmentCreateView(LoginRequiredMixin, View):
    """Pack a shipment: the store's weekly parcel of logged units, or the center's parcel of ready units to a store."""

    template_name = "cases/shipment_form.html"

    def setup_shipment(self, request):
        user = request.user
        direction = request.GET.get("direction") or (
            ShipmentDirection.TO_STORE if Role.TECHNICIAN in roles_of(user) else ShipmentDirection.TO_CENTER
        )
        if direction not in ShipmentDirection.values:
            raise Http404
        if direction == ShipmentDirection.TO_CENTER:
            stores = list(selectors.store_staff_stores(user))
        elif Role.TECHNICIAN in roles_of(user):
            stores = list(Store.objects.visible_to(user).filter(active=True).order_by("code"))
        else:
            stores = []
        if not stores:
            raise PermissionDenied
        code = request.GET.get("store", "")
        store = next((store for store in stores if store.code == code), None)
        if store is None and code:
            raise Http404
        if store is None and direction == ShipmentDirection.TO_CENTER and len(stores) == 1:
            store = stores[0]
        self.direction, self.stores, self.store = direction, stores, store

    def units(self):
        if self.store is None:
            return []
        return list(selectors.shippable_returns(self.request.user, self.store, self.direction).select_related("style"))

    def render_form(self, form, units, status=200, errors=()):
        stores_with_units = []
        if self.store is None and self.direction == ShipmentDirection.TO_STORE:
            stores_with_units = ready_counts_by_store(self.request.user)
        context = {
            "title": _("Pack a shipment"),
            "direction": self.direction,
            "direction_label": ShipmentDirection(self.direction).label,
            "store": self.store,
            "stores": self.stores,
            "stores_with_units": stores_with_units,
            "units": units,
            "form": form,
            "errors": errors,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        self.setup_shipment(request)
        units = self.units()
        initial = {"returns": [unit.pk for unit in units]}
        return self.render_form(case_forms.ShipmentCreateForm(units=units, initial=initial), units)

    def post(self, request, *args, **kwargs):
        self.setup_shipment(request)
        if self.store is None:
            raise Http404
        units = self.units()
        form = case_forms.ShipmentCreateForm(request.POST, units=units)
        if not form.is_valid():
            return self.render_form(form, units, status=400)
        try:
            shipment = services.shipment_create(
                user=request.user,
                direction=self.direction,
                store=self.store,
                return_ids=form.cleaned_data["returns"],
                carrier=form.cleaned_data["carrier"],
                tracking_no=form.cleaned_data["tracking_no"],
            )
        except TransitionError as error:
            raise PermissionDenied(error.message) from error
        except ValidationError as error:
            return self.render_form(form, units, status=400, errors=error.messages)
        messages.success(
            request,
            _("Shipment %(number)s is packed with %(count)s unit(s). Dispatch it when it leaves.")
            % {"number": shipment.number, "count": len(form.cleaned_data["returns"])},
        )
        return HttpResponseRedirect(reverse("cases:shipment_detail", args=[shipment.pk]))


def ready_counts_by_store(user) -> list[dict]:
    rows = (
        selectors.return_list(user)
        .filter(state=ReturnState.READY_TO_RETURN)
        .values("store__code", "store__name")
        .annotate(count=Count("id"))
        .order_by("store__code")
    )
    return list(rows)


def shipment_panel_context(request, shipment: Shipment, *, name: str = "", form=None, alert=None) -> dict:
    user = request.user
    lines = list(shipment.lines.all())
    fee = services.extra_fee_due(shipment) if shipment.state == ShipmentState.DRAFT else None

    def new_form(action: str):
        kwargs = ShipmentTransitionView.form_kwargs_for(action, shipment, lines=lines, fee=fee)
        initial = {"carrier": shipment.carrier, "tracking_no": shipment.tracking_no} if action == "dispatch" else {}
        return ShipmentTransitionView.forms[action](initial=initial, **kwargs)

    actions = transition_actions(
        shipment,
        user,
        forms=ShipmentTransitionView.forms,
        labels=SHIPMENT_ACTION_LABELS,
        url_name="cases:shipment_transition",
        name=name,
        form=form,
        new_form=new_form,
        open_names={"receive", "dispatch"},
        danger={"cancel"},
    )
    missing = [line for line in lines if line.outcome == ShipmentLineOutcome.MISSING]
    panels = hooks.shipment_panels()
    panel_values: dict = {}
    for panel in panels:
        panel_values.update(panel.context(user=user, shipment=shipment))
    return {
        **panel_values,
        "panels": [panel.template for panel in panels],
        "shipment": shipment,
        "tracking_url": tracking_url(carrier=shipment.carrier, tracking_no=shipment.tracking_no),
        "lines": lines,
        "missing": missing,
        "extra_fee_due": fee,
        "actions": actions,
        "alert": alert,
    }


class ShipmentDetailView(LoginRequiredMixin, TemplateView):
    template_name = "cases/shipment_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        shipment = selectors.shipment_get(self.request.user, kwargs["pk"])
        context.update(shipment_panel_context(self.request, shipment), title=shipment.number)
        return context


class ShipmentPackingListView(LoginRequiredMixin, View):
    """The parcel's packing list 装箱单 as a PDF to print and put in the box (whoever may see the shipment)."""

    def get(self, request, *args, **kwargs):
        return packinglist_response(selectors.shipment_get(request.user, kwargs["pk"]))


class ShipmentTransitionView(TransitionViewMixin, View):
    """Dispatch, receive (checklist), confirm or cancel a shipment from its page."""

    forms = {
        "dispatch": case_forms.DispatchForm,
        "sign_off": case_forms.SignOffForm,
        "receive": case_forms.ReceiveForm,
        "confirm_received": case_forms.ConfirmReceivedForm,
        "cancel": case_forms.ShipmentCancelForm,
    }

    @staticmethod
    def form_kwargs_for(name: str, shipment, *, lines, fee) -> dict:
        if name == "dispatch":
            return {"extra_fee": fee}
        if name == "receive":
            return {"lines": lines}
        return {}

    def get_form_kwargs(self, name: str, obj) -> dict:
        fee = services.extra_fee_due(obj) if name == "dispatch" else None
        return self.form_kwargs_for(name, obj, lines=list(obj.lines.all()), fee=fee)

    def get_object(self):
        return selectors.shipment_get(self.request.user, self.kwargs["pk"])

    def detail_url(self, obj) -> str:
        return reverse("cases:shipment_detail", args=[obj.pk])

    def perform(self, name: str, obj, form) -> str:
        data = form.cleaned_data
        user = self.request.user
        if name == "dispatch":
            row = services.shipment_dispatch(
                user=user,
                shipment=obj,
                carrier=data["carrier"],
                tracking_no=data["tracking_no"],
                freight_cost=data.get("freight_cost"),
            )
            if row.extra_fee is not None:
                return _("Dispatched. An extra dispatch fee of %(fee)s was recorded.") % {
                    "fee": format_money(row.extra_fee)
                }
            return _("Dispatched.")
        if name == "sign_off":
            services.shipment_sign_off(user=user, shipment=obj, note=data["note"])
            return _("Signed off: the store may dispatch the parcel.")
        if name == "receive":
            services.shipment_receive(user=user, shipment=obj, received_ids=data["received"])
            missing = form.unticked_count
            if missing:
                # A warning, not a success: the store is told and the units are chased.
                return "warning", ngettext(
                    "Received; %(count)s unit was missing.", "Received; %(count)s units were missing.", missing
                ) % {"count": missing}
            return _("Received; every unit was in the parcel.")
        if name == "confirm_received":
            services.shipment_confirm_received(user=user, shipment=obj)
            return _("Confirmed: the units are back at the store.")
        services.shipment_cancel(user=user, shipment=obj, reason=data["reason"])
        return _("The shipment was cancelled; its units may go on another one.")

    def render_panel(self, obj, *, status=200, name="", form=None, alert=None, full_page=False):
        context = shipment_panel_context(self.request, obj, name=name, form=form, alert=alert)
        template = "cases/shipment_detail.html" if full_page else "cases/partials/_shipment_panel.html"
        return render(self.request, template, {**context, "title": obj.number}, status=status)
