"""Pages of the repair queue 维修队列, the repair ticket 维修单, spare parts 备件 and the stock ledger 备件台账.

Every write goes through ``repairs.services``, which refuses; the views bind
the form, call the service and map its refusals to HTTP answers: a
``TransitionError`` to its status (403 not a technician, 409 wrong state or a
concurrent change), a ``ValidationError`` to 400 with the errors on the form.
A bad form is answered with the 409 or 403 the service's rule gives first. htmx requests get the
page's panel back (no full reload); other posts redirect with a message on
success, or show the page again with the errors.
"""

from __future__ import annotations

from collections.abc import Callable

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.functional import lazy
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views import View
from django_fsm import ConcurrentTransition

from aftersales.exports import Column
from aftersales.fsm import CONCURRENT_CHANGE_MESSAGE, TransitionError, http_status
from aftersales.roles import has_role_permission
from aftersales.ui.views import ScopedListView
from cases.choices import DueStatus
from repairs import services
from repairs.filters import RepairTicketFilter, SparePartFilter, StockMovementFilter
from repairs.forms import RemovePartForm, RepairPartsForm, RepairWorkForm, StockReceiveForm, add_service_errors
from repairs.models import RepairTicket, RepairTicketState, SparePart
from repairs.selectors import (
    repairticket_get,
    repairticket_list,
    repairticket_parts,
    repairticket_parts_from_ledger,
    sparepart_get,
    sparepart_ledger,
    sparepart_list,
    stockmovement_list,
)


def due_label(status: str | None) -> str:
    return str(DueStatus(status).label) if status else ""


