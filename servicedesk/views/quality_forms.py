"""Pages of the quality information form 产品质量信息传递处置单 and of the escalations 上报 (issue 15).

- the case's card (``quality_panel_context``, registered as a case panel in ``servicedesk.hooks``): the
  escalations with who acknowledged them, and the form or the button that makes it;
- the form's page with its actions (correct a draft, QA's approval) and its PDF;
- the escalations list of QA and the production VP (their home page's tile links it), where each role
  acknowledges.

Reads go through ``servicedesk.selectors.quality_forms`` (out of scope is 404), writes through the services,
whose refusals the shared transition view maps (409, 403, 400).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from aftersales.fsm import TransitionError
from aftersales.models import TransitionLog
from aftersales.ui.views import TransitionViewMixin, transition_actions
from servicedesk import selectors, services
from servicedesk.choices import CaseKind
from servicedesk.forms.quality_forms import EscalationAcknowledgeForm, QualityFormApproveForm, QualityFormEditForm
from servicedesk.selectors.quality_forms import (
    escalation_get,
    escalation_list,
    escalations_of_case,
    qualityform_get,
    qualityform_of_case,
)
from servicedesk.services.quality_forms import escalation_roles_of, permissions_qa

ACTION_LABELS = {
    "approve": gettext_lazy("Approve with the handling opinion"),
    "edit": gettext_lazy("Correct the form"),
}
COPIES = ("营销分公司", "质量部", "主管质量领导")


def _escalation_rows(user, escalations) -> list[dict]:
    roles = escalation_roles_of(user)
    rows = []
    for escalation in escalations:
        done = {ack.role for ack in escalation.acknowledgements.all()}
        rows.append(
            {
                "escalation": escalation,
                "acknowledgements": list(escalation.acknowledgements.all()),
                "may_acknowledge": bool(set(roles) - done),
                "pending_roles": [role for role in services.quality_forms.ESCALATION_ROLES if role not in done],
            }
        )
    return rows


def quality_panel_context(*, user, case) -> dict:
    """The case page's card: its escalations, and its quality information form (or whether this user may make it)."""
    form = qualityform_of_case(user, case) if case.kind == CaseKind.QUALITY else None
    may_create = (
        case.kind == CaseKind.QUALITY
        and form is None
        and services.qualityform_create_refusal(user=user, case=case) is None
    )
    return {
        "quality_form": form,
        "may_create_quality_form": may_create,
        "case_escalations": _escalation_rows(user, escalations_of_case(user, case)),
        "acknowledge_form": EscalationAcknowledgeForm(),
    }


class QualityFormCreateView(LoginRequiredMixin, View):
    """Make the case's form from what the case says 填写处置单 (the hotline or QA), then correct it on its page."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        case = selectors.servicecase_get(request.user, pk)
        try:
            form = services.qualityform_create(user=request.user, case=case)
        except TransitionError as error:
            return _case_page(request, case, status=error.status, message=error.message)
        except ValidationError as error:
            return _case_page(request, case, status=400, message=" ".join(error.messages))
        messages.success(request, _("Quality information form %(number)s made.") % {"number": form.number})
        return HttpResponseRedirect(reverse("servicedesk:qualityform_detail", args=[case.pk]))


def _case_page(request, case, *, status: int, message: str):
    from servicedesk.views.cases import case_panel_context

    context = case_panel_context(request, case, alert=("danger", message))
    return render(request, "servicedesk/servicecase_detail.html", {**context, "title": case.number}, status=status)


def qualityform_context(request, form, *, name: str = "", bound=None, alert=None) -> dict:
    user = request.user
    view = QualityFormTransitionView
    extra = ["edit"] if services.QUALITYFORM_EDIT.refusal(form, user) is None else []
    actions = transition_actions(
        form,
        user,
        forms=view.forms,
        labels=ACTION_LABELS,
        url_name="servicedesk:qualityform_transition",
        name=name,
        form=bound,
        extra=extra,
        new_form=lambda action: view.all_forms()[action](**view.form_kwargs_for(action, user, form)),
    )
    # The form's page addresses actions by the case (one form per case): transition_actions reverses by the form's pk.
    for action in actions:
        action["url"] = reverse("servicedesk:qualityform_transition", args=[form.service_case_id, action["name"]])
    return {
        "form_row": form,
        "case": form.service_case,
        "actions": actions,
        "alert": alert,
        "copies": COPIES,
        "timeline": list(TransitionLog.objects.for_object(form).select_related("actor").order_by("at", "id")),
    }


class QualityFormDetailView(LoginRequiredMixin, TemplateView):
    """产品质量信息传递处置单: the product, the problem, QA's opinion, the three copies, the PDF."""

    template_name = "servicedesk/qualityform_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        form = qualityform_get(self.request.user, kwargs["pk"])
        context.update(qualityform_context(self.request, form), title=form.number)
        return context


