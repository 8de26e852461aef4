"""Pages of the chargeback statements 扣款单 and the supplier portal 供应商门户.

Finance: statements by month and party type with the month totals, the build form, a statement's page
(lines, total, checksums, downloads, issue, settle, revise, line edits on drafts). A party (supplier, store)
sees its issued statements and acknowledges or disputes them; a supplier also sees its scrapped units with
the inspection and its photos. Reads go through ``chargebacks.selectors`` (out of scope is 404),
writes through ``chargebacks.services``.
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import FileResponse, Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from aftersales.exports import XLSX_CONTENT_TYPE, Column
from aftersales.fsm import TransitionError
from aftersales.models import TransitionLog
from aftersales.pagination import CappedPaginator
from aftersales.roles import Role, has_role_permission, roles_of, sees_everything
from aftersales.ui.views import ScopedListView, TransitionViewMixin, transition_actions
from chargebacks import forms, permissions, selectors, services
from chargebacks.choices import DocumentsStatus, StatementState
from chargebacks.filters import ChargebackFilter
from chargebacks.models import ChargebackLine
from stores.access import scope_for

VIEW_PERMISSION = "chargebacks.view_chargebackstatement"

ACTION_LABELS = {
    "issue": gettext_lazy("Issue"),
    "acknowledge": gettext_lazy("Acknowledge"),
    "dispute": gettext_lazy("Dispute"),
    "settle": gettext_lazy("Record the deduction"),
}
# Asked by the browser before an irreversible step (htmx ``hx-confirm``); the form's checkbox asks without JavaScript.
CONFIRM_QUESTIONS = {
    "acknowledge": gettext_lazy(
        "Acknowledge this statement? It is final: the total is deducted from what you are paid."
    ),
}
EVENT_LABELS = {
    "build": gettext_lazy("Built"),
    "issue": gettext_lazy("Issued"),
    "documents_stored": gettext_lazy("Documents stored"),
    "documents_failed": gettext_lazy("Documents could not be made"),
    "documents_retry": gettext_lazy("Documents queued again"),
    "acknowledge": gettext_lazy("Acknowledged"),
    "dispute": gettext_lazy("Disputed"),
    "settle": gettext_lazy("Settled"),
    "revise": gettext_lazy("Revised as a new version"),
    "remove_line": gettext_lazy("Line removed"),
    "adjust_line": gettext_lazy("Line amount adjusted"),
}


def require_view(user) -> None:
    if not has_role_permission(user, VIEW_PERMISSION):
        raise PermissionDenied


def party_code(statement) -> str:
    party = statement.party
    return party.code if party is not None else "HQ"


# --- the list, the month totals and the build ---


class ChargebackListView(ScopedListView):
    """Statements by month and party type 扣款单列表, with each month's totals and (finance) the build form."""

    selector = staticmethod(selectors.chargeback_list)
    filterset_class = ChargebackFilter
    template_name = "chargebacks/chargeback_list.html"
    title = gettext_lazy("Chargeback statements")
    export_name = "chargebacks"
    columns = [
        Column(gettext_lazy("Number"), lambda s: s.number),
        Column(gettext_lazy("Version"), lambda s: s.version),
        Column(gettext_lazy("Month"), lambda s: s.period_label),
        Column(gettext_lazy("Party type"), lambda s: s.get_party_type_display()),
        Column(gettext_lazy("Party"), party_code),
        Column(gettext_lazy("Party name"), lambda s: s.party_name),
        Column(gettext_lazy("State"), lambda s: s.get_state_display()),
        Column(gettext_lazy("Total (CNY)"), lambda s: s.total, money=True),
    ]

    def get_queryset(self):
        return super().get_queryset().order_by("-period", "party_type", "party_key", "-version")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        totals = []
        if self.filterset.is_valid():
            filters = self.request.GET.copy()
            filters.pop("page", None)
            filters.pop("export", None)
            totals = selectors.chargeback_month_totals(user, filters)
        context.update(
            totals=totals,
            may_build=permissions.is_finance(None, user),
            build_form=kwargs.get("build_form") or forms.ChargebackBuildForm(),
            build_error=kwargs.get("build_error"),
            is_supplier=Role.SUPPLIER_USER in roles_of(user),
        )
        return context


