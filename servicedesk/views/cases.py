"""Pages of the service desk 服务台: intake by phone, the queue, a case, the customer, the callbacks due.

Reads go through ``servicedesk.selectors`` (out of scope is 404), writes through
``servicedesk.services`` (their refusals mapped by the shared transition view).
A page that shows a full phone records it in the phone access log.
"""

from __future__ import annotations

from operator import itemgetter

from django.contrib import messages
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.http import HttpResponseRedirect
from django.shortcuts import render
from django.urls import reverse
from django.utils import timezone
from django.utils.dateparse import parse_datetime
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views import View
from django.views.generic import TemplateView

from aftersales.exports import Column
from aftersales.fsm import TransitionError
from aftersales.roles import Role, roles_of
from aftersales.ui.views import ScopedListView, TransitionViewMixin, transition_actions
from cases.permissions import mask_name, mask_phone
from servicedesk import forms as desk_forms
from servicedesk import hooks as desk_hooks
from servicedesk import permissions, selectors, services
from servicedesk.choices import CaseKind, CaseState, Channel, Severity, SlaStatus
from servicedesk.filters import ServiceCaseFilter
from servicedesk.models import ServiceCase
from stores.access import scope_for
from stores.models import Store

ACTION_LABELS = {
    "respond": gettext_lazy("Respond"),
    "promise": gettext_lazy("Make or change the promise"),
    "resolve": gettext_lazy("Resolve"),
    "follow_up": gettext_lazy("Record the callback"),
    "cancel": gettext_lazy("Cancel the case"),
    "attach": gettext_lazy("Add photos"),
}
EVENT_LABELS = {
    "open": gettext_lazy("Logged"),
    "visit_dispatch": gettext_lazy("Engineers dispatched on site"),
    "attach": gettext_lazy("Photos added"),
    # Issue 15: money at the desk, logged on the case.
    "refund": gettext_lazy("Refund recorded"),
    "exchange": gettext_lazy("Exchange recorded"),
    "freight": gettext_lazy("Freight recorded"),
    "compensation": gettext_lazy("Compensation recorded"),
    "compensation_approve": gettext_lazy("Compensation approved by QA"),
    "compensation_reject": gettext_lazy("Compensation rejected by QA"),
    "compensation_give": gettext_lazy("Compensation given"),
    # Issue 15: the quality information form and the escalations, logged on the case.
    "quality_form": gettext_lazy("Quality information form made"),
    "quality_form_approved": gettext_lazy("Quality information form approved"),
    "escalate": gettext_lazy("Escalated to QA and the production VP"),
    "escalation_acknowledge": gettext_lazy("Escalation acknowledged"),
    **ACTION_LABELS,
}
QUEUE_VIEWS = {
    "": gettext_lazy("Queue"),
    "mine": gettext_lazy("Mine"),
    "unassigned": gettext_lazy("Unassigned"),
    "due_soon": gettext_lazy("Due soon"),
    "breached": gettext_lazy("Breached"),
}


def _is_hotline(user) -> bool:
    return Role.HOTLINE_AGENT in roles_of(user)


def _due_badge(row: dict, now) -> str:
    """A queue row's (``selectors.queue_rows``) SLA badge: breached, due soon or none."""
    next_due = row["next_due"]
    if next_due is None:
        return ""
    if next_due < now:
        return SlaStatus.BREACHED.value
    warns = (row["first_response_warn"], row["appointment_warn"], row["resolution_warn"], row["arrival_warn"])
    return SlaStatus.DUE_SOON.value if any(warn and warn <= now for warn in warns) else ""


# --- intake 受理 ---