class QualityFormTransitionView(TransitionViewMixin, View):
    """Correct a draft (``edit``) and QA's approval (``approve``); refusals in ``fire``'s order."""

    forms = {"approve": QualityFormApproveForm}
    extra_forms = {"edit": QualityFormEditForm}

    @staticmethod
    def form_kwargs_for(name: str, user, form) -> dict:
        if name == "edit":
            return {"form": form, "may_write_opinion": permissions_qa(user)}
        return {"form": form}

    def get_form_kwargs(self, name: str, obj) -> dict:
        # A bound form needs no initial values; the opinion field is there only for QA.
        return {"may_write_opinion": permissions_qa(self.request.user)} if name == "edit" else {}

    def get_object(self):
        return qualityform_get(self.request.user, self.kwargs["pk"])

    def extra_refusal(self, name: str, obj):
        return services.QUALITYFORM_EDIT.refusal(obj, self.request.user)

    def perform(self, name: str, obj, form) -> str:
        user, data = self.request.user, form.cleaned_data
        if name == "approve":
            services.qualityform_approve(user=user, form=obj, opinion=data["handling_opinion"])
            return _("Approved: the form is frozen and its PDF is being made.")
        services.qualityform_update(user=user, form=obj, **data)
        return _("Form corrected.")

    def detail_url(self, obj) -> str:
        return reverse("servicedesk:qualityform_detail", args=[obj.service_case_id])

    def render_panel(self, obj, *, status=200, name="", form=None, alert=None, full_page=False):
        context = qualityform_context(self.request, obj, name=name, bound=form, alert=alert)
        template = (
            "servicedesk/qualityform_detail.html" if full_page else "servicedesk/partials/_qualityform_panel.html"
        )
        return render(self.request, template, {**context, "title": obj.number}, status=status)


class QualityFormPdfView(LoginRequiredMixin, View):
    """The form's PDF for whoever sees the case: a draft's preview (草稿), the approved form's frozen file."""

    def get(self, request, pk: int):
        from servicedesk.api.views.quality_forms import qualityform_pdf_response

        form = qualityform_get(request.user, pk)
        try:
            return qualityform_pdf_response(form)
        except TransitionError as error:
            messages.warning(request, error.message)
            return HttpResponseRedirect(reverse("servicedesk:qualityform_detail", args=[pk]))


class EscalationListView(LoginRequiredMixin, TemplateView):
    """上报: the escalations waiting for the user's role (QA, the production VP), then the ones already read."""

    template_name = "servicedesk/escalation_list.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        context.update(
            title=_("Escalations"),
            pending=_escalation_rows(user, escalation_list(user, pending=True)[:200]),
            done=_escalation_rows(user, escalation_list(user, pending=False)[:50]),
            may_acknowledge=bool(escalation_roles_of(user)),
            acknowledge_form=EscalationAcknowledgeForm(),
        )
        return context


class EscalationAcknowledgeView(LoginRequiredMixin, View):
    """Acknowledge an escalation for the user's role(s) 已知悉: it leaves that role's home page."""

    http_method_names = ["post"]

    def post(self, request, pk: int):
        escalation = escalation_get(request.user, pk)
        form = EscalationAcknowledgeForm(request.POST)
        back = request.POST.get("next") or ""
        target = (
            back
            if back == reverse("servicedesk:servicecase_detail", args=[escalation.service_case_id])
            else reverse("servicedesk:escalation_list")
        )
        try:
            if not form.is_valid():
                raise ValidationError(form.errors.get("note") or _("Check the note."))
            services.escalation_acknowledge(user=request.user, escalation=escalation, note=form.cleaned_data["note"])
        except TransitionError as error:
            return _refused(request, error.status, error.message)
        except ValidationError as error:
            return _refused(request, 400, " ".join(error.messages))
        messages.success(request, _("Acknowledged for your role."))
        return HttpResponseRedirect(target)


def _refused(request, status: int, message: str):
    """A refused acknowledgement answers with its status (403, 409, 400) and the escalations page with the reason."""
    view = EscalationListView()
    view.setup(request)
    context = view.get_context_data()
    context["alert"] = ("danger", message)
    return render(request, view.template_name, context, status=status)
