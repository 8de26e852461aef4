"""Browser pages of the return workflow 退货流程: store staff log and ship, technicians receive, inspect and ship back,
region managers read. Reads go through ``cases.selectors`` (so out of scope is 404), writes through the services.
"""

from __future__ import annotations

from itertools import islice

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Count
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse
from django.utils import timezone
from django.utils.dateparse import parse_date
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext
from django.views import View
from django.views.generic import TemplateView

from aftersales.exports import XLSX_CONTENT_TYPE, Column, xlsx_bytes
from aftersales.fsm import TransitionError
from aftersales.money import format_money
from aftersales.roles import Role, has_role_permission, roles_of, sees_everything
from aftersales.services import temporary_upload_claim
from aftersales.ui.views import ScopedListView, TransitionViewMixin, transition_actions
from aftersales.uploads import temporary_uploads_in
from cases import forms as case_forms
from cases import hooks, selectors, services
from cases.choices import ReturnState, ShipmentDirection, ShipmentLineOutcome, ShipmentState
from cases.filters import ReturnFilter, ShipmentFilter
from cases.models import Return, Shipment
from cases.permissions import customer_contact_for
from stores.access import scope_for
from stores.models import Store
from suppliers.models import DefectCode, Style

EXPORT_LIMIT = 50_000

TRANSITION_LABELS = {
    "log": gettext_lazy("Logged"),
    "resolve_at_store": gettext_lazy("Resolved at the store"),
    "cancel": gettext_lazy("Cancelled"),
    "dispatch": gettext_lazy("Dispatched"),
    "receive": gettext_lazy("Received"),
    "mark_missing": gettext_lazy("Missing on arrival"),
    "found": gettext_lazy("Found"),
    "inspect": gettext_lazy("Inspected"),
    "complete_repair": gettext_lazy("Repair completed"),
    "receive_from_supplier": gettext_lazy("Back from the supplier"),
    "ship_back": gettext_lazy("Shipped back"),
    "confirm_returned": gettext_lazy("Back at the store"),
    "write_off": gettext_lazy("Written off"),
    "charge_back": gettext_lazy("Charged back"),
    "pack": gettext_lazy("Packed"),
    "confirm_received": gettext_lazy("Receipt confirmed"),
}
RETURN_ACTION_LABELS = {
    "found": gettext_lazy("Mark as found"),
    "receive_from_supplier": gettext_lazy("Back from the supplier"),
    "resolve_at_store": gettext_lazy("Resolved at the store"),
    "cancel": gettext_lazy("Cancel the return"),
}
SHIPMENT_ACTION_LABELS = {
    "dispatch": gettext_lazy("Dispatch"),
    "receive": gettext_lazy("Receive"),
    "confirm_received": gettext_lazy("Confirm received"),
    "cancel": gettext_lazy("Cancel the shipment"),
}


def store_staff_stores(user):
    """The stores the user may act for as store staff 专卖店 (log returns, pack shipments)."""
    if Role.STORE_STAFF not in roles_of(user):
        return Store.objects.none()
    return Store.objects.filter(pk__in=sorted(scope_for(user).staff_store_ids)).order_by("code")


def require_center(user) -> None:
    """Service-center queues are for the service center's roles."""
    if not sees_everything(user):
        raise PermissionDenied


# --- returns list and queues ---