class IntakeView(LoginRequiredMixin, View):
    """Take a call 接听来电: type the number, see the caller's earlier cases and Returns at once, log the case.

    The hotline looks the number up (htmx swaps the caller's history and the
    prefilled form in as the number is typed); store staff open ``in_store``
    cases for their own store (no archive lookup). A consultation answered on
    the call is logged, answered, resolved and rated in one go.
    """

    template_name = "servicedesk/intake.html"

    def dispatch(self, request, *args, **kwargs):
        if request.user.is_authenticated and not self.allowed(request.user):
            raise PermissionDenied
        return super().dispatch(request, *args, **kwargs)

    @staticmethod
    def allowed(user) -> bool:
        return _is_hotline(user) or bool(Role.STORE_STAFF in roles_of(user) and scope_for(user).staff_store_ids)

    def store_choices(self):
        if _is_hotline(self.request.user):
            return Store.objects.filter(active=True).order_by("code")
        return Store.objects.filter(pk__in=sorted(scope_for(self.request.user).staff_store_ids)).order_by("code")

    def lookup(self, phone: str) -> dict:
        user = self.request.user
        # A NUL byte cannot be looked up (PostgreSQL refuses it in a query); the form then names the bad field.
        if not _is_hotline(user) or not phone or "\x00" in phone:
            return {"phone": phone, "customer": None, "cases": [], "returns": []}
        customer = selectors.customer_by_phone(user, phone)
        if customer is None:
            return {"phone": services.phone_clean(phone), "customer": None, "cases": [], "returns": []}
        services.phone_access_record(user=user, customers=[customer], where="page:intake")
        return {
            "phone": customer.phone,
            "customer": customer,
            "cases": list(selectors.customer_cases(user, customer)[:20]),
            "returns": list(selectors.customer_returns(user, customer)[:20]),
        }

    def make_form(self, data=None, files=None, caller=None):
        user = self.request.user
        caller = caller or {}
        customer = caller.get("customer")
        initial = {"phone": caller.get("phone", "")}
        if customer is not None:
            initial.update(
                name=customer.name, email=customer.email, province=customer.province, consent=bool(customer.consent_at)
            )
        hotline = _is_hotline(user)
        if not hotline:
            initial["channel"] = Channel.IN_STORE
            stores = self.store_choices()
            if stores.count() == 1:
                initial["store"] = stores.first()
        form = desk_forms.ServiceCaseOpenForm(
            data, files, user=user, stores=self.store_choices(), returns=caller.get("returns", ()), initial=initial
        )
        if not hotline:
            form.fields["channel"].choices = [(Channel.IN_STORE.value, Channel.IN_STORE.label)]
            for name in ("answer", "satisfaction"):
                form.fields.pop(name)
        return form

    def render_page(self, *, form, caller, status=200):
        context = {
            "title": _("Take a call") if _is_hotline(self.request.user) else _("Open an in-store case"),
            "form": form,
            "hotline": _is_hotline(self.request.user),
            **caller,
        }
        template = "servicedesk/partials/_intake_caller.html" if self.request.htmx else self.template_name
        return render(self.request, template, context, status=status)

    def get(self, request, *args, **kwargs):
        caller = self.lookup(request.GET.get("phone", "").strip()[:20])
        return self.render_page(form=self.make_form(caller=caller), caller=caller)

    def post(self, request, *args, **kwargs):
        caller = self.lookup(request.POST.get("phone", "").strip()[:20])
        form = self.make_form(request.POST, request.FILES, caller=caller)
        if not form.is_valid():
            return self.render_page(form=form, caller=caller, status=400)
        data = form.cleaned_data
        fields = {
            "channel": data["channel"],
            "kind": data["kind"],
            "severity": data["severity"],
            "description": data["description"],
            "customer": form.contact(),
            "store": data["store"],
            "style": data["style"],
            "batch_no": data["batch_no"],
            "production_date": data["production_date"],
            "quantity": data["quantity"],
            "return_ids": data["returns"],
            "direct_loss": data["direct_loss"],
            "told_to_stop_using": data["told_to_stop_using"],
            "stop_using_instruction": data["stop_using_instruction"],
            "initial_opinion": data["initial_opinion"],
            "customer_demand": data["customer_demand"],
            "files": data["photos"] or [],
        }
        try:
            with transaction.atomic():
                if data.get("answer"):
                    case = services.servicecase_open_answered(
                        user=request.user, answer=data["answer"], satisfaction=data.get("satisfaction"), **fields
                    )
                    message = _("Service case %(number)s answered and closed.")
                else:
                    case = services.servicecase_open(user=request.user, **fields)
                    message = _("Service case %(number)s logged.")
        except TransitionError as error:
            raise PermissionDenied(error.message) from error
        except ValidationError as error:
            for key, field_messages in error.message_dict.items():
                field = key.removeprefix("customer.")
                field = {"return_ids": "returns", "files": "photos"}.get(field, field)
                form.add_error(field if field in form.fields else None, field_messages)
            return self.render_page(form=form, caller=caller, status=400)
        messages.success(request, message % {"number": case.number})
        target = reverse("servicedesk:servicecase_detail", args=[case.pk])
        if request.htmx:
            response = HttpResponseRedirect(target)
            response["HX-Redirect"] = target
            return response
        return HttpResponseRedirect(target)