class ChargebackBuildView(LoginRequiredMixin, View):
    """Build the drafts of a month (finance); building again changes nothing."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        require_view(request.user)
        if not permissions.is_finance(None, request.user):
            raise PermissionDenied
        form = forms.ChargebackBuildForm(request.POST)
        error = None
        if form.is_valid():
            period = form.cleaned_data["period"]
            try:
                drafts = services.chargeback_build(period=period, user=request.user)
            except ValidationError as problem:
                error = " ".join(problem.messages)
            else:
                messages.success(
                    request,
                    _("%(count)s draft statement(s) for %(period)s are up to date.")
                    % {"count": len(drafts), "period": f"{period:%Y-%m}"},
                )
                return HttpResponseRedirect(reverse("chargebacks:chargeback_list") + f"?period={period:%Y-%m}")
        view = ChargebackListView(request=request, kwargs={}, args=())
        view.object_list = view.get_queryset()
        context = view.get_context_data(build_form=form, build_error=error)
        return render(request, view.template_name, context, status=400)


# --- one statement ---


def chargeback_panel_context(request, statement, *, name: str = "", form=None, alert=None) -> dict:
    """Everything a statement's panel shows, and the forms of what this user may do on it now."""
    user = request.user
    actions = transition_actions(
        statement,
        user,
        forms=ChargebackTransitionView.forms,
        labels=ACTION_LABELS,
        url_name="chargebacks:chargeback_transition",
        name=name,
        form=form,
        danger={"dispute"},
        confirm=CONFIRM_QUESTIONS,
        slow={"issue"},
    )
    lines = list(statement.lines.all())
    may_edit_lines = statement.state == StatementState.DRAFT and permissions.is_finance(statement, user)
    timeline = [
        {"entry": entry, "label": EVENT_LABELS.get(entry.transition, entry.transition)}
        for entry in TransitionLog.objects.for_object(statement).select_related("actor")
    ]
    return {
        "statement": statement,
        "lines": lines,
        "removed_lines": list(selectors.chargeback_removed_lines(statement)) if may_edit_lines else [],
        "actions": actions,
        "may_revise": services.may_revise(statement, user),
        "may_edit_lines": may_edit_lines,
        "remove_form": forms.ChargebackLineRemoveForm(),
        "adjust_form": forms.ChargebackLineAdjustForm(),
        "timeline": timeline,
        "alert": alert,
        "is_center": sees_everything(user),
        **documents_context(request, statement),
    }


DOCUMENTS_BADGES = {
    DocumentsStatus.QUEUED: "secondary",
    DocumentsStatus.RUNNING: "info",
    DocumentsStatus.DONE: "success",
    DocumentsStatus.FAILED: "danger",
}


def documents_context(request, statement) -> dict:
    """The statement's documents card: made by a task after issue, polled while queued or running."""
    return {
        "documents_badge": DOCUMENTS_BADGES.get(statement.documents_status, "secondary"),
        "documents_polling": statement.documents_pending,
        "may_retry_documents": services.may_retry_documents(statement, request.user),
    }


class ChargebackDetailView(LoginRequiredMixin, TemplateView):
    """A statement's page 扣款单: lines with production years, total, checksums, downloads and actions."""

    template_name = "chargebacks/chargeback_detail.html"

    def get_context_data(self, **kwargs):
        require_view(self.request.user)
        context = super().get_context_data(**kwargs)
        statement = selectors.chargeback_get(self.request.user, kwargs["pk"])
        context.update(chargeback_panel_context(self.request, statement), title=str(statement))
        return context


def render_chargeback_panel(request, statement, *, status=200, name="", form=None, alert=None, full_page=False):
    context = chargeback_panel_context(request, statement, name=name, form=form, alert=alert)
    template = "chargebacks/chargeback_detail.html" if full_page else "chargebacks/partials/_chargeback_panel.html"
    return render(request, template, {**context, "title": str(statement)}, status=status)


