"""Reads of the quality information forms 产品质量信息传递处置单 and the escalations 上报.

Both are seen by whoever sees their case (``visible_to``: a store its store's
cases, a supplier nothing), so a form or an escalation outside the scope is a 404.
"""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet
from django.shortcuts import get_object_or_404

from servicedesk.models import ServiceCase
from servicedesk.models.quality_forms import Escalation, EscalationAcknowledgement, QualityForm
from servicedesk.services.quality_forms import escalation_roles_of

FORM_RELATED = ("service_case", "style", "drafted_by", "approved_by")
ESCALATION_RELATED = ("service_case__store", "service_case__customer", "service_case__style", "raised_by")


def qualityform_get(user, case_pk: int) -> QualityForm:
    """The form of a case the user sees (404 when the case is out of scope or has no form)."""
    # __pk, not the foreign key's column: an id past the database's integers then finds nothing instead of failing.
    forms = QualityForm.objects.visible_to(user).select_related(*FORM_RELATED)
    return get_object_or_404(forms, service_case__pk=case_pk)


def qualityform_of_case(user, case: ServiceCase) -> QualityForm | None:
    """The case's form, or None (the case was read through the selector already)."""
    return QualityForm.objects.visible_to(user).select_related(*FORM_RELATED).filter(service_case=case).first()


def _with_acknowledgements(queryset: QuerySet) -> QuerySet:
    return queryset.select_related(*ESCALATION_RELATED).prefetch_related(
        Prefetch(
            "acknowledgements",
            queryset=EscalationAcknowledgement.objects.select_related("acknowledged_by").order_by("acknowledged_at"),
        )
    )


def escalation_list(user, *, pending: bool | None = None) -> QuerySet[Escalation]:
    """The escalations the user sees, newest first; ``pending`` narrows to those the user's roles (QA, the VP)
    have not all acknowledged (True) or have (False). A user of neither role has nothing pending."""
    queryset = _with_acknowledgements(Escalation.objects.visible_to(user)).order_by("-raised_at", "-id")
    if pending is None:
        return queryset
    roles = escalation_roles_of(user)
    if not roles:
        return queryset.none() if pending else queryset
    waiting = Escalation.objects.pending_for(roles).values("pk")
    return queryset.filter(pk__in=waiting) if pending else queryset.exclude(pk__in=waiting)


def escalation_get(user, pk: int) -> Escalation:
    return get_object_or_404(_with_acknowledgements(Escalation.objects.visible_to(user)), pk=pk)


def escalations_of_case(user, case: ServiceCase) -> list[Escalation]:
    return list(_with_acknowledgements(Escalation.objects.visible_to(user)).filter(service_case=case).order_by("id"))


def escalations_pending_count(user):
    """What the home page counts for QA and the VP: the escalations still waiting for the user's roles (a QuerySet,
    counted with the other tiles in one statement)."""
    roles = escalation_roles_of(user)
    if not roles:
        return Escalation.objects.none()
    return Escalation.objects.visible_to(user).pending_for(roles)