# --- the queue 工作台 and the callbacks due 待回访 ---


def _customer_masked(row: dict) -> str:
    """A queue row's caller as every list shows them: name and phone masked (a list never shows a full phone)."""
    if row["customer_id"] is None:
        return ""
    return f"{mask_name(row['customer__name'])} {mask_phone(row['customer__phone'])}".strip()


KIND_LABELS = dict(CaseKind.choices)
SEVERITY_LABELS = dict(Severity.choices)
STATE_LABELS = dict(CaseState.choices)


class _Owner:
    """A queue row's owner, enough for ``|person`` (``display_name``: the full name, else the login) without
    building a User."""

    __slots__ = ("first_name", "last_name", "username")

    def __init__(self, row: dict):
        self.first_name = row["owner__first_name"]
        self.last_name = row["owner__last_name"]
        self.username = row["owner__username"]

    def get_full_name(self) -> str:
        return f"{self.first_name} {self.last_name}".strip()

    def get_username(self) -> str:
        return self.username


def queue_table(rows, *, now=None) -> list[dict]:
    """What the queue's template prints for each ``selectors.queue_rows`` dict: labels translated once per
    request, the detail link from one reversed prefix, one owner object per owner, the caller masked and the SLA
    badge (``now=None``: no badges, as on the callbacks list)."""
    kinds = {value: str(label) for value, label in KIND_LABELS.items()}
    states = {value: str(label) for value, label in STATE_LABELS.items()}
    prefix, suffix = reverse("servicedesk:servicecase_detail", args=[0]).rsplit("0", 1)
    owners: dict[int, _Owner] = {}
    table = []
    for row in rows:
        owner_id = row["owner_id"]
        owner = None
        if owner_id is not None:
            owner = owners.get(owner_id)
            if owner is None:
                owner = owners[owner_id] = _Owner(row)
        table.append(
            {
                "url": f"{prefix}{row['id']}{suffix}",
                "number": row["number"],
                "severity": row["severity"],
                "major_incident": row["major_incident"],
                "kind": kinds.get(row["kind"], row["kind"]),
                "state": states.get(row["state"], row["state"]),
                "customer": _customer_masked(row),
                "store": row["store__code"],
                "owner": owner,
                "next_due": row["next_due"],
                "badge": _due_badge(row, now) if now is not None else "",
            }
        )
    return table


class ServiceCaseListView(ScopedListView):
    """The desk's queue: running cases nearest due first (mine, unassigned, due soon, breached), or every case."""

    selector = staticmethod(selectors.servicecase_list)
    filterset_class = ServiceCaseFilter
    template_name = "servicedesk/servicecase_list.html"
    title = gettext_lazy("Service cases")
    export_name = "service-cases"
    columns = [
        Column(gettext_lazy("Number"), itemgetter("number")),
        Column(gettext_lazy("Kind"), lambda row: KIND_LABELS.get(row["kind"], row["kind"])),
        Column(gettext_lazy("Severity"), lambda row: SEVERITY_LABELS.get(row["severity"], row["severity"])),
        Column(gettext_lazy("State"), lambda row: STATE_LABELS.get(row["state"], row["state"])),
        Column(gettext_lazy("Customer"), _customer_masked),
        Column(gettext_lazy("Store"), itemgetter("store__code")),
        Column(gettext_lazy("Owner"), itemgetter("owner__username")),
        Column(gettext_lazy("Next due"), itemgetter("next_due")),
        Column(gettext_lazy("Opened"), itemgetter("created_at")),
    ]

    def get_queryset(self):
        view = self.request.GET.get("view", "")
        self.view_name = view if view in QUEUE_VIEWS else ""
        # The filtered cases, only what a row shows; the queue narrows them itself (no IN over the queue's ids).
        queryset = selectors.queue_rows(super().get_queryset())
        if self.view_name or not self.request.GET.get("state"):
            return selectors.queue_narrow(queryset, self.request.user, view=self.view_name)
        return queryset.order_by("-id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            views=[(key, label) for key, label in QUEUE_VIEWS.items()],
            view_name=self.view_name,
            cases=queue_table(context["object_list"], now=timezone.now()),
            may_take_calls=IntakeView.allowed(self.request.user),
        )
        return context