class SparePartListView(ScopedListView):
    selector = staticmethod(sparepart_list)
    filterset_class = SparePartFilter
    template_name = "repairs/sparepart_list.html"
    title = _("Spare parts")
    export_name = "spare-parts"
    columns = [
        Column(_("Part number"), "part_no"),
        Column(_("Name"), "name"),
        Column(_("Unit"), "unit"),
        Column(_("Unit cost (CNY)"), "unit_cost", money=True),
        Column(_("Stock on hand"), "stock_quantity"),
        Column(_("Reorder level"), "reorder_level"),
        Column(_("Needs reorder"), "needs_reorder"),
        Column(_("Active"), "active"),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        if has_role_permission(self.request.user, "repairs.view_stockmovement"):
            context["header_links"] = [{"label": _("Stock ledger"), "url": reverse("repairs:stockmovement_list")}]
        return context


class RepairTicketListView(ScopedListView):
    """The repair queue: open tickets first by the Return's due date, due-soon and overdue marked."""

    selector = staticmethod(repairticket_list)
    filterset_class = RepairTicketFilter
    template_name = "repairs/repairticket_list.html"
    title = _("Repair queue")
    export_name = "repair-tickets"
    columns = [
        Column(_("Return"), "return_item.number"),
        Column(_("Store"), "return_item.store.code"),
        Column(_("Style"), "return_item.style.style_no"),
        Column(_("Colour"), "return_item.color"),
        Column(_("Size"), "return_item.size"),
        Column(_("Due back at"), "return_item.due_at"),
        Column(_("Turnaround"), lambda ticket: due_label(ticket.return_item.due_status())),
        Column(_("Technician"), "technician"),
        Column(_("Quality check"), "qc_passed"),
        Column(_("Total cost (CNY)"), "total_cost", money=True),
        Column(_("State"), "get_state_display"),
    ]

    def get_queryset(self):
        # The queue shows the open tickets unless the user asks for another state ("All" sends an empty one).
        data = self.request.GET.copy()
        data.setdefault("state", RepairTicketState.OPEN)
        self.filterset = self.filterset_class(data, queryset=self.selector(self.request.user), request=self.request)
        if not self.filterset.is_valid():
            return self.filterset.queryset.none()
        return self.filterset.qs


class StockMovementListView(ScopedListView):
    """The stock ledger 备件台账: every change of spare-part stock, newest first."""

    selector = staticmethod(stockmovement_list)
    filterset_class = StockMovementFilter
    template_name = "repairs/stockmovement_list.html"
    title = _("Stock ledger")
    export_name = "stock-ledger"
    columns = [
        Column(_("At"), "moved_at"),
        Column(_("Location"), "location_code"),
        Column(_("Part number"), "part.part_no"),
        Column(_("Part"), "part.name"),
        Column(_("Quantity"), "quantity"),
        Column(_("Stock after"), "balance_after"),
        Column(_("Reason"), "get_reason_display"),
        Column(_("Return"), "repair_ticket.return_item.number"),
        Column(_("Unit cost (CNY)"), "unit_cost", money=True),
        Column(_("By"), "moved_by"),
        Column(_("Note"), "note"),
    ]


class PanelView(LoginRequiredMixin, View):
    """A page whose panel is re-rendered by its forms' htmx posts."""

    template_name: str
    partial_name: str

    def render(self, context: dict, *, status: int = 200, partial: bool = False) -> TemplateResponse:
        template = self.partial_name if partial else self.template_name
        return TemplateResponse(self.request, template, context, status=status)

    def submit(
        self,
        *,
        form,
        call: Callable[[], object],
        context: Callable[..., dict],
        success: str,
        success_url: str,
        refusal: Callable[[], TransitionError | None] | None = None,
    ):
        """Validate the form, call the service; answer the panel, a redirect or the page with the service's errors.

        The service refuses (409 wrong state, 403 wrong person, 400 bad input,
        in that order). A bad form is answered as the service would answer it:
        ``refusal`` (the service's rule, ``aftersales.fsm.Guard.refusal``) says
        whether a 409 or 403 comes first, else it is a 400.
        """
        error_message, status = "", 200
        try:
            if form is not None and not form.is_valid():
                refused = refusal() if refusal is not None else None
                if refused is not None:
                    raise refused
                status = 400
            else:
                call()
        except ValidationError as error:
            status = 400
            if form is not None:
                add_service_errors(form, error)
            else:
                error_message = " ".join(error.messages)
        except (TransitionError, ConcurrentTransition) as error:
            status = http_status(error) or 409
            error_message = error.message if isinstance(error, TransitionError) else str(CONCURRENT_CHANGE_MESSAGE)
        if status == 200 and not self.request.htmx:
            messages.success(self.request, success)
            return redirect(success_url)
        values = context(failed_form=form if status != 200 else None)
        values.update(error_message=error_message, success_message=success if status == 200 else "")
        return self.render(values, status=status, partial=self.request.htmx)


class RepairTicketDetailView(PanelView):
    """The repair ticket page: the Return, parts used, labour, quality check and completion."""

    template_name = "repairs/repairticket_detail.html"
    partial_name = "repairs/partials/_repairticket_panel.html"

    def context(self, ticket: RepairTicket, *, failed_form=None, reload: bool = True) -> dict:
        user = self.request.user
        if reload:
            # After a write the panel shows what the database now holds.
            ticket = repairticket_get(user, ticket.pk)
        held = repairticket_parts(ticket)
        can_edit = services.REPAIRTICKET_UPDATE.refusal(ticket, user) is None
        parts_form = failed_form if isinstance(failed_form, RepairPartsForm) else None
        # A refused removal shows its reason above the parts list it concerns.
        remove_errors = (
            [error for errors in failed_form.errors.values() for error in errors]
            if isinstance(failed_form, RemovePartForm)
            else []
        )
        work_form = failed_form if isinstance(failed_form, RepairWorkForm) else None
        if can_edit:
            parts_form = parts_form or RepairPartsForm(user=user, held=held)
            work_form = work_form or RepairWorkForm.for_ticket(ticket)
        item = ticket.return_item
        return {
            "title": gettext("Repair ticket %(number)s") % {"number": item.number},
            "ticket": ticket,
            "return_item": item,
            "parts_used": held,
            "parts_form": parts_form,
            "remove_errors": remove_errors,
            "work_form": work_form,
            "can_edit": can_edit,
            "can_complete": can_edit and ticket.qc_passed is True,
            # A paid repair past the warranty: its quote, the customer's answer and payment (repairs.quote_pages).
            **quote_context(ticket, user, failed_form),
        }

    def get(self, request, pk):
        return self.render(self.context(repairticket_get(request.user, pk), reload=False))

    def answer(self, ticket, *, form, call, success, edits: bool = True, refusal=None):
        if refusal is None and edits:
            refusal = lambda: services.REPAIRTICKET_UPDATE.refusal(ticket, self.request.user)  # noqa: E731
        return self.submit(
            form=form,
            call=call,
            context=lambda failed_form=None: self.context(ticket, failed_form=failed_form),
            success=success,
            success_url=reverse("repairs:repairticket_detail", kwargs={"pk": ticket.pk}),
            refusal=refusal,
        )


class RepairTicketPartsView(RepairTicketDetailView):
    """The parts picker's post: the repair's parts in all, consumed from or given back to stock via the ledger."""

    http_method_names = ["post"]

    def post(self, request, pk):
        ticket = repairticket_get(request.user, pk)
        form = RepairPartsForm(request.POST, user=request.user, held=repairticket_parts(ticket))
        return self.answer(
            ticket,
            form=form,
            call=lambda: services.repairticket_update(user=request.user, ticket=ticket, parts=form.parts()),
            success=gettext("Spare parts saved."),
        )


class RepairTicketRemovePartView(RepairTicketDetailView):
    """The row's 移除 (its own form, confirmed): give that part back to stock in full, the others untouched."""

    http_method_names = ["post"]

    def post(self, request, pk):
        ticket = repairticket_get(request.user, pk)
        form = RemovePartForm(request.POST, user=request.user)

        def call():
            services.repairticket_remove_part(
                user=request.user, ticket=ticket, part=form.cleaned_data["part"], quantity=form.cleaned_data["quantity"]
            )

        def success() -> str:
            # Read once the form is valid (only a success shows it).
            part = form.cleaned_data["part"]
            return gettext(
                "Removed %(quantity)s %(unit)s of %(part)s from the repair and put them back into stock."
            ) % {
                "quantity": form.cleaned_data["quantity"],
                "unit": part.unit,
                "part": part.part_no,
            }

        return self.answer(
            ticket,
            form=form,
            call=call,
            success=lazy(success, str)(),
        )


class RepairTicketWorkView(RepairTicketDetailView):
    """Work done, labour minutes and the quality check; a failed check keeps the unit in repair."""

    http_method_names = ["post"]

    def post(self, request, pk):
        ticket = repairticket_get(request.user, pk)
        form = RepairWorkForm(request.POST)

        def call():
            services.repairticket_update(user=request.user, ticket=ticket, **form.service_arguments())

        return self.answer(
            ticket,
            form=form,
            call=call,
            success=gettext("Repair saved."),
        )


class RepairTicketCompleteView(RepairTicketDetailView):
    """Complete the repair (QC passed): the ticket closes and the Return becomes ready to return 待寄回."""

    http_method_names = ["post"]

    def post(self, request, pk):
        ticket = repairticket_get(request.user, pk)
        return self.answer(
            ticket,
            form=None,
            call=lambda: services.repairticket_complete(user=request.user, ticket=ticket),
            success=gettext("Repair completed: the unit is ready to go back to the store."),
            edits=False,
        )


class SparePartDetailView(PanelView):
    """A spare part's stock, reorder level and ledger, with the technicians' stock-in / adjustment form."""

    template_name = "repairs/sparepart_detail.html"
    partial_name = "repairs/partials/_sparepart_stock.html"

    def context(self, part: SparePart, *, failed_form=None, reload: bool = True) -> dict:
        user = self.request.user
        if reload:
            part = sparepart_get(user, part.pk)
        can_edit = services.SPAREPART_STOCK.refusal(part, user) is None
        return {
            "title": str(part),
            "part": part,
            "ledger": sparepart_ledger(part),
            "form": (failed_form or StockReceiveForm()) if can_edit else None,
            "can_edit": can_edit,
        }

    def get(self, request, pk):
        return self.render(self.context(sparepart_get(request.user, pk), reload=False))


class SparePartReceiveView(SparePartDetailView):
    """Book stock in (a delivery) or adjust it (a count correction, with a note) through ``sparepart_receive``."""

    http_method_names = ["post"]

    def post(self, request, pk):
        part = sparepart_get(request.user, pk)
        form = StockReceiveForm(request.POST)

        def call():
            services.sparepart_receive(
                user=request.user, part=part, quantity=form.cleaned_data["quantity"], note=form.cleaned_data["note"]
            )

        return self.submit(
            form=form,
            call=call,
            context=lambda failed_form=None: self.context(part, failed_form=failed_form),
            success=gettext("Stock booked."),
            success_url=reverse("repairs:sparepart_detail", kwargs={"pk": part.pk}),
            refusal=lambda: services.SPAREPART_STOCK.refusal(part, request.user),
        )


def quote_context(ticket, user, failed_form=None) -> dict:
    # repairs.quote_pages subclasses this module's views, so it is imported when called.
    from repairs.quote_pages import quote_context as context

    return context(ticket, user, failed_form)


def answered_by_for(ticket, user) -> str:
    from repairs.quote_pages import answered_by_for as name

    return name(ticket, user)


def return_repair_context(*, user, return_item) -> dict:
    """The Return page's repair card (registered with ``cases.hooks``): the ticket, if any, and its parts.

    The parts are the net per part (taken minus put back), as the ticket shows
    them, from the ledger ``cases.selectors.return_get`` prefetched.
    """
    try:
        ticket = return_item.repair_ticket
    except RepairTicket.DoesNotExist:
        ticket = None
    return {
        "repair_ticket": ticket,
        "repair_parts": repairticket_parts_from_ledger(ticket) if ticket else [],
        # A paid repair's quote and answer; the name of who answered masked as the Return's customer is.
        "repair_answered_by": answered_by_for(ticket, user) if ticket and ticket.customer_answer else "",
    }


def return_store_parts_context(*, user, return_item) -> dict:
    """The Return page's card of parts a local repair at the store used (registered with ``cases.hooks``), and
    the form to record one more for the store's own staff while the unit is still at the store."""
    from repairs.forms import StorePartUseForm
    from repairs.models import StockMovement, StockMovementReason

    used = list(
        StockMovement.objects.filter(return_item=return_item, reason=StockMovementReason.LOCAL_REPAIR)
        .select_related("part", "moved_by")
        .order_by("id")
    )
    may_record = services.stock_use_refusal(user=user, return_item=return_item) is None
    return {
        "store_parts_used": used,
        "store_parts_form": StorePartUseForm(store=return_item.store) if may_record else None,
    }


class ReturnStorePartsView(LoginRequiredMixin, View):
    """Record a part a local repair at the store used, from the store's stock, then back to the Return's page."""

    def post(self, request, pk):
        from cases.selectors import return_list
        from repairs.forms import StorePartUseForm

        item = return_list(request.user).filter(pk=pk).select_related("store").first()
        if item is None:
            raise Http404
        back = redirect("cases:return_detail", pk=item.pk)
        refused = services.stock_use_refusal(user=request.user, return_item=item)
        if refused is not None:
            messages.error(request, str(refused))
            return back
        form = StorePartUseForm(request.POST, store=item.store)
        if not form.is_valid():
            messages.error(request, " ".join(str(error) for errors in form.errors.values() for error in errors))
            return back
        try:
            services.stock_use_at_store(
                user=request.user,
                return_item=item,
                parts=[(form.cleaned_data["part"], form.cleaned_data["quantity"])],
            )
        except (ValidationError, TransitionError) as error:
            messages.error(request, " ".join(getattr(error, "messages", [str(error)])))
            return back
        messages.success(request, gettext("The parts used were taken from the store's stock."))
        return back
