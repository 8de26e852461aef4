"""The returns 退货 a user may see, and one Return's page: its panel, its transitions (the Return's own and those
higher apps register in ``cases.hooks``) and its photos.
"""

from __future__ import annotations

from itertools import islice

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from aftersales.exports import XLSX_CONTENT_TYPE, Column, xlsx_bytes
from aftersales.fsm import TransitionError
from aftersales.ui.views import ScopedListView, TransitionViewMixin, transition_actions
from cases import forms as case_forms
from cases import hooks, selectors, services
from cases.choices import ReturnState
from cases.filters import ReturnFilter
from cases.models import Return
from cases.permissions import customer_contact_for
from stores.access import scope_for

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
    "refer_to_repair_point": gettext_lazy("Referred to a repair point"),
    "ship_to_supplier": gettext_lazy("Sent to the supplier with its recall"),
    "scrap_at_supplier": gettext_lazy("Found unrepairable by the supplier"),
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
    "refer_to_repair_point": gettext_lazy("Refer to a repair point"),
    "cancel": gettext_lazy("Cancel the return"),
}


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
        Column(gettext_lazy("Reason"), "get_reason_kind_display"),
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
            may_log=selectors.store_staff_stores(self.request.user).exists(),
            shows_store=not scope_for(self.request.user).staff_store_ids
            or len(scope_for(self.request.user).store_ids) > 1,
        )
        return context


# --- one Return ---


def return_transition_forms() -> dict[str, type]:
    """The form of each transition fired from a Return's page: the Return's own, and those higher apps register."""
    registered = {name: transition.form_class for name, transition in hooks.return_transitions().items()}
    return {**registered, **RETURN_TRANSITION_FORMS}


def return_panel_context(
    request, item: Return, *, name: str = "", form=None, alert=None, batch_alarm_form=None
) -> dict:
    """Everything the Return's detail panel shows, and the forms of the transitions this user may fire."""
    user = request.user
    batch_alarm = selectors.return_batch_alarm(item)
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
            **ReturnTransitionView.form_kwargs_for(action, user, item),
        ),
        danger={"cancel"},
        # A received unit offers inspect and the referral to a repair point: inspecting is the usual step, so its
        # form stands open and the referral stays folded.
        open_names={"inspect"},
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
        "batch_alarm": batch_alarm,
        "may_raise_batch_alarm": batch_alarm is None and services.RETURN_BATCH_ALARM.refusal(item, user) is None,
        "batch_alarm_form": batch_alarm_form or case_forms.BatchAlarmForm(),
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
    "refer_to_repair_point": case_forms.ReferToRepairPointForm,
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
    def form_kwargs_for(name: str, user, item: Return | None = None) -> dict:
        # A registered form is built with the acting user (inspection photos uploaded on selection are the
        # technician's own: only they can claim them); the referral's with the unit (its own store is offered).
        if name == "refer_to_repair_point":
            return {"item": item}
        return {"user": user} if name in hooks.return_transitions() else {}

    def get_form_kwargs(self, name: str, obj) -> dict:
        return self.form_kwargs_for(name, self.request.user, obj)

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
        if name == "refer_to_repair_point":
            row = services.return_refer_to_repair_point(
                user=user, return_item=obj, repair_point=data["repair_point"], note=data["note"]
            )
            return _("Referred to %(store)s for a local repair; they resolve it there.") % {
                "store": row.repair_point.name
            }
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
        form = case_forms.AttachmentForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.attachments_add(user=request.user, return_item=item, files=form.cleaned_data["photos"])
            except ValidationError as error:
                form.add_error("photos", error.messages)
            except TransitionError as error:
                return self.answer(item, status=error.status, alert=("danger", error.message))
        elif refused := services.RETURN_ATTACH.refusal(item, request.user):
            # A bad form from someone who may not add files: the service's 403, as it would answer first.
            return self.answer(item, status=refused.status, alert=("danger", refused.message))
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


class ReturnBatchAlarmView(LoginRequiredMixin, View):
    """The store raises a suspected batch problem 专卖店预警 from the Return's page: one click with its note."""

    def post(self, request, *args, **kwargs):
        item = selectors.return_get(request.user, kwargs["pk"])
        form = case_forms.BatchAlarmForm(request.POST)
        if not form.is_valid():
            if refused := services.RETURN_BATCH_ALARM.refusal(item, request.user):
                return self.answer(item, status=refused.status, alert=("danger", refused.message))
            return self.answer(item, status=400, batch_alarm_form=form)
        try:
            services.return_raise_batch_alarm(user=request.user, return_item=item, note=form.cleaned_data["note"])
        except TransitionError as error:
            return self.answer(item, status=error.status, alert=("danger", error.message))
        except ValidationError as error:
            form.add_error("note", error.messages)
            return self.answer(item, status=400, batch_alarm_form=form)
        message = _("The batch alarm was raised: the service center and QA were told.")
        item = selectors.return_get(request.user, kwargs["pk"])
        if request.htmx:
            return self.answer(item, alert=("success", message))
        messages.success(request, message)
        return HttpResponseRedirect(reverse("cases:return_detail", args=[item.pk]))

    def answer(self, item, *, status=200, alert=None, batch_alarm_form=None):
        context = return_panel_context(self.request, item, alert=alert, batch_alarm_form=batch_alarm_form)
        template = "cases/partials/_return_panel.html" if self.request.htmx else "cases/return_detail.html"
        return render(self.request, template, {**context, "title": item.number}, status=status)
