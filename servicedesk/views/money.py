"""Pages of money at the service desk: the money card on a case's page (a case panel, ``servicedesk.hooks``), its
forms (record a refund, an exchange, freight, a compensation; QA's approval or rejection; handing it over), and
QA's list of compensations waiting for approval (the home page's tile links there).

Reads through ``servicedesk.selectors`` (a case outside the scope is a 404), writes through
``servicedesk.services.money`` (409 for a closed case or the wrong state, 403 for the wrong person, 400 for bad
input, the page shown again with the form's errors and nothing changed).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponseRedirect
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views import View
from django.views.generic import TemplateView

from aftersales.fsm import TransitionError, available_transitions
from aftersales.roles import Role, roles_of
from servicedesk import selectors
from servicedesk.forms.money import MONEY_FORMS, CompensationApproveForm, CompensationRejectForm
from servicedesk.hooks import CasePanel
from servicedesk.models import Compensation
from servicedesk.selectors import money as money_selectors
from servicedesk.services import money as money_services

MONEY_PANEL_TEMPLATE = "servicedesk/partials/_case_money.html"


def money_panel_context(*, user, case, forms=None, decision_forms=None) -> dict:
    """What the money card shows: the totals, every row, and the forms this user may use now."""
    may_record = money_services.SERVICECASE_MONEY.refusal(case, user) is None
    compensations = list(money_selectors.compensation_list(user, case))
    for row in compensations:
        row.actions = available_transitions(row, user)
    bound = forms or {}
    return {
        "money_totals": money_selectors.case_money_totals(case),
        "money_refunds": list(money_selectors.refund_list(user, case)),
        "money_exchanges": list(money_selectors.exchange_list(user, case)),
        "money_freights": list(money_selectors.freight_list(user, case)),
        "money_compensations": compensations,
        "money_threshold": money_services.compensation_threshold(),
        "money_may_record": may_record,
        "money_forms": (
            {name: bound.get(name) or form_class(case=case) for name, form_class in MONEY_FORMS.items()}
            if may_record
            else {}
        ),
        "money_open_form": next(iter(bound), ""),
        "money_decision_forms": decision_forms or {},
    }


MONEY_PANEL = CasePanel(template=MONEY_PANEL_TEMPLATE, context=money_panel_context)


def _render_case(request, case, *, status: int, alert=None, forms=None, decision_forms=None):
    from servicedesk.views.cases import case_panel_context

    context = case_panel_context(request, case, alert=alert)
    context.update(money_panel_context(user=request.user, case=case, forms=forms, decision_forms=decision_forms))
    return render(request, "servicedesk/servicecase_detail.html", {**context, "title": case.number}, status=status)


def _case_url(case) -> str:
    return reverse("servicedesk:servicecase_detail", args=[case.pk]) + "#money"


def _errors_into(form, error: ValidationError) -> None:
    renamed = {"return": "return_item"}
    for key, field_messages in error.message_dict.items():
        field = renamed.get(key, key)
        form.add_error(field if field in form.fields else None, field_messages)


class CaseMoneyRecordView(LoginRequiredMixin, View):
    """Record a refund, an exchange, freight or a compensation on a case (the money card's forms)."""

    def post(self, request, pk: int, what: str):
        if what not in MONEY_FORMS:
            raise Http404
        case = selectors.servicecase_get(request.user, pk)
        refused = money_services.SERVICECASE_MONEY.refusal(case, request.user)
        if refused is not None:
            return _render_case(request, case, status=refused.status, alert=("danger", refused.message))
        form = MONEY_FORMS[what](request.POST, case=case)
        if form.is_valid():
            data = dict(form.cleaned_data)
            try:
                self.record(what, request.user, case, data)
            except TransitionError as error:
                return _render_case(request, case, status=error.status, alert=("danger", error.message))
            except ValidationError as error:
                _errors_into(form, error)
            else:
                messages.success(request, self.done(what))
                return HttpResponseRedirect(_case_url(case))
        return _render_case(request, case, status=400, forms={what: form})

    @staticmethod
    def record(what: str, user, case, data: dict):
        if what == "refund":
            return money_services.refund_record(user=user, case=case, **data)
        if what == "exchange":
            return money_services.exchange_record(user=user, case=case, **data)
        if what == "freight":
            return money_services.freight_record(user=user, case=case, **data)
        return money_services.compensation_propose(user=user, case=case, **data)

    @staticmethod
    def done(what: str) -> str:
        return {
            "refund": _("Refund recorded."),
            "exchange": _("Exchange recorded."),
            "freight": _("Freight recorded."),
            "compensation": _("Compensation recorded."),
        }[what]


DECISIONS = {"approve": CompensationApproveForm, "reject": CompensationRejectForm, "give": None}


class CompensationTransitionView(LoginRequiredMixin, View):
    """QA approves or rejects a compensation above the threshold; whoever handles the case hands it over."""

    def post(self, request, pk: int, name: str):
        if name not in DECISIONS:
            raise Http404
        compensation = get_object_or_404(Compensation.objects.only("pk", "service_case_id"), pk=pk)
        case = selectors.servicecase_get(request.user, compensation.service_case_id)
        compensation = money_selectors.compensation_get(request.user, case, pk)
        form_class = DECISIONS[name]
        form = form_class(request.POST, prefix=f"comp{pk}") if form_class else None
        try:
            if form is not None and not form.is_valid():
                # The service's own refusal (409, 403) comes before the form's complaint.
                refused = _refusal(compensation, name, request.user)
                if refused is not None:
                    raise refused
                return _render_case(request, case, status=400, decision_forms={pk: form})
            data = form.cleaned_data if form is not None else {}
            if name == "approve":
                money_services.compensation_approve(user=request.user, compensation=compensation, **data)
                message = _("Compensation approved.")
            elif name == "reject":
                money_services.compensation_reject(user=request.user, compensation=compensation, **data)
                message = _("Compensation rejected.")
            else:
                money_services.compensation_give(user=request.user, compensation=compensation)
                message = _("Compensation given to the customer.")
        except TransitionError as error:
            if error.status == 403 and not request.user.is_authenticated:
                raise PermissionDenied from error
            return _render_case(request, case, status=error.status, alert=("danger", error.message))
        except ValidationError as error:
            if form is not None:
                _errors_into(form, error)
            return _render_case(request, case, status=400, decision_forms={pk: form})
        messages.success(request, message)
        return HttpResponseRedirect(_case_url(case))


def _refusal(compensation, name, user):
    from aftersales.fsm import refusal

    return refusal(compensation, name, user)


class CompensationQueueView(LoginRequiredMixin, TemplateView):
    """Compensations above the threshold waiting for QA's approval 待审批补偿, the oldest first."""

    template_name = "servicedesk/compensation_queue.html"

    def get_context_data(self, **kwargs):
        if Role.QA_MANAGER not in roles_of(self.request.user) and not self.request.user.is_superuser:
            raise PermissionDenied
        context = super().get_context_data(**kwargs)
        rows = (
            money_selectors.compensations_waiting(self.request.user)
            .select_related("service_case", "recorded_by")
            .order_by("id")[:200]
        )
        context.update(title=_("Compensations waiting for approval"), compensations=list(rows))
        return context
