"""Pages of the write-off list 报废清单 and the loss reports 报损单.

Technicians build and submit the month's list, take units off a draft with a
reason and record the destruction; the logistics manager confirms or sends
it back; the production VP approves or sends it back; "awaiting me" lists
what waits for the user's role. A supplier's users and a store's staff read
and sign their loss reports. Every change goes through
``writeoffs.services``; objects come from the selectors (404 outside
the user's scope).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView
from django_fsm import ConcurrentTransition

from aftersales.exports import Column
from aftersales.fsm import CONCURRENT_CHANGE_MESSAGE, TransitionError
from aftersales.services import temporary_upload_claim
from aftersales.ui.files import StoredFileView
from aftersales.ui.views import ScopedListView, TransitionViewMixin, transition_actions
from aftersales.uploads import temporary_uploads_in
from suppliers.choices import Responsibility
from writeoffs import forms as writeoff_forms
from writeoffs import selectors, services
from writeoffs.api.views import document_download
from writeoffs.choices import LossReportState, WriteOffListState
from writeoffs.filters import LossReportFilter, WriteOffListFilter
from writeoffs.models import DestructionPhoto
from writeoffs.permissions import is_technician

ACTION_LABELS = {
    "submit": gettext_lazy("Submit for confirmation"),
    "confirm": gettext_lazy("Confirm"),
    "approve": gettext_lazy("Approve and write off"),
    "reject": gettext_lazy("Send back to draft"),
    "record_destruction": gettext_lazy("Record the destruction"),
    "acknowledge": gettext_lazy("Sign the loss report"),
    "dispute": gettext_lazy("Dispute"),
}
# Asked by the browser before an irreversible step (htmx ``hx-confirm``); the form's checkbox asks without JavaScript.
CONFIRM_QUESTIONS = {
    "acknowledge": gettext_lazy("Sign this loss report? Signing is final: the units and the total are charged to you."),
}
TIMELINE_LABELS = {
    "build": gettext_lazy("Built"),
    "submit": gettext_lazy("Submitted"),
    "confirm": gettext_lazy("Confirmed by logistics"),
    "approve": gettext_lazy("Approved by the production VP"),
    "reject": gettext_lazy("Sent back"),
    "record_destruction": gettext_lazy("Destruction recorded"),
    "remove_line": gettext_lazy("Unit taken off the list"),
}
DOWNLOAD_FORMATS = ("pdf", "xlsx")


def responsibility_label(value: str) -> str:
    return str(Responsibility(value).label) if value in Responsibility.values else value


def state_label(value: str) -> str:
    return str(WriteOffListState(value).label) if value in WriteOffListState.values else value


# --- write-off lists ---


class WriteOffListListView(ScopedListView):
    """The month-end write-off lists 报废清单, newest month first; technicians build the month's list here."""

    selector = staticmethod(selectors.writeofflist_list)
    filterset_class = WriteOffListFilter
    template_name = "writeoffs/writeofflist_list.html"
    title = gettext_lazy("Write-off lists")
    export_name = "writeoff-lists"
    awaiting = False
    columns = [
        Column(gettext_lazy("Number"), "number"),
        Column(gettext_lazy("Period"), "period_label"),
        Column(gettext_lazy("State"), "get_state_display"),
        Column(gettext_lazy("Units"), "unit_count"),
        Column(gettext_lazy("Total cost (CNY)"), "total_cost", money=True),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            may_build=is_technician(None, self.request.user),
            build_form=writeoff_forms.WriteOffListBuildForm(),
            awaiting=self.awaiting,
        )
        return context


class WriteOffListAwaitingView(WriteOffListListView):
    """待我处理: the lists waiting for a step the user's role takes (and the user may take)."""

    title = gettext_lazy("Write-off lists awaiting me")
    awaiting = True

    @staticmethod
    def selector(user):
        return selectors.writeofflist_awaiting(user)


