"""Every read of the service desk: the queue, a case, the phone lookup, the follow-up list and how a phone shows.

Lists start from ``visible_to(user)`` (a store its cases, a region its stores',
suppliers none), so a case outside the scope is a 404.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from aftersales.models import TransitionLog
from cases.models import Return
from cases.permissions import mask_email, mask_name, mask_phone
from servicedesk import permissions
from servicedesk.choices import CASE_OPEN_STATES, CaseState
from servicedesk.filters import ServiceCaseFilter
from servicedesk.models import Customer, ServiceCase

LIST_RELATED = ("customer", "store", "style", "owner")


def servicecase_list(user, *, filters: dict | None = None, now: dt.datetime | None = None) -> QuerySet:
    """The cases the user may see, filtered by the shared FilterSet (``?phone=``, ``?state=``, ``?kind=``…)."""
    queryset = ServiceCase.objects.visible_to(user).select_related(*LIST_RELATED)
    if filters is not None:
        queryset = ServiceCaseFilter(filters, queryset=queryset, request=None).qs
    return queryset


# What a row of the desk's queue and its case list show (and export): the case's own columns and three joined
# names, as plain dicts. Issue 14's bench found the queue 4–5× the bare list of the same rows: first building every
# column of five joined tables (the customer's archive, the style, the owner's password hash) that no row shows,
# then, with ``only()``, still four model instances a row (case, customer, store, owner); a ``values()`` row is
# one dict.
QUEUE_FIELDS = (
    "id",
    "number",
    "kind",
    "severity",
    "state",
    "major_incident",
    "next_due",
    "first_response_warn",
    "appointment_warn",
    "resolution_warn",
    "arrival_warn",
    "created_at",
    "customer_id",
    "customer__name",
    "customer__phone",
    "store__code",
    "owner_id",
    "owner__username",
    "owner__first_name",
    "owner__last_name",
)


def queue_rows(queryset: QuerySet) -> QuerySet:
    """Cases as dicts of only what a queue row shows (``QUEUE_FIELDS``), in one query."""
    return queryset.select_related(None).values(*QUEUE_FIELDS)


def queue_narrow(queryset: QuerySet, user, *, view: str = "", now: dt.datetime | None = None) -> QuerySet:
    """Running cases of ``queryset``, nearest due first, narrowed to one of the queue's views; the order reads
    ``servicecase_queue_idx``."""
    now = now or timezone.now()
    queryset = queryset.filter(next_due__isnull=False).order_by("next_due", "id")
    if view == "mine":
        queryset = queryset.filter(owner=user)
    elif view == "unassigned":
        queryset = queryset.filter(owner__isnull=True)
    elif view == "breached":
        queryset = queryset.filter(next_due__lt=now)
    elif view == "due_soon":
        queryset = queryset.filter(
            Q(first_response_warn__lte=now)
            | Q(appointment_warn__lte=now)
            | Q(resolution_warn__lte=now)
            | Q(arrival_warn__lte=now),
            next_due__gte=now,
        )
    return queryset


def servicecase_queue(user, *, view: str = "", now: dt.datetime | None = None) -> QuerySet:
    """The desk's queue 工作台: running cases, nearest due first (views: mine, unassigned, due_soon, breached), as
    ``queue_rows`` dicts."""
    return queue_narrow(queue_rows(ServiceCase.objects.visible_to(user)), user, view=view, now=now)


def servicecase_get(user, pk) -> ServiceCase:
    return get_object_or_404(
        ServiceCase.objects.visible_to(user)
        .select_related(*LIST_RELATED, "opened_by", "logging_store")
        .prefetch_related(
            Prefetch("returns", queryset=Return.objects.select_related("store", "style").order_by("-id")),
            "attachments",
        ),
        pk=pk,
    )


def follow_up_list(user) -> QuerySet:
    """Resolved cases waiting for their callback 待回访, the longest waiting first."""
    return (
        ServiceCase.objects.visible_to(user)
        .filter(state=CaseState.RESOLVED)
        .select_related(*LIST_RELATED)
        .order_by("resolved_at", "id")
    )


def servicecase_timeline(case: ServiceCase) -> QuerySet:
    """Every transition and action of the case, oldest first (the promise changes among them)."""
    return TransitionLog.objects.for_object(case).select_related("actor").order_by("at", "id")


def customer_get(user, pk) -> Customer:
    return get_object_or_404(Customer.objects.visible_to(user), pk=pk)


def customer_by_phone(user, phone: str) -> Customer | None:
    """The customer with this phone (one record per phone), if the user may read the archive."""
    from servicedesk.services import phone_clean

    phone = phone_clean(phone)
    if not phone:
        return None
    return Customer.objects.visible_to(user).filter(phone=phone).first()


def customer_cases(user, customer: Customer) -> QuerySet:
    return ServiceCase.objects.visible_to(user).filter(customer=customer).select_related(*LIST_RELATED).order_by("-id")


def customer_returns(user, customer: Customer) -> QuerySet:
    return Return.objects.visible_to(user).filter(customers=customer).select_related("store", "style").order_by("-id")


def case_contact(case: ServiceCase, user) -> dict:
    """The case's customer as this viewer may see them: ``full`` says the phone is shown whole (and must be logged)."""
    customer = case.customer
    if customer is None:
        return {"name": "", "phone": "", "email": "", "province": "", "full": False}
    if permissions.sees_full_phone(case, user):
        return {
            "name": customer.name,
            "phone": customer.phone,
            "email": customer.email,
            "province": customer.province,
            "full": bool(customer.phone),
        }
    return {
        "name": mask_name(customer.name),
        "phone": mask_phone(customer.phone),
        "email": mask_email(customer.email),
        "province": customer.province,
        "full": False,
    }


def open_case_count(user) -> int:
    return ServiceCase.objects.visible_to(user).filter(state__in=CASE_OPEN_STATES).count()


def customer_list(user) -> QuerySet:
    """The archive (hotline only), each customer with their cases and Returns fetched once per page."""
    return Customer.objects.visible_to(user).prefetch_related(
        Prefetch(
            "cases",
            queryset=ServiceCase.objects.select_related("store").order_by("-id"),
            to_attr="listed_cases",
        ),
        Prefetch(
            "returns",
            queryset=Return.objects.select_related("store", "style").order_by("-id"),
            to_attr="listed_returns",
        ),
    )
