"""Rectification orders' pages: the list (state, party, overdue), the order with its timeline, recurrence count and
the forms the user may use now (the party's answer in its portal, QA's verification), the create form prefilled
from a recall, a rejected lot, Returns or cases (one click from their pages), and the PDF.

Reads through ``quality.selectors.orders`` (outside the scope: 404); writes through ``quality.services.orders``,
whose refusals answer with their status (409, 403, 400) and the form shown again.
"""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from aftersales.fsm import TransitionError, available_transitions
from quality.api.views.orders import open_refusal, pdf_response
from quality.forms.orders import OrderOpenForm, OrderRespondForm, OrderVerifyForm
from quality.models.orders import PartyType
from quality.selectors.orders import (
    RectificationOrderFilter,
    order_get,
    order_list,
    order_recurrences,
    order_timeline,
)
from quality.services import orders as services

DEFAULT_DUE_DAYS = 30
TIMELINE_LABELS = {
    "open": gettext_lazy("Issued"),
    "respond": gettext_lazy("Answered"),
    "verify": gettext_lazy("Verified"),
}


def _add_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.message_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


@login_required
def order_list_view(request):
    filters = RectificationOrderFilter(request.GET, queryset=order_list(request.user), request=request)
    page = Paginator(filters.qs.order_by("-id"), 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    return render(
        request,
        "quality/order_list.html",
        {
            "title": _("Rectification orders"),
            "filter": filters,
            "page_obj": page,
            "object_list": page.object_list,
            "today": timezone.localdate(),
            "may_open": open_refusal(request.user) is None,
            "query_string": query.urlencode(),
        },
    )


def _detail(request, order, *, respond_form=None, verify_form=None, status=200):
    names = available_transitions(order, request.user)
    return render(
        request,
        "quality/order_detail.html",
        {
            "order": order,
            "recurrences": order_recurrences(order),
            "timeline": [
                {"entry": entry, "label": TIMELINE_LABELS.get(entry.transition, entry.transition)}
                for entry in order_timeline(order)
            ],
            "returns": order.returns.select_related("store", "style").order_by("number"),
            "service_cases": order.service_cases.order_by("number"),
            "respond_form": respond_form or (OrderRespondForm() if "respond" in names else None),
            "verify_form": verify_form or (OrderVerifyForm() if "verify" in names else None),
            "overdue": order.is_overdue(timezone.localdate()),
        },
        status=status,
    )


@login_required
def order_detail_view(request, pk):
    return _detail(request, order_get(request.user, pk))


@login_required
@require_POST
def order_respond_view(request, pk):
    order = order_get(request.user, pk)
    form = OrderRespondForm(request.POST)
    if form.is_valid():
        try:
            services.order_respond(order=order, user=request.user, answers=form.cleaned_data)
        except ValidationError as error:
            _add_errors(form, error)
        except TransitionError as error:
            messages.error(request, error.message)
            return _detail(request, order_get(request.user, pk), status=error.status)
        else:
            messages.success(request, _("Your answer was sent to QA."))
            return redirect("quality:order_detail", pk=pk)
    refused = services_refusal(order, "respond", request.user)
    return _detail(request, order, respond_form=form, status=refused or 400)


@login_required
@require_POST
def order_verify_view(request, pk):
    order = order_get(request.user, pk)
    form = OrderVerifyForm(request.POST)
    if form.is_valid():
        try:
            services.order_verify(
                order=order, user=request.user, effective=form.cleaned_data["effective"],
                notes=form.cleaned_data["notes"],
            )  # fmt: skip
        except ValidationError as error:
            _add_errors(form, error)
        except TransitionError as error:
            messages.error(request, error.message)
            return _detail(request, order_get(request.user, pk), status=error.status)
        else:
            messages.success(request, _("The verification is recorded."))
            return redirect("quality:order_detail", pk=pk)
    refused = services_refusal(order, "verify", request.user)
    return _detail(request, order, verify_form=form, status=refused or 400)


def services_refusal(order, name: str, user) -> int | None:
    from aftersales.fsm import refusal

    refused = refusal(order, name, user, check_conditions=False)
    return refused.status if refused is not None else None


def _initial_sources(request, user) -> dict:
    """The prefill of a one-click open from a recall, a rejected lot, Returns or cases (``?recall=`` …)."""
    from inspection.models import IncomingLot
    from recalls.models import Recall

    initial: dict = {"due_date": timezone.localdate() + dt.timedelta(days=DEFAULT_DUE_DAYS)}
    sources: dict = {}
    recall_id, lot_id = request.GET.get("recall", ""), request.GET.get("lot", "")
    if recall_id.isdigit() and (recall := Recall.objects.visible_to(user).select_related("style").filter(
        pk=recall_id).first()):  # fmt: skip
        sources["recall"] = recall
        initial.update(recall=recall.pk, party_type=PartyType.SUPPLIER, supplier=recall.style.supplier_id)
        initial["problem"] = _("Batch recall %(number)s: %(style)s") % {"number": recall.number, "style": recall.style}
    if lot_id.isdigit() and (lot := IncomingLot.objects.visible_to(user).select_related("style").filter(
        pk=lot_id).first()):  # fmt: skip
        sources["lot"] = lot
        initial.update(lot=lot.pk, party_type=PartyType.SUPPLIER, supplier=lot.supplier_id)
        initial["problem"] = _("Incoming lot %(number)s of %(style)s rejected on inspection") % {
            "number": lot.number, "style": lot.style,
        }  # fmt: skip
    for name in ("returns", "service_cases"):
        ids = [part for part in request.GET.get(name, "").split(",") if part.isdigit()]
        if ids:
            initial[name] = ",".join(ids)
    return {"initial": initial, "sources": sources}


@login_required
def order_create_view(request):
    from inspection.models import IncomingLot
    from recalls.models import Recall

    refused = open_refusal(request.user)
    if refused is not None:
        return render(request, "403.html", {"exception": refused.message}, status=403)
    prefill = _initial_sources(request, request.user)
    form = OrderOpenForm(request.POST or None, user=request.user, initial=prefill["initial"])
    status = 200
    if request.method == "POST":
        status = 400
        if form.is_valid():
            data = form.cleaned_data
            from cases.models import Return
            from servicedesk.models import ServiceCase

            recall = (
                Recall.objects.visible_to(request.user).filter(pk=data["recall"]).first() if data["recall"] else None
            )
            lot = IncomingLot.objects.visible_to(request.user).filter(pk=data["lot"]).first() if data["lot"] else None
            try:
                order = services.open_order(
                    by=request.user,
                    party_type=data["party_type"],
                    party=form.party(),
                    problem=data["problem"],
                    due_date=data["due_date"],
                    recall=recall,
                    lot=lot,
                    returns=Return.objects.visible_to(request.user).filter(pk__in=data["returns"]),
                    service_cases=ServiceCase.objects.visible_to(request.user).filter(pk__in=data["service_cases"]),
                )
            except ValidationError as error:
                _add_errors(form, error)
            else:
                messages.success(request, _("Rectification order %(number)s issued.") % {"number": order.number})
                return redirect("quality:order_detail", pk=order.pk)
    return render(
        request,
        "quality/order_form.html",
        {"form": form, "sources": prefill["sources"], "title": _("Open a rectification order")},
        status=status,
    )


@login_required
def order_pdf_view(request, pk):
    order = order_get(request.user, pk)
    try:
        return pdf_response(order)
    except TransitionError as error:
        messages.info(request, error.message)
        return redirect("quality:order_detail", pk=pk)