class WriteOffListBuildView(LoginRequiredMixin, View):
    """Build (or open) the month's list 生成报废清单; technicians only."""

    template_name = "writeoffs/writeofflist_build.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not is_technician(None, request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        return render(
            request, self.template_name, {"form": writeoff_forms.WriteOffListBuildForm(), "title": _("Build")}
        )

    def post(self, request):
        form = writeoff_forms.WriteOffListBuildForm(request.POST)
        if form.is_valid():
            try:
                writeoff_list, created = services.writeofflist_build(
                    period=form.cleaned_data["period"], user=request.user
                )
            except ValidationError as error:
                form.add_error("period", error.messages)
            else:
                if created:
                    messages.success(request, _("The list %(number)s was built.") % {"number": writeoff_list.number})
                else:
                    messages.info(request, _("The list %(number)s already exists.") % {"number": writeoff_list.number})
                return HttpResponseRedirect(reverse("writeoffs:writeofflist_detail", args=[writeoff_list.pk]))
        return render(request, self.template_name, {"form": form, "title": _("Build")}, status=400)


def writeofflist_panel_context(request, writeoff_list, *, name: str = "", form=None, alert=None, line_forms=None):
    """Everything the list's panel shows: units, approvals, destruction, loss reports and the user's actions."""
    user = request.user
    actions = transition_actions(
        writeoff_list,
        user,
        forms=WriteOffListTransitionView.forms,
        labels=ACTION_LABELS,
        url_name="writeoffs:writeofflist_transition",
        name=name,
        form=form,
        open_names={"record_destruction"},
        danger={"reject"},
    )
    lines = list(writeoff_list.lines.all())
    may_remove = writeoff_list.state == WriteOffListState.DRAFT and is_technician(writeoff_list, user)
    line_forms = line_forms or {}
    timeline = [
        {
            "entry": entry,
            "label": TIMELINE_LABELS.get(entry.transition, entry.transition),
            "source": state_label(entry.source_state),
            "target": state_label(entry.target_state),
        }
        for entry in selectors.writeofflist_timeline(writeoff_list)
    ]
    return {
        "writeoff_list": writeoff_list,
        "live_lines": [
            {
                "line": line,
                "responsibility": responsibility_label(line.responsibility),
                "remove_form": line_forms.get(line.pk)
                or writeoff_forms.WriteOffLineRemoveForm(prefix=f"line{line.pk}"),
            }
            for line in lines
            if line.removed_at is None
        ],
        "removed_lines": [line for line in lines if line.removed_at is not None],
        "may_remove": may_remove,
        "actions": actions,
        "timeline": timeline,
        "loss_reports": list(writeoff_list.loss_reports.all()),
        "photos": list(writeoff_list.photos.all()),
        "alert": alert,
        "title": writeoff_list.number,
    }


class WriteOffListDetailView(LoginRequiredMixin, TemplateView):
    """A write-off list's page: its units, approvals timeline, destruction record, loss reports, downloads."""

    template_name = "writeoffs/writeofflist_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        writeoff_list = selectors.writeofflist_get(self.request.user, kwargs["pk"])
        context.update(writeofflist_panel_context(self.request, writeoff_list))
        return context


class WriteOffListPanelMixin:
    def get_object(self):
        return selectors.writeofflist_get(self.request.user, self.kwargs["pk"])

    def detail_url(self, obj) -> str:
        return reverse("writeoffs:writeofflist_detail", args=[obj.pk])

    def render_panel(self, obj, *, status=200, name="", form=None, alert=None, full_page=False, line_forms=None):
        context = writeofflist_panel_context(
            self.request, obj, name=name, form=form, alert=alert, line_forms=line_forms
        )
        template = "writeoffs/writeofflist_detail.html" if full_page else "writeoffs/partials/_writeoff_panel.html"
        return render(self.request, template, context, status=status)


