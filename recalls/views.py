"""Browser pages of batch recalls 整款退货: candidates and the opening with the test report (technicians), QA's
review, approval and notice, the consolidation and outcomes, the stores' notices with their acknowledgement and
bulk recall return, and the compliance view with its Excel download.

Reads go through ``recalls.selectors`` (so out of scope is 404), writes through ``recalls.services``; transitions
use ``aftersales.ui.views.TransitionViewMixin`` like the Return's page (htmx swaps the panel).
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse, HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from aftersales.exports import XLSX_CONTENT_TYPE, Column
from aftersales.exports.xlsx import XlsxColumn, XlsxSheet, write_workbook
from aftersales.fsm import TransitionError
from aftersales.roles import sees_everything
from aftersales.ui.views import ScopedListView, TransitionViewMixin, transition_actions
from cases.choices import ReturnState
from cases.selectors import return_list
from recalls import forms as recall_forms
from recalls import selectors
from recalls import services as recalls
from recalls.choices import RecallState
from recalls.filters import RecallFilter, RecallNoticeFilter
from recalls.models import Recall, RecallNotice
from stores.access import scope_for
from suppliers.models import DefectCode, Style

RECALL_EVENT_LABELS = {
    "open": gettext_lazy("Opened with the test report"),
    "approve": gettext_lazy("Approved by QA"),
    "reject": gettext_lazy("Rejected by QA"),
    "plan_regions": gettext_lazy("Regions to notify chosen"),
    "issue_notice": gettext_lazy("Notice issued to the stores"),
    "start_collecting": gettext_lazy("Collection started"),
    "recall_returns": gettext_lazy("A store returned units"),
    "ship_to_supplier": gettext_lazy("Shipped to the supplier"),
    "record_outcome": gettext_lazy("Outcome recorded"),
    "ship_late_units": gettext_lazy("Late units shipped to the supplier"),
    "close": gettext_lazy("Closed"),
}
RECALL_ACTION_LABELS = {
    "approve": gettext_lazy("Approve"),
    "reject": gettext_lazy("Reject"),
    "issue_notice": gettext_lazy("Issue the notice"),
    "ship_to_supplier": gettext_lazy("Ship to the supplier"),
    "record_outcome": gettext_lazy("Record outcomes"),
    "ship_late_units": gettext_lazy("Ship the late units to the supplier"),
    "close": gettext_lazy("Close the recall"),
}
NOTICE_ACTION_LABELS = {
    "acknowledge": gettext_lazy("Acknowledge"),
    "recall_returns": gettext_lazy("Return the recalled goods"),
    "correct_on_hand": gettext_lazy("Correct the on-hand quantity"),
}


def notice_event_text(entry) -> str:
    """One line of a notice's history: the acknowledgement or an on-hand correction, with its figures."""
    payload = entry.payload or {}
    if entry.transition == "acknowledge":
        return _("Acknowledged with %(count)s unit(s) on hand") % {"count": payload.get("on_hand")}
    if entry.transition == "correct_on_hand":
        return _("On-hand quantity corrected from %(before)s to %(after)s: %(reason)s") % {
            "before": payload.get("from"),
            "after": payload.get("to"),
            "reason": payload.get("reason", ""),
        }
    return entry.transition


def may_open(user) -> bool:
    """Whether the user opens recalls (``recalls.services.recall_open``'s rule): the button and the form page."""
    return recalls.recall_open_refusal(user=user) is None


def require_center(user) -> None:
    """Compliance figures across stores are the service center's (QA included)."""
    if not sees_everything(user):
        raise PermissionDenied


def recall_state_label(value: str) -> str:
    return str(RecallState(value).label) if value in RecallState.values else value


# --- candidates 整款退货候选 ---


class RecallCandidateListView(LoginRequiredMixin, TemplateView):
    """Styles with the same defect code from several stores lately, with the Returns behind each (technicians, QA)."""

    template_name = "recalls/recallcandidate_list.html"

    def get(self, request, *args, **kwargs):
        if not selectors.may_see_recall_candidates(request.user):
            raise PermissionDenied
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            title=_("Recall candidates"),
            candidates=selectors.recall_candidate_list(self.request.user),
            may_open=may_open(self.request.user),
            thresholds={
                "returns": settings.AFTERSALES_RECALL_MIN_RETURNS,
                "stores": settings.AFTERSALES_RECALL_MIN_STORES,
                "days": settings.AFTERSALES_RECALL_WINDOW_DAYS,
            },
        )
        return context