class ReturnListView(ScopedListView):
    """The returns the user may see 退货列表: a store its own, a region manager the region's, the center all."""

    selector = staticmethod(selectors.return_list)
    filterset_class = ReturnFilter
    template_name = "cases/return_list.html"
    title = gettext_lazy("Returns")
    export_name = "returns"
    export_limit = EXPORT_LIMIT
    columns = [
        Column(gettext_lazy("Number"), "number"),
        Column(gettext_lazy("Store"), "store.code"),
        Column(gettext_lazy("Receipt number"), "receipt_no"),
        Column(gettext_lazy("Style"), "style.style_no"),
        Column(gettext_lazy("Colour"), "color"),
        Column(gettext_lazy("Size"), "size"),
        Column(gettext_lazy("State"), "get_state_display"),
        Column(gettext_lazy("Due back at"), "due_at"),
        Column(gettext_lazy("Logged at"), "created_at"),
    ]

    def export_xlsx(self) -> HttpResponse:
        # Bounded: an unfiltered export of a million returns would exhaust the server; the page says so.
        counted = {"rows": 0}

        def rows():
            for row in islice(self.get_queryset().iterator(chunk_size=2000), self.export_limit + 1):
                counted["rows"] += 1
                if counted["rows"] > self.export_limit:
                    return
                yield row

        content = xlsx_bytes(title=str(self.title), columns=self.columns, rows=rows())
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{self.export_name}-{stamp}.xlsx"'
        response["X-Export-Truncated"] = "true" if counted["rows"] > self.export_limit else "false"
        return response

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            export_limit=self.export_limit,
            may_log=store_staff_stores(self.request.user).exists(),
            shows_store=not scope_for(self.request.user).staff_store_ids
            or len(scope_for(self.request.user).store_ids) > 1,
        )
        return context


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


class MissingQueueView(ReturnQueueView):
    title = gettext_lazy("Missing units")
    states = (ReturnState.MISSING,)
    queue_url_name = "cases:missing_queue"
    empty_message = gettext_lazy("No unit is missing.")
    hint = gettext_lazy("Units a store's parcel arrived without. Open one to mark it found when it turns up.")


class ReadyQueueView(ReturnQueueView):
    """Units ready to go back 待寄回, grouped by store, each store with a "ship back" button."""

    title = gettext_lazy("Ready to return")
    states = (ReturnState.READY_TO_RETURN,)
    queue_url_name = "cases:ready_queue"
    template_name = "cases/ready_queue.html"
    empty_message = gettext_lazy("No unit is ready to go back to a store.")
    hint = gettext_lazy("Units ready to go back, by store. Ship a store's units back in one parcel.")

    def selector(self, user):
        return super().selector(user).order_by("store__code", "due_at", "id")


class InboundView(CenterOnlyMixin, ScopedListView):
    """Stores' parcels on the way to the center 待签收, the oldest first."""

    filterset_class = ShipmentFilter
    template_name = "cases/inbound.html"
    title = gettext_lazy("Inbound parcels")
    columns = []

    def selector(self, user):
        return selectors.inbound_shipments(user).annotate(unit_count=Count("lines"))


# --- logging a receipt ---


