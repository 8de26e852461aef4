"""Every read of on-site service 现场服务: a case's visits, one visit, a technician's visits waiting.

A visit is seen by whoever sees its case (``Visit.objects.visible_to``), so a
visit of a case outside the scope is a 404, like the case.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from aftersales.models import TransitionLog
from servicedesk.choices import VISIT_OPEN_STATES
from servicedesk.models import ServiceCase, Visit, VisitTechnician

VISIT_RELATED = ("service_case", "dispatched_by", "arrival_recorded_by", "signature")


def _crew():
    return Prefetch("crew", queryset=VisitTechnician.objects.select_related("user").order_by("-lead", "id"))


def visit_list(user) -> QuerySet:
    """The visits the user may see, each with its case, crew and signature fetched once per page."""
    return Visit.objects.visible_to(user).select_related(*VISIT_RELATED).prefetch_related(_crew())


def case_visits(user, case: ServiceCase) -> QuerySet:
    """A case's visits, newest first (the case is already within the user's scope)."""
    return visit_list(user).filter(service_case=case).order_by("-id")


def visit_get(user, pk, *, case_pk=None) -> Visit:
    """One visit within the user's scope (and of ``case_pk`` when given): 404 otherwise."""
    queryset = visit_list(user).select_related("service_case__customer", "service_case__store")
    if case_pk is not None:
        queryset = queryset.filter(service_case__pk=case_pk)
    return get_object_or_404(queryset, pk=pk)


def visits_waiting_for(user) -> QuerySet:
    """The visits a technician is sent on that wait for them (on their way or on site), the earliest due first."""
    return visit_list(user).filter(crew__user=user, state__in=VISIT_OPEN_STATES).order_by("arrival_due", "id")


def visit_timeline(visit: Visit) -> QuerySet:
    return TransitionLog.objects.for_object(visit).select_related("actor").order_by("at", "id")
