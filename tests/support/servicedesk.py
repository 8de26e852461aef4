"""Service desk cases put into each state through the services, and one snapshot for the refusal battery."""

from __future__ import annotations

import datetime as dt

from django.contrib.auth import get_user_model
from django.utils import timezone

from aftersales.models import TransitionLog
from servicedesk import services
from servicedesk.choices import CaseKind, Channel, Outcome
from servicedesk.models import PhoneAccessLog, ServiceCase, ServiceCaseAttachment
from stores.models import Store

CALLER = {"name": "李娜", "phone": "13800138000", "province": "广东", "consent": True}


def user(username: str):
    return get_user_model().objects.get(username=username)


def open_case(*, by: str = "hotline1", store: str = "S001", **fields) -> ServiceCase:
    """A complaint about a store's product, logged by the hotline (or, ``channel=in_store``, by a store)."""
    values = {
        "channel": Channel.PHONE,
        "kind": CaseKind.COMPLAINT,
        "description": "羽绒服跑绒",
        "customer": CALLER,
        "store": Store.objects.get(code=store),
    }
    return services.servicecase_open(user=user(by), **{**values, **fields})


def in_store_case() -> ServiceCase:
    return open_case(by="store1", channel=Channel.IN_STORE)


def in_progress(case: ServiceCase | None = None) -> ServiceCase:
    case = case or open_case()
    return services.servicecase_respond(user=user("hotline1"), case=case, method="phone", message="已回电")


def resolved(case: ServiceCase | None = None) -> ServiceCase:
    return services.servicecase_resolve(
        user=user("hotline1"), case=in_progress(case), resolution="已换新", outcome=Outcome.EXCHANGED
    )


def closed() -> ServiceCase:
    return services.servicecase_follow_up(user=user("hotline1"), case=resolved(), satisfaction=5)


def future(days: int = 3) -> str:
    return (timezone.now() + dt.timedelta(days=days)).isoformat()


def snapshot(case: ServiceCase):
    """Everything a refused request must leave as it was: the row, its log, its photos and the phone log."""
    row = ServiceCase.objects.filter(pk=case.pk).values().get()
    row.pop("updated_at")
    return (
        row,
        list(TransitionLog.objects.for_object(case).values_list("transition", "target_state")),
        ServiceCaseAttachment.objects.filter(service_case=case).count(),
        ServiceCase.objects.count(),
    )


def phone_views() -> int:
    return PhoneAccessLog.objects.count()


def intake_form_data(**overrides) -> dict:
    """The desk's intake form as the agent sends it for ``CALLER``; an override of None leaves that field out."""
    data = {
        "phone": CALLER["phone"],
        "name": CALLER["name"],
        "province": CALLER["province"],
        "consent": "on",
        "channel": "phone",
        "kind": "complaint",
        "severity": "normal",
        "description": "羽绒服跑绒",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not None}