class ReturnCreateView(LoginRequiredMixin, View):
    """Log the units of one receipt 退货登记 in one form; several units, photos per unit or per receipt."""

    template_name = "cases/return_form.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated:
            self.stores = list(store_staff_stores(request.user))
            if not self.stores:
                raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def unit_kwargs(self) -> dict:
        styles = Style.objects.visible_to(self.request.user).order_by("style_no")
        codes = DefectCode.objects.filter(active=True).order_by("code")
        return {"styles": styles, "defect_codes": codes}

    def build_forms(self, data=None, files=None):
        receipt = case_forms.ReceiptForm(data, files, stores=self.stores, user=self.request.user)
        units = case_forms.UnitFormSet(
            data, files, prefix="unit", form_kwargs={**self.unit_kwargs(), "user": self.request.user}
        )
        return receipt, units

    def render_form(
        self, receipt, units, *, status=200, errors=(), policy_problems=(), already_logged=None, same_receipt=None
    ):
        context = {
            "title": _("Log a return"),
            "form": receipt,
            "units": units,
            "errors": errors,
            "policy_problems": policy_problems,
            # The Returns an earlier submit of this very form logged, or logged today with this receipt number.
            "already_logged": already_logged,
            "same_receipt": same_receipt,
        }
        return render(self.request, self.template_name, context, status=status)

    def visible(self, returns) -> list[Return]:
        store_ids = {store.pk for store in self.stores}
        return [item for item in returns if item.store_id in store_ids]

    def get(self, request, *args, **kwargs):
        receipt, units = self.build_forms()
        return self.render_form(receipt, units)

    def post(self, request, *args, **kwargs):
        receipt, units = self.build_forms(request.POST, request.FILES)
        # A form already submitted (Back, then submit) is answered before its fields are checked: its photos
        # were claimed by the first submit. The service's unique token is what keeps a race from logging twice.
        earlier = services.receipt_submission_returns(token=request.POST.get("form_token", ""))
        if earlier is not None:
            return self.render_form(receipt, units, status=409, already_logged=self.visible(earlier))
        if not (receipt.is_valid() and units.is_valid()):
            return self.render_form(receipt, units, status=400)
        data = receipt.cleaned_data
        unit_forms = [form for form in units.forms if form.cleaned_data]
        problems = policy_problems(
            [form.cleaned_data["style"] for form in unit_forms], data["purchase_date"], data["onsite_handling"]
        )
        try:
            with transaction.atomic():
                created = services.return_log(
                    user=request.user,
                    store=data["store"],
                    receipt_no=data["receipt_no"],
                    purchase_date=data["purchase_date"],
                    onsite_handling=data["onsite_handling"],
                    customer_name=data["customer_name"],
                    customer_phone=data["customer_phone"],
                    policy_exception_reason=data["policy_exception_reason"],
                    form_token=data["form_token"],
                    warn_same_receipt=not data["confirm_same_receipt"],
                    units=[
                        services.ReturnUnit(
                            style=form.cleaned_data["style"],
                            color=form.cleaned_data["color"],
                            size=form.cleaned_data["size"],
                            batch_no=form.cleaned_data["batch_no"],
                            production_year=form.cleaned_data["production_year"],
                            defect_description=form.cleaned_data["defect_description"],
                            reported_defect=form.cleaned_data["reported_defect"],
                        )
                        for form in unit_forms
                    ],
                )
                for item, form in zip(created, unit_forms, strict=True):
                    for upload in [*form.cleaned_data["photos"], *data["photos"]]:
                        attach(request.user, item, upload)
                # The photos uploaded while filling the form now belong to the Returns (same transaction).
                kept = [upload for form in unit_forms for upload in temporary_uploads_in(form.cleaned_data["photos"])]
                temporary_upload_claim(user=request.user, uploads=[*kept, *temporary_uploads_in(data["photos"])])
        except TransitionError as error:
            raise PermissionDenied(error.message) from error
        except services.ReceiptAlreadyLogged as error:
            return self.render_form(receipt, units, status=409, already_logged=self.visible(error.returns))
        except services.SameReceiptToday as error:
            return self.render_form(receipt, units, status=409, same_receipt=self.visible(error.returns))
        except ValidationError as error:
            return self.render_form(
                receipt, units, status=400, errors=map_receipt_errors(receipt, error), policy_problems=problems
            )
        numbers = ", ".join(item.number for item in created)
        messages.success(
            request,
            _("Logged %(count)s unit(s): %(numbers)s.") % {"count": len(created), "numbers": numbers},
        )
        return HttpResponseRedirect(reverse("cases:return_list"))


def policy_problems(styles, purchase_date, onsite_handling) -> list[str]:
    today = timezone.localdate()
    found = []
    for style in styles:
        problem = services.policy_problem(
            style=style, purchase_date=purchase_date, onsite_handling=onsite_handling, today=today
        )
        if problem and problem not in found:
            found.append(problem)
    return found


def attach(user, item: Return, upload, kind: str = "") -> None:
    # Read at most one byte past the limit: the service refuses anything longer without holding a huge file.
    upload.seek(0)
    content = upload.read(settings.AFTERSALES_MAX_UPLOAD_BYTES + 1)
    services.attachment_add(user=user, return_item=item, name=upload.name or "", content=content, kind=kind)


def map_receipt_errors(receipt, error: ValidationError) -> list[str]:
    """Put the service's errors on the receipt's fields where they belong; the rest are listed at the top."""
    loose = []
    if not hasattr(error, "error_dict"):
        return list(error.messages)
    for key, messages_ in error.message_dict.items():
        field = "photos" if key == "file" else key
        if field in receipt.fields and field != "store":
            receipt.add_error(field, messages_)
        else:
            loose.extend(messages_)
    return loose


