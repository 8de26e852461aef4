"""Pages of on-site service 现场服务: the visits card of a case, a visit's page, the signature pad, the files.

Reads go through ``servicedesk.selectors`` (a visit of a case outside the scope
is a 404), writes through ``servicedesk.services.visits`` (refusals mapped by the
shared transition view). The signature page is made for a tablet or phone in
the customer's hands: a full-width canvas (touch, stylus or mouse), the signer's
name, and a photo of the signed paper as the other way.
"""

from __future__ import annotations

from django.contrib.auth.mixins import LoginRequiredMixin
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.views import View
from django.views.generic import ListView, TemplateView

from aftersales.files import upload_bytes
from aftersales.fsm import TransitionError
from aftersales.ui.files import StoredFileView
from aftersales.ui.views import TransitionViewMixin, transition_actions
from servicedesk import selectors, services
from servicedesk.choices import VISIT_OPEN_STATES, SignatureSource, VisitState
from servicedesk.forms.visits import (
    VisitArriveForm,
    VisitCancelForm,
    VisitDispatchForm,
    VisitFindingsForm,
    VisitSignForm,
)
from servicedesk.models import Visit, VisitSignature

ACTION_LABELS = {
    "arrive": gettext_lazy("Record the arrival"),
    "record_findings": gettext_lazy("Record findings and handling"),
    "sign": gettext_lazy("Customer signs the feedback form"),
    "cancel": gettext_lazy("Call the visit off"),
    "dispatch_visit": gettext_lazy("Dispatch engineers on site"),
}
EVENT_LABELS = {
    "dispatch": pgettext_lazy("visit", "Dispatched"),
    "form_stored": gettext_lazy("Feedback form stored"),
    **ACTION_LABELS,
}


def visits_panel_context(*, user, case) -> dict:
    """The visits card of a case's page: its visits, and the dispatch form for the hotline and QA."""
    may_dispatch = services.VISIT_DISPATCH.refusal(case, user) is None
    return {
        "visits": list(selectors.case_visits(user, case)),
        "visit_dispatch_form": VisitDispatchForm(initial={"province": case.customer.province if case.customer else ""})
        if may_dispatch
        else None,
    }


def _findings_initial(visit: Visit) -> dict:
    if not visit.findings_recorded_at:
        case = visit.service_case
        return {
            "product": str(case.style) if case.style_id else "",
            "batch_no": case.batch_no,
            "production_date": case.production_date,
        }
    return {
        "product": visit.product,
        "batch_no": visit.batch_no,
        "production_point": visit.production_point,
        "production_date": visit.production_date,
        "quantity_used": visit.quantity_used,
        "misuse": {True: "yes", False: "no"}.get(visit.misuse, ""),
        "findings": visit.findings,
        "handling": visit.handling,
        "handling_notes": visit.handling_notes,
    }


def visit_page_context(request, visit: Visit, *, name: str = "", form=None, alert=None) -> dict:
    user = request.user
    view = VisitTransitionView
    extra = ["record_findings"] if services.VISIT_FINDINGS.refusal(visit, user) is None else []
    actions = transition_actions(
        visit,
        user,
        # The signature has its own page (the pad); its button is a link there, not a form here.
        forms={key: value for key, value in view.forms.items() if key != "sign"},
        labels=ACTION_LABELS,
        url_name="servicedesk:visit_transition",
        name=name,
        form=form,
        extra=extra,
        new_form=lambda action: (
            VisitFindingsForm(initial=_findings_initial(visit))
            if action == "record_findings"
            else view.all_forms()[action]()
        ),
        open_names={"record_findings"} if visit.state == VisitState.ARRIVED and not visit.findings_recorded_at else (),
        danger={"cancel"},
    )
    from aftersales.fsm import available_transitions

    now = timezone.now()
    return {
        "visit": visit,
        "case": visit.service_case,
        "actions": actions,
        "alert": alert,
        "may_sign": "sign" in available_transitions(visit, user),
        "overdue": visit.state == VisitState.DISPATCHED and visit.arrival_due < now,
        "timeline": [
            {"entry": entry, "label": EVENT_LABELS.get(entry.transition, entry.transition)}
            for entry in selectors.visit_timeline(visit)
        ],
    }