class ChargebackTransitionView(TransitionViewMixin, View):
    """Issue, acknowledge, dispute or settle a statement from its page (htmx swaps the panel)."""

    forms = {
        "issue": forms.ChargebackIssueForm,
        "acknowledge": forms.ChargebackAcknowledgeForm,
        "dispute": forms.ChargebackDisputeForm,
        "settle": forms.ChargebackSettleForm,
    }

    def get_object(self):
        return selectors.chargeback_get(self.request.user, self.kwargs["pk"])

    def detail_url(self, obj) -> str:
        return reverse("chargebacks:chargeback_detail", args=[obj.pk])

    def perform(self, name: str, obj, form) -> str:
        data = form.cleaned_data
        user = self.request.user
        if name == "issue":
            services.chargeback_issue(statement=obj, user=user)
            return _("Issued: the lines and the total are frozen. The PDF and XLSX are made in the background.")
        if name == "acknowledge":
            services.chargeback_acknowledge(statement=obj, user=user)
            return _("Acknowledged.")
        if name == "dispute":
            services.chargeback_dispute(statement=obj, user=user, reason=data["reason"])
            return _("Disputed; finance has been told.")
        services.chargeback_settle(statement=obj, user=user, reference=data["reference"])
        return _("Settled with reference %(reference)s.") % {"reference": data["reference"]}

    def render_panel(self, obj, *, status=200, name="", form=None, alert=None, full_page=False):
        return render_chargeback_panel(
            self.request, obj, status=status, name=name, form=form, alert=alert, full_page=full_page
        )


class ChargebackReviseView(LoginRequiredMixin, View):
    """Revise a disputed statement as a new draft version (finance); opens the new version."""

    http_method_names = ["post"]

    def post(self, request, *args, **kwargs):
        statement = selectors.chargeback_get(request.user, kwargs["pk"])
        try:
            revision = services.chargeback_revise(statement=statement, user=request.user)
        except TransitionError as error:
            fresh = selectors.chargeback_get(request.user, kwargs["pk"])
            return render_chargeback_panel(
                request, fresh, status=error.status, alert=("danger", error.message), full_page=not request.htmx
            )
        messages.success(request, _("Version %(version)s was created as a draft.") % {"version": revision.version})
        url = reverse("chargebacks:chargeback_detail", args=[revision.pk])
        if request.htmx:
            response = HttpResponse(status=204)
            response["HX-Redirect"] = url
            return response
        return HttpResponseRedirect(url)


class ChargebackLineEditView(LoginRequiredMixin, View):
    """Remove a line from a draft, or change its amount (finance), always with a reason."""

    http_method_names = ["post"]
    edit_forms = {"remove": forms.ChargebackLineRemoveForm, "adjust": forms.ChargebackLineAdjustForm}

    def post(self, request, *args, **kwargs):
        statement = selectors.chargeback_get(request.user, kwargs["pk"])
        action = kwargs["action"]
        if action not in self.edit_forms:
            raise Http404
        line = get_object_or_404(ChargebackLine.objects.filter(statement=statement), pk=kwargs["line_pk"])
        form = self.edit_forms[action](request.POST)
        full_page = not request.htmx
        # The service answers in fire()'s order (409 state, 403 role, then 400 input), so bad input reaches
        # it too and is refused only after those checks.
        data = form.cleaned_data if form.is_valid() else {}
        try:
            with transaction.atomic():
                if action == "remove":
                    services.chargebackline_remove(line=line, user=request.user, reason=data.get("reason", ""))
                    message = _("The line was removed.")
                else:
                    services.chargebackline_adjust(
                        line=line, user=request.user, amount=data.get("amount"), reason=data.get("reason", "")
                    )
                    message = _("The line's amount was changed.")
        except TransitionError as error:
            fresh = selectors.chargeback_get(request.user, kwargs["pk"])
            return render_chargeback_panel(
                request, fresh, status=error.status, alert=("danger", error.message), full_page=full_page
            )
        except ValidationError as error:
            fresh = selectors.chargeback_get(request.user, kwargs["pk"])
            return render_chargeback_panel(
                request, fresh, status=400, alert=("danger", " ".join(error.messages)), full_page=full_page
            )
        fresh = selectors.chargeback_get(request.user, kwargs["pk"])
        if request.htmx:
            return render_chargeback_panel(request, fresh, alert=("success", message))
        messages.success(request, message)
        return HttpResponseRedirect(reverse("chargebacks:chargeback_detail", args=[fresh.pk]))