class WriteOffListTransitionView(WriteOffListPanelMixin, TransitionViewMixin, View):
    """Submit, confirm, approve, send back or record the destruction of a list from its page."""

    forms = {
        "submit": writeoff_forms.NoInputForm,
        "confirm": writeoff_forms.NoInputForm,
        "approve": writeoff_forms.NoInputForm,
        "reject": writeoff_forms.WriteOffListRejectForm,
        "record_destruction": writeoff_forms.WriteOffListDestructionForm,
    }

    def get_form_kwargs(self, name: str, obj) -> dict:
        # The destruction photos uploaded on selection belong to the technician: only they can claim them.
        return {"user": self.request.user} if name == "record_destruction" else {}

    def perform(self, name: str, obj, form) -> str:
        data = form.cleaned_data
        user = self.request.user
        if name == "submit":
            services.writeofflist_submit(writeoff_list=obj, user=user)
            return _("Submitted; the logistics managers were notified.")
        if name == "confirm":
            services.writeofflist_confirm(writeoff_list=obj, user=user)
            return _("Confirmed; the production vice-presidents were notified.")
        if name == "approve":
            row = services.writeofflist_approve(writeoff_list=obj, user=user)
            return _("Approved: every unit is written off and %(count)s loss report(s) were issued.") % {
                "count": row.loss_reports.count()
            }
        if name == "reject":
            services.writeofflist_reject(writeoff_list=obj, user=user, reason=data["reason"])
            return _("Sent back to draft.")
        limit = self.max_upload_bytes()
        photos = [(upload.name or "", upload.read(limit + 1)) for upload in data["photos"]]
        services.writeofflist_record_destruction(
            writeoff_list=obj,
            user=user,
            destroyed_on=data["destroyed_on"],
            method=data["method"],
            warehouse_person=data["warehouse_person"],
            witness=data["witness"],
            photos=photos,
        )
        temporary_upload_claim(user=user, uploads=temporary_uploads_in(data["photos"]))
        return _("The destruction was recorded.")

    @staticmethod
    def max_upload_bytes() -> int:
        from django.conf import settings

        return settings.AFTERSALES_MAX_UPLOAD_BYTES


class WriteOffLineRemoveView(WriteOffListPanelMixin, LoginRequiredMixin, View):
    """Take one unit off a draft list with a reason 移出; 409 past draft, 403 for anyone but technicians."""

    http_method_names = ["post"]

    def post(self, request, pk: int, line_pk: int):
        obj = self.get_object()
        line = next((line for line in obj.lines.all() if line.pk == line_pk and line.removed_at is None), None)
        if line is None:
            raise Http404
        try:
            services.writeoffline_remove_refusal(writeoff_list=obj, user=request.user)
        except TransitionError as error:
            return self.render_panel(
                obj, status=error.status, alert=("danger", error.message), full_page=not self.request.htmx
            )
        form = writeoff_forms.WriteOffLineRemoveForm(request.POST, prefix=f"line{line.pk}")
        if form.is_valid():
            try:
                with transaction.atomic():
                    services.writeoffline_remove(line=line, user=request.user, reason=form.cleaned_data["reason"])
            except TransitionError as error:
                return self.render_panel(
                    self.get_object(),
                    status=error.status,
                    alert=("danger", error.message),
                    full_page=not self.request.htmx,
                )
            except ConcurrentTransition:
                return self.render_panel(
                    self.get_object(), status=409, alert=("danger", str(CONCURRENT_CHANGE_MESSAGE)),
                    full_page=not self.request.htmx,
                )  # fmt: skip
            except ValidationError as error:
                form.add_error(None, error.messages)
            else:
                message = _("%(number)s was taken off the list; it waits for next month's list.") % {
                    "number": line.return_item.number
                }
                if self.request.htmx:
                    return self.render_panel(self.get_object(), alert=("success", message))
                messages.success(request, message)
                return HttpResponseRedirect(self.detail_url(obj))
        return self.render_panel(
            self.get_object(), status=400, line_forms={line.pk: form}, full_page=not self.request.htmx,
            alert=("danger", _("Say why the unit is taken off the list.")),
        )  # fmt: skip


