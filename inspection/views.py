"""Pages of inspection 鉴定: the inspection queue, and on a Return's page the inspect action and the report's card.

The Return's page belongs to ``cases``; what inspection adds to it is
registered there (``inspection.hooks``), so ``cases`` imports nothing of this app.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from aftersales.exports import XLSX_CONTENT_TYPE, Column
from aftersales.fsm import TransitionError, refusal
from aftersales.models import TransitionLog
from aftersales.roles import has_role_permission
from aftersales.services import temporary_upload_claim
from aftersales.ui.views import ScopedListView, TransitionViewMixin, transition_actions
from aftersales.uploads import temporary_uploads_in
from cases.choices import ReturnState, Verdict
from cases.models import Return
from cases.views import ReturnQueueView
from inspection import permissions as lot_permissions
from inspection import services, switching
from inspection.choices import DefectClass, LotState, ReworkAnswer
from inspection.documents import daily_report_pdf, daily_report_xlsx, incominglot_report_response
from inspection.filters import IncomingLotFilter
from inspection.forms import (
    AgreeReworkForm,
    DeclineReworkForm,
    IncomingLotRegisterForm,
    LotNoInputForm,
    LotRecordResultForm,
    LotReviewForm,
    SupplierDecisionForm,
)
from inspection.models import InspectionReport
from inspection.selectors import (
    daily_inspection_report,
    incominglot_get,
    incominglot_list,
    inspectionreport_get,
    inspectionreport_list,
    severityswitch_list,
)
from inspection.services import inspectionreport_agree_rework as rework_agree
from inspection.services import inspectionreport_decline_rework as rework_decline
from inspection.services import return_inspect
from stores.selectors import store_held
from suppliers.choices import InspectionSeverity
from suppliers.models import Supplier


class InspectionQueueView(ReturnQueueView):
    """Received units waiting for inspection 待鉴定, the earliest due first (the service center's work list)."""

    title = gettext_lazy("To inspect")
    states = (ReturnState.RECEIVED,)
    queue_url_name = "inspection:inspection_queue"
    empty_message = gettext_lazy("No unit waits for inspection.")
    hint = gettext_lazy("Received units, the earliest due first. Open one to inspect it.")

    def selector(self, user):
        # A batch recall's units are not inspected one by one: they go to the supplier with their recall.
        return super().selector(user).filter(recall__isnull=True)


def inspect_initial(return_item: Return) -> dict:
    """The inspect form starts with the defect code the store reported (the technician may change it)."""
    if return_item.reported_defect_id:
        return {"defect_codes": [return_item.reported_defect_id]}
    return {}


def inspect_perform(*, user, return_item: Return, data: dict) -> str:
    """The inspect form's answer: the service writes the report, moves the Return and attaches the photos."""
    report = return_inspect(
        user=user,
        return_item=return_item,
        verdict=data["verdict"],
        responsibility=data["responsibility"],
        defect_codes=list(data["defect_codes"]),
        notes=data["notes"],
        supplier_agreement=data["supplier_agreement"],
        supplier_promised_date=data["supplier_promised_date"],
        photos=data["photos"],
    )
    return _("Inspected: %(verdict)s.") % {"verdict": report.get_verdict_display()}


def return_inspection_context(*, user, return_item: Return) -> dict:
    """The Return page's inspection card reads ``inspection``: the report, or None before inspection."""
    try:
        inspection = return_item.inspection
    except InspectionReport.DoesNotExist:
        inspection = None
    context = {"inspection": inspection}
    if inspection is None and return_item.state == ReturnState.RECEIVED:
        # Beside the care-damage hint of the inspect form: how long the store had the goods (its deliveries).
        context["store_held"] = store_held(
            store_id=return_item.store_id, style_id=return_item.style_id, until=return_item.purchase_date
        )
        context["store_held_limit"] = settings.AFTERSALES_STORE_RESPONSIBILITY_DAYS
    return context


# --- incoming sample inspection 成衣抽检 ---

LOT_ACTION_LABELS = {
    "start_inspection": gettext_lazy("Start the inspection"),
    "record_result": gettext_lazy("Record the result"),
    "release": gettext_lazy("Release to ship 准予出货"),
    "review": gettext_lazy("Review (QA)"),
    "approve_concession": gettext_lazy("Approve the concession 让步接收"),
}
LOT_TIMELINE_LABELS = {
    "start_inspection": gettext_lazy("Inspection started"),
    "record_result": gettext_lazy("Result recorded"),
    "release": gettext_lazy("Released"),
    "review": gettext_lazy("Reviewed by QA"),
    "approve_concession": gettext_lazy("Concession approved"),
}


class IncomingLotListView(ScopedListView):
    """Incoming lots 大货批次: logistics' lots waiting and released, the technicians' lots to inspect, QA's rejected
    lots to review, the VP's concessions, a supplier's own lots (``?state=``)."""

    selector = staticmethod(incominglot_list)
    filterset_class = IncomingLotFilter
    template_name = "inspection/incominglot_list.html"
    title = gettext_lazy("Incoming lots")
    export_name = "incoming-lots"
    columns = [
        Column(gettext_lazy("Number"), "number"),
        Column(gettext_lazy("Supplier"), "supplier.code"),
        Column(gettext_lazy("Style"), "style.style_no"),
        Column(gettext_lazy("Purchase order"), "po_number"),
        Column(gettext_lazy("Quantity"), "quantity"),
        Column(gettext_lazy("State"), "get_state_display"),
        Column(gettext_lazy("Planned store delivery date"), "delivery_date"),
    ]

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context["may_register"] = lot_permissions.is_logistics(None, user)
        context["queues"] = [
            (state, LotState(state).label)
            for state in (LotState.REGISTERED, LotState.INSPECTING, LotState.REJECTED, LotState.CONCESSION,
                          LotState.ACCEPTED, LotState.REWORK)
        ]  # fmt: skip
        return context


class IncomingLotRegisterView(LoginRequiredMixin, View):
    """Logistics registers a lot 大货登记; the plan and the cartons to open are fixed at once."""

    template_name = "inspection/incominglot_register.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not lot_permissions.is_logistics(None, request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        form = IncomingLotRegisterForm(user=request.user)
        return render(request, self.template_name, {"form": form, "title": _("Register an incoming lot")})

    def post(self, request):
        form = IncomingLotRegisterForm(request.POST, user=request.user)
        if form.is_valid():
            data = form.cleaned_data
            try:
                lot = services.incominglot_register(user=request.user, **data)
            except ValidationError as error:
                for key, field_messages in error.message_dict.items():
                    form.add_error(key if key in form.fields else None, field_messages)
            else:
                messages.success(request, _("Lot %(number)s registered.") % {"number": lot.number})
                if lot.supplier.inspection_severity == InspectionSeverity.DISCONTINUED:
                    messages.warning(
                        request,
                        _("Inspection of %(supplier)s is discontinued: the lot waits until QA resumes the supplier.")
                        % {"supplier": lot.supplier.code},
                    )
                return HttpResponseRedirect(reverse("inspection:incominglot_detail", args=[lot.pk]))
        context = {"form": form, "title": _("Register an incoming lot")}
        return render(request, self.template_name, context, status=400)


def incominglot_panel_context(request, lot, *, name: str = "", form=None, alert=None) -> dict:
    """Everything the lot's panel shows: facts, the plan, the cartons, each inspection, actions, timeline."""
    actions = transition_actions(
        lot,
        request.user,
        forms=IncomingLotTransitionView.forms,
        labels=LOT_ACTION_LABELS,
        url_name="inspection:incominglot_transition",
        name=name,
        form=form,
        open_names={"record_result", "review"},
    )
    inspections = []
    for inspection in sorted(lot.inspections.all(), key=lambda row: row.round):
        found = {defect_class: inspection.found(defect_class) for defect_class in DefectClass.values}
        inspections.append(
            {
                "inspection": inspection,
                "rows": [
                    {
                        "class": DefectClass(defect_class).label,
                        "plan": inspection.plan.get(defect_class, {}),
                        "found": found[defect_class],
                        "within": found[defect_class] <= inspection.plan.get(defect_class, {}).get("accept", 0),
                    }
                    for defect_class in (DefectClass.CRITICAL, DefectClass.MAJOR, DefectClass.MINOR)
                ],
            }
        )
    timeline = [
        {"entry": entry, "label": LOT_TIMELINE_LABELS.get(entry.transition, entry.transition)}
        for entry in TransitionLog.objects.for_object(lot).select_related("actor").order_by("at", "id")
    ]
    return {
        "lot": lot,
        "inspections": inspections,
        "actions": actions,
        "record_action": next((action for action in actions if action["name"] == "record_result"), None),
        "other_actions": [action for action in actions if action["name"] != "record_result"],
        "timeline": timeline,
        "alert": alert,
        "title": lot.number,
        # domain.md: a discontinued supplier's new lots are registered, but cannot be inspected until QA resumes it.
        "inspection_blocked": lot.state in (LotState.REGISTERED, LotState.REWORK)
        and lot.supplier.inspection_severity == InspectionSeverity.DISCONTINUED,
    }


class IncomingLotDetailView(LoginRequiredMixin, TemplateView):
    """A lot's page: plan, cartons to open (the inspector's list), every inspection, the report, actions."""

    template_name = "inspection/incominglot_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(incominglot_panel_context(self.request, incominglot_get(self.request.user, kwargs["pk"])))
        return context


class IncomingLotTransitionView(TransitionViewMixin, View):
    """Start, record, release, review or approve a concession from the lot's page."""

    forms = {
        "start_inspection": LotNoInputForm,
        "record_result": LotRecordResultForm,
        "release": LotNoInputForm,
        "review": LotReviewForm,
        "approve_concession": LotNoInputForm,
    }

    def get_object(self):
        return incominglot_get(self.request.user, self.kwargs["pk"])

    def get_form_kwargs(self, name: str, obj) -> dict:
        # Photos uploaded on selection belong to the technician: only they can claim them.
        return {"user": self.request.user} if name == "record_result" else {}

    def detail_url(self, obj) -> str:
        return reverse("inspection:incominglot_detail", args=[obj.pk])

    def render_panel(self, obj, *, status=200, name="", form=None, alert=None, full_page=False):
        context = incominglot_panel_context(self.request, obj, name=name, form=form, alert=alert)
        template = "inspection/incominglot_detail.html" if full_page else "inspection/partials/_incominglot_panel.html"
        return render(self.request, template, context, status=status)

    def perform(self, name: str, obj, form) -> str:
        data = form.cleaned_data
        user = self.request.user
        if name == "start_inspection":
            services.incominglot_start_inspection(user=user, lot=obj)
            return _("Inspection started: open the cartons listed.")
        if name == "record_result":
            limit = settings.AFTERSALES_MAX_UPLOAD_BYTES
            photos = [(upload.name or "", upload.read(limit + 1)) for upload in data["photos"] or []]
            lot = services.incominglot_record_result(
                user=user, lot=obj, defects=data["defects"], items_checked=data["items_checked"], notes=data["notes"],
                photos=photos,
            )  # fmt: skip
            temporary_upload_claim(user=user, uploads=temporary_uploads_in(data["photos"] or []))
            if lot.state == LotState.ACCEPTED:
                return _("Accepted: logistics may release the lot.")
            return ("warning", _("Rejected: QA reviews the lot."))
        if name == "release":
            services.incominglot_release(user=user, lot=obj)
            return _("Released: the lot may ship to stores.")
        if name == "review":
            services.incominglot_review(
                user=user, lot=obj, disposition=data["disposition"], notes=data["notes"],
                delivery_date=data["delivery_date"],
            )  # fmt: skip
            return _("Reviewed.")
        services.incominglot_approve_concession(user=user, lot=obj)
        return _("Concession approved: the lot is released.")


class SupplierSeverityListView(LoginRequiredMixin, TemplateView):
    """QA's suppliers by severity: each supplier's severity, switching score and lots not accepted."""

    template_name = "inspection/supplier_severity_list.html"

    def get_context_data(self, **kwargs):
        if not has_role_permission(self.request.user, "inspection.view_severityswitch"):
            raise PermissionDenied
        context = super().get_context_data(**kwargs)
        order = {"discontinued": 0, "tightened": 1, "normal": 2, "reduced": 3}
        suppliers = list(Supplier.objects.visible_to(self.request.user).filter(active=True))
        # every supplier's lots since its last switch in one query (issue 19)
        results = switching.results_by_supplier(suppliers)
        rows = [
            {"supplier": supplier, "status": switching.switching_status(supplier, results[supplier.pk])}
            for supplier in suppliers
        ]
        rows.sort(key=lambda row: (order.get(row["supplier"].inspection_severity, 9), row["supplier"].code))
        context.update(rows=rows, title=_("Suppliers by severity"), score_to_reduce=switching.SCORE_TO_REDUCE)
        return context


class SupplierSeverityDetailView(LoginRequiredMixin, View):
    """A supplier's incoming-inspection page: severity, score, every switch with its lots; QA's decisions."""

    template_name = "inspection/supplier_severity_detail.html"
    decisions = {"reduce": switching.REDUCE, "resume": switching.RESUME}

    def get_supplier(self, code: str) -> Supplier:
        if not has_role_permission(self.request.user, "inspection.view_severityswitch"):
            raise PermissionDenied
        return get_object_or_404(Supplier.objects.visible_to(self.request.user), code=code)

    def context(self, supplier, *, form=None, name="", alert=None) -> dict:
        user = self.request.user
        decisions = [
            {"name": key, "form": form if key == name and form is not None else SupplierDecisionForm()}
            for key, rule in self.decisions.items()
            if rule.refusal(supplier, user) is None
        ]
        return {
            "supplier": supplier,
            "status": switching.known_status(supplier),
            "switches": list(severityswitch_list(user, supplier)),
            "lots": list(incominglot_list(user).filter(supplier=supplier).order_by("-id")[:20]),
            "decisions": decisions,
            "alert": alert,
            "score_to_reduce": switching.SCORE_TO_REDUCE,
            "title": str(supplier),
        }

    def get(self, request, code: str):
        supplier = self.get_supplier(code)
        return render(request, self.template_name, self.context(supplier))

    def post(self, request, code: str):
        supplier = self.get_supplier(code)
        name = request.POST.get("decision", "")
        if name not in self.decisions:
            raise Http404
        form = SupplierDecisionForm(request.POST)
        refused = self.decisions[name].refusal(supplier, request.user)
        if refused is not None:
            context = self.context(supplier, alert=("danger", refused.message))
            return render(request, self.template_name, context, status=refused.status)
        if not form.is_valid():
            return render(request, self.template_name, self.context(supplier, form=form, name=name), status=400)
        service = switching.supplier_reduce if name == "reduce" else switching.supplier_resume
        try:
            service(user=request.user, supplier=supplier, reason=form.cleaned_data["reason"])
        except TransitionError as error:
            context = self.context(self.get_supplier(code), alert=("danger", error.message))
            return render(request, self.template_name, context, status=error.status)
        except ValidationError as error:
            form.add_error(None, error.messages)
            return render(request, self.template_name, self.context(supplier, form=form, name=name), status=400)
        messages.success(request, _("The supplier's severity was changed."))
        return HttpResponseRedirect(reverse("inspection:supplier_severity_detail", args=[supplier.code]))


class IncomingLotReportView(LoginRequiredMixin, View):
    """The inspection report 验货报告单 of the lot's latest finished inspection (``?round=`` for another): the PDF
    frozen at the result, for whoever may see the lot; 404 before any result."""

    def get(self, request, pk: int):
        lot = incominglot_get(request.user, pk)
        return incominglot_report_response(lot, request.GET.get("round"))


REWORK_FORMS = {"agree_rework": AgreeReworkForm, "decline_rework": DeclineReworkForm}


class ReworkListView(LoginRequiredMixin, TemplateView):
    """Supplier rework requests 返修: a supplier sees its own (awaiting its answer first), the center every one."""

    template_name = "inspection/rework_list.html"

    def get_context_data(self, **kwargs):
        if not has_role_permission(self.request.user, "inspection.view_inspectionreport"):
            raise PermissionDenied
        context = super().get_context_data(**kwargs)
        rows = (
            inspectionreport_list(self.request.user)
            .filter(verdict=Verdict.SUPPLIER_REWORK)
            .select_related("return_item__style__supplier")
            .order_by("-inspected_at", "-id")[:200]
        )
        rows = sorted(rows, key=lambda row: row.rework_answer != ReworkAnswer.REQUESTED)
        context.update(rows=rows, title=_("Supplier rework"))
        return context


class ReworkDetailView(LoginRequiredMixin, View):
    """One rework request: the unit, the verdict, and the supplier's agree (with its date) or decline (with why)."""

    template_name = "inspection/rework_detail.html"

    def get_report(self, pk: int):
        report = inspectionreport_get(self.request.user, pk)
        if report.verdict != Verdict.SUPPLIER_REWORK:
            raise Http404
        return report

    def context(self, report, *, name: str = "", form=None, alert=None) -> dict:
        names = [name for name in REWORK_FORMS if refusal(report, name, self.request.user) is None]
        actions = [
            {"name": key, "form": form if key == name and form is not None else REWORK_FORMS[key]()} for key in names
        ]
        return {"report": report, "actions": actions, "alert": alert, "title": report.return_item.number}

    def get(self, request, pk: int):
        return render(request, self.template_name, self.context(self.get_report(pk)))

    def post(self, request, pk: int):
        report = self.get_report(pk)
        name = request.POST.get("action", "")
        if name not in REWORK_FORMS:
            raise Http404
        refused = refusal(report, name, request.user)
        if refused is not None:
            context = self.context(report, alert=("danger", refused.message))
            return render(request, self.template_name, context, status=refused.status)
        form = REWORK_FORMS[name](request.POST)
        if not form.is_valid():
            return render(request, self.template_name, self.context(report, name=name, form=form), status=400)
        try:
            if name == "agree_rework":
                rework_agree(user=request.user, report=report, promised_date=form.cleaned_data["promised_date"])
            else:
                rework_decline(user=request.user, report=report, reason=form.cleaned_data["reason"])
        except TransitionError as error:
            context = self.context(self.get_report(pk), alert=("danger", error.message))
            return render(request, self.template_name, context, status=error.status)
        except ValidationError as error:
            for key, field_messages in error.message_dict.items():
                form.add_error(key if key in form.fields else None, field_messages)
            return render(request, self.template_name, self.context(report, name=name, form=form), status=400)
        messages.success(request, _("Your answer was recorded."))
        return HttpResponseRedirect(reverse("inspection:rework_detail", args=[report.pk]))


class DailyInspectionReportView(LoginRequiredMixin, View):
    """The daily inspection report 抽检日报 of a chosen day (``?day=YYYY-MM-DD``, today in Shanghai by default): lots
    inspected, accepted and rejected by supplier, for the technicians, QA and logistics; ``?format=xlsx`` or
    ``?format=pdf`` downloads it. A day that is not a date, or another format, is a 400 that says so."""

    template_name = "inspection/daily_report.html"
    formats = ("", "html", "xlsx", "pdf")

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not lot_permissions.may_read_daily_report(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    def get(self, request):
        today = timezone.localdate()
        errors = {}
        text = request.GET.get("day", "").strip()
        day = today
        if text:
            try:
                day = dt.date.fromisoformat(text) if len(text) == 10 else None
            except ValueError:
                day = None
            if day is None:
                errors["day"] = _("“%(value)s” is not a day: give it as YYYY-MM-DD, e.g. %(today)s.") % {
                    "value": text[:40],
                    "today": today.isoformat(),
                }
        fmt = request.GET.get("format", "")
        if fmt not in self.formats:
            errors["format"] = _("The report downloads as xlsx or pdf.")
        if errors:
            context = {"title": _("Daily inspection report"), "errors": errors, "day": today, "today": today}
            return render(request, self.template_name, context, status=400)
        report = daily_inspection_report(request.user, day)
        if fmt in ("xlsx", "pdf"):
            content = daily_report_xlsx(report) if fmt == "xlsx" else daily_report_pdf(report)
            response = HttpResponse(content, content_type=XLSX_CONTENT_TYPE if fmt == "xlsx" else "application/pdf")
            disposition = "attachment" if fmt == "xlsx" else "inline"
            response["Content-Disposition"] = f'{disposition}; filename="daily-inspection-{day:%Y-%m-%d}.{fmt}"'
            response["Cache-Control"] = "private, no-store"
            return response
        context = {
            "title": _("Daily inspection report"),
            "report": report,
            "day": day,
            "today": today,
            "previous_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1) if day < today else None,
        }
        return render(request, self.template_name, context)