class VisitDetailView(LoginRequiredMixin, TemplateView):
    """A visit's page: crew, SLA, arrival, findings and handling, the signed form; what this user may do now."""

    template_name = "servicedesk/visit_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visit = selectors.visit_get(self.request.user, kwargs["pk"])
        context.update(visit_page_context(self.request, visit), title=visit.number)
        return context


class VisitTransitionView(TransitionViewMixin, View):
    """Arrival, findings and handling, the signature, calling off (POST ``/service-desk/visits/<pk>/<name>/``)."""

    forms = {"arrive": VisitArriveForm, "sign": VisitSignForm, "cancel": VisitCancelForm}
    extra_forms = {"record_findings": VisitFindingsForm}
    error_field_aliases = {"file": "photo", "signature": "photo", "arrived_at": "arrived_at"}

    def get_object(self):
        return selectors.visit_get(self.request.user, self.kwargs["pk"])

    def extra_refusal(self, name: str, obj):
        return services.VISIT_FINDINGS.refusal(obj, self.request.user)

    def perform(self, name: str, obj, form) -> str:
        user, data = self.request.user, form.cleaned_data
        if name == "arrive":
            visit = services.visit_arrive(user=user, visit=obj, at=data["arrived_at"])
            if visit.arrived_at > visit.arrival_due:
                return ("warning", _("Arrival recorded, after the time the customer was promised."))
            return _("Arrival recorded.")
        if name == "record_findings":
            services.visit_record_findings(user=user, visit=obj, **data)
            return _("Findings and handling recorded.")
        if name == "sign":
            photo = data.get("photo")
            services.visit_sign(
                user=user,
                visit=obj,
                source=SignatureSource.PHOTO if photo else SignatureSource.DRAWN,
                signer_name=data["signer_name"],
                content=upload_bytes(photo) if photo else None,
                data_url="" if photo else data["drawn"],
                filename=(photo.name or "") if photo else "",
            )
            return _("Signed. The feedback form is being made.")
        services.visit_cancel(user=user, visit=obj, reason=data["reason"])
        return _("Visit called off.")

    def detail_url(self, obj) -> str:
        return reverse("servicedesk:visit_detail", args=[obj.pk])

    def render_panel(self, obj, *, status=200, name="", form=None, alert=None, full_page=False):
        if name == "sign" and form is not None:
            return render(
                self.request,
                "servicedesk/visit_sign.html",
                {"visit": obj, "case": obj.service_case, "form": form, "alert": alert, "title": obj.number},
                status=status,
            )
        context = visit_page_context(self.request, obj, name=name, form=form, alert=alert)
        template = "servicedesk/visit_detail.html" if full_page else "servicedesk/partials/_visit_panel.html"
        return render(self.request, template, {**context, "title": obj.number}, status=status)


class VisitSignView(LoginRequiredMixin, TemplateView):
    """The signature pad page 签名板: for the customer's hand on the technician's tablet or phone."""

    template_name = "servicedesk/visit_sign.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        visit = selectors.visit_get(self.request.user, kwargs["pk"])
        from aftersales.fsm import refusal

        refused = refusal(visit, "sign", self.request.user, check_conditions=False)
        if refused is not None:
            # Somebody else's visit, or not at the signing step: its page says what can be done instead.
            raise Http404(refused.message)
        customer = visit.service_case.customer
        context.update(
            visit=visit,
            case=visit.service_case,
            form=VisitSignForm(initial={"signer_name": customer.name if customer else ""}),
            title=visit.number,
        )
        return context