class WriteOffListDownloadView(LoginRequiredMixin, View):
    """The list as PDF or XLSX, rendered now, for whoever may see the list."""

    def get(self, request, pk: int, fmt: str):
        if fmt not in DOWNLOAD_FORMATS:
            raise Http404
        return document_download(selectors.writeofflist_get(request.user, pk), fmt)


class DestructionPhotoView(StoredFileView):
    """A destruction photo, for whoever may see its list (404 for anyone else)."""

    def get_stored_file(self, request, *, pk: int, photo_pk: int) -> DestructionPhoto:
        return get_object_or_404(selectors.writeofflist_get(request.user, pk).photos.all(), pk=photo_pk)


# --- loss reports ---


class LossReportListView(ScopedListView):
    """Loss reports 报损单: a supplier or store sees its own, the center every one."""

    selector = staticmethod(selectors.lossreport_list)
    filterset_class = LossReportFilter
    template_name = "writeoffs/lossreport_list.html"
    title = gettext_lazy("Loss reports")
    export_name = "loss-reports"
    columns = [
        Column(gettext_lazy("Number"), "number"),
        Column(gettext_lazy("Period"), "writeoff_list.period_label"),
        Column(gettext_lazy("Party"), "party_name"),
        Column(gettext_lazy("State"), "get_state_display"),
        Column(gettext_lazy("Total cost (CNY)"), "total_cost", money=True),
    ]


def lossreport_panel_context(request, loss_report, *, name: str = "", form=None, alert=None) -> dict:
    # Signing is what the party is asked for, so its form is open; the dispute waits behind its button.
    actions = transition_actions(
        loss_report,
        request.user,
        forms=LossReportTransitionView.forms,
        labels=ACTION_LABELS,
        url_name="writeoffs:lossreport_transition",
        name=name,
        form=form,
        open_names={"acknowledge"},
        danger={"dispute"},
        confirm=CONFIRM_QUESTIONS,
    )
    return {
        "loss_report": loss_report,
        "lines": list(selectors.lossreport_lines(loss_report)),
        "actions": actions,
        "signed": loss_report.state == LossReportState.ACKNOWLEDGED,
        "disputed": loss_report.state == LossReportState.DISPUTED,
        "alert": alert,
        "title": loss_report.number,
    }


class LossReportDetailView(LoginRequiredMixin, TemplateView):
    template_name = "writeoffs/lossreport_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        loss_report = selectors.lossreport_get(self.request.user, kwargs["pk"])
        context.update(lossreport_panel_context(self.request, loss_report))
        return context


class LossReportTransitionView(TransitionViewMixin, View):
    """The party signs its loss report 签收, or disputes it with a reason."""

    forms = {"acknowledge": writeoff_forms.LossReportAcknowledgeForm, "dispute": writeoff_forms.LossReportDisputeForm}

    def get_object(self):
        return selectors.lossreport_get(self.request.user, self.kwargs["pk"])

    def detail_url(self, obj) -> str:
        return reverse("writeoffs:lossreport_detail", args=[obj.pk])

    def perform(self, name: str, obj, form) -> str:
        if name == "dispute":
            services.lossreport_dispute(loss_report=obj, user=self.request.user, reason=form.cleaned_data["reason"])
            return _("Disputed; the service center has been told.")
        services.lossreport_acknowledge(loss_report=obj, user=self.request.user)
        return _("Signed.")

    def render_panel(self, obj, *, status=200, name="", form=None, alert=None, full_page=False):
        context = lossreport_panel_context(self.request, obj, name=name, form=form, alert=alert)
        template = (
            "writeoffs/lossreport_detail.html" if full_page else "writeoffs/partials/_writeoff_lossreport_panel.html"
        )
        return render(self.request, template, context, status=status)


class LossReportDownloadView(LoginRequiredMixin, View):
    def get(self, request, pk: int, fmt: str):
        if fmt not in DOWNLOAD_FORMATS:
            raise Http404
        return document_download(selectors.lossreport_get(request.user, pk), fmt)
