"""A service case's public status page 服务进度 (servicedesk): the link the hotline agent sends the customer.

Like the Return's page (``customerview.views.StatusPageView``): the token is the case number signed under a salt
of its own (``customerview.links``), so nothing is stored and nothing can be enumerated; a wrong or expired token
is a 404 counted against the client and too many requests a 429 (``customerview.throttle``); Chinese with an
English switch (``?lang=en``). The page shows the case number, its kind, the day it was opened, its progress in
plain words (received, being handled, resolved, closed), the promised date while one runs, and the desk's contact.
Nothing the customer told us (name, phone, description) and nothing the desk wrote (responses, resolution,
remarks, cancel reason, owner) is on it: a forwarded link shows no one anything personal.
"""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from aftersales.models import TransitionLog
from customerview import throttle
from customerview.documents import qr_data_uri
from customerview.links import case_number_from_token, case_status_path, case_status_url
from customerview.progress import Stage, steps_of
from customerview.views import PublicStatusPage
from servicedesk.choices import CaseState
from servicedesk.models import ServiceCase

CASE_STEPS = [
    ("received", pgettext_lazy("service case progress", "Received")),
    ("handling", pgettext_lazy("service case progress", "Being handled")),
    ("resolved", pgettext_lazy("service case progress", "Resolved")),
    ("closed", pgettext_lazy("service case progress", "Closed")),
]

CASE_STAGES = {
    CaseState.OPEN: Stage("received", _("We have received your request and will contact you soon.")),
    CaseState.IN_PROGRESS: Stage("handling", _("Your request is being handled.")),
    CaseState.RESOLVED: Stage(
        "resolved", _("Your request has been resolved. We may call you to ask whether you are satisfied.")
    ),
    CaseState.CLOSED: Stage("closed", _("Your request is closed. Thank you for your patience."), finished=True),
    CaseState.CANCELLED: Stage(
        None, _("This request was closed without further action. Contact us if you still need help."), finished=True
    ),
}
#: States in which a promised date is still something to wait for.
PROMISE_SHOWN = (CaseState.OPEN, CaseState.IN_PROGRESS)


def case_steps(state: str) -> list[dict]:
    """The four steps, each ``done``, ``current`` or ``todo`` for the case's state (all ``todo`` off the steps)."""
    return steps_of(CASE_STAGES[state], CASE_STEPS)


def case_link_expires_at(case: ServiceCase) -> dt.datetime | None:
    """When the link stops working: ``AFTERSALES_STATUS_LINK_DAYS`` after the case was closed or cancelled (its
    last state change); None while it is still under way."""
    if not CASE_STAGES[case.state].finished:
        return None
    log = TransitionLog.objects.for_object(case).order_by("-at", "-id").first()
    end = log.at if log else case.updated_at
    return end + dt.timedelta(days=settings.AFTERSALES_STATUS_LINK_DAYS)


def case_link_works(case: ServiceCase) -> bool:
    expires_at = case_link_expires_at(case)
    return expires_at is None or timezone.now() <= expires_at


def status_case_get(token: str) -> ServiceCase | None:
    number = case_number_from_token(token)
    if number is None:
        return None
    case = ServiceCase.objects.filter(number=number).first()
    return case if case is not None and case_link_works(case) else None


class CaseStatusPageView(PublicStatusPage):
    """The public status page of one service case (no login); see the module's docstring."""

    template_name = "customerview/case_status.html"

    def answer(self, request, token, language):
        if throttle.over_limit(request):
            return render(request, "customerview/status_refused.html", {"too_many": True}, status=429)
        case = status_case_get(token)
        if case is None:
            throttle.count_miss(request)
            return render(request, "customerview/status_refused.html", {"too_many": False}, status=404)
        promise = None
        if case.state in PROMISE_SHOWN and case.promise_deadline is not None:
            promise = timezone.localtime(case.promise_deadline).date()
        context = {
            "case": case,
            "kind": case.get_kind_display(),
            "brand": settings.AFTERSALES_COMPANY_NAME,
            "opened_on": timezone.localtime(case.created_at).date(),
            "sentence": CASE_STAGES[case.state].sentence,
            "steps": case_steps(case.state),
            "promise": promise,
            "desk_phone": settings.AFTERSALES_SERVICE_DESK_PHONE,
            "language": language,
            "other_language": "en" if language == "zh-hans" else "zh-hans",
        }
        return render(request, self.template_name, context)


def case_status_panel_context(*, user, case) -> dict:
    """The case page's card for the agent (registered with ``servicedesk.hooks``): the status link to send, and
    its QR code to show; left out once the link stopped working."""
    if not case_link_works(case):
        return {"case_status_path": None}
    url = case_status_url(case.number)
    return {
        "case_status_path": case_status_path(case.number),
        "case_status_url": url,
        "case_status_qr": qr_data_uri(url),
    }


def case_api_status_url(case) -> str:
    """``status_url`` of the case's API detail (``servicedesk.hooks``)."""
    return case_status_url(case.number)