# --- recalls ---


class RecallListView(ScopedListView):
    """Batch recalls the user may see: the service center all, a store those it was notified of, a supplier its."""

    selector = staticmethod(selectors.recall_list)
    filterset_class = RecallFilter
    template_name = "recalls/recall_list.html"
    title = gettext_lazy("Batch recalls")
    export_name = "recalls"
    columns = [
        Column(gettext_lazy("Number"), "number"),
        Column(gettext_lazy("Style"), "style.style_no"),
        Column(gettext_lazy("Defect code"), "defect_code.code"),
        Column(gettext_lazy("State"), "get_state_display"),
        Column(gettext_lazy("Deadline for stores"), "deadline"),
        Column(gettext_lazy("Opened by"), "opened_by"),
        Column(gettext_lazy("Opened at"), "created_at"),
    ]

    def get_queryset(self):
        return super().get_queryset().order_by("-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["may_open"] = may_open(self.request.user)
        return context


class RecallCreateView(LoginRequiredMixin, View):
    """Open a recall 立项 with the style test report 检测报告 (technicians); prefilled from a candidate."""

    template_name = "recalls/recall_form.html"

    def dispatch(self, request, *args, **kwargs):
        # The form page is for those the service lets open a recall; anyone else gets 403 for it.
        if request.user.is_authenticated and not may_open(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def reported_for(self, style_id, code_id) -> list:
        """The Returns behind the current candidate for this style and code: what other stores reported."""
        if not (str(style_id).isdigit() and str(code_id).isdigit()):
            return []
        for candidate in selectors.recall_candidate_list(self.request.user):
            if candidate.style.pk == int(style_id) and candidate.defect_code.pk == int(code_id):
                return candidate.returns
        return []

    def build_form(self, data=None, files=None, *, initial=None):
        source = data if data is not None else (initial or {})
        reported = self.reported_for(source.get("style", ""), source.get("defect_code", ""))
        form = recall_forms.RecallOpenForm(
            data,
            files,
            initial=initial,
            styles=Style.objects.visible_to(self.request.user).order_by("style_no"),
            defect_codes=DefectCode.objects.filter(active=True).order_by("code"),
            reported=reported,
            user=self.request.user,
        )
        return form, reported

    def render_form(self, form, reported, *, status=200, errors=()):
        if form.is_bound:
            checked = {int(value) for value in self.request.POST.getlist("reported_returns") if value.isdigit()}
        else:
            checked = {item.pk for item in reported}
        context = {
            "title": _("Open a batch recall"),
            "form": form,
            "reported": reported,
            "checked": checked,
            "errors": errors,
        }
        return render(self.request, self.template_name, context, status=status)

    def get(self, request, *args, **kwargs):
        initial = {key: request.GET[key] for key in ("style", "defect_code") if request.GET.get(key, "").isdigit()}
        form, reported = self.build_form(initial=initial)
        return self.render_form(form, reported)

    def post(self, request, *args, **kwargs):
        form, reported = self.build_form(request.POST, request.FILES)
        if not form.is_valid():
            return self.render_form(form, reported, status=400)
        data = form.cleaned_data
        try:
            recall = recalls.recall_open(
                user=request.user,
                style=data["style"],
                defect_code=data["defect_code"],
                test_report=data["test_report"],
                handling_plan=data["handling_plan"],
                deadline=data["deadline"],
                return_method=data["return_method"],
                cost_bearer=data["cost_bearer"],
                reported_return_ids=data["reported_returns"] if "reported_returns" in form.fields else None,
                photos=data["photos"],
            )
        except TransitionError as error:
            raise PermissionDenied(error.message) from error
        except ValidationError as error:
            loose = []
            for key, problems in error.message_dict.items() if hasattr(error, "error_dict") else [("", error.messages)]:
                field = "photos" if key == "file" else key
                if field in form.fields:
                    form.add_error(field, problems)
                else:
                    loose.extend(problems)
            return self.render_form(form, reported, status=400, errors=loose)
        messages.success(request, _("Recall %(number)s is proposed; QA will review it.") % {"number": recall.number})
        return HttpResponseRedirect(reverse("recalls:recall_detail", args=[recall.pk]))


# The rules of the recall's actions that are not transitions, as their services declare them.
RECALL_EXTRA_RULES = {
    "record_outcome": recalls.RECALL_RECORD_OUTCOME,
    "ship_late_units": recalls.RECALL_SHIP_LATE_UNITS,
    "attach": recalls.RECALL_ATTACH,
}


def recall_extra_refusal(name: str, recall: Recall, user) -> TransitionError | None:
    """Why ``user`` may not record outcomes or add test-report photos now (409, then 403), or None."""
    return RECALL_EXTRA_RULES[name].refusal(recall, user)


def recall_late_units_waiting(recall: Recall) -> bool:
    """Recalled units reached the center after the recall shipped (the page offers to ship them)."""
    return recall.returns.filter(state=ReturnState.RECEIVED, recall_unit__isnull=True).exists()


def _in_scope(items, store_of, user) -> list:
    # Other stores' Returns stay with the service center: a store sees only its own among them.
    scope = scope_for(user)
    if scope.everything:
        return list(items)
    return [item for item in items if store_of(item) in scope.store_ids]


def recall_panel_context(request, recall: Recall, *, name: str = "", form=None, alert=None) -> dict:
    """Everything the recall's page shows, and the forms of what this user may do now."""
    user = request.user
    view = RecallTransitionView
    units = _in_scope(recall.units.all(), lambda unit: unit.return_item.store_id, user)
    actions = transition_actions(
        recall,
        user,
        forms=view.forms,
        labels=RECALL_ACTION_LABELS,
        url_name="recalls:recall_transition",
        name=name,
        form=form,
        extra=[
            action
            for action in ("ship_late_units", "record_outcome")
            if recall_extra_refusal(action, recall, user) is None
            and (action != "ship_late_units" or recall_late_units_waiting(recall) or (name == action and form))
        ],
        new_form=lambda action: view.all_forms()[action](
            initial=view.initial_for(action, recall), **view.form_kwargs_for(action, recall)
        ),
        danger={"reject"},
    )
    timeline = [
        {
            "entry": entry,
            "label": RECALL_EVENT_LABELS.get(entry.transition, entry.transition),
            "source": recall_state_label(entry.source_state),
            "target": recall_state_label(entry.target_state),
        }
        for entry in selectors.recall_timeline(recall)
    ]
    center = sees_everything(user)
    collected = None
    if center:
        returns = recall.returns.exclude(state=ReturnState.CANCELLED)
        collected = {
            "logged": returns.count(),
            "at_center": returns.filter(state=ReturnState.RECEIVED, recall_unit__isnull=True).count(),
        }
    may_attach = recall_extra_refusal("attach", recall, user) is None
    attach_form = form if name == "attach" and form is not None else recall_forms.RecallAttachForm()
    return {
        "recall": recall,
        "actions": actions,
        "alert": alert,
        "timeline": timeline,
        "reported_returns": _in_scope(recall.reported_returns.all(), lambda item: item.store_id, user),
        "units": units,
        "notices": selectors.recallnotice_list(user).filter(recall=recall).order_by("store__code"),
        "collected": collected,
        "center": center,
        "may_attach": may_attach,
        "attach_form": attach_form,
    }


class RecallDetailView(LoginRequiredMixin, TemplateView):
    """A recall's page: state, timeline, test report and photos, handling plan, notices, units, outcomes."""

    template_name = "recalls/recall_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        recall = selectors.recall_get(self.request.user, kwargs["pk"])
        context.update(recall_panel_context(self.request, recall), title=recall.number)
        return context


class RecallTransitionView(TransitionViewMixin, View):
    """QA approves, rejects, issues the notice and closes; technicians ship to the supplier and record outcomes."""

    forms = {
        "approve": recall_forms.RecallApproveForm,
        "reject": recall_forms.RecallRejectForm,
        "issue_notice": recall_forms.RecallIssueNoticeForm,
        "ship_to_supplier": recall_forms.RecallShipToSupplierForm,
        "close": recall_forms.RecallCloseForm,
    }
    extra_forms = {
        "record_outcome": recall_forms.RecallRecordOutcomeForm,
        "ship_late_units": recall_forms.RecallShipToSupplierForm,
        "attach": recall_forms.RecallAttachForm,
    }

    @staticmethod
    def initial_for(name: str, recall: Recall) -> dict:
        if name == "approve":
            return {
                "return_method": recall.return_method,
                "deadline": recall.deadline,
                "handling_plan": recall.handling_plan,
                "cost_bearer": recall.cost_bearer,
                "regions": [region.pk for region in recall.regions.all()],
            }
        if name == "issue_notice":
            return {"regions": [region.pk for region in recall.regions.all()]}
        return {}

    @staticmethod
    def form_kwargs_for(name: str, recall: Recall) -> dict:
        if name == "record_outcome":
            return {"units": list(recall.units.all())}
        return {}

    def get_form_kwargs(self, name: str, obj) -> dict:
        return self.form_kwargs_for(name, obj)

    def get_object(self):
        return selectors.recall_get(self.request.user, self.kwargs["pk"])

    def detail_url(self, obj) -> str:
        return reverse("recalls:recall_detail", args=[obj.pk])

    def extra_refusal(self, name: str, obj) -> TransitionError | None:
        return recall_extra_refusal(name, obj, self.request.user)

    def perform(self, name: str, obj, form) -> str:
        data = form.cleaned_data
        user = self.request.user
        if name == "approve":
            recalls.recall_approve(
                user=user,
                recall=obj,
                deadline=data["deadline"],
                return_method=data["return_method"],
                handling_plan=data["handling_plan"],
                cost_bearer=data["cost_bearer"],
                regions=list(data["regions"]),
            )
            return _("Approved. Issue the notice to the stores when it is ready.")
        if name == "reject":
            recalls.recall_reject(user=user, recall=obj, reason=data["reason"])
            return _("The recall was rejected.")
        if name == "issue_notice":
            row = recalls.recall_issue_notice(user=user, recall=obj, regions=list(data["regions"]))
            count = RecallNotice.objects.filter(recall=row).count()
            return _("The notice went to %(count)s store(s).") % {"count": count}
        if name == "ship_to_supplier":
            recalls.recall_ship_to_supplier(
                user=user, recall=obj, carrier=data["carrier"], tracking_no=data["tracking_no"]
            )
            return _("Shipped to the supplier. Record each unit's outcome when the supplier answers.")
        if name == "ship_late_units":
            late = recalls.recall_ship_late_units(
                user=user, recall=obj, carrier=data["carrier"], tracking_no=data["tracking_no"]
            )
            return _("%(count)s late unit(s) shipped to the supplier.") % {"count": len(late)}
        if name == "record_outcome":
            units = recalls.recall_record_outcome(
                user=user, recall=obj, return_ids=data["returns"], outcome=data["outcome"], note=data["note"]
            )
            return _("Outcome recorded for %(count)s unit(s).") % {"count": len(units)}
        if name == "attach":
            recalls.recall_attachments_add(user=user, recall=obj, files=data["photos"])
            return _("The files were added to the test report.")
        recalls.recall_close(user=user, recall=obj, note=data["note"])
        return _("The recall is closed.")

    def render_panel(self, obj, *, status=200, name="", form=None, alert=None, full_page=False):
        context = recall_panel_context(self.request, obj, name=name, form=form, alert=alert)
        template = "recalls/recall_detail.html" if full_page else "recalls/partials/_recall_panel.html"
        return render(self.request, template, {**context, "title": obj.number}, status=status)


# --- notices to stores 整款退货通知 ---


class RecallNoticeListView(ScopedListView):
    """Recall notices: a store its own (to acknowledge and answer), the service center every store's."""

    selector = staticmethod(selectors.recallnotice_list)
    filterset_class = RecallNoticeFilter
    template_name = "recalls/recallnotice_list.html"
    title = gettext_lazy("Recall notices")
    export_name = "recall-notices"
    columns = [
        Column(gettext_lazy("Recall"), "recall.number"),
        Column(gettext_lazy("Style"), "recall.style.style_no"),
        Column(gettext_lazy("Defect code"), "recall.defect_code.code"),
        Column(gettext_lazy("Store"), "store.code"),
        Column(gettext_lazy("State"), "get_state_display"),
        Column(gettext_lazy("Acknowledged at"), "acknowledged_at"),
        Column(gettext_lazy("On hand"), "on_hand"),
        Column(gettext_lazy("Logged at the store"), "logged"),
        Column(gettext_lazy("Returned (arrived at the center)"), "returned"),
        Column(gettext_lazy("Deadline for stores"), "recall.deadline"),
        Column(gettext_lazy("Late"), "late"),
        Column(gettext_lazy("More logged than on hand"), "over_on_hand"),
    ]

    def get_queryset(self):
        return super().get_queryset().order_by("-id")


# The rules of a notice's actions that are not transitions, as their services declare them.
NOTICE_EXTRA_RULES = {
    "recall_returns": recalls.RECALL_RETURNS_LOG,
    "correct_on_hand": recalls.RECALLNOTICE_CORRECT_ON_HAND,
}


def notice_extra_refusal(name: str, notice: RecallNotice, user) -> TransitionError | None:
    return NOTICE_EXTRA_RULES[name].refusal(notice, user)


def notice_panel_context(request, notice: RecallNotice, *, name: str = "", form=None, alert=None) -> dict:
    user = request.user
    view = RecallNoticeTransitionView
    extra = []
    # Units are logged against the acknowledged on-hand figure, so both wait for the acknowledgement (and for a
    # recall that still collects): what the correction's rule asks.
    if notice_extra_refusal("correct_on_hand", notice, user) is None:
        extra.extend(["recall_returns", "correct_on_hand"])
    if name and form is not None:
        # A refused or failed answer still shows its form with the message.
        extra.append(name)
    # Each action is a card of its own; only the on-hand correction is folded away until it is being answered.
    actions = transition_actions(
        notice,
        user,
        forms=view.forms,
        labels=NOTICE_ACTION_LABELS,
        url_name="recalls:recallnotice_transition",
        name=name,
        form=form,
        extra=extra,
        new_form=lambda action: view.all_forms()[action](),
    )
    returns = return_list(user).filter(recall_id=notice.recall_id, store_id=notice.store_id).order_by("id")
    deadline = notice.recall.deadline
    history = [{"entry": entry, "text": notice_event_text(entry)} for entry in selectors.recallnotice_history(notice)]
    return {
        "notice": notice,
        "recall": notice.recall,
        "actions": actions,
        "alert": alert,
        "returns": returns,
        "history": history,
        # The deadline sentence is worded by whether the date is still ahead (0: today).
        "days_left": (deadline - timezone.localdate()).days if deadline else None,
    }


class RecallNoticeDetailView(LoginRequiredMixin, TemplateView):
    """One store's recall notice: what to do and by when, the acknowledgement, and its recall Returns."""

    template_name = "recalls/recallnotice_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        notice = selectors.recallnotice_get(self.request.user, kwargs["pk"])
        context.update(notice_panel_context(self.request, notice), title=notice.recall.number)
        return context


class RecallNoticeTransitionView(TransitionViewMixin, View):
    """The store acknowledges with its on-hand quantity, then logs its recall Returns in bulk."""

    forms = {"acknowledge": recall_forms.RecallNoticeAcknowledgeForm}
    extra_forms = {
        "recall_returns": recall_forms.RecallReturnsForm,
        "correct_on_hand": recall_forms.RecallNoticeCorrectOnHandForm,
    }

    def get_object(self):
        return selectors.recallnotice_get(self.request.user, self.kwargs["pk"])

    def detail_url(self, obj) -> str:
        return reverse("recalls:recallnotice_detail", args=[obj.pk])

    def extra_refusal(self, name: str, obj) -> TransitionError | None:
        return notice_extra_refusal(name, obj, self.request.user)

    def refusal(self, name: str, obj) -> TransitionError | None:
        # The acknowledgement also waits for a recall that still collects, before the person is asked.
        if name == "acknowledge":
            return recalls.recallnotice_acknowledge_refusal(user=self.request.user, notice=obj)
        return super().refusal(name, obj)

    def perform(self, name: str, obj, form) -> str:
        data = form.cleaned_data
        user = self.request.user
        if name == "acknowledge":
            recalls.recallnotice_acknowledge(user=user, notice=obj, on_hand=data["on_hand"])
            return _("Acknowledged with %(count)s unit(s) on hand.") % {"count": data["on_hand"]}
        if name == "correct_on_hand":
            row = recalls.recallnotice_correct_on_hand(
                user=user, notice=obj, on_hand=data["on_hand"], reason=data["reason"]
            )
            return _("On-hand quantity corrected to %(count)s.") % {"count": row.on_hand}
        created = recalls.recall_returns_log(
            notice=obj,
            user=user,
            lines=data["lines"],
            document_no=data["document_no"],
            confirm_reused_document_no=data.get("confirm_document_no", False),
        )
        return _(
            "Logged %(count)s recall return(s). They go to the service center with the store's weekly shipment."
        ) % {"count": len(created)}

    def render_panel(self, obj, *, status=200, name="", form=None, alert=None, full_page=False):
        context = notice_panel_context(self.request, obj, name=name, form=form, alert=alert)
        template = "recalls/recallnotice_detail.html" if full_page else "recalls/partials/_recallnotice_panel.html"
        return render(self.request, template, {**context, "title": obj.recall.number}, status=status)


# --- compliance 执行情况 ---


class RecallComplianceView(LoginRequiredMixin, TemplateView):
    """Per store notified: acknowledged (when), on hand, returned, late; per region and overall (center only)."""

    template_name = "recalls/recall_compliance.html"

    def get(self, request, *args, **kwargs):
        require_center(request.user)
        return super().get(request, *args, **kwargs)

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        recall = selectors.recall_get(self.request.user, kwargs["pk"])
        compliance = selectors.recall_compliance(recall, user=self.request.user)
        context.update(
            title=_("Compliance of %(number)s") % {"number": recall.number},
            recall=recall,
            stores=list(compliance.stores),
            regions=compliance.regions,
            totals=compliance.totals,
        )
        return context


class RecallComplianceXlsxView(LoginRequiredMixin, View):
    """The compliance view as an Excel workbook: one sheet per store, one per region with the overall total."""

    def get(self, request, *args, **kwargs):
        require_center(request.user)
        recall = selectors.recall_get(request.user, kwargs["pk"])
        compliance = selectors.recall_compliance(recall, user=request.user)
        content = compliance_xlsx(recall, compliance)
        stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
        response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE)
        response["Content-Disposition"] = f'attachment; filename="{recall.number}-compliance-{stamp}.xlsx"'
        return response


def compliance_xlsx(recall: Recall, compliance) -> bytes:
    """Two sheets, headers bold and frozen: the stores (one row each), then the regions and the overall total."""
    yes, no = _("Yes"), _("No")
    heading = [
        f"{recall.number} {recall.style.style_no} {recall.style.name}",
        f"{recall.defect_code.code} {recall.defect_code.name}",
        str(_("Deadline for stores")),
        recall.deadline,
    ]
    store_headers = (
        _("Region"),
        _("Store code"),
        _("Store"),
        _("Acknowledged"),
        _("Acknowledged at"),
        _("On hand"),
        _("Logged at the store"),
        _("Returned (arrived at the center)"),
        _("Late"),
        _("More logged than on hand"),
    )
    stores = XlsxSheet(
        title=str(_("Stores")),
        columns=[XlsxColumn(header, width=None) for header in store_headers],
        title_rows=[heading],
        title_size=13,
        wrap_header=False,
        rows=(
            [
                notice.store.region.code,
                notice.store.code,
                notice.store.name,
                yes if notice.acknowledged_at else no,
                notice.acknowledged_at,
                notice.on_hand,
                notice.logged,
                notice.returned,
                yes if notice.late else no,
                yes if notice.over_on_hand else no,
            ]
            for notice in compliance.stores
        ),
    )
    figures = ("notified", "acknowledged", "on_hand", "logged", "returned", "late", "over_on_hand")
    region_headers = (
        _("Region"),
        _("Region name"),
        _("Notified"),
        _("Acknowledged"),
        _("On hand"),
        _("Logged at the store"),
        _("Returned (arrived at the center)"),
        _("Late"),
        _("More logged than on hand"),
    )
    regions = XlsxSheet(
        title=str(_("Regions")),
        columns=[XlsxColumn(header, width=None) for header in region_headers],
        wrap_header=False,
        rows=([row["region"], row["region_name"], *(row[name] for name in figures)] for row in compliance.regions),
        total_row=[str(_("Total")), "", *(compliance.totals[name] for name in figures)],
    )
    # A live view, downloaded now: no need for byte-stable output.
    return write_workbook([stores, regions], deterministic=False)