class FollowUpListView(ScopedListView):
    """Resolved cases waiting for their callback 回访, the longest waiting first (the hotline calls them)."""

    selector = staticmethod(selectors.follow_up_list)
    filterset_class = ServiceCaseFilter
    template_name = "servicedesk/servicecase_list.html"
    title = gettext_lazy("Callbacks due")
    export_name = "callbacks"
    columns = ServiceCaseListView.columns

    def get_queryset(self):
        self.view_name = "follow_up"
        rows = selectors.queue_rows(super().get_queryset())
        return rows.filter(state=CaseState.RESOLVED).order_by("resolved_at", "id")

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context.update(
            views=[],
            view_name="follow_up",
            cases=queue_table(context["object_list"]),
            may_take_calls=IntakeView.allowed(self.request.user),
        )
        return context


# --- a case 服务单 ---


def _payload_moment(payload, key: str):
    value = (payload or {}).get(key)
    return parse_datetime(value) if isinstance(value, str) else value


def case_panel_context(request, case: ServiceCase, *, name: str = "", form=None, alert=None) -> dict:
    """Everything the case's page shows and the forms of what this user may do now."""
    user = request.user
    view = ServiceCaseTransitionView
    extra = [action for action, rule in view.extra_rules.items() if rule.refusal(case, user) is None]
    actions = transition_actions(
        case,
        user,
        forms=view.forms,
        labels=ACTION_LABELS,
        url_name="servicedesk:servicecase_transition",
        name=name,
        form=form,
        extra=[action for action in extra if action != "attach"],
        new_form=lambda action: view.all_forms()[action](**view.form_kwargs_for(action, user)),
        danger={"cancel"},
    )
    contact = selectors.case_contact(case, user)
    if contact["full"]:
        services.phone_access_record(user=user, customers=[case.customer], where="page:servicecase", service_case=case)
    timeline = [
        {
            "entry": entry,
            "label": EVENT_LABELS.get(entry.transition, entry.transition),
            "source": CaseState(entry.source_state).label if entry.source_state in CaseState.values else "",
            "target": CaseState(entry.target_state).label if entry.target_state in CaseState.values else "",
            # A promise's deadlines are stored in the log's JSON payload as ISO text; read back as moments so the
            # page prints them like every other time.
            "deadline": _payload_moment(entry.payload, "deadline"),
            "previous_deadline": _payload_moment(entry.payload, "previous_deadline"),
        }
        for entry in selectors.servicecase_timeline(case)
    ]
    return {
        "case": case,
        "actions": actions,
        "alert": alert,
        "contact": contact,
        "clocks": case.clocks(timezone.now()),
        "timeline": timeline,
        "linked_returns": list(case.returns.all()),
        "may_attach": "attach" in extra,
        "attach_form": form if name == "attach" and form is not None else desk_forms.AttachForm(user=user),
        "customer_link": case.customer_id and permissions.is_hotline(case, user),
        "panels": [panel.template for panel in desk_hooks.case_panels()],
        **{
            key: value
            for panel in desk_hooks.case_panels()
            for key, value in panel.context(user=user, case=case).items()
        },
    }


class ServiceCaseDetailView(LoginRequiredMixin, TemplateView):
    """A case's page: what was reported, its SLA clocks, promise, timeline, linked Returns and photos."""

    template_name = "servicedesk/servicecase_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        case = selectors.servicecase_get(self.request.user, kwargs["pk"])
        context.update(case_panel_context(self.request, case), title=case.number)
        return context


