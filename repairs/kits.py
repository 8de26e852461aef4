"""The kit card 随货备件 of a center → store shipment's page: the spare parts packed into the parcel, a form for a
technician to add a part and its quantity while the parcel is being packed, and a 移除 per row.

The card is registered with ``cases.hooks`` (``repairs.hooks``); writes go through
``repairs.services.shipment_kit_add`` / ``shipment_kit_remove``, which refuse (403 not a technician, 409 not a
parcel to a store being packed, 400 bad input or not enough stock at the center). A refused post shows the
shipment's page again with the message and the input kept; a success goes back to it with a message.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.utils.translation import gettext_lazy as _
from django.views import View

from aftersales.fsm import TransitionError, http_status
from cases.choices import ShipmentDirection
from cases.selectors import shipment_get
from cases.views.shipments import shipment_panel_context
from repairs import services
from repairs.forms import ShipmentKitForm, ShipmentKitRemoveForm, add_service_errors
from repairs.models import SparePart


@dataclass(frozen=True)
class KitLine:
    part: SparePart
    quantity: int


def kit_lines(shipment) -> list[KitLine]:
    """The parcel's kit, part by part (net of parts taken out again), by part number."""
    kit = services.shipment_kit(shipment)
    parts = SparePart.objects.in_bulk(list(kit))
    return sorted((KitLine(parts[pk], quantity) for pk, quantity in kit.items()), key=lambda line: line.part.part_no)


def shipment_kit_context(*, user, shipment, form=None, error: str = "") -> dict:
    """The shipment page's kit card (registered with ``cases.hooks``): shown on parcels to a store only."""
    if shipment.direction != ShipmentDirection.TO_STORE:
        return {"kit_shown": False}
    may_edit = services.shipment_kit_refusal(user=user, shipment=shipment) is None
    return {
        "kit_shown": True,
        "kit_lines": kit_lines(shipment),
        "kit_may_edit": may_edit,
        "kit_form": (form or ShipmentKitForm(user=user)) if may_edit else None,
        "kit_error": error,
    }


class ShipmentKitView(LoginRequiredMixin, View):
    """Add a part to the parcel's kit (the card's form); a part already in it gets the quantity on top."""

    http_method_names = ["post"]
    success_message = _("Parts packed into the parcel.")

    def form(self, request):
        return ShipmentKitForm(request.POST, user=request.user)

    def perform(self, request, shipment, form) -> None:
        services.shipment_kit_add(
            user=request.user, shipment=shipment, parts=[(form.cleaned_data["part"], form.cleaned_data["quantity"])]
        )

    def post(self, request, pk):
        shipment = shipment_get(request.user, pk)
        form = self.form(request)
        error, status = "", 200
        try:
            refused = services.shipment_kit_refusal(user=request.user, shipment=shipment)
            if refused is not None:
                raise refused
            if not form.is_valid():
                status = 400
            else:
                self.perform(request, shipment, form)
        except ValidationError as refusal:
            status = 400
            add_service_errors(form, refusal)
        except TransitionError as refusal:
            status, error = http_status(refusal) or 409, refusal.message
        if status == 200:
            messages.success(request, self.success_message)
            return redirect("cases:shipment_detail", pk=shipment.pk)
        return self.page(request, shipment, form=form, error=error, status=status)

    def page(self, request, shipment, *, form, error: str, status: int) -> TemplateResponse:
        context = shipment_panel_context(request, shipment)
        kit_form = form if isinstance(form, ShipmentKitForm) else None
        if not error and isinstance(form, ShipmentKitRemoveForm):
            # The row's hidden form has nowhere to show its errors: they go above the kit.
            error = " ".join(message for messages_ in form.errors.values() for message in messages_)
        context.update(shipment_kit_context(user=request.user, shipment=shipment, form=kit_form, error=error))
        context["title"] = shipment.number
        return TemplateResponse(request, "cases/shipment_detail.html", context, status=status)


class ShipmentKitRemoveView(ShipmentKitView):
    """The kit row's 移除: all units of that part back into the center's stock."""

    success_message = _("The part was taken out of the parcel and put back into the center's stock.")

    def form(self, request):
        return ShipmentKitRemoveForm(request.POST, user=request.user)

    def perform(self, request, shipment, form) -> None:
        services.shipment_kit_remove(user=request.user, shipment=shipment, part=form.cleaned_data["part"])