class ChargebackDocumentsView(LoginRequiredMixin, View):
    """The statement's documents card (htmx polls it every 2 s while they are queued or being made); once they
    are done or failed the answer carries no trigger, so polling stops. POST makes failed documents again
    (finance or the service center; 409 unless they failed)."""

    def get(self, request, *args, **kwargs):
        require_view(request.user)
        statement = selectors.chargeback_get(request.user, kwargs["pk"])
        return render_documents_card(request, statement)

    def post(self, request, *args, **kwargs):
        require_view(request.user)
        statement = selectors.chargeback_get(request.user, kwargs["pk"])
        try:
            services.chargeback_documents_retry(statement=statement, user=request.user)
        except TransitionError as error:
            fresh = selectors.chargeback_get(request.user, kwargs["pk"])
            if request.htmx:
                return render_documents_card(request, fresh, status=error.status, alert=error.message)
            return render_chargeback_panel(
                request, fresh, status=error.status, alert=("danger", error.message), full_page=True
            )
        fresh = selectors.chargeback_get(request.user, kwargs["pk"])
        if request.htmx:
            return render_documents_card(request, fresh)
        messages.success(request, _("The documents are being made again."))
        return HttpResponseRedirect(reverse("chargebacks:chargeback_detail", args=[fresh.pk]))


def render_documents_card(request, statement, *, status: int = 200, alert: str = ""):
    context = {"statement": statement, "documents_alert": alert, **documents_context(request, statement)}
    return render(request, "chargebacks/partials/_chargeback_documents.html", context, status=status)


class ChargebackDownloadView(LoginRequiredMixin, View):
    """The PDF or XLSX a task stored after issue, byte for byte. Before they are stored (a draft, documents
    queued, being made or failed) the statement's page answers with a message saying which (409)."""

    kind = "pdf"

    def get(self, request, *args, **kwargs):
        require_view(request.user)
        statement = selectors.chargeback_get(request.user, kwargs["pk"])
        stored = getattr(statement, self.kind)
        missing = services.documents_missing(statement)
        if missing:
            return render_chargeback_panel(request, statement, status=409, alert=("warning", missing), full_page=True)
        try:
            handle = stored.open("rb")
        except (FileNotFoundError, ValueError) as error:
            raise Http404 from error
        content_type = "application/pdf" if self.kind == "pdf" else XLSX_CONTENT_TYPE
        response = FileResponse(
            handle,
            content_type=content_type,
            as_attachment=self.kind != "pdf",
            filename=services.document_name(statement, self.kind),
        )
        response["X-Content-Type-Options"] = "nosniff"
        response["Cache-Control"] = "private, no-store"
        return response


# --- the supplier portal ---


class SupplierUnitsView(LoginRequiredMixin, TemplateView):
    """The supplier portal 供应商门户: the units scrapped at the supplier's charge, each with its inspection
    (verdict, defect codes, photos), and the supplier's statements to acknowledge or dispute."""

    template_name = "chargebacks/supplier_units.html"
    paginate_by = 25

    def get_context_data(self, **kwargs):
        user = self.request.user
        if not (Role.SUPPLIER_USER in roles_of(user) or sees_everything(user)):
            raise PermissionDenied
        context = super().get_context_data(**kwargs)
        paginator = CappedPaginator(selectors.supplier_scrapped_units(user), self.paginate_by)
        page = paginator.get_page(self.request.GET.get("page"))
        statements = selectors.chargeback_list(user).filter(party_type="supplier").order_by("-period", "-version")
        if not sees_everything(user):
            statements = statements.filter(supplier__in=sorted(scope_for(user).supplier_ids))
        context.update(
            title=_("Our scrapped units"),
            page_obj=page,
            units=list(page.object_list),
            paginator=paginator,
            is_paginated=paginator.num_pages > 1,
            statements=list(statements[:24]),
            query_string="",
        )
        return context