class ServiceCaseTransitionView(TransitionViewMixin, View):
    """Respond, resolve, call back, cancel; make or change the promise; add photos."""

    forms = {
        "respond": desk_forms.RespondForm,
        "resolve": desk_forms.ResolveForm,
        "follow_up": desk_forms.FollowUpForm,
        "cancel": desk_forms.CancelForm,
    }
    extra_forms = {"promise": desk_forms.PromiseForm, "attach": desk_forms.AttachForm}
    extra_rules = {"promise": services.SERVICECASE_PROMISE, "attach": services.SERVICECASE_ATTACH}

    @staticmethod
    def form_kwargs_for(name: str, user) -> dict:
        return {"user": user} if name == "attach" else {}

    def get_form_kwargs(self, name: str, obj) -> dict:
        return self.form_kwargs_for(name, self.request.user)

    def get_object(self):
        return selectors.servicecase_get(self.request.user, self.kwargs["pk"])

    def extra_refusal(self, name: str, obj):
        return self.extra_rules[name].refusal(obj, self.request.user)

    def perform(self, name: str, obj, form) -> str:
        user, data = self.request.user, form.cleaned_data
        if name == "respond":
            services.servicecase_respond(user=user, case=obj, method=data["method"], message=data["message"])
            return _("Response recorded.")
        if name == "resolve":
            services.servicecase_resolve(user=user, case=obj, resolution=data["resolution"], outcome=data["outcome"])
            return _("Case resolved; it now waits for the callback.")
        if name == "follow_up":
            case = services.servicecase_follow_up(
                user=user, case=obj, satisfaction=data["satisfaction"], remarks=data["remarks"]
            )
            if case.state == CaseState.IN_PROGRESS:
                return ("warning", _("The customer is not satisfied: the case is open again."))
            return _("Callback recorded; the case is closed.")
        if name == "cancel":
            services.servicecase_cancel(user=user, case=obj, reason=data["reason"])
            return _("Case cancelled.")
        if name == "promise":
            services.servicecase_promise(user=user, case=obj, deadline=data["deadline"], outcome=data["outcome"])
            return _("Promise recorded.")
        services.servicecase_attachments_add(user=user, case=obj, files=data["photos"])
        return _("Photos added.")

    def detail_url(self, obj) -> str:
        return reverse("servicedesk:servicecase_detail", args=[obj.pk])

    def render_panel(self, obj, *, status=200, name="", form=None, alert=None, full_page=False):
        context = case_panel_context(self.request, obj, name=name, form=form, alert=alert)
        template = "servicedesk/servicecase_detail.html" if full_page else "servicedesk/partials/_case_panel.html"
        return render(self.request, template, {**context, "title": obj.number}, status=status)


# --- the customer 客户档案 ---


class CustomerDetailView(LoginRequiredMixin, TemplateView):
    """A customer's record (the hotline's): contact, consent, every case and Return; erase on request."""

    template_name = "servicedesk/customer_detail.html"

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        user = self.request.user
        customer = selectors.customer_get(user, kwargs["pk"])
        services.phone_access_record(user=user, customers=[customer], where="page:customer")
        context.update(
            title=customer.name or _("Customer"),
            customer=customer,
            cases=list(selectors.customer_cases(user, customer)),
            returns=list(selectors.customer_returns(user, customer)),
            may_erase=services.customer_erase_refusal(user=user) is None and not customer.erased_at,
        )
        return context


class CustomerEraseView(LoginRequiredMixin, View):
    """Erase on request 删除个人信息: name and phone anonymised everywhere; the records stay."""

    def post(self, request, pk):
        customer = selectors.customer_get(request.user, pk)
        try:
            services.customer_erase(user=request.user, customer=customer)
        except TransitionError as error:
            raise PermissionDenied(error.message) from error
        messages.success(request, _("The customer's name and phone were erased from every case and Return."))
        return HttpResponseRedirect(reverse("servicedesk:customer_detail", args=[pk]))