class VisitDispatchView(TransitionViewMixin, View):
    """Dispatch engineers on site from the case's page (POST ``/service-desk/cases/<pk>/visits/new/``)."""

    extra_forms = {"dispatch_visit": VisitDispatchForm}

    def post(self, request, *args, **kwargs):
        kwargs["name"] = "dispatch_visit"
        return super().post(request, *args, **kwargs)

    def get_object(self):
        return selectors.servicecase_get(self.request.user, self.kwargs["pk"])

    def extra_refusal(self, name: str, obj):
        return services.VISIT_DISPATCH.refusal(obj, self.request.user)

    def perform(self, name: str, obj, form) -> str:
        data = form.cleaned_data
        visit = services.visit_dispatch(
            user=self.request.user,
            case=obj,
            technicians=list(data["technicians"]),
            lead=data["lead"],
            planned_arrival=data["planned_arrival"],
            province=data["province"],
            address=data["address"],
        )
        self.created = visit
        return _("Visit %(number)s dispatched; the technicians are told.") % {"number": visit.number}

    def detail_url(self, obj) -> str:
        return reverse("servicedesk:servicecase_detail", args=[obj.pk])

    def render_panel(self, obj, *, status=200, name="", form=None, alert=None, full_page=False):
        from servicedesk.views.cases import case_panel_context

        context = case_panel_context(self.request, obj, alert=alert)
        if form is not None:
            context["visit_dispatch_form"] = form
            context["visit_dispatch_open"] = True
        template = "servicedesk/servicecase_detail.html" if full_page else "servicedesk/partials/_case_panel.html"
        return render(self.request, template, {**context, "title": obj.number}, status=status)


class VisitListView(LoginRequiredMixin, ListView):
    """On-site visits 现场服务: a technician's waiting first (``?mine=1``), else every visit in scope."""

    template_name = "servicedesk/visit_list.html"
    paginate_by = 50
    context_object_name = "visits"

    def get_queryset(self):
        if self.request.GET.get("mine"):
            return selectors.visits_waiting_for(self.request.user)
        return selectors.visit_list(self.request.user).order_by("-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(title=_("On-site visits"), mine=bool(self.request.GET.get("mine")), now=timezone.now())
        return context


class VisitSignatureView(StoredFileView):
    """The signature image, for whoever may see the visit's case (404 for anyone else)."""

    def get_stored_file(self, request, **kwargs) -> VisitSignature:
        visits = Visit.objects.visible_to(request.user)
        return get_object_or_404(VisitSignature.objects.filter(visit__in=visits.values("pk")), visit__pk=kwargs["pk"])


class VisitFormView(LoginRequiredMixin, View):
    """The signed result feedback form 处置结果反馈单 (PDF), for whoever may see the visit's case."""

    def get(self, request, pk):
        from django.http import HttpResponse

        from servicedesk.api.views.visits import visit_form_response

        visit = selectors.visit_get(request.user, pk)
        try:
            return visit_form_response(visit)
        except TransitionError as error:
            return HttpResponse(error.message, status=error.status, content_type="text/plain; charset=utf-8")


def waiting_visits_tile(user) -> list[dict]:
    """A technician's home tile: the visits waiting for them (on their way or on site)."""
    from aftersales.roles import Role, roles_of
    from aftersales.views import home_tile

    if Role.TECHNICIAN not in roles_of(user):
        return []
    return [
        home_tile(
            _("On-site visits waiting for you"),
            Visit.objects.filter(crew__user=user, state__in=VISIT_OPEN_STATES),
            "servicedesk:visit_list",
            "mine=1",
        )
    ]


__all__ = [
    "VisitDetailView",
    "VisitDispatchView",
    "VisitFormView",
    "VisitListView",
    "VisitSignView",
    "VisitSignatureView",
    "VisitTransitionView",
    "visits_panel_context",
    "waiting_visits_tile",
]