class PolicyHintView(LoginRequiredMixin, View):
    """htmx live hint beside the purchase date: is this receipt inside the category's windows and warranty?"""

    def post(self, request, *args, **kwargs):
        try:
            purchase_date = parse_date(request.POST.get("purchase_date", ""))
        except ValueError:
            purchase_date = None
        handling = request.POST.get("onsite_handling", "")
        style_ids = [value for key, value in request.POST.items() if key.startswith("unit-") and key.endswith("-style")]
        style_ids = [int(value) for value in style_ids if value.isdigit()][: case_forms.MAX_UNITS_PER_RECEIPT]
        problems = []
        if purchase_date and handling and style_ids and purchase_date <= timezone.localdate():
            styles = Style.objects.visible_to(request.user).filter(pk__in=style_ids).select_related("category")
            problems = policy_problems(list(styles), purchase_date, handling)
        return render(request, "cases/partials/_policy_hint.html", {"policy_problems": problems})


class StyleValuesView(LoginRequiredMixin, View):
    """htmx: the colours and sizes already used for the chosen style, as datalists for one unit of the form.

    The unit's fields stay free text (domain.md); the lists only save typing and keep spellings alike.
    """

    def get(self, request, *args, **kwargs):
        key = next((key for key in request.GET if key.startswith("unit-") and key.endswith("-style")), "")
        prefix = key.removesuffix("-style")
        value = request.GET.get(key, "")
        style = None
        if prefix[len("unit-") :].isdigit() and value.isdigit():
            style = Style.objects.visible_to(request.user).filter(pk=int(value)).first()
        context = {
            "prefix": prefix if style is not None else "",
            "colors": selectors.style_known_values(style, "color") if style is not None else [],
            "sizes": selectors.style_known_values(style, "size") if style is not None else [],
        }
        return render(request, "cases/partials/_style_values.html", context)


# --- one Return ---


def return_transition_forms() -> dict[str, type]:
    """The form of each transition fired from a Return's page: the Return's own, and those higher apps register."""
    registered = {name: transition.form_class for name, transition in hooks.return_transitions().items()}
    return {**registered, **RETURN_TRANSITION_FORMS}


def return_panel_context(request, item: Return, *, name: str = "", form=None, alert=None) -> dict:
    """Everything the Return's detail panel shows, and the forms of the transitions this user may fire."""
    user = request.user
    forms = return_transition_forms()
    registered = hooks.return_transitions()
    actions = transition_actions(
        item,
        user,
        forms=forms,
        labels={**RETURN_ACTION_LABELS, **{action: owner.label for action, owner in registered.items()}},
        url_name="cases:return_transition",
        name=name,
        form=form,
        new_form=lambda action: forms[action](
            initial=ReturnTransitionView.initial_for(action, item),
            **ReturnTransitionView.form_kwargs_for(action, user),
        ),
        danger={"cancel"},
        intros={action: owner.intro_template for action, owner in registered.items()},
    )
    customer_name, customer_phone = customer_contact_for(item, user)
    # The cards higher apps add (the inspection report, the repair ticket), each with what it reads.
    panels = hooks.return_panels()
    panel_context: dict = {}
    for panel in panels:
        panel_context.update(panel.context(user=user, return_item=item))
    timeline = [
        {
            "entry": entry,
            "label": TRANSITION_LABELS.get(entry.transition, entry.transition),
            "source": state_label(entry.source_state),
            "target": state_label(entry.target_state),
        }
        for entry in selectors.return_timeline(item)
    ]
    return {
        **panel_context,
        "item": item,
        "actions": actions,
        "customer_name": customer_name,
        "customer_phone": customer_phone,
        "panels": [panel.template for panel in panels],
        "timeline": timeline,
        "alert": alert,
        "may_attach": services.may_attach(item, user),
        "attachment_form": case_forms.AttachmentForm(),
    }


def state_label(value: str) -> str:
    return str(ReturnState(value).label) if value in ReturnState.values else value


class ReturnDetailView(LoginRequiredMixin, TemplateView):
    """A Return's page: fields, photos, inspection, repair, shipments, timeline and the user's transitions."""

    template_name = "cases/return_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        item = selectors.return_get(self.request.user, kwargs["pk"])
        context.update(return_panel_context(self.request, item), title=item.number)
        return context


# The forms of the Return's own transitions; higher apps register theirs (``cases.hooks``).
RETURN_TRANSITION_FORMS = {
    "cancel": case_forms.CancelForm,
    "resolve_at_store": case_forms.ResolveAtStoreForm,
    "found": case_forms.FoundForm,
    "receive_from_supplier": case_forms.ReceiveFromSupplierForm,
}


class ReturnTransitionView(TransitionViewMixin, View):
    """Fire one of a Return's transitions from its detail page (htmx swaps the panel).

    The Return's own transitions are performed here; one a higher app
    registered (``cases.hooks.register_return_transition``, e.g. inspection's
    ``inspect``) binds that app's form and calls its ``perform``.
    """

    @property
    def forms(self) -> dict[str, type]:
        return return_transition_forms()

    @staticmethod
    def form_kwargs_for(name: str, user) -> dict:
        # A registered form is built with the acting user (inspection photos uploaded on selection are the
        # technician's own: only they can claim them).
        return {"user": user} if name in hooks.return_transitions() else {}

    def get_form_kwargs(self, name: str, obj) -> dict:
        return self.form_kwargs_for(name, self.request.user)

    @staticmethod
    def initial_for(name: str, item: Return) -> dict:
        """What a form starts with: what the registered transition says (inspection: the reported defect code)."""
        owner = hooks.return_transitions().get(name)
        if owner is not None and owner.initial is not None:
            return owner.initial(item)
        return {}

    def get_object(self):
        return selectors.return_get(self.request.user, self.kwargs["pk"])

    def detail_url(self, obj) -> str:
        return reverse("cases:return_detail", args=[obj.pk])

    def perform(self, name: str, obj, form) -> str:
        data = form.cleaned_data
        user = self.request.user
        owner = hooks.return_transitions().get(name)
        if owner is not None:
            return owner.perform(user=user, return_item=obj, data=data)
        if name == "cancel":
            services.return_cancel(user=user, return_item=obj, reason=data["reason"])
            return _("The return was cancelled.")
        if name == "resolve_at_store":
            services.return_resolve_at_store(user=user, return_item=obj, note=data["note"])
            return _("Recorded as resolved at the store.")
        if name == "found":
            services.return_found(user=user, return_item=obj)
            return _("The unit was found; it counts as received.")
        services.return_receive_from_supplier(user=user, return_item=obj, note=data["note"])
        return _("The unit is back from the supplier and ready to return.")

    def render_panel(self, obj, *, status=200, name="", form=None, alert=None, full_page=False):
        context = return_panel_context(self.request, obj, name=name, form=form, alert=alert)
        template = "cases/return_detail.html" if full_page else "cases/partials/_return_panel.html"
        return render(self.request, template, {**context, "title": obj.number}, status=status)


class ReturnAttachmentAddView(LoginRequiredMixin, View):
    """Add photos to a Return (store staff at logging, technicians at inspection or repair)."""

    def post(self, request, *args, **kwargs):
        item = selectors.return_get(request.user, kwargs["pk"])
        if not services.may_attach(item, request.user):
            return self.answer(item, status=403, alert=("danger", _("You may not add files to this return.")))
        form = case_forms.AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                with transaction.atomic():
                    for upload in form.cleaned_data["photos"]:
                        attach(request.user, item, upload)
            except ValidationError as error:
                form.add_error("photos", error.messages)
            except TransitionError as error:
                return self.answer(item, status=error.status, alert=("danger", error.message))
        if form.errors:
            return self.answer(item, status=400, attachment_form=form)
        item = selectors.return_get(request.user, kwargs["pk"])
        message = _("The files were added.")
        if request.htmx:
            return self.answer(item, alert=("success", message))
        messages.success(request, message)
        return HttpResponseRedirect(reverse("cases:return_detail", args=[item.pk]))

    def answer(self, item, *, status=200, alert=None, attachment_form=None):
        context = return_panel_context(self.request, item, alert=alert)
        if attachment_form is not None:
            context["attachment_form"] = attachment_form
        template = "cases/partials/_return_panel.html" if self.request.htmx else "cases/return_detail.html"
        return render(self.request, template, {**context, "title": item.number}, status=status)


# --- shipments ---


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
            may_pack_to_center=store_staff_stores(user).exists(),
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
            stores = list(store_staff_stores(user))
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
    return {
        "shipment": shipment,
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


class ShipmentTransitionView(TransitionViewMixin, View):
    """Dispatch, receive (checklist), confirm or cancel a shipment from its page."""

    forms = {
        "dispatch": case_forms.DispatchForm,
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
                user=user, shipment=obj, carrier=data["carrier"], tracking_no=data["tracking_no"]
            )
            if row.extra_fee is not None:
                return _("Dispatched. An extra dispatch fee of %(fee)s was recorded.") % {
                    "fee": format_money(row.extra_fee)
                }
            return _("Dispatched.")
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


# --- the home page's work summary ---


def _link(name: str, query: str = "") -> str | None:
    try:
        return reverse(name) + (f"?{query}" if query else "")
    except NoReverseMatch:
        return None


def work_summary(user) -> list[dict]:
    """What waits for this user 待办, as counts with links: per role, a handful of cheap indexed counts."""
    roles = roles_of(user)
    returns = selectors.return_list(user)
    shipments = selectors.shipment_list(user)
    tiles: list[tuple[str, int, str | None, bool]] = []
    staff_stores = list(store_staff_stores(user))
    if staff_stores:
        unshipped = sum(
            selectors.shippable_returns(user, store, ShipmentDirection.TO_CENTER).count() for store in staff_stores
        )
        tiles += [
            (_("Logged, not yet shipped"), unshipped, _link("cases:shipment_create", "direction=to_center"), False),
            (
                _("Shipments packed, not dispatched"),
                shipments.filter(
                    store__in=staff_stores, direction=ShipmentDirection.TO_CENTER, state=ShipmentState.DRAFT
                ).count(),
                _link("cases:shipment_list", urlencode({"direction": "to_center", "state": "draft"})),
                False,
            ),
            (
                _("Parcels back from the center to confirm"),
                shipments.filter(
                    store__in=staff_stores, direction=ShipmentDirection.TO_STORE, state=ShipmentState.IN_TRANSIT
                ).count(),
                _link("cases:shipment_list", urlencode({"direction": "to_store", "state": "in_transit"})),
                False,
            ),
            (
                _("Missing on arrival"),
                returns.filter(state=ReturnState.MISSING).count(),
                _link("cases:return_list", "state=missing"),
                True,
            ),
        ]
    if Role.TECHNICIAN in roles:
        repair_url = _link("repairs:repairticket_list") or _link("cases:return_list", "state=repairing")
        tiles += [
            (_("Inbound parcels"), selectors.inbound_shipments(user).count(), _link("cases:inbound"), False),
            (
                _("To inspect"),
                returns.filter(state=ReturnState.RECEIVED).count(),
                _link("inspection:inspection_queue"),
                False,
            ),
            (_("In repair"), returns.filter(state=ReturnState.REPAIRING).count(), repair_url, False),
            (
                _("At the supplier"),
                returns.filter(state=ReturnState.AT_SUPPLIER).count(),
                _link("cases:supplier_queue"),
                False,
            ),
            (_("Missing units"), returns.filter(state=ReturnState.MISSING).count(), _link("cases:missing_queue"), True),
            (
                _("Ready to return"),
                returns.filter(state=ReturnState.READY_TO_RETURN).count(),
                _link("cases:ready_queue"),
                False,
            ),
        ]
    elif Role.REGION_MANAGER in roles and not staff_stores:
        tiles.append(
            (
                _("Logged at the stores, not yet shipped"),
                returns.filter(state=ReturnState.LOGGED).count(),
                _link("cases:return_list", "state=logged"),
                False,
            )
        )
    reads_returns = has_role_permission(user, "cases.view_return")
    if (tiles or Role.REGION_MANAGER in roles or sees_everything(user)) and reads_returns:
        tiles += [
            (_("Due back soon"), returns.due_soon().count(), _link("cases:return_list", "due=due_soon"), True),
            (_("Overdue"), returns.overdue().count(), _link("cases:return_list", "due=overdue"), True),
        ]
    return [
        {"label": label, "count": count, "url": url, "attention": attention and count > 0}
        for label, count, url, attention in tiles
    ]
